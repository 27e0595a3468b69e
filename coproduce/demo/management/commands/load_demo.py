"""``manage.py load_demo``: load the fictional Riverside Borough Council (idempotent)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from coproduce.demo import data


class Command(BaseCommand):
    help = "Load the Riverside demo council. Safe to run again: only missing objects are created."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Allow loading in production.")

    def handle(self, *args, force: bool = False, **options):
        if settings.PRODUCTION and not force:
            raise CommandError("Refusing to load demo accounts in production (use --force).")
        # The demo's people are fictional: keep the emails its services send (new-tender
        # alerts, answers, confirmations) off the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            created = data.load()
        if any(created.values()):
            self.stdout.write(
                self.style.SUCCESS(
                    "Demo council loaded: "
                    + ", ".join(f"{n} {k}" for k, n in created.items())
                    + f". Demo accounts use the password {data.DEMO_PASSWORD!r}."
                )
            )
        else:
            self.stdout.write("Demo council already loaded; nothing to add.")
