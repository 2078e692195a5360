from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from mediawiki.importer import ImportFailed, import_dump


def _plain(text: str) -> str:
    return text  # progress is not an error: no red


class Command(BaseCommand):
    help = (
        "Import the old strategy wiki from a MediaWiki XML export (Special:Export or "
        "dumpBackup.php, schema 0.10 or 0.11): maps, strategy pages, programs, resources, "
        "scorecards, experts and reviews. Running it again with the same file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The XML export, read as a stream (any size).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do everything, print the report, then roll it all back.",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the pages the file holds (“Under construction” where a part is); "
            "without it new pages are drafts.",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Who is importing (a username or e-mail address of an editor): the history "
            "credits each imported change to them. Without it the changes are credited to "
            "“system”.",
        )
        parser.add_argument(
            "--keep-going",
            action="store_true",
            help="Skip a page that fails, report it, and import the rest.",
        )

    def handle(self, *args, **options):
        user = self._user(options["user"]) if options["user"] else None
        try:
            report = import_dump(
                source=options["file"],
                user=user,
                publish=options["publish"],
                keep_going=options["keep_going"],
                dry_run=options["dry_run"],
                progress=self._progress() if self.stderr.isatty() else None,
            )
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {options['file']}") from error
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror}") from error
        except ImportFailed as error:
            raise CommandError(error.message) from error
        except PermissionDenied as error:
            raise CommandError(
                f"{options['user']} is not an editor, and only editors import from MediaWiki "
                "(an import may change every page). Nothing was imported."
            ) from error
        finally:
            if self.stderr.isatty():
                self.stderr.write("\r\033[K", style_func=_plain, ending="")
        for line in report.lines():
            self.stdout.write(line)

    def _user(self, name: str):
        name = name.strip()
        found = list(get_user_model().objects.filter(Q(username=name) | Q(email__iexact=name))[:2])
        if len(found) != 1:
            problem = "No account has" if not found else "More than one account has"
            raise CommandError(
                f"{problem} the username or e-mail address “{name}”; --user names the person "
                "who imports. Nothing was imported."
            )
        if not found[0].is_active:
            raise CommandError(f"The account “{name}” is deactivated. Nothing was imported.")
        return found[0]

    def _progress(self):
        def show(done: int, total: int | None) -> None:
            # On a terminal only: one line, rewritten in place every 25 pages.
            if done % 25 and done != total:
                return
            if total is None:
                line = f"\rReading the file: page {done}…"
            else:
                line = f"\rImporting page {done} of {total}…\033[K"
            self.stderr.write(line, style_func=_plain, ending="")
            self.stderr.flush()

        return show
