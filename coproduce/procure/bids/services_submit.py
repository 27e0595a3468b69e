"""Submitting, withdrawing and re-confirming a bid (writes).

The server clock decides lateness. A submission is accepted when the request reached the
server (``started_at``) before the deadline and the submit transaction runs no later than
``BID_GRACE_SECONDS`` (5 s) after it: a request in flight at the deadline is not lost to
queueing, but nothing *started* after the deadline is ever accepted. A refusal for
lateness is recorded (``LateAttempt`` and an audit event) in its own transaction, so the
record survives the refused submission.

The tender's key pair is created lazily, on the first submission (or at opening), with
``get_or_create`` under a row lock on the tender, so concurrent first submissions share one
key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coproduce.foundation.core.audit import audit_record
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.templatetags.govuk import uk_datetime
from coproduce.foundation.core.validation import word_count
from coproduce.plan.evaluation_models.models import Criterion, CriterionKind
from coproduce.procure.tenders.models import Lot, Tender, TenderStatus
from coproduce.procure.tenders.selectors_clarifications import amendments_requiring_reconfirmation

from . import sealing
from .models import Bid, BidStatus, BidSubmission, LateAttempt, TenderKey
from .rules import is_bid_lead_member
from .selectors import (
    draft_content,
    eligibility_problem,
    latest_submission,
    missing_documents,
    with_file_meta,
)
from .services_refusals import refusal_record

BID_GRACE_SECONDS = 5


def _now() -> dt.datetime:
    """The server clock (a seam for tests)."""
    return timezone.now()


def grace() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "BID_GRACE_SECONDS", BID_GRACE_SECONDS))


def is_late(tender: Tender, *, started_at: dt.datetime, now: dt.datetime) -> bool:
    """True when a submission started at ``started_at`` and processed at ``now`` is late."""
    if tender.deadline is None:
        return True
    if now < tender.deadline:
        return False
    return not (started_at < tender.deadline and now <= tender.deadline + grace())


class _Late(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def tender_key_for(tender: Tender) -> TenderKey:
    """The tender's sealing key, created on first use under a row lock on the tender."""
    existing = TenderKey.objects.filter(tender=tender).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        Tender.objects.select_for_update().filter(pk=tender.pk).first()
        existing = TenderKey.objects.filter(tender=tender).first()
        return existing or sealing.tender_key_create(tender)


def question_criteria(tender: Tender) -> list[Criterion]:
    """The questions bidders answer: leaf criteria that are not price, with a question."""
    criteria = list(Criterion.objects.filter(model_id=tender.evaluation_model_id))
    parents = {c.parent_id for c in criteria if c.parent_id}
    return sorted(
        (
            c
            for c in criteria
            if c.pk not in parents and c.kind != CriterionKind.PRICE and c.question.strip()
        ),
        key=lambda c: (c.parent_id or 0, c.position, c.pk),
    )


def canonical_content(bid: Bid, draft: dict) -> bytes:
    """The exact bytes submitted: draft, file hashes and members, JSON with sorted keys.

    Each document appears with its internal id, requirement, title and plain SHA-256 (all
    decrypted here; the whole is sealed to the tender, so nothing is exposed by it).
    """
    files = sorted(
        (
            {"id": f.pk, "requirement": f.requirement, "sha256": f.sha256, "title": f.title}
            for f in with_file_meta(bid.files.all())
        ),
        key=lambda f: f["id"],
    )
    members = [
        {
            "organisation_id": m.organisation_id,
            "role": m.role,
            "share_percent": str(m.share_percent),
            "is_lead": m.is_lead,
        }
        for m in bid.members.order_by("pk")
    ]
    payload = {
        "bid": bid.reference,
        "tender": bid.tender.reference,
        "lead_organisation_id": bid.lead_organisation_id,
        "draft": draft,
        "files": files,
        "members": members,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


# --------------------------------------------------------------------------- checks


def _chosen_lots(tender: Tender, draft: dict) -> list[Lot]:
    lots = list(tender.lots.all())
    if not lots:
        return []
    chosen_ids = {str(x) for x in draft.get("lots") or []}
    chosen = [lot for lot in lots if str(lot.pk) in chosen_ids]
    if not chosen or len(chosen) != len(chosen_ids):
        raise ServiceError(
            "lots_missing", "Choose at least one lot of this tender to bid for.", field="lots"
        )
    return chosen


def _check_prices(tender: Tender, draft: dict, lots: list[Lot]) -> None:
    prices = {str(k): v for k, v in (draft.get("prices") or {}).items()}
    wanted = [(str(lot.pk), f"lot {lot.number}") for lot in lots] or [("whole", "the contract")]
    for key, label in wanted:
        value = prices.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ServiceError("price_missing", f"Give a price for {label}.", field="prices")


def _check_answers(tender: Tender, draft: dict) -> None:
    answers = {str(k): v for k, v in (draft.get("answers") or {}).items()}
    for criterion in question_criteria(tender):
        text = (answers.get(str(criterion.pk)) or "").strip()
        if not text:
            raise ServiceError(
                "answer_missing", f"Answer the question “{criterion.title}”.", field="answers"
            )
        if criterion.word_limit and word_count(text) > criterion.word_limit:
            raise ServiceError(
                "answer_too_long",
                f"Your answer to “{criterion.title}” has {word_count(text)} words; "
                f"the limit is {criterion.word_limit}.",
                field="answers",
            )


def _check_members(bid: Bid) -> list:
    members = list(bid.members.select_related("organisation"))
    if bid.is_consortium:
        unconfirmed = [m.organisation.name for m in members if m.confirmed_at is None]
        if unconfirmed:
            raise ServiceError(
                "members_unconfirmed",
                "Every partner must confirm their part before the bid is sent. Still to confirm: "
                + ", ".join(unconfirmed)
                + ".",
                field="members",
            )
        total = sum((m.share_percent for m in members), Decimal(0))
        if members and total != Decimal(100):
            raise ServiceError(
                "shares_not_100",
                f"The partners’ shares of the work add up to {total.normalize():f}%, not 100%.",
                field="members",
            )
    return [m.organisation for m in members] or [bid.lead_organisation]


def _check_eligibility(tender: Tender, lots: list[Lot], organisations: list, day: dt.date) -> None:
    targets = [(lot.reserved_for or tender.reserved_for, f"Lot {lot.number}") for lot in lots]
    if not lots:
        targets = [(tender.reserved_for, "This contract")]
    for reservation, _label in targets:
        if not reservation:
            continue
        problem = eligibility_problem(reservation=reservation, organisations=organisations, day=day)
        if problem:
            raise ServiceError("not_eligible", problem, field="lots")


def _check_documents(bid: Bid) -> None:
    missing = missing_documents(bid)
    if missing:
        raise ServiceError(
            "document_missing",
            "Add the documents this tender asks for: " + ", ".join(d.name for d in missing) + ".",
            field="files",
        )


# --------------------------------------------------------------------------- services


def _record_late(
    *, actor, bid: Bid, started_at: dt.datetime, now: dt.datetime, reason: str
) -> None:
    with transaction.atomic():
        attempt = LateAttempt.objects.create(
            tender=bid.tender,
            organisation=bid.lead_organisation,
            user=actor,
            attempted_at=now,
            started_at=started_at,
            reason=reason[:200],
        )
        audit_record(
            actor=actor,
            verb="bids.bid.late_refused",
            target=attempt,
            changes={
                "tender": bid.tender.reference,
                "bid": bid.reference,
                "attempted_at": now,
                "started_at": started_at,
            },
            reason=reason,
        )


def _late_reason(tender: Tender) -> str:
    return (
        f"The closing time ({uk_datetime(tender.deadline)}) has passed, "
        "so bids can no longer be sent."
    )


def _locked(bid: Bid) -> tuple[Bid, Tender]:
    locked = Bid.objects.select_for_update().select_related("lead_organisation").get(pk=bid.pk)
    tender = Tender.objects.get(pk=locked.tender_id)
    locked.tender = tender
    return locked, tender


def _next_number(bid: Bid) -> int:
    last = bid.submissions.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def _send_receipt(*, actor, bid: Bid, submission: BidSubmission, reconfirm: bool = False) -> None:
    email = getattr(actor, "email", "")
    if not email:
        return
    when = timezone.localtime(submission.submitted_at)
    link = settings.SITE_URL + reverse(
        "bids:receipt", kwargs={"reference": bid.reference, "number": submission.number}
    )
    what = "re-confirmed" if reconfirm else "received"
    body = (
        f"Your bid {bid.reference} for {bid.tender.title} ({bid.tender.reference}) was {what}.\n\n"
        f"Time (server clock, UK time): {when:%H:%M:%S on %d %B %Y}\n"
        f"Submission number: {submission.number}\n"
        f"Receipt code (SHA-256 of what you sent): {submission.receipt_hash}\n\n"
        f"Keep this email. You can see the receipt again at {link}\n"
    )
    transaction.on_commit(
        lambda: send_mail(f"Bid {bid.reference} {what}", body, settings.DEFAULT_FROM_EMAIL, [email])
    )


def bid_submit(*, actor, bid: Bid, started_at: dt.datetime | None = None) -> BidSubmission:
    """Seal the bid's current content to the tender and record a receipt.

    Checks (in order): the actor belongs to the lead organisation (else NotFound); the
    tender is open; the clock (grace as in the module docstring; a late attempt is
    recorded and refused with ``late``); lots chosen and priced; every question answered
    within its word limit; every partner confirmed and shares adding up to 100; reserved
    lots' eligibility; mandatory documents. Then stores ``Bid.sealed`` (sealed with the
    tender's public key), ``receipt_hash`` (SHA-256 of the canonical content) and a
    numbered ``BidSubmission``; emails the receipt; audits ``bids.bid.submitted`` with the
    reference, hash and time only. Idempotent: submitting unchanged content again returns
    the current receipt (the bid row is locked, so concurrent double submits serialise).
    """
    now = _now()
    started_at = min(started_at or now, now)
    if not is_bid_lead_member(actor, bid):
        raise NotFound()
    try:
        with transaction.atomic():
            return _submit(actor=actor, bid=bid, started_at=started_at)
    except _Late as late:
        _record_late(actor=actor, bid=bid, started_at=started_at, now=_now(), reason=late.reason)
        raise ServiceError("late", late.reason) from None


def _submit(*, actor, bid: Bid, started_at: dt.datetime) -> BidSubmission:
    bid, tender = _locked(bid)
    if tender.status != TenderStatus.OPEN or tender.published_at is None:
        if tender.status == TenderStatus.CLOSED and tender.deadline:
            raise _Late(_late_reason(tender))
        raise ServiceError("tender_not_open", "This tender is not open for bids.")
    now = _now()
    if is_late(tender, started_at=started_at, now=now):
        raise _Late(_late_reason(tender))
    draft = draft_content(bid)
    lots = _chosen_lots(tender, draft)
    _check_prices(tender, draft, lots)
    _check_answers(tender, draft)
    organisations = _check_members(bid)
    _check_eligibility(tender, lots, organisations, timezone.localdate(now))
    _check_documents(bid)

    content = canonical_content(bid, draft)
    receipt_hash = hashlib.sha256(content).hexdigest()
    last = latest_submission(bid)
    pending = (
        list(amendments_requiring_reconfirmation(tender, last.submitted_at))
        if last is not None and bid.status == BidStatus.SUBMITTED
        else []
    )
    if bid.status == BidStatus.SUBMITTED and bid.receipt_hash == receipt_hash and not pending:
        return last  # a repeated submit: nothing changed, same receipt
    key = tender_key_for(tender)
    submission = BidSubmission.objects.create(
        bid=bid,
        number=_next_number(bid),
        submitted_at=now,
        submitted_by=actor,
        receipt_hash=receipt_hash,
        started_at=started_at,
        reconfirms_amendment=pending[-1].number if pending else None,
    )
    bid.status = BidStatus.SUBMITTED
    bid.submitted_at = now
    bid.submitted_by = actor
    bid.receipt_hash = receipt_hash
    bid.submission_count = submission.number
    bid.sealed = sealing.seal_to_tender(key, content)
    bid.save(
        update_fields=[
            "status",
            "submitted_at",
            "submitted_by",
            "receipt_hash",
            "submission_count",
            "sealed",
            "updated_at",
        ]
    )
    if lots:
        bid.lots.set(lots)
    audit_record(
        actor=actor,
        verb="bids.bid.submitted",
        target=bid,
        changes={
            "reference": bid.reference,
            "receipt_hash": receipt_hash,
            "submitted_at": now,
            "number": submission.number,
        },
    )
    _send_receipt(actor=actor, bid=bid, submission=submission)
    return submission


def bid_withdraw(*, actor, bid: Bid) -> Bid:
    """Withdraw a submitted bid before the deadline (it can be sent again before then).

    The sealed copy is discarded, so a withdrawn bid is never opened; the receipts stay.
    Idempotent for a bid already withdrawn. Audited as ``bids.bid.withdrawn``. An attempt
    after the closing time is refused (``late``) and recorded as
    ``bids.bid.withdraw_refused`` (at most once a minute per user and bid).
    """
    if not is_bid_lead_member(actor, bid):
        raise NotFound()
    try:
        return _withdraw(actor=actor, bid=bid)
    except ServiceError as exc:
        if exc.code == "late":
            refusal_record(
                actor=actor,
                verb="bids.bid.withdraw_refused",
                target=bid,
                changes={"reference": bid.reference, "attempted_at": _now()},
                reason=exc.message,
            )
        raise


def _withdraw(*, actor, bid: Bid) -> Bid:
    with transaction.atomic():
        bid, tender = _locked(bid)
        if bid.status == BidStatus.WITHDRAWN:
            return bid
        if bid.status != BidStatus.SUBMITTED:
            raise ServiceError("not_submitted", "Only a bid that has been sent can be withdrawn.")
        now = _now()
        if tender.deadline is None or now >= tender.deadline:
            raise ServiceError(
                "late", "The closing time has passed, so the bid can no longer be withdrawn."
            )
        bid.submissions.filter(withdrawn_at__isnull=True).update(withdrawn_at=now)
        bid.status = BidStatus.WITHDRAWN
        bid.sealed = None
        bid.save(update_fields=["status", "sealed", "updated_at"])
        audit_record(
            actor=actor,
            verb="bids.bid.withdrawn",
            target=bid,
            changes={"reference": bid.reference, "withdrawn_at": now},
        )
    return bid


def bid_reconfirm(*, actor, bid: Bid, started_at: dt.datetime | None = None) -> BidSubmission:
    """Confirm a submitted bid still stands after a change to the tender that asks for it.

    Records a new ``BidSubmission`` (same receipt hash, ``reconfirms_amendment`` = the latest
    such change's number). Idempotent when nothing needs confirming. Same clock rule and
    late recording as ``bid_submit``. Audited as ``bids.bid.reconfirmed``.
    """
    now = _now()
    started_at = min(started_at or now, now)
    if not is_bid_lead_member(actor, bid):
        raise NotFound()
    try:
        with transaction.atomic():
            bid, tender = _locked(bid)
            if bid.status != BidStatus.SUBMITTED:
                raise ServiceError(
                    "not_submitted", "Only a bid that has been sent can be confirmed."
                )
            if is_late(tender, started_at=started_at, now=_now()):
                raise _Late(_late_reason(tender))
            last = latest_submission(bid)
            pending = list(amendments_requiring_reconfirmation(tender, last.submitted_at))
            if not pending:
                return last
            now = _now()
            submission = BidSubmission.objects.create(
                bid=bid,
                number=_next_number(bid),
                submitted_at=now,
                submitted_by=actor,
                receipt_hash=bid.receipt_hash,
                started_at=started_at,
                reconfirms_amendment=pending[-1].number,
            )
            bid.submission_count = submission.number
            bid.save(update_fields=["submission_count", "updated_at"])
            audit_record(
                actor=actor,
                verb="bids.bid.reconfirmed",
                target=bid,
                changes={
                    "reference": bid.reference,
                    "receipt_hash": bid.receipt_hash,
                    "submitted_at": now,
                    "number": submission.number,
                    "amendment": pending[-1].number,
                },
            )
            _send_receipt(actor=actor, bid=bid, submission=submission, reconfirm=True)
            return submission
    except _Late as late:
        _record_late(actor=actor, bid=bid, started_at=started_at, now=_now(), reason=late.reason)
        raise ServiceError("late", late.reason) from None
