"""Closing tenders when their deadline passes: the service, the command and the task."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from coproduce.foundation.core.models import AuditEvent
from coproduce.procure.tenders.models import TenderStatus
from coproduce.procure.tenders.services import tenders_close_due
from coproduce.procure.tenders.tasks_close import close_due_tenders
from coproduce.procure.tenders.tests.factories import make_tender

pytestmark = pytest.mark.django_db


def _past(hours: float = 1) -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=hours)


def test_closes_only_open_tenders_past_their_deadline(commissioner):
    due = make_tender(actor=commissioner, deadline=_past(), title="Due")
    later = make_tender(actor=commissioner, title="Still open")
    draft = make_tender(actor=commissioner, status=TenderStatus.DRAFT, title="Draft")
    cancelled = make_tender(actor=commissioner, status=TenderStatus.CANCELLED, title="Gone")
    closed = tenders_close_due()
    assert [t.pk for t in closed] == [due.pk]
    for tender, status in [
        (due, "closed"),
        (later, "open"),
        (draft, "draft"),
        (cancelled, "cancelled"),
    ]:
        tender.refresh_from_db()
        assert tender.status == status
    event = AuditEvent.objects.get(verb="tenders.tender.closed")
    assert event.actor_id is None and event.changes == {"status": ["open", "closed"]}


def test_the_deadline_itself_counts_as_passed(commissioner):
    now = timezone.now()
    tender = make_tender(actor=commissioner, deadline=now)
    assert [t.pk for t in tenders_close_due(now=now - dt.timedelta(seconds=1))] == []
    assert [t.pk for t in tenders_close_due(now=now)] == [tender.pk]


def test_running_again_closes_nothing_and_writes_no_audit(commissioner):
    make_tender(actor=commissioner, deadline=_past())
    assert len(tenders_close_due()) == 1
    assert tenders_close_due() == []
    assert AuditEvent.objects.filter(verb="tenders.tender.closed").count() == 1


def test_command_prints_what_it_closed(commissioner):
    first = make_tender(actor=commissioner, deadline=_past(2), title="Lunch clubs")
    second = make_tender(actor=commissioner, deadline=_past(1), title="Home care")
    out = StringIO()
    call_command("close_tenders", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"Closed {first.reference} Lunch clubs (closing date ")
    assert "(UK time)" in lines[0]
    assert lines[1].startswith(f"Closed {second.reference} Home care")
    assert lines[-1] == "Closed 2 tenders."
    out = StringIO()
    call_command("close_tenders", stdout=out)
    assert out.getvalue().strip() == "Closed 0 tenders."


def test_task_closes_due_tenders(commissioner):
    due = make_tender(actor=commissioner, deadline=_past())
    make_tender(actor=commissioner, title="Still open")
    result = close_due_tenders.enqueue()
    assert result.return_value == [due.reference]
    due.refresh_from_db()
    assert due.status == TenderStatus.CLOSED
    assert close_due_tenders.enqueue().return_value == []
