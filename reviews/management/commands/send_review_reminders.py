from django.core.management.base import BaseCommand

from reviews.services import send_review_reminders


class Command(BaseCommand):
    help = (
        "E-mail the page manager and experts of every public page due for review "
        "(due today or earlier, or never reviewed), at most once per page per day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the pages and the people who would be e-mailed; send and record nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        run = send_review_reminders(dry_run=dry_run)
        for page, people in run.sent:
            names = ", ".join(f"{person.name} <{person.user.email}>" for person in people)
            self.stdout.write(f"{page.title}: {names}")
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {run.emails} reminder e-mail{'s' * (run.emails != 1)} "
                f"about {run.pages} page{'s' * (run.pages != 1)}."
            )
        )
