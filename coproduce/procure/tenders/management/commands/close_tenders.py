"""``manage.py close_tenders``: close every open tender whose closing date has passed.

Run it every minute (cron or a systemd timer; see docs/tenders.md). Safe to run as often
as you like: a tender is closed once, and a run with nothing due does nothing.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from coproduce.foundation.core.templatetags.govuk import uk_datetime
from coproduce.procure.tenders.services import tenders_close_due


class Command(BaseCommand):
    help = "Close every open tender whose deadline has passed (by the server clock)."

    def handle(self, *args, **options):
        closed = tenders_close_due(now=timezone.now())
        for tender in closed:
            self.stdout.write(
                f"Closed {tender.reference} {tender.title} "
                f"(closing date {uk_datetime(tender.deadline)})"
            )
        noun = "tender" if len(closed) == 1 else "tenders"
        self.stdout.write(self.style.SUCCESS(f"Closed {len(closed)} {noun}."))
