from django.core.management.base import BaseCommand

from changes.services import send_watch_digests


class Command(BaseCommand):
    help = (
        "E-mail each person the changes others made to the pages they watch since their "
        "last digest, at most once a day, and nothing when nothing changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List who would be e-mailed and their changes; send and record nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        run = send_watch_digests(dry_run=dry_run)
        for person, changes in run.sent:
            pages = len({change.page.pk for change in changes})
            self.stdout.write(
                f"{person.get_full_name() or person.get_username()} <{person.email}>: "
                f"{len(changes)} change{'s' * (len(changes) != 1)} "
                f"on {pages} page{'s' * (pages != 1)}"
            )
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {run.emails} digest e-mail{'s' * (run.emails != 1)}.")
        )
