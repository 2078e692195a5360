"""``manage.py make_briefing_book MAP -o FILE.pdf`` (or ``--strategy PAGE``): a briefing book
of the public pages, written to a file; a progress bar on a terminal."""

import logging
import sys
from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError

from books import services
from strategy.models import Strategy, StrategyMap

# WeasyPrint's steps, as its progress logger names them ("Step 5 - Creating layout - Page 3").
STEPS = 7
BAR_WIDTH = 30


class ProgressBar(logging.Handler):
    """Draws WeasyPrint's progress on one line of ``stream``."""

    def __init__(self, stream):
        super().__init__()
        self.stream = stream

    def emit(self, record):
        message = record.getMessage()
        try:
            step = int(message.split()[1])
        except (IndexError, ValueError):
            return
        done = round(BAR_WIDTH * min(step, STEPS) / STEPS)
        bar = "#" * done + "-" * (BAR_WIDTH - done)
        self.stream.write(f"\r[{bar}] {message[:60]:<60}")
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Write the briefing book of a map (with every page on it and on its zoom maps) or, "
        "with --strategy, of one strategy page, as a PDF. Public pages only: no draft."
    )

    def add_arguments(self, parser):
        parser.add_argument("map", nargs="?", help="the map's slug (its address /maps/SLUG/)")
        parser.add_argument("--strategy", metavar="SLUG", help="one strategy page instead")
        parser.add_argument("-o", "--output", required=True, metavar="FILE.pdf")

    def handle(self, *args, map=None, strategy=None, output, **options):
        if bool(map) == bool(strategy):
            raise CommandError(
                "Name a map's slug, or a strategy page's with --strategy (not both)."
            )
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"Cannot write {output}: the folder {path.parent} does not exist.")
        if path.is_dir():
            raise CommandError(f"Cannot write {output}: it is a folder; name a file.")
        reader = AnonymousUser()
        if strategy:
            page = Strategy.objects.visible_to(reader).filter(slug=strategy).first()
            if page is None:
                raise CommandError(f"No published strategy page “{strategy}”.")
            build = lambda: services.page_book_pdf(page, reader)  # noqa: E731
        else:
            found = StrategyMap.objects.filter(slug=map).first()
            if found is None:
                raise CommandError(f"No map “{map}”.")
            build = lambda: services.map_book_pdf(found, reader)  # noqa: E731
        pdf = self._with_progress(build)
        try:
            path.write_bytes(pdf)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from error
        if options["verbosity"] > 0:
            self.stdout.write(f"Wrote {output} ({len(pdf) // 1024} KB).")

    def _with_progress(self, build):
        if not sys.stderr.isatty():
            return build()
        logger = logging.getLogger("weasyprint.progress")
        handler = ProgressBar(sys.stderr)
        old_level, old_propagate = logger.level, logger.propagate
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False  # the bar only, not the log lines
        try:
            return build()
        finally:
            logger.removeHandler(handler)
            logger.setLevel(old_level)
            logger.propagate = old_propagate
            sys.stderr.write("\n")
