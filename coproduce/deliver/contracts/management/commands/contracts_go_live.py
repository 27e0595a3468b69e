"""``manage.py contracts_go_live``: mark the contracts whose start date has come as running.

Run it once a day (cron or a systemd timer until the scheduler of issue 18 runs it; see
docs/contracts.md). A contract confirmed or recorded with a start date of today or earlier
is running at once; this command moves the others ("Getting ready to start") on their
start date. Safe to run as often as you like: each contract is moved once.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from coproduce.deliver.contracts.services import contracts_go_live


class Command(BaseCommand):
    help = "Mark the contracts whose start date has come as running (each is moved once)."

    def add_arguments(self, parser):
        parser.add_argument("--today", default="", help="Run as if it were this date (YYYY-MM-DD).")

    def handle(self, *args, **options):
        today = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("Give --today as a date like 2027-03-31.") from None
        moved = contracts_go_live(today=today)
        noun = "contract" if moved == 1 else "contracts"
        self.stdout.write(self.style.SUCCESS(f"{moved} {noun} started running."))
