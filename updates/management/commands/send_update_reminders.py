from django.core.management.base import BaseCommand
from django.template.defaultfilters import pluralize

from accounts.people import not_written_to, person_name
from updates.services import send_update_reminders


class Command(BaseCommand):
    help = (
        "E-mail each page manager and editor what is due for them (values to enter, actions "
        "to update, reviews to answer, pages to review; editors also what nobody is named "
        "for), at most once a week per person, never when nothing is due, and not to those "
        "who turned it off."
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
            self.stdout.write(f"{person_name(person, '')} <{person.email}>: {queue.summary}")
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {run.emails} weekly e-mail{pluralize(run.emails)} "
                f"listing {run.items} update{pluralize(run.items)}."
            )
        )
        if skipped := not_written_to(
            [
                (run.already_sent, "already had this week's e-mail"),
                (run.nothing_due, "had nothing due"),
                (run.turned_off, "had turned it off"),
            ]
        ):
            self.stdout.write(skipped)
