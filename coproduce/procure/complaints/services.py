"""Writes for complaints about tenders: raise, acknowledge, review, decide, withdraw.

Each status change goes through the state machine, records a ``ComplaintEvent`` with a
note (the complainant sees it) and an audit row, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from coproduce.foundation.accounts.models import Membership, Organisation
from coproduce.foundation.core.audit import audit_record
from coproduce.foundation.core.errors import IllegalTransition, NotFound, ServiceError
from coproduce.foundation.core.formatting import uk_date
from coproduce.foundation.core.idempotency import submitted_once
from coproduce.foundation.core.services import counter_next
from coproduce.foundation.core.tasks import send_email
from coproduce.foundation.core.transitions import StateMachine, Transition
from coproduce.plan.procurement_rules.keys import COMPLAINTS_RESPONSE_WORKING_DAYS
from coproduce.plan.procurement_rules.selectors import add_working_days, rulebook_on
from coproduce.procure.awards.services import award_pause_for_complaint

from .models import Complaint, ComplaintEvent, ComplaintStatus, ComplaintSubject
from .selectors import complaint_from_token, complaint_status_url, complaint_token  # noqa: F401 (callers use services.*)

S = ComplaintStatus
OPEN_STATES = frozenset({S.RECEIVED, S.ACKNOWLEDGED, S.UNDER_REVIEW})
DECIDED_STATES = frozenset({S.UPHELD, S.NOT_UPHELD})
TEXT_MAX = 10000

COMPLAINT_STATES = StateMachine(
    [
        Transition(S.RECEIVED, S.ACKNOWLEDGED, "Acknowledge"),
        Transition(S.ACKNOWLEDGED, S.UNDER_REVIEW, "Start review"),
        Transition(S.RECEIVED, S.UNDER_REVIEW, "Start review"),
        Transition(S.UNDER_REVIEW, S.UPHELD, "Uphold"),
        Transition(S.UNDER_REVIEW, S.NOT_UPHELD, "Do not uphold"),
        *[Transition(s, S.WITHDRAWN, "Withdraw") for s in OPEN_STATES],
    ],
    labels=dict(S.choices),
)


@dataclass
class ComplaintData:
    """What the complaint form sends."""

    subject: str
    details: str
    contact_name: str
    contact_email: str
    outcome_wanted: str = ""
    organisation_id: int | None = None


def respond_by_for(received_on):
    """Received day + ``complaints.response_working_days`` working days (rules table)."""
    days = rulebook_on(received_on).value(COMPLAINTS_RESPONSE_WORKING_DAYS)
    return add_working_days(received_on, days)


@submitted_once("complaints.complaint", within="tender")
def complaint_raise(*, actor, tender, data: ComplaintData, site_url: str = "") -> Complaint:
    """Record a complaint about a published tender, from anyone (signed in or not).

    Gives it a reference C-YYYY-NNNN and a respond-by date from the rules table, then
    emails an acknowledgement with the reference, the date and a private link. An
    organisation is only recorded when the signed-in person is a member of it.
    """
    if tender.published_at is None:
        raise NotFound()
    if data.subject not in ComplaintSubject.values:
        raise ServiceError("invalid_choice", "Choose what the complaint is about.", field="subject")
    details = (data.details or "").strip()
    if not details:
        raise ServiceError("required", "Tell us what went wrong.", field="details")
    outcome = (data.outcome_wanted or "").strip()
    for name, value, label in (
        ("details", details, "The details"),
        ("outcome_wanted", outcome, "What you want to happen"),
    ):
        if len(value) > TEXT_MAX:
            raise ServiceError(
                "too_long", f"{label} must be {TEXT_MAX:,} characters or fewer.", field=name
            )
    name = (data.contact_name or "").strip()
    email = (data.contact_email or "").strip().lower()
    if not name:
        raise ServiceError("required", "Enter your name.", field="contact_name")
    if len(name) > 200:
        raise ServiceError(
            "too_long", "Your name must be 200 characters or fewer.", field="contact_name"
        )
    if not email or "@" not in email or len(email) > 254:
        raise ServiceError(
            "invalid_email", "Enter an email address, like name@example.org.", field="contact_email"
        )
    user = actor if getattr(actor, "is_authenticated", False) else None
    organisation = None
    if data.organisation_id is not None:
        if (
            user is None
            or not Membership.objects.filter(
                user=user, organisation_id=data.organisation_id
            ).exists()
        ):
            raise ServiceError(
                "not_a_member",
                "You can only complain on behalf of an organisation you belong to.",
                field="organisation",
            )
        organisation = Organisation.objects.get(pk=data.organisation_id)
    now = timezone.now()
    received_on = timezone.localdate(now)
    with transaction.atomic():
        respond_by = respond_by_for(received_on)
        number = counter_next(name=f"complaints.complaint.{received_on.year}")
        complaint = Complaint.objects.create(
            reference=f"C-{received_on.year}-{number:04d}",
            tender=tender,
            subject=data.subject,
            details=details,
            outcome_wanted=outcome,
            raised_by=user,
            organisation=organisation,
            contact_name=name,
            contact_email=email,
            respond_by=respond_by,
        )
        audit_record(
            actor=user,
            verb="complaints.complaint.raised",
            target=complaint,
            changes={"tender": tender.reference, "subject": data.subject, "respond_by": respond_by},
        )
        # A complaint during standstill pauses the award until it is decided (same
        # transaction, so a complaint is never recorded without the pause).
        award_pause_for_complaint(actor=user, tender=tender, complaint=complaint)

        link = site_url + complaint_status_url(complaint)
        body = "\n".join(
            [
                f"Dear {name},",
                "",
                f"We have received your complaint about {tender.reference} “{tender.title}”.",
                "",
                f"Your reference: {complaint.reference}",
                f"We will respond by: {uk_date(respond_by)}",
                "",
                "You can see where your complaint is, or withdraw it, here:",
                link,
                "",
                settings.COUNCIL_NAME,
            ]
        )
        transaction.on_commit(
            lambda: send_email.enqueue(
                subject=f"Complaint {complaint.reference} received", body=body, to=[email]
            )
        )
    return complaint


def _move(*, actor, complaint: Complaint, to: str, note: str, **fields) -> Complaint:
    note = (note or "").strip()
    if not note:
        raise ServiceError("note_required", "Add a note saying what happened.", field="note")
    if len(note) > TEXT_MAX:
        raise ServiceError(
            "too_long", f"The note must be {TEXT_MAX:,} characters or fewer.", field="note"
        )
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.status == to:
            return locked  # a repeated click
        try:
            COMPLAINT_STATES.check(locked.status, to)
        except IllegalTransition:
            raise IllegalTransition(
                "illegal_transition",
                f"A complaint that is “{S(locked.status).label.lower()}” cannot be moved to "
                f"“{S(to).label.lower()}”.",
            ) from None
        old = locked.status
        locked.status = to
        for k, v in fields.items():
            setattr(locked, k, v)
        locked.save()
        user = actor if getattr(actor, "is_authenticated", False) else None
        ComplaintEvent.objects.create(
            complaint=locked,
            from_status=old,
            to_status=to,
            note=note,
            by=user,
            at=timezone.now(),
        )
        audit_record(
            actor=user,
            verb=f"complaints.complaint.{to}",
            target=locked,
            changes={"status": [old, to], **fields},
            reason=note,
        )
    return locked


def _check_can_act(actor) -> None:
    if not actor.has_perm("complaints.act"):
        raise NotFound()


def complaint_acknowledge(*, actor, complaint: Complaint, note: str) -> Complaint:
    """Received → acknowledged (commissioners and admins)."""
    _check_can_act(actor)
    return _move(actor=actor, complaint=complaint, to=S.ACKNOWLEDGED, note=note)


def complaint_start_review(*, actor, complaint: Complaint, note: str) -> Complaint:
    """Received or acknowledged → under review (commissioners and admins)."""
    _check_can_act(actor)
    return _move(actor=actor, complaint=complaint, to=S.UNDER_REVIEW, note=note)


def complaint_decide(
    *, actor, complaint: Complaint, upheld: bool, response: str, published_outcome: str
) -> Complaint:
    """Under review → upheld or not upheld. Needs the response sent to the complainant and
    an outcome summary for the public page (no names); the complainant is emailed."""
    _check_can_act(actor)
    response = (response or "").strip()
    published_outcome = (published_outcome or "").strip()
    if not response:
        raise ServiceError(
            "response_required", "Write the response to the complainant.", field="response"
        )
    if not published_outcome:
        raise ServiceError(
            "outcome_required",
            "Write a short outcome summary for the public page, without names.",
            field="published_outcome",
        )
    for name, value in (("response", response), ("published_outcome", published_outcome)):
        if len(value) > TEXT_MAX:
            raise ServiceError(
                "too_long", f"This must be {TEXT_MAX:,} characters or fewer.", field=name
            )
    to = S.UPHELD if upheld else S.NOT_UPHELD
    with transaction.atomic():
        decided = _move(
            actor=actor,
            complaint=complaint,
            to=to,
            note=response,
            response=response,
            published_outcome=published_outcome,
            decided_at=timezone.now(),
        )

        verdict = "upheld" if upheld else "not upheld"
        body = "\n".join(
            [
                f"Dear {decided.contact_name},",
                "",
                f"We have decided your complaint {decided.reference}: it is {verdict}.",
                "",
                response,
                "",
                settings.COUNCIL_NAME,
            ]
        )
        to_addr = decided.contact_email
        transaction.on_commit(
            lambda: send_email.enqueue(
                subject=f"Complaint {decided.reference}: our decision", body=body, to=[to_addr]
            )
        )
    return decided


def complaint_withdraw(*, actor, complaint: Complaint, note: str = "") -> Complaint:
    """Withdrawn by the complainant from any open state.

    The caller has proved it is the complainant (a signed link or their own account).
    """
    return _move(
        actor=actor,
        complaint=complaint,
        to=S.WITHDRAWN,
        note=note or "Withdrawn by the complainant.",
    )
