"""Background job: tell people about a newly published opportunity.

Enqueued by ``tender_publish`` with ``transaction.on_commit``. Safe to run again (or to
retry after a crash part-way through): each person is recorded in ``AlertDelivery`` in
the same transaction as their email, and people already recorded are skipped.
"""

from __future__ import annotations

from django_tasks import task

from .models import Tender, TenderStatus
from .services_alerts import alert_deliver_new_tender, new_tender_recipients


@task()
def send_new_tender_alerts(tender_id: int) -> int:
    """Email everyone whose saved search or organisation matches the tender; returns how many
    were emailed by this run (0 when everyone had already been told, or the tender is not
    published)."""
    tender = (
        Tender.objects.select_related("service_area")
        .filter(pk=tender_id, published_at__isnull=False)
        .exclude(status=TenderStatus.DRAFT)
        .first()
    )
    if tender is None:
        return 0
    sent = 0
    for reason in new_tender_recipients(tender):
        if alert_deliver_new_tender(tender=tender, reason=reason):
            sent += 1
    return sent
