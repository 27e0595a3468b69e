"""Writes for awards: decide, pause for a complaint, resume, withdraw, confirm, cancel.

Each service checks permission (``awards.decide``; NotFound for anyone else), validates,
locks the tender (or the decision) row so a double click is serialised, changes state,
and writes the audit row in the same transaction. Emails are sent after commit.

States of an ``AwardDecision`` (``AWARD_STATES``)::

    standstill ──► confirmed          (after the standstill end, no open complaint)
        │  ▲
        ▼  │ resume (complaint decided, not upheld)
      paused ──► withdrawn            (complaint upheld, or the council changes its mind)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from coproduce.foundation.core.audit import audit_record
from coproduce.foundation.core.errors import IllegalTransition, NotFound, ServiceError
from coproduce.foundation.core.tasks import send_email
from coproduce.foundation.core.transitions import StateMachine, Transition
from coproduce.foundation.core.validation import clean_text
from coproduce.procure.bids.hooks import CONFLICT_REFUSED, require_no_conflict
from coproduce.procure.bids.models import Bid, BidPrice, BidStatus
from coproduce.procure.panels.selectors import (
    award_blockers,
    conflicted_bid_ids,
    ranking,
    scorable_bids,
)
from coproduce.procure.tenders.models import Lot, Tender, TenderStatus

from .hooks import AwardConfirmation, award_confirmed, complaint_blocks_award
from .models import (
    AwardDecision,
    AwardStatus,
    Cancellation,
    CancellationReason,
    StandstillKind,
)
from .selectors import (
    StandstillChoice,
    effective_status,
    standstill_options,
)
from .services_letters import letters_ranking
from .tasks import write_award_letters

S = AwardStatus
AWARD_STATES = StateMachine(
    [
        Transition(S.STANDSTILL, S.PAUSED, "Pause for a complaint"),
        Transition(S.PAUSED, S.STANDSTILL, "Resume"),
        Transition(S.STANDSTILL, S.CONFIRMED, "Confirm"),
        Transition(S.STANDSTILL, S.WITHDRAWN, "Withdraw"),
        Transition(S.PAUSED, S.WITHDRAWN, "Withdraw"),
    ],
    labels=dict(S.choices),
)
LIVE = (S.STANDSTILL, S.PAUSED, S.CONFIRMED)
MIN_OVERRIDE_REASON = 20
TEXT_MAX = 10000
TEXT_TOO_LONG = "Keep this under {limit:,} characters."


def _check_can_decide(actor) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm("awards.decide"):
        raise NotFound()


def _check_no_conflict(actor, decision: AwardDecision) -> None:
    """Refuse an officer who declared a conflict with any bid this award touches."""
    require_no_conflict(
        actor, [decision.winning_bid, *scorable_bids(decision.tender, decision.lot)]
    )


def _lock_tender(tender: Tender) -> Tender:
    return (
        Tender.objects.select_for_update(of=("self",))
        .select_related("service_area")
        .get(pk=tender.pk)
    )


def _check_lot(tender: Tender, lot: Lot | None) -> None:
    if lot is not None and lot.tender_id != tender.pk:
        raise NotFound()
    if lot is None and tender.lots.exists():
        raise ServiceError(
            "lot_required", "This tender has lots: decide the award for each lot.", field="lot"
        )


def _cancelled(tender: Tender, lot: Lot | None) -> bool:
    if tender.status == TenderStatus.CANCELLED:
        return True
    qs = Cancellation.objects.filter(tender=tender)
    return qs.filter(Q(lot__isnull=True) | Q(lot=lot)).exists() if lot else qs.exists()


def _live_decision(tender: Tender, lot: Lot | None) -> AwardDecision | None:
    return AwardDecision.objects.filter(tender=tender, lot=lot).exclude(status=S.WITHDRAWN).first()


def lot_price(bid: Bid, lot: Lot | None) -> int | None:
    """The opened price of ``bid`` for ``lot`` (or the whole tender), in pence."""
    row = BidPrice.objects.filter(bid=bid, lot=lot).first()
    return row.price_pence if row else None


def _bidder_emails(bids: Iterable[Bid]) -> list[tuple[Bid, str]]:
    out = []
    for bid in bids:
        user = bid.submitted_by or bid.created_by
        if user and user.email:
            out.append((bid, user.email))
    return out


def award_decide(
    *,
    actor,
    tender: Tender,
    lot: Lot | None,
    bid: Bid | None = None,
    reasons: str,
    override_reason: str = "",
    standstill: str = StandstillChoice.VOLUNTARY,
    no_standstill_reason: str = "",
) -> AwardDecision:
    """Decide to award ``lot`` (or the whole tender) to ``bid`` (default: the top-ranked).

    Refused while ``award_blockers`` lists anything (moderation not complete, an
    abnormally low price without a decided explanation), when the lot already has a
    live decision (so a double click makes one decision), or when it was cancelled.
    Choosing a bid other than the top-ranked needs ``override_reason``.

    Sets the standstill end from the rules table. A light-touch contract needs none by
    law; then ``standstill`` says what the council does: ``"voluntary"`` (the default)
    waits ``standstill.voluntary_light_touch_working_days`` working days, ``"none"``
    allows confirmation at once and needs ``no_standstill_reason``. For other contracts
    the law decides and ``"none"`` is refused (``standstill_required``) when a standstill
    is required. The choice and the reason are stored on the decision and audited.

    One short transaction: lock the tender, check, write the decision and the audit row
    ``awards.award.decided``. Nothing slow happens inside it: the assessment letters (for
    every ranked bid, standard and easy read, HTML and PDF) are written after commit by
    the background task ``tasks.write_award_letters``, which also emails each bid's
    submitter that their letter is ready (no content in the email). Until then
    ``letters_pending_since`` is set and the pages say the letters are being prepared.
    """
    _check_can_decide(actor)
    _check_lot(tender, lot)
    require_no_conflict(actor, scorable_bids(tender, lot))  # conflicted officers may not decide
    reasons = clean_text(
        reasons,
        code="reasons_required",
        field="reasons",
        missing="Give the reasons for the decision",
        limit=TEXT_MAX,
        too_long=TEXT_TOO_LONG,
    )
    override_reason = (override_reason or "").strip()
    if standstill not in StandstillChoice.values:
        raise ServiceError(
            "invalid_choice",
            "Choose whether to wait for a voluntary standstill period",
            field="standstill",
        )
    no_standstill_reason = (no_standstill_reason or "").strip()
    if standstill == StandstillChoice.NONE:
        no_standstill_reason = clean_text(
            no_standstill_reason,
            code="no_standstill_reason_required",
            field="no_standstill_reason",
            missing="Say why the award can be confirmed without a standstill period",
            limit=TEXT_MAX,
            too_long=TEXT_TOO_LONG,
        )
    with transaction.atomic():
        tender = _lock_tender(tender)
        if _cancelled(tender, lot):
            raise ServiceError(
                "cancelled", "This tender (or lot) has been cancelled, so it cannot be awarded."
            )
        if _live_decision(tender, lot) is not None:
            raise ServiceError(
                "already_decided",
                "An award has already been decided for this lot. Withdraw it first to make "
                "a different decision.",
            )
        blockers = award_blockers(tender=tender, lot=lot)
        if blockers:
            raise ServiceError(
                "award_blocked", "The award cannot be decided yet: " + " ".join(blockers)
            )
        ranked = ranking(tender=tender, lot=lot)
        if not ranked:
            raise ServiceError("no_bids", "There are no ranked bids to award.")
        chosen = ranked[0] if bid is None else next((r for r in ranked if r.bid.pk == bid.pk), None)
        if chosen is None:
            raise ServiceError(
                "bid_not_ranked", "Choose one of the ranked bids for this lot.", field="bid"
            )
        if chosen.rank != 1 and len(override_reason) < MIN_OVERRIDE_REASON:
            raise ServiceError(
                "override_reason_required",
                f"You chose the bid ranked {chosen.rank}, not the top-ranked bid: say why "
                f"(at least {MIN_OVERRIDE_REASON} characters).",
                field="override_reason",
            )
        if chosen.rank == 1:
            override_reason = ""
        now = timezone.now()
        today = timezone.localdate(now)
        options = standstill_options(tender, today)
        ends_on = options.required_ends_on
        kind = StandstillKind.REQUIRED if ends_on else StandstillKind.NOT_REQUIRED
        if options.choice and standstill == StandstillChoice.VOLUNTARY:
            ends_on, kind = options.voluntary_ends_on, StandstillKind.VOLUNTARY
        elif options.choice:
            kind = StandstillKind.WAIVED
        elif standstill == StandstillChoice.NONE and ends_on is not None:
            raise ServiceError(
                "standstill_required",
                "The law requires a standstill period for this contract, so it cannot be "
                "confirmed without one.",
                field="standstill",
            )
        if kind != StandstillKind.WAIVED:
            no_standstill_reason = ""
        blocked = complaint_blocks_award(tender)
        try:
            with transaction.atomic():
                decision = AwardDecision.objects.create(
                    tender=tender,
                    lot=lot,
                    winning_bid=chosen.bid,
                    reasons=reasons,
                    override_reason=override_reason,
                    winning_rank=chosen.rank,
                    status=S.PAUSED if blocked else S.STANDSTILL,
                    paused_at=now if blocked else None,
                    decided_by=actor,
                    decided_at=now,
                    standstill_ends_on=ends_on,
                    standstill_kind=kind,
                    no_standstill_reason=no_standstill_reason,
                    letters_pending_since=now,
                )
        except IntegrityError:
            raise ServiceError(
                "already_decided", "An award has already been decided for this lot."
            ) from None
        audit_record(
            actor=actor,
            verb="awards.award.decided",
            target=decision,
            changes={
                "tender": tender.reference,
                "lot": lot.number if lot else None,
                "winning_bid": chosen.bid.reference,
                "winning_rank": chosen.rank,
                "standstill_ends_on": ends_on,
                "standstill": kind,
                "no_standstill_reason": no_standstill_reason,
                "status": decision.status,
                "letters": len(ranked),  # to be written after commit
            },
            reason=reasons
            + (f"\nNot the top-ranked bid because: {override_reason}" if override_reason else "")
            + (
                f"\nConfirmed without a standstill because: {no_standstill_reason}"
                if no_standstill_reason
                else ""
            ),
        )
        _letters_after_commit(decision)
    return decision


def _letters_after_commit(decision: AwardDecision) -> None:
    """Enqueue the letter task once the current transaction commits (never inside it)."""
    decision_id = decision.pk
    transaction.on_commit(lambda: write_award_letters.enqueue(decision_id=decision_id))


def award_letters_regenerate(*, actor, decision: AwardDecision) -> AwardDecision:
    """Write every bidder's letters of ``decision`` again, in the background.

    For when the letters need rendering afresh (a font installed, a template fixed) or an
    earlier run failed. Same rule as deciding: ``awards.decide`` (NotFound otherwise) and
    no declared conflict with a bid the award touches. Refused
    (``letters_unavailable``) when the ranking no longer includes the winning bid, so the
    letters are never left "being prepared" for nothing. One short transaction marks the
    letters as being prepared and writes the audit row ``awards.letters.regenerated``;
    after commit the task rewrites each letter in place (same address, no new email).
    Clicking again while they are prepared only runs the idempotent task again.
    """
    _check_can_decide(actor)
    _check_no_conflict(actor, decision)
    letters_ranking(decision)
    with transaction.atomic():
        decision = _lock_decision(decision)
        decision.letters_pending_since = timezone.now()
        decision.save(update_fields=["letters_pending_since", "updated_at"])
        audit_record(
            actor=actor,
            verb="awards.letters.regenerated",
            target=decision,
            changes={"letters": decision.letters.count()},
        )
        _letters_after_commit(decision)
    return decision


def _lock_decision(decision: AwardDecision) -> AwardDecision:
    return (
        AwardDecision.objects.select_for_update(of=("self",))
        .select_related("tender", "lot", "winning_bid")
        .get(pk=decision.pk)
    )


def award_pause_for_complaint(*, actor, tender: Tender, complaint=None) -> list[AwardDecision]:
    """Pause every award of ``tender`` still in standstill, because a complaint was raised.

    Called by the complaints service when a complaint is raised (any actor, even
    anonymous: the complaint itself is the authority). Idempotent: paused awards stay
    paused. Audited as ``awards.award.paused`` for each award paused.
    """
    paused = []
    with transaction.atomic():
        rows = (
            AwardDecision.objects.select_for_update(of=("self",))
            .filter(tender=tender, status=S.STANDSTILL)
            .order_by("pk")
        )
        now = timezone.now()
        for decision in rows:
            AWARD_STATES.check(decision.status, S.PAUSED)
            decision.status = S.PAUSED
            decision.paused_at = now
            decision.save(update_fields=["status", "paused_at", "updated_at"])
            audit_record(
                actor=actor,
                verb="awards.award.paused",
                target=decision,
                changes={"status": [S.STANDSTILL, S.PAUSED]},
                reason=f"Complaint {complaint.reference} raised"
                if complaint
                else "Complaint raised",
            )
            paused.append(decision)
    return paused


def award_resume(*, actor, decision: AwardDecision, reason: str = "") -> AwardDecision:
    """Resume a paused award once no complaint about the tender is open (not upheld).

    Also needed when the pause was never recorded (``effective_status`` shows it paused
    because a complaint was decided after the award): ``resumed_at`` marks it resumed.

    The standstill end is unchanged: if it has passed, the award can be confirmed at once.
    Refused while a complaint is still open, and to an officer with a conflict of
    interest. Audited as ``awards.award.resumed``.
    """
    _check_can_decide(actor)
    _check_no_conflict(actor, decision)
    with transaction.atomic():
        decision = _lock_decision(decision)
        if complaint_blocks_award(decision.tender):
            raise ServiceError(
                "complaint_open",
                "A complaint about this tender is still open: decide it before resuming the award.",
            )
        if effective_status(decision, blocked=False) != S.PAUSED:
            if decision.status == S.STANDSTILL:
                return decision  # already running: a repeated click does nothing
            raise IllegalTransition(
                "illegal_transition", f"This award is {decision.get_status_display().lower()}."
            )
        old = decision.status
        if old != S.STANDSTILL:
            AWARD_STATES.check(old, S.STANDSTILL)
        decision.status = S.STANDSTILL
        decision.resumed_at = timezone.now()
        decision.save(update_fields=["status", "resumed_at", "updated_at"])
        audit_record(
            actor=actor,
            verb="awards.award.resumed",
            target=decision,
            changes={"status": [old, S.STANDSTILL]},
            reason=(reason or "").strip(),
        )
    return decision


def award_withdraw(*, actor, decision: AwardDecision, reason: str) -> AwardDecision:
    """Withdraw an award that is not confirmed (e.g. a complaint was upheld), with a reason.

    The lot can then be decided again. Letters already sent are kept. Refused once the
    award is confirmed, and to an officer with a conflict of interest. Audited as
    ``awards.award.withdrawn``.
    """
    _check_can_decide(actor)
    _check_no_conflict(actor, decision)
    reason = clean_text(
        reason,
        code="reason_required",
        field="reason",
        missing="Say why the award is being withdrawn",
        limit=TEXT_MAX,
        too_long=TEXT_TOO_LONG,
    )
    with transaction.atomic():
        decision = _lock_decision(decision)
        if decision.status == S.WITHDRAWN:
            return decision
        if decision.status == S.CONFIRMED:
            raise IllegalTransition(
                "already_confirmed",
                "This award is confirmed and a contract exists, so it cannot be withdrawn.",
            )
        old = decision.status
        AWARD_STATES.check(old, S.WITHDRAWN)
        decision.status = S.WITHDRAWN
        decision.withdrawn_at = timezone.now()
        decision.withdrawn_by = actor
        decision.withdrawn_reason = reason
        decision.save(
            update_fields=[
                "status",
                "withdrawn_at",
                "withdrawn_by",
                "withdrawn_reason",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            verb="awards.award.withdrawn",
            target=decision,
            changes={"status": [old, S.WITHDRAWN]},
            reason=reason,
        )
    return decision


def award_confirm(*, actor, decision: AwardDecision, starts_on: dt.date):
    """Confirm an award after its standstill and create the contract; returns the contract.

    Allowed when the server date is after ``standstill_ends_on`` (or there is no
    standstill), the award is not paused and no complaint about the tender is open.
    The contract is created in the same transaction by the ``on_award_confirmed`` hook
    (``hooks.py``; registered by the contracts app, above awards): reference K-YYYY-NNNN,
    provider = the winning bid's lead organisation, value = the winning price for the
    lot, from ``starts_on`` for the specification's contract length. A repeated
    confirmation returns the same contract. Audited as ``contracts.contract.created`` then
    ``awards.award.confirmed``; nothing else moves.
    """
    _check_can_decide(actor)
    _check_no_conflict(actor, decision)
    if starts_on is None:
        raise ServiceError("starts_on_required", "Enter the start date", field="starts_on")
    with transaction.atomic():
        decision = _lock_decision(decision)
        if decision.status == S.CONFIRMED:
            return decision.contract
        if decision.status == S.WITHDRAWN:
            raise IllegalTransition("withdrawn", "This award was withdrawn.")
        if effective_status(decision) == S.PAUSED:
            raise ServiceError(
                "award_paused",
                "The award is paused while a complaint is decided. When the complaint is "
                "decided, resume the award (or withdraw it if the complaint was upheld).",
            )
        today = timezone.localdate()
        if decision.standstill_ends_on and today <= decision.standstill_ends_on:
            raise ServiceError(
                "standstill_running",
                "The standstill period has not ended: the award can be confirmed from "
                f"{(decision.standstill_ends_on + dt.timedelta(days=1)):%-d %B %Y}.",
            )
        value = lot_price(decision.winning_bid, decision.lot)
        if value is None:
            raise ServiceError("no_price", "The winning bid has no opened price for this lot.")
        AWARD_STATES.check(decision.status, S.CONFIRMED)
        decision.status = S.CONFIRMED
        decision.confirmed_at = timezone.now()
        decision.confirmed_by = actor
        decision.save(update_fields=["status", "confirmed_at", "confirmed_by", "updated_at"])
        award_confirmed(
            AwardConfirmation(
                actor=actor, decision=decision, starts_on=starts_on, value_pence=value
            )
        )
        contract = decision.contract  # created by the contracts app's hook, just now
        audit_record(
            actor=actor,
            verb="awards.award.confirmed",
            target=decision,
            changes={"status": [S.STANDSTILL, S.CONFIRMED], "contract": contract.reference},
        )
    return contract


def tender_cancel(
    *, actor, tender: Tender, lot: Lot | None, reason_code: str, reason_text: str
) -> Cancellation:
    """Cancel a tender (``lot`` None) or one lot, with a reason code and a public text.

    Refused when a contract was already created for it. Unconfirmed award decisions for
    it are withdrawn with the same reason. Cancelling the whole tender sets its status
    to cancelled. Bidders (the submitters of bids not withdrawn) are emailed after
    commit. A repeated cancellation returns the existing one. Audited as
    ``awards.tender.cancelled``. Refused to an officer who declared a conflict with
    any bid of the tender (cancelling can help or harm that bid).
    """
    _check_can_decide(actor)
    if lot is not None and lot.tender_id != tender.pk:
        raise NotFound()
    if conflicted_bid_ids(actor, tender):
        raise ServiceError("conflict_of_interest", CONFLICT_REFUSED)
    if reason_code not in CancellationReason.values:
        raise ServiceError(
            "invalid_choice", "Choose the reason for cancelling", field="reason_code"
        )
    reason_text = clean_text(
        reason_text,
        code="reason_required",
        field="reason_text",
        missing="Explain why it is cancelled (this is published)",
        limit=TEXT_MAX,
        too_long=TEXT_TOO_LONG,
    )
    with transaction.atomic():
        tender = _lock_tender(tender)
        if tender.status == TenderStatus.DRAFT:
            raise ServiceError("not_published", "A draft tender cannot be cancelled; delete it.")
        existing = Cancellation.objects.filter(tender=tender, lot=lot).first()
        if existing is not None:
            return existing
        if tender.status == TenderStatus.CANCELLED:
            raise ServiceError("cancelled", "The whole tender has already been cancelled.")
        decisions = (
            AwardDecision.objects.select_for_update(of=("self",))
            .filter(tender=tender)
            .order_by("pk")
        )
        if lot is not None:
            decisions = decisions.filter(lot=lot)
        if decisions.filter(status=S.CONFIRMED).exists():
            raise ServiceError(
                "already_confirmed",
                "An award here is confirmed and its contract exists, so it cannot be cancelled.",
            )
        cancellation = Cancellation.objects.create(
            tender=tender,
            lot=lot,
            reason_code=reason_code,
            reason_text=reason_text,
            cancelled_by=actor,
            cancelled_at=timezone.now(),
        )
        for decision in decisions.filter(status__in=[S.STANDSTILL, S.PAUSED]):
            award_withdraw(actor=actor, decision=decision, reason=f"Cancelled: {reason_text}")
        changes: dict = {
            "lot": lot.number if lot else None,
            "reason_code": reason_code,
        }
        if lot is None:
            changes["status"] = [tender.status, TenderStatus.CANCELLED]
            Tender.objects.filter(pk=tender.pk).update(
                status=TenderStatus.CANCELLED, updated_at=timezone.now()
            )
        audit_record(
            actor=actor,
            verb="awards.tender.cancelled",
            target=tender,
            changes=changes,
            reason=reason_text,
        )
        bids = Bid.objects.filter(tender=tender).exclude(status=BidStatus.WITHDRAWN)
        if lot is not None:
            bids = bids.filter(lots=lot)
        what = f"{lot} of " if lot else ""
        subject = f"{tender.reference} has been cancelled"
        body = (
            f"The council has cancelled {what}{tender.reference} {tender.title}.\n\n"
            f"Reason: {CancellationReason(reason_code).label}.\n{reason_text}\n\n"
            f"{settings.SITE_URL}{reverse('tenders:detail', args=[tender.reference])}\n"
        )
        emails = sorted(
            {
                email
                for _, email in _bidder_emails(
                    bids.select_related("submitted_by", "created_by").distinct()
                )
            }
        )
        for email in emails:
            transaction.on_commit(
                lambda e=email: send_email.enqueue(subject=subject, body=body, to=[e])
            )
    return cancellation
