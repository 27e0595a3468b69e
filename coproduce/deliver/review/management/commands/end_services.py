"""``manage.py end_services``: end the services whose notice has run its course.

Run it once a day (cron or a systemd timer until the scheduler of issue 18 runs it; see
docs/review.md). For each decommissioning whose last day of service is past, the contract
becomes "ended"; once every transition action is done or explained the project becomes
decommissioned. Safe to run as often as you like: each is changed once.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from coproduce.deliver.review.services import decommissioning_end_due


class Command(BaseCommand):
    help = "End the services whose notice period and last day have passed."

    def add_arguments(self, parser):
        parser.add_argument("--today", default="", help="Run as if it were this date (YYYY-MM-DD).")

    def handle(self, *args, **options):
        today = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("Give --today as a date like 2027-03-31.") from None
        ended = decommissioning_end_due(today=today)
        noun = "service" if len(ended) == 1 else "services"
        self.stdout.write(self.style.SUCCESS(f"Ended {len(ended)} {noun}."))
        for d in ended:
            self.stdout.write(f"{d.reference}: {d.project.reference} {d.project.title}")
