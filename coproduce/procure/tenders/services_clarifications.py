"""Writes for questions and answers, changes to a published tender, following, feedback.

Every function is one transaction that also writes the audit row. Questions and changes
lock the tender row first, so question numbers, pseudonyms ("Organisation A", "B"…) and
change numbers are handed out one at a time even when two organisations act at once.
Emails go out after commit through the tasks in ``tasks_notify``.
"""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from coproduce.foundation.accounts.models import Organisation, User
from coproduce.foundation.core.audit import audit_record
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.idempotency import submitted_once
from coproduce.plan.procurement_rules import selectors as rule_selectors
from coproduce.plan.procurement_rules.selectors import minimum_deadline

from . import (
    rules_clarifications,  # noqa: F401  (registers the permissions)
    tasks_notify,
)
from .models import (
    Amendment,
    AskerPseudonym,
    Clarification,
    ClarificationStatus,
    Lot,
    ProcessFeedback,
    Tender,
    TenderInterest,
    TenderStatus,
)
from .selectors_clarifications import question_refusal
from .services_search import tender_search_vectors_refresh

QUESTION_MAX = 5000
ANSWER_MAX = 20000
REASON_MAX = 5000
COMMENTS_MAX = 5000
# A second identical question from the same organisation within this window is taken to
# be a double submit and answered with the first one.
DUPLICATE_WINDOW = timedelta(minutes=10)


def pseudonym_label(index: int) -> str:
    """0 → "Organisation A", 25 → "Organisation Z", 26 → "Organisation AA" (bijective base 26)."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return f"Organisation {letters}"


def _require_member(actor: User, organisation: Organisation) -> None:
    if not actor.has_perm("tenders.act_for_organisation", organisation):
        raise NotFound()


def _check_can_ask(tender: Tender, now: dt.datetime) -> None:
    problem = question_refusal(tender, now)
    if problem is not None:
        raise problem


def _pseudonym_for(tender: Tender, organisation: Organisation) -> AskerPseudonym:
    """The organisation's pseudonym on this tender, made on its first question.

    The caller holds the tender's row lock, so the count below cannot race; the unique
    constraints on (tender, organisation) and (tender, label) are the backstop.
    """
    existing = AskerPseudonym.objects.filter(tender=tender, organisation=organisation).first()
    if existing is not None:
        return existing
    index = AskerPseudonym.objects.filter(tender=tender).count()
    for attempt in range(5):
        try:
            with transaction.atomic():
                return AskerPseudonym.objects.create(
                    tender=tender, organisation=organisation, label=pseudonym_label(index)
                )
        except IntegrityError:
            # Only reachable without the row lock; take the next free letter.
            existing = AskerPseudonym.objects.filter(
                tender=tender, organisation=organisation
            ).first()
            if existing is not None:
                return existing
            index = AskerPseudonym.objects.filter(tender=tender).count() + attempt
    raise ServiceError("busy", "Too many questions at once. Please try again.")


def _follow(
    *, actor: User, tender: Tender, organisation: Organisation
) -> tuple[TenderInterest, bool]:
    interest = TenderInterest.objects.filter(tender=tender, organisation=organisation).first()
    if interest is not None:
        return interest, False
    try:
        with transaction.atomic():
            interest = TenderInterest.objects.create(
                tender=tender, organisation=organisation, registered_by=actor
            )
    except IntegrityError:  # followed at the same moment by another member
        return TenderInterest.objects.get(tender=tender, organisation=organisation), False
    audit_record(
        actor=actor,
        verb="tenders.tender.followed",
        target=interest,
        changes={"tender": tender.reference, "organisation": organisation.slug},
    )
    return interest, True


@submitted_once("tenders.clarification", within="tender")
def clarification_ask(
    *,
    actor: User,
    tender: Tender,
    organisation: Organisation,
    question: str,
    lot: Lot | None = None,
    now: dt.datetime | None = None,
) -> Clarification:
    """Ask a question as ``organisation`` about the whole tender or one lot.

    Refused (nothing stored) on a closed tender, after the closing date or the question
    closing date; NotFound for an unpublished tender or an organisation the actor does not
    belong to. Gives the organisation its pseudonym on first question, follows the tender
    for it, and emails the asker a confirmation after commit. The same text from the same
    organisation within ``DUPLICATE_WINDOW`` returns the first question (double submit).
    """
    _require_member(actor, organisation)
    text = (question or "").strip()
    if not text:
        raise ServiceError("required", "Enter your question.", field="question")
    if len(text) > QUESTION_MAX:
        raise ServiceError(
            "too_long",
            f"Your question must be {QUESTION_MAX:,} characters or fewer.",
            field="question",
        )
    if lot is not None and lot.tender_id != tender.pk:
        raise ServiceError("invalid_lot", "Choose a lot of this tender.", field="lot")
    with transaction.atomic():
        locked = Tender.objects.select_for_update().get(pk=tender.pk)
        now = now or timezone.now()
        _check_can_ask(locked, now)
        duplicate = Clarification.objects.filter(
            tender=locked,
            organisation=organisation,
            question=text,
            lot=lot,
            created_at__gte=now - DUPLICATE_WINDOW,
        ).first()
        if duplicate is not None:
            return duplicate
        pseudonym = _pseudonym_for(locked, organisation)
        number = (
            Clarification.objects.filter(tender=locked).aggregate(m=Max("number"))["m"] or 0
        ) + 1
        clarification = Clarification.objects.create(
            tender=locked,
            lot=lot,
            number=number,
            organisation=organisation,
            asked_by=actor,
            pseudonym=pseudonym,
            question=text,
        )
        audit_record(
            actor=actor,
            verb="tenders.clarification.asked",
            target=clarification,
            changes={
                "tender": locked.reference,
                "number": number,
                "organisation": organisation.slug,
                "pseudonym": pseudonym.label,
                "lot": lot.number if lot else None,
                "question": text,
            },
        )
        _follow(actor=actor, tender=locked, organisation=organisation)
        transaction.on_commit(
            lambda: _enqueue("send_question_received", clarification_id=clarification.pk)
        )
    return clarification


def clarification_answer(
    *,
    actor: User,
    clarification: Clarification,
    question: str,
    answer: str,
    publish: bool,
) -> Clarification:
    """Record the answer (and the question as it will be published) and optionally publish it.

    Officers may reword the question to remove anything that identifies the asker; the
    original and every edit stay in the audit trail. Publishing notifies the members of
    every following organisation after commit (once each). A published answer can still be
    corrected (audited), without a second notification. Publishing twice does nothing.
    Answering a declined question takes it out of "declined" and clears its reason.
    """
    if not actor.has_perm("tenders.answer_clarification"):
        raise NotFound()
    question = (question or "").strip()
    answer = (answer or "").strip()
    if not question:
        raise ServiceError(
            "required", "Enter the question as it will be published.", field="question"
        )
    if len(question) > QUESTION_MAX:
        raise ServiceError(
            "too_long",
            f"The question must be {QUESTION_MAX:,} characters or fewer.",
            field="question",
        )
    if not answer:
        raise ServiceError("required", "Enter the answer.", field="answer")
    if len(answer) > ANSWER_MAX:
        raise ServiceError(
            "too_long", f"The answer must be {ANSWER_MAX:,} characters or fewer.", field="answer"
        )
    with transaction.atomic():
        Tender.objects.select_for_update().filter(pk=clarification.tender_id).first()
        locked = Clarification.objects.select_related("tender").get(pk=clarification.pk)
        was_published = locked.status == ClarificationStatus.PUBLISHED
        new_status = (
            ClarificationStatus.PUBLISHED
            if (publish or was_published)
            else ClarificationStatus.AWAITING
        )
        changes: dict = {}
        if locked.question != question:
            changes["question"] = [locked.question, question]
        # While awaiting or declined, ``answer`` may hold a draft answer.
        if locked.answer != answer:
            changes["answer"] = [locked.answer, answer]
        if locked.status != new_status:
            changes["status"] = [locked.status, new_status]
            if locked.decline_reason:
                # No longer declined: the old reason would only mislead.
                changes["decline_reason"] = [locked.decline_reason, ""]
        if not changes:
            return locked
        locked.question = question
        locked.answer = answer
        if "decline_reason" in changes:
            locked.decline_reason = ""
        locked.answered_by = actor
        locked.status = new_status
        if new_status == ClarificationStatus.PUBLISHED and locked.published_at is None:
            locked.published_at = timezone.now()
        locked.save()
        if was_published:
            verb = "tenders.clarification.corrected"
        elif new_status == ClarificationStatus.PUBLISHED:
            verb = "tenders.clarification.published"
        else:
            verb = "tenders.clarification.answer_drafted"
        audit_record(actor=actor, verb=verb, target=locked, changes=changes)
        if verb == "tenders.clarification.published":
            transaction.on_commit(
                lambda: _enqueue("send_answer_notifications", clarification_id=locked.pk)
            )
    return locked


def clarification_decline(
    *, actor: User, clarification: Clarification, reason: str
) -> Clarification:
    """Decline to publish a question, with a reason shown to the asking organisation only.

    The reason is kept in ``decline_reason`` (a declined question is never public; a draft
    answer in ``answer`` is left as it was) and emailed to the person who asked. A
    published question cannot be declined. Declining again with the same reason changes
    nothing.
    """
    if not actor.has_perm("tenders.answer_clarification"):
        raise NotFound()
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(
            "reason_required",
            "Enter why the question will not be published. The organisation that asked will see it.",
            field="reason",
        )
    if len(reason) > REASON_MAX:
        raise ServiceError(
            "too_long", f"The reason must be {REASON_MAX:,} characters or fewer.", field="reason"
        )
    with transaction.atomic():
        Tender.objects.select_for_update().filter(pk=clarification.tender_id).first()
        locked = Clarification.objects.get(pk=clarification.pk)
        if locked.status == ClarificationStatus.PUBLISHED:
            raise ServiceError(
                "already_published",
                "This answer has already been published to everyone, so it cannot be declined. "
                "Correct the answer instead.",
            )
        if locked.status == ClarificationStatus.DECLINED and locked.decline_reason == reason:
            return locked
        changes = {"status": [locked.status, ClarificationStatus.DECLINED]}
        if locked.decline_reason != reason:
            changes["decline_reason"] = [locked.decline_reason, reason]
        locked.status = ClarificationStatus.DECLINED
        locked.decline_reason = reason
        locked.answered_by = actor
        locked.save()
        audit_record(
            actor=actor,
            verb="tenders.clarification.declined",
            target=locked,
            changes=changes,
            reason=reason,
        )
        transaction.on_commit(
            lambda: _enqueue("send_question_declined", clarification_id=locked.pk)
        )
    return locked


def tender_follow(*, actor: User, tender: Tender, organisation: Organisation) -> TenderInterest:
    """Follow a published tender as ``organisation`` (its members hear of answers and changes).

    Idempotent: following again returns the existing interest. NotFound for a tender that
    is not published or an organisation the actor does not belong to.
    """
    _require_member(actor, organisation)
    if tender.published_at is None:
        raise NotFound()
    with transaction.atomic():
        interest, _ = _follow(actor=actor, tender=tender, organisation=organisation)
    return interest


def tender_unfollow(*, actor: User, tender: Tender, organisation: Organisation) -> bool:
    """Stop following; True if something was removed. Unfollowing twice does nothing."""
    _require_member(actor, organisation)
    with transaction.atomic():
        interest = (
            TenderInterest.objects.select_for_update()
            .filter(tender=tender, organisation=organisation)
            .first()
        )
        if interest is None:
            return False
        audit_record(
            actor=actor,
            verb="tenders.tender.unfollowed",
            target=interest,
            changes={"tender": tender.reference, "organisation": organisation.slug},
        )
        interest.delete()
    return True


def amendment_minimum_deadline(tender: Tender, today: dt.date) -> dt.date:
    """The earliest closing date the rules allow for a tender changed on ``today``.

    The later of two dates from the rules table: the tender's own minimum tender period
    counted from its publication (a change never shortens it), and the minimum time to
    bid that must be left after a change (``amendment.minimum_days_left``), counted from
    today.
    """
    published_on = timezone.localdate(tender.published_at) if tender.published_at else today
    original, _refs = minimum_deadline(
        publish_on=published_on,
        planned_notice_on=tender.planned_notice_on,
        light_touch=tender.service_area.light_touch,
    )
    left, _refs = rule_selectors.amendment_minimum_deadline(amended_on=today)
    return max(original, left)


def tender_amend(
    *,
    actor: User,
    tender: Tender,
    summary: str,
    reason: str,
    changes: dict,
    new_deadline: dt.datetime | None = None,
) -> Amendment:
    """Record a change to a published, open tender, with what changed and why.

    If the (new) closing date is earlier than the rules allow after a change
    (``amendment_minimum_deadline``: the original minimum tender period, and at least
    ``amendment.minimum_days_left`` days from today), the closing date moves to that
    minimum date at the same time of day: it can never be earlier. Bids already submitted must be confirmed
    again (``reconfirm_required``). Numbered 1, 2…; audited; every following organisation
    is emailed after commit. Refused on a draft, closed or past-deadline tender. The same
    summary and reason again within a few minutes (a double submit) returns the first.
    """
    if not actor.has_perm("tenders.amend_tender"):
        raise NotFound()
    summary = (summary or "").strip()
    reason = (reason or "").strip()
    if not summary:
        raise ServiceError("required", "Enter what changed.", field="summary")
    if not reason:
        raise ServiceError(
            "reason_required",
            "Enter why the tender changed. Every change to a published tender needs a reason.",
            field="reason",
        )
    for name, value, label in (
        ("summary", summary, "What changed"),
        ("reason", reason, "The reason"),
    ):
        if len(value) > REASON_MAX:
            raise ServiceError(
                "too_long", f"{label} must be {REASON_MAX:,} characters or fewer.", field=name
            )
    with transaction.atomic():
        locked = Tender.objects.select_for_update().select_related("service_area").get(pk=tender.pk)
        now = timezone.now()
        if locked.published_at is None or locked.status == TenderStatus.DRAFT:
            raise ServiceError(
                "tender_not_published",
                "This tender is not published yet. Change the draft directly: changes are only "
                "recorded after publication.",
            )
        if locked.status != TenderStatus.OPEN or (locked.deadline and now >= locked.deadline):
            raise ServiceError(
                "tender_closed",
                "This tender is closed for bids, so it can no longer be changed.",
            )
        duplicate = Amendment.objects.filter(
            tender=locked, summary=summary, reason=reason, made_at__gte=now - DUPLICATE_WINDOW
        ).first()
        if duplicate is not None:
            return duplicate
        today = timezone.localdate(now)
        minimum = amendment_minimum_deadline(locked, today)
        previous = locked.deadline
        wanted = new_deadline or previous
        if timezone.is_naive(wanted):
            wanted = timezone.make_aware(wanted)
        local = timezone.localtime(wanted)
        moved_to_minimum = local.date() < minimum
        if moved_to_minimum:
            wanted = timezone.make_aware(
                dt.datetime.combine(minimum, local.time().replace(tzinfo=None))
            )
        record = dict(changes or {})
        if wanted != previous:
            record["deadline"] = [previous.isoformat(), wanted.isoformat()]
        if moved_to_minimum:
            record["deadline_moved_to_minimum"] = minimum.isoformat()
        number = (Amendment.objects.filter(tender=locked).aggregate(m=Max("number"))["m"] or 0) + 1
        amendment = Amendment.objects.create(
            tender=locked,
            number=number,
            summary=summary,
            reason=reason,
            changes=record,
            previous_deadline=previous,
            new_deadline=wanted,
            reconfirm_required=True,
            made_by=actor,
            made_at=now,
        )
        if wanted != previous:
            locked.deadline = wanted
            update = ["deadline", "updated_at"]
            locked.save(update_fields=update)
        # Every change writes the tender's searchable words again (one UPDATE of this row).
        tender_search_vectors_refresh([locked.pk])
        audit_record(
            actor=actor,
            verb="tenders.tender.amended",
            target=locked,
            changes={"amendment": number, **record},
            reason=reason,
        )
        transaction.on_commit(
            lambda: _enqueue("send_amendment_notifications", amendment_id=amendment.pk)
        )
    return amendment


@submitted_once("tenders.process_feedback", within="tender")
def process_feedback_submit(
    *,
    actor,
    tender: Tender,
    rating: int,
    clarity: int,
    time_enough: bool | None,
    comments: str = "",
    contact_email: str = "",
) -> ProcessFeedback:
    """Store feedback on how a published tender's process was run (anyone may give it).

    The audit row records that feedback arrived, not what it says (it may be anonymous).
    """
    if tender.published_at is None:
        raise NotFound()
    for name, value, label in (("rating", rating, "overall"), ("clarity", clarity, "clarity")):
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise ServiceError(
                "out_of_range", f"Choose a score for {label} from 1 to 5.", field=name
            )
    comments = (comments or "").strip()
    if len(comments) > COMMENTS_MAX:
        raise ServiceError(
            "too_long",
            f"Your comments must be {COMMENTS_MAX:,} characters or fewer.",
            field="comments",
        )
    with transaction.atomic():
        feedback = ProcessFeedback.objects.create(
            tender=tender,
            rating=rating,
            clarity=clarity,
            time_enough=time_enough,
            comments=comments,
            contact_email=(contact_email or "").strip(),
        )
        audit_record(
            actor=actor,
            verb="tenders.process_feedback.received",
            target=feedback,
            changes={"tender": tender.reference},
        )
    return feedback


def _enqueue(name: str, **kwargs) -> None:
    getattr(tasks_notify, name).enqueue(**kwargs)
