"""``manage.py refresh_search_vectors``: write every tender's stored search vector again.

The services keep ``Tender.search_vector`` up to date; run this after changing rows
another way (a service area renamed by a data migration, rows loaded with ``bulk_create``
or ``loaddata``). One UPDATE; safe to run at any time. Does nothing on SQLite, where the
search does not use the column.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from coproduce.procure.tenders.services_search import tender_search_vectors_refresh


class Command(BaseCommand):
    help = "Write the stored search vector of every tender again (PostgreSQL)."

    def handle(self, *args, **options):
        with transaction.atomic():
            written = tender_search_vectors_refresh()
        noun = "tender" if written == 1 else "tenders"
        self.stdout.write(self.style.SUCCESS(f"Search vectors written for {written:,} {noun}."))
