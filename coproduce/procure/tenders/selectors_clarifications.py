"""Reads for questions and answers, changes (amendments), followers and process feedback.

Public readers only ever get the pseudonym of an asker; the organisation behind a
question is visible to officers (``tenders.answer_clarification``) and to the members of
the asking organisation themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q, QuerySet

from coproduce.foundation.accounts.models import Organisation, User
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.templatetags.govuk import uk_datetime

from . import rules_clarifications  # noqa: F401  (registers the permissions)
from .models import (
    Amendment,
    Clarification,
    ClarificationStatus,
    Lot,
    ProcessFeedback,
    Tender,
    TenderInterest,
    TenderStatus,
)
from .selectors import access_tender_by_reference


def access_tender(user, reference: str) -> Tender:
    """The tender anyone may read (published; drafts for council staff); NotFound otherwise.

    A thin wrapper over ``selectors.access_tender_by_reference``.
    """
    return access_tender_by_reference(user, reference)


def question_refusal(tender: Tender, now: dt.datetime) -> ServiceError | None:
    """Why a question cannot be asked at ``now`` (None when it can).

    Questions are taken only on a published tender that is open for bids, before its
    closing date and before its closing date for questions. An unpublished tender gives
    ``NotFound`` (nobody outside the council may know it exists).
    """
    if tender.published_at is None or tender.status == TenderStatus.DRAFT:
        return NotFound()
    if tender.status != TenderStatus.OPEN:
        return ServiceError(
            "tender_closed",
            "You cannot ask a question because this tender is "
            f"{TenderStatus(tender.status).label.lower()}. Questions are only taken while a "
            "tender is open for bids.",
        )
    if tender.deadline is not None and now >= tender.deadline:
        return ServiceError(
            "deadline_passed",
            "You cannot ask a question because the closing date for bids "
            f"({uk_datetime(tender.deadline)}) has passed.",
        )
    if tender.questions_close_at is not None and now >= tender.questions_close_at:
        return ServiceError(
            "questions_closed",
            "You cannot ask a question because the closing date for questions "
            f"({uk_datetime(tender.questions_close_at)}) has passed.",
        )
    return None


def access_tender_for_officer(user, reference: str) -> Tender:
    """The tender, if ``user`` may answer its questions and record changes; else NotFound."""
    tender = access_tender(user, reference)
    if not user.has_perm("tenders.answer_clarification"):
        raise NotFound()
    return tender


def access_tender_for_feedback_summary(user, reference: str) -> Tender:
    """The tender, if ``user`` is council staff (who read the feedback summary); else NotFound."""
    tender = access_tender(user, reference)
    if not user.has_perm("tenders.view_process_feedback"):
        raise NotFound()
    return tender


def access_clarification_for_answer(user, tender: Tender, number: int) -> Clarification:
    """One question with its real asker, for officers only; NotFound for anyone else."""
    if not user.has_perm("tenders.answer_clarification"):
        raise NotFound()
    clarification = (
        Clarification.objects.select_related(
            "organisation", "asked_by", "pseudonym", "lot", "answered_by", "tender"
        )
        .filter(tender=tender, number=number)
        .first()
    )
    if clarification is None:
        raise NotFound()
    return clarification


def user_organisations(user) -> QuerySet[Organisation]:
    """Organisations ``user`` belongs to (empty for anonymous visitors), by name."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).order_by("name").distinct()


def access_organisation_for_member(user, slug: str) -> Organisation:
    """The organisation with ``slug`` if ``user`` is a member of it; NotFound otherwise."""
    organisation = user_organisations(user).filter(slug=slug).first()
    if organisation is None:
        raise NotFound()
    return organisation


def tender_lots(tender: Tender) -> QuerySet[Lot]:
    """The tender's lots in number order."""
    return Lot.objects.filter(tender=tender).order_by("number")


def published_clarifications(tender: Tender, *, lot: Lot | None = None) -> QuerySet[Clarification]:
    """Published questions and answers in number order (the public sees only the pseudonym).

    With ``lot``, questions about that lot and about the whole tender.
    """
    qs = (
        Clarification.objects.filter(tender=tender, status=ClarificationStatus.PUBLISHED)
        .select_related("pseudonym", "lot")
        .only(
            "id",
            "number",
            "question",
            "answer",
            "published_at",
            "created_at",
            "status",
            "tender_id",
            "lot__id",
            "lot__number",
            "lot__title",
            "pseudonym__id",
            "pseudonym__label",
        )
        .order_by("number")
    )
    if lot is not None:
        qs = qs.filter(Q(lot=lot) | Q(lot__isnull=True))
    return qs


def clarifications_for_officers(tender: Tender) -> QuerySet[Clarification]:
    """Every question on the tender with its real asker, waiting ones first, then by number."""
    return (
        Clarification.objects.filter(tender=tender)
        .select_related("organisation", "asked_by", "pseudonym", "lot", "answered_by")
        .order_by("number")
    )


def clarifications_of_user_organisations(user, tender: Tender) -> QuerySet[Clarification]:
    """Questions the user's organisations asked on this tender (they may see their own)."""
    return (
        Clarification.objects.filter(tender=tender, organisation__in=user_organisations(user))
        .select_related("organisation", "pseudonym", "lot")
        .order_by("number")
    )


def clarification_counts(tender: Tender) -> dict[str, int]:
    """How many questions are waiting, published and declined (for the officers' page)."""
    rows = (
        Clarification.objects.filter(tender=tender)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = dict.fromkeys(ClarificationStatus.values, 0)
    counts.update({r["status"]: r["n"] for r in rows})
    return counts


def tender_amendments(tender: Tender) -> QuerySet[Amendment]:
    """The tender's changes, in the order they were made (1, 2, …)."""
    return Amendment.objects.filter(tender=tender).order_by("number")


def amendments_requiring_reconfirmation(tender: Tender, since: dt.datetime) -> QuerySet[Amendment]:
    """Changes made after ``since`` (e.g. a bid's submission) that require bids to be confirmed again."""
    return Amendment.objects.filter(
        tender=tender, made_at__gt=since, reconfirm_required=True
    ).order_by("number")


def followed_organisation_ids(user, tender: Tender) -> set[int]:
    """Ids of the user's organisations that follow this tender."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        TenderInterest.objects.filter(
            tender=tender, organisation__memberships__user=user
        ).values_list("organisation_id", flat=True)
    )


def follower_emails(tender: Tender) -> list[tuple[int, str]]:
    """``(user id, email)`` of every active member of every following organisation, once each."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation__tender_interests__tender=tender,
        )
        .exclude(email="")
        .order_by("pk")
        .distinct()
        .values_list("pk", "email")
    )


@dataclass(frozen=True)
class FeedbackSummary:
    """Averages and comments from the process feedback on one tender."""

    count: int
    average_rating: float | None
    average_clarity: float | None
    time_enough_yes: int
    time_enough_no: int
    time_enough_unanswered: int
    comments: list[ProcessFeedback] = field(default_factory=list)


def feedback_summary(tender: Tender, *, comment_limit: int = 200) -> FeedbackSummary:
    """Counts and averages (one query) plus the latest comments (one query)."""
    agg = ProcessFeedback.objects.filter(tender=tender).aggregate(
        count=Count("id"),
        rating=Avg("rating"),
        clarity=Avg("clarity"),
        yes=Count("id", filter=Q(time_enough=True)),
        no=Count("id", filter=Q(time_enough=False)),
    )
    comments = list(
        ProcessFeedback.objects.filter(tender=tender)
        .exclude(comments="")
        .order_by("-created_at", "-id")[:comment_limit]
    )
    count = agg["count"] or 0
    return FeedbackSummary(
        count=count,
        average_rating=round(agg["rating"], 1) if agg["rating"] is not None else None,
        average_clarity=round(agg["clarity"], 1) if agg["clarity"] is not None else None,
        time_enough_yes=agg["yes"] or 0,
        time_enough_no=agg["no"] or 0,
        time_enough_unanswered=count - (agg["yes"] or 0) - (agg["no"] or 0),
        comments=comments,
    )
