"""``manage.py remind_late_returns``: email providers whose monitoring returns are late.

Run it once a day (cron or a systemd timer until the scheduler of issue 18 runs it; see
docs/monitoring.md). Safe to run as often as you like: each late return is reminded at
most once in 7 days, and every reminder is recorded, so a rerun sends nothing twice.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from coproduce.deliver.monitoring.tasks import remind_late_returns


class Command(BaseCommand):
    help = "Queue the daily reminders of late monitoring returns (nothing is sent twice)."

    def add_arguments(self, parser):
        parser.add_argument("--today", default="", help="Run as if it were this date (YYYY-MM-DD).")

    def handle(self, *args, **options):
        today = options["today"]
        if today:
            try:
                today = dt.date.fromisoformat(today).isoformat()
            except ValueError:
                raise CommandError("Give --today as a date like 2027-03-31.") from None
        result = remind_late_returns.enqueue(today=today)
        if result.status == "SUCCESSFUL":
            n = result.return_value
            noun = "reminder" if n == 1 else "reminders"
            self.stdout.write(self.style.SUCCESS(f"Sent {n} {noun} of late returns."))
        else:
            self.stdout.write(f"Queued the reminders of late returns (task {result.id}).")
