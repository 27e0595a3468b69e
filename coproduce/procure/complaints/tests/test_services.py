"""Complaint services: reference and response date from the rules table, status flow, audit."""

from __future__ import annotations

import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from coproduce.foundation.core.errors import IllegalTransition, NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.plan.procurement_rules.models import BankHoliday, ProcurementRule
from coproduce.procure.complaints import services as svc
from coproduce.procure.complaints.models import Complaint, ComplaintEvent
from coproduce.procure.complaints.selectors import complaint_blocks_award, is_overdue
from coproduce.procure.tenders.tests.factories import make_tender

pytestmark = pytest.mark.django_db


def data(**overrides) -> svc.ComplaintData:
    values = {
        "subject": "conditions",
        "details": "The deadline is too short for small charities.",
        "outcome_wanted": "Extend it.",
        "contact_name": "Ada Complainant",
        "contact_email": "ada@example.org",
    }
    values.update(overrides)
    return svc.ComplaintData(**values)


@pytest.fixture
def tender(commissioner):
    return make_tender(actor=commissioner)


@pytest.fixture
def complaint(tender):
    return svc.complaint_raise(actor=None, tender=tender, data=data())


def _rule(value: int, effective_from: dt.date) -> None:
    ProcurementRule.objects.update_or_create(
        key="complaints.response_working_days",
        route="",
        effective_from=effective_from,
        defaults={
            "value": value,
            "unit": "working_days",
            "label": "Days to respond to a complaint",
            "source_title": "Council complaints policy",
        },
    )


def test_raise_gives_a_reference_a_respond_by_date_and_an_acknowledgement(
    tender, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = svc.complaint_raise(actor=None, tender=tender, data=data())
    assert complaint.reference.startswith("C-") and len(complaint.reference) == 11
    assert complaint.status == "received"
    message = mail.outbox[0]
    assert message.to == ["ada@example.org"]
    assert complaint.reference in message.body
    assert f"{complaint.respond_by.day} {complaint.respond_by:%B %Y}" in message.body
    assert "/complaints/track/" in message.body
    assert AuditEvent.objects.filter(verb="complaints.complaint.raised").count() == 1


def test_respond_by_skips_a_bank_holiday_weekend_using_the_rules_table(tender):
    # Rows from the table: a 3-working-day rule and the Christmas 2026 bank holidays.
    _rule(3, dt.date(2026, 12, 1))
    for day, name in (
        (dt.date(2026, 12, 25), "Christmas Day"),
        (dt.date(2026, 12, 28), "Boxing Day (substitute day)"),
    ):
        BankHoliday.objects.get_or_create(date=day, defaults={"name": name})
    # Received Thursday 24 December 2026 (UK time): Friday 25 is a bank holiday, then the
    # weekend, then Monday 28 (substitute day): 29, 30, 31 December are the three days.
    received = dt.datetime(2026, 12, 24, 15, 0, tzinfo=ZoneInfo("Europe/London"))
    with mock.patch("django.utils.timezone.now", return_value=received):
        complaint = svc.complaint_raise(actor=None, tender=tender, data=data())
    assert complaint.respond_by == dt.date(2026, 12, 31)
    assert complaint.reference == "C-2026-0001"


def test_the_rule_in_force_on_the_day_received_is_used(tender):
    _rule(3, dt.date(2026, 12, 1))
    _rule(1, dt.date(2027, 1, 1))
    assert svc.respond_by_for(dt.date(2027, 1, 5)) == dt.date(2027, 1, 6)


def test_a_draft_tender_cannot_be_complained_about(commissioner):
    draft = make_tender(actor=commissioner, status="draft")
    with pytest.raises(NotFound):
        svc.complaint_raise(actor=None, tender=draft, data=data())
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("subject", "nonsense", "invalid_choice"),
        ("details", " ", "required"),
        ("contact_email", "nope", "invalid_email"),
    ],
)
def test_bad_complaints_are_refused_and_nothing_stored(tender, field, value, code):
    with pytest.raises(ServiceError) as exc:
        svc.complaint_raise(actor=None, tender=tender, data=data(**{field: value}))
    assert exc.value.code == code
    assert Complaint.objects.count() == 0


def test_an_organisation_is_only_recorded_for_its_members(tender, resident, provider, organisation):
    with pytest.raises(ServiceError) as exc:
        svc.complaint_raise(
            actor=resident, tender=tender, data=data(organisation_id=organisation.pk)
        )
    assert exc.value.code == "not_a_member"
    complaint = svc.complaint_raise(
        actor=provider, tender=tender, data=data(organisation_id=organisation.pk)
    )
    assert complaint.organisation == organisation and complaint.raised_by == provider


def test_legal_flow_records_an_event_per_change_and_audits(commissioner, complaint):
    svc.complaint_acknowledge(actor=commissioner, complaint=complaint, note="Thank you.")
    svc.complaint_start_review(actor=commissioner, complaint=complaint, note="Reviewing.")
    decided = svc.complaint_decide(
        actor=commissioner,
        complaint=complaint,
        upheld=True,
        response="You were right; we have extended the deadline.",
        published_outcome="Upheld: the closing date was extended by 10 days.",
    )
    assert decided.status == "upheld" and decided.decided_at is not None
    assert list(ComplaintEvent.objects.values_list("from_status", "to_status")) == [
        ("received", "acknowledged"),
        ("acknowledged", "under_review"),
        ("under_review", "upheld"),
    ]
    assert set(AuditEvent.objects.values_list("verb", flat=True)) >= {
        "complaints.complaint.acknowledged",
        "complaints.complaint.under_review",
        "complaints.complaint.upheld",
    }


def test_deciding_before_review_is_an_illegal_transition(commissioner, complaint):
    with pytest.raises(IllegalTransition) as exc:
        svc.complaint_decide(
            actor=commissioner,
            complaint=complaint,
            upheld=False,
            response="No",
            published_outcome="No",
        )
    assert exc.value.code == "illegal_transition"
    complaint.refresh_from_db()
    assert complaint.status == "received" and ComplaintEvent.objects.count() == 0


def test_deciding_needs_a_response_and_a_published_outcome(commissioner, complaint):
    svc.complaint_start_review(actor=commissioner, complaint=complaint, note="Reviewing.")
    with pytest.raises(ServiceError) as exc:
        svc.complaint_decide(
            actor=commissioner,
            complaint=complaint,
            upheld=False,
            response="Reasons",
            published_outcome=" ",
        )
    assert exc.value.code == "outcome_required"
    complaint.refresh_from_db()
    assert complaint.status == "under_review"


def test_acknowledging_twice_is_harmless(commissioner, complaint):
    svc.complaint_acknowledge(actor=commissioner, complaint=complaint, note="Thanks")
    svc.complaint_acknowledge(actor=commissioner, complaint=complaint, note="Thanks")
    assert ComplaintEvent.objects.count() == 1


@pytest.mark.parametrize("who", ["finance", "resident", "provider"])
def test_only_commissioners_and_admins_act(request, who, complaint):
    with pytest.raises(NotFound):
        svc.complaint_acknowledge(actor=request.getfixturevalue(who), complaint=complaint, note="x")


def test_withdrawal_from_an_open_state_but_not_after_a_decision(commissioner, tender, complaint):
    svc.complaint_start_review(actor=commissioner, complaint=complaint, note="Reviewing.")
    withdrawn = svc.complaint_withdraw(actor=None, complaint=complaint)
    assert withdrawn.status == "withdrawn"
    assert ComplaintEvent.objects.last().by is None
    other = svc.complaint_raise(actor=None, tender=tender, data=data())
    svc.complaint_start_review(actor=commissioner, complaint=other, note="Reviewing.")
    svc.complaint_decide(
        actor=commissioner, complaint=other, upheld=False, response="R", published_outcome="O"
    )
    with pytest.raises(IllegalTransition):
        svc.complaint_withdraw(actor=None, complaint=other)


def test_open_complaints_block_the_award_until_decided(commissioner, tender, complaint):
    assert complaint_blocks_award(tender)
    svc.complaint_start_review(actor=commissioner, complaint=complaint, note="Reviewing.")
    svc.complaint_decide(
        actor=commissioner, complaint=complaint, upheld=False, response="R", published_outcome="O"
    )
    assert not complaint_blocks_award(tender)


def test_overdue_means_open_and_past_the_respond_by_date(complaint):
    assert not is_overdue(complaint, today=complaint.respond_by)
    assert is_overdue(complaint, today=complaint.respond_by + dt.timedelta(days=1))


def test_status_token_round_trips_and_tampering_is_refused(complaint):
    token = svc.complaint_token(complaint)
    assert svc.complaint_from_token(token) == complaint
    with pytest.raises(NotFound):
        svc.complaint_from_token(token + "x")
