from django.core.management.base import BaseCommand
from django.template.defaultfilters import pluralize

from accounts.people import not_written_to, person_name
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
                f"{person_name(person, '')} <{person.email}>: "
                f"{len(changes)} change{pluralize(len(changes))} "
                f"on {pages} page{pluralize(pages)}"
            )
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {run.emails} digest e-mail{pluralize(run.emails)}.")
        )
        if skipped := not_written_to(
            [
                (run.already_sent, "already had today's digest"),
                (run.nothing_changed, "had no changes to their pages"),
                (run.turned_off, "had turned it off"),
            ]
        ):
            self.stdout.write(skipped)
