"""Changes to a published tender: the closing date rule at its boundary, numbering, notices."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from coproduce.foundation.accounts.tests.factories import make_member
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.plan.procurement_rules.selectors import minimum_deadline, rulebook_on
from coproduce.procure.tenders import tasks_notify
from coproduce.procure.tenders.models import AlertDelivery, Amendment, TenderStatus
from coproduce.procure.tenders.selectors_clarifications import amendments_requiring_reconfirmation
from coproduce.procure.tenders.services_clarifications import tender_amend, tender_follow
from coproduce.procure.tenders.tests.factories import make_tender

pytestmark = pytest.mark.django_db

FIVE_PM = dt.time(17, 0)


def _at(day: dt.date, time: dt.time = FIVE_PM) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def _minimum(tender) -> dt.date:
    """From the table: the original minimum period, and the days that must be left."""
    original, _rules = minimum_deadline(
        publish_on=timezone.localdate(tender.published_at),
        planned_notice_on=tender.planned_notice_on,
        light_touch=tender.service_area.light_touch,
    )
    today = timezone.localdate()
    left = today + dt.timedelta(days=rulebook_on(today).value("amendment.minimum_days_left"))
    return max(original, left)


def test_deadline_exactly_at_the_minimum_does_not_move(commissioner):
    tender = make_tender(actor=commissioner)
    minimum = _minimum(tender)
    tender.deadline = _at(minimum)
    tender.save()
    amendment = tender_amend(
        actor=commissioner,
        tender=tender,
        summary="Pricing schedule corrected.",
        reason="A formula was wrong.",
        changes={"documents": ["Pricing schedule"]},
    )
    tender.refresh_from_db()
    assert tender.deadline == _at(minimum)
    assert amendment.previous_deadline == amendment.new_deadline == _at(minimum)
    assert "deadline_moved_to_minimum" not in amendment.changes
    assert amendment.changes["documents"] == ["Pricing schedule"]


def test_deadline_one_day_short_of_the_minimum_moves_to_it_same_time(commissioner):
    tender = make_tender(actor=commissioner)
    minimum = _minimum(tender)
    short = _at(minimum - dt.timedelta(days=1), dt.time(12, 30))
    tender.deadline = short
    tender.save()
    amendment = tender_amend(
        actor=commissioner,
        tender=tender,
        summary="Lot 2 split.",
        reason="Market feedback.",
        changes={},
    )
    tender.refresh_from_db()
    assert tender.deadline == _at(minimum, dt.time(12, 30))
    assert amendment.previous_deadline == short
    assert amendment.new_deadline == tender.deadline
    assert amendment.changes["deadline_moved_to_minimum"] == minimum.isoformat()
    event = AuditEvent.objects.get(verb="tenders.tender.amended")
    assert event.reason == "Market feedback."
    assert event.changes["amendment"] == 1
    assert "deadline" in event.changes


def test_a_new_deadline_earlier_than_the_minimum_is_moved_up_to_it(commissioner):
    tender = make_tender(actor=commissioner)
    minimum = _minimum(tender)
    amendment = tender_amend(
        actor=commissioner,
        tender=tender,
        summary="Shorter.",
        reason="Trying.",
        changes={},
        new_deadline=_at(timezone.localdate() + dt.timedelta(days=2)),
    )
    assert timezone.localtime(amendment.new_deadline).date() == minimum


def test_a_later_new_deadline_is_kept(commissioner):
    tender = make_tender(actor=commissioner)
    wanted = _at(_minimum(tender) + dt.timedelta(days=20))
    amendment = tender_amend(
        actor=commissioner,
        tender=tender,
        summary="More time.",
        reason="Requests from small organisations.",
        changes={},
        new_deadline=wanted,
    )
    tender.refresh_from_db()
    assert tender.deadline == wanted == amendment.new_deadline
    assert amendment.reconfirm_required


def test_amendments_are_numbered_and_double_submit_is_harmless(commissioner):
    tender = make_tender(actor=commissioner)
    a1 = tender_amend(actor=commissioner, tender=tender, summary="One.", reason="R.", changes={})
    again = tender_amend(actor=commissioner, tender=tender, summary="One.", reason="R.", changes={})
    a2 = tender_amend(actor=commissioner, tender=tender, summary="Two.", reason="R.", changes={})
    assert again.pk == a1.pk
    assert [a1.number, a2.number] == [1, 2]
    assert Amendment.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "kwargs", "code"),
    [
        ("reason", {"summary": "Changed.", "reason": " "}, "reason_required"),
        ("summary", {"summary": "", "reason": "Why."}, "required"),
    ],
)
def test_summary_and_reason_are_required(commissioner, field, kwargs, code):
    tender = make_tender(actor=commissioner)
    with pytest.raises(ServiceError) as err:
        tender_amend(actor=commissioner, tender=tender, changes={}, **kwargs)
    assert err.value.code == code and err.value.field == field
    assert not Amendment.objects.exists()


@pytest.mark.parametrize(
    ("status", "code"),
    [(TenderStatus.DRAFT, "tender_not_published"), (TenderStatus.CLOSED, "tender_closed")],
)
def test_draft_or_closed_tender_cannot_be_amended(commissioner, status, code):
    tender = make_tender(actor=commissioner, status=status)
    with pytest.raises(ServiceError) as err:
        tender_amend(actor=commissioner, tender=tender, summary="S.", reason="R.", changes={})
    assert err.value.code == code
    assert not Amendment.objects.exists()
    assert not AuditEvent.objects.filter(verb="tenders.tender.amended").exists()


def test_open_tender_past_its_deadline_cannot_be_amended(commissioner):
    tender = make_tender(actor=commissioner, deadline=timezone.now() - dt.timedelta(minutes=5))
    with pytest.raises(ServiceError) as err:
        tender_amend(actor=commissioner, tender=tender, summary="S.", reason="R.", changes={})
    assert err.value.code == "tender_closed"


@pytest.mark.parametrize("who", ["resident", "provider", "finance"])
def test_only_commissioners_amend(commissioner, request, who):
    tender = make_tender(actor=commissioner)
    with pytest.raises(NotFound):
        tender_amend(
            actor=request.getfixturevalue(who), tender=tender, summary="S.", reason="R.", changes={}
        )
    assert not Amendment.objects.exists()


def test_followers_are_told_once_even_if_the_task_runs_twice(
    commissioner, django_capture_on_commit_callbacks
):
    tender = make_tender(actor=commissioner)
    user, org = make_member(name="Hidden Name Trust")
    colleague, _ = make_member(org)
    tender_follow(actor=user, tender=tender, organisation=org)
    _stranger, _ = make_member()
    with django_capture_on_commit_callbacks(execute=True):
        amendment = tender_amend(
            actor=commissioner, tender=tender, summary="New map.", reason="Boundary.", changes={}
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([user.email, colleague.email])
    assert "Boundary." in mail.outbox[0].body
    tasks_notify.send_amendment_notifications.call(amendment_id=amendment.pk)
    tasks_notify.send_amendment_notifications.call(amendment_id=amendment.pk)
    assert len(mail.outbox) == 2
    assert AlertDelivery.objects.filter(kind="amendment", event_key="1").count() == 2


def test_amendments_requiring_reconfirmation_after_a_moment(commissioner):
    tender = make_tender(actor=commissioner)
    a1 = tender_amend(actor=commissioner, tender=tender, summary="One.", reason="R.", changes={})
    between = timezone.now()
    Amendment.objects.filter(pk=a1.pk).update(made_at=between - dt.timedelta(seconds=1))
    a2 = tender_amend(actor=commissioner, tender=tender, summary="Two.", reason="R.", changes={})
    assert list(amendments_requiring_reconfirmation(tender, between)) == [a2]
    assert list(amendments_requiring_reconfirmation(tender, between - dt.timedelta(hours=1))) == [
        a1,
        a2,
    ]


def test_an_old_tender_keeps_the_minimum_days_left_after_a_change_from_the_table(commissioner):
    """Published long ago: the original period is over, so the "days left" rule decides."""
    tender = make_tender(actor=commissioner)
    tender.published_at = timezone.now() - dt.timedelta(days=60)
    tender.deadline = _at(timezone.localdate() + dt.timedelta(days=3))
    tender.save(update_fields=["published_at", "deadline"])
    days_left = rulebook_on(timezone.localdate()).value("amendment.minimum_days_left")
    amendment = tender_amend(
        actor=commissioner,
        tender=tender,
        summary="Added a lot for the east of the borough.",
        reason="Providers asked for smaller contracts.",
        changes={},
    )
    expected = timezone.localdate() + dt.timedelta(days=days_left)
    assert timezone.localtime(amendment.new_deadline).date() == expected
    assert amendment.changes["deadline_moved_to_minimum"] == expected.isoformat()
