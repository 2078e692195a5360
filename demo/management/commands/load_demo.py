from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.data import load_demo
from strategy.models import StrategyMap


class Command(BaseCommand):
    help = "Load the opioid demo: maps, strategy pages, a worked scorecard and one user per role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the site already has a strategy map (used by make run).",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and StrategyMap.objects.exists():
            self.stdout.write("The site already has content; the demo was not loaded.")
            return
        if settings.PRODUCTION:
            raise CommandError(
                "load_demo creates accounts with published passwords; "
                "it refuses to run when DJANGO_ENV=production."
            )
        report = load_demo()
        if not report.changed_anything:
            self.stdout.write("The demo is already loaded; nothing changed.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Created {report.describe()}."))
        self.stdout.write("Demo accounts (development only; passwords as first created):")
        for user in report.users:
            role = "superuser" if user.is_superuser else user.role
            self.stdout.write(f"  {user.username:<9} {user.password:<20} {role}")
