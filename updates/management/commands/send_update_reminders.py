from django.core.management.base import BaseCommand

from accounts.people import person_name
from updates.services import send_update_reminders


class Command(BaseCommand):
    help = (
        "E-mail each page manager and editor what is due for them (values to enter, actions "
        "to update, reviews to answer, pages to review), at most once a week per person, "
        "never when nothing is due, and not to those who turned it off."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the people who would be e-mailed and what is due; send and record nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        run = send_update_reminders(dry_run=dry_run)
        for person, queue in run.sent:
            counts = ", ".join(
                f"{group.count} {group.heading.lower()}" for group in queue.groups if group.count
            )
            self.stdout.write(f"{person_name(person, '')} <{person.email}>: {counts}")
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {run.emails} weekly e-mail{'s' * (run.emails != 1)} "
                f"listing {run.items} update{'s' * (run.items != 1)}."
            )
        )
