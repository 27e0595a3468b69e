"""Reads for complaints: the staff desk, the complainant's own view, public outcomes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from coproduce.foundation.core.errors import NotFound
from coproduce.procure.tenders.models import Tender

from .models import Complaint, ComplaintStatus

OPEN = [ComplaintStatus.RECEIVED, ComplaintStatus.ACKNOWLEDGED, ComplaintStatus.UNDER_REVIEW]
DECIDED = [ComplaintStatus.UPHELD, ComplaintStatus.NOT_UPHELD]
TOKEN_SALT = "complaints.complaint.view"


def complaint_token(complaint: Complaint) -> str:
    """A signed token for the complainant's link to see or withdraw their complaint."""
    return signing.dumps({"c": complaint.reference}, salt=TOKEN_SALT)


def complaint_from_token(token: str) -> Complaint:
    """The complaint a token names; NotFound for a tampered or unknown token."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        raise NotFound() from None
    complaint = Complaint.objects.select_related("tender").filter(reference=data.get("c")).first()
    if complaint is None:
        raise NotFound()
    return complaint


def complaint_status_url(complaint: Complaint) -> str:
    """The complainant's private page (signed link) for this complaint."""
    return reverse("complaints:mine_by_token", args=[complaint_token(complaint)])


def access_published_tender(reference: str) -> Tender:
    """A tender anyone may complain about or read outcomes of: published; NotFound otherwise."""
    tender = Tender.objects.filter(reference=reference, published_at__isnull=False).first()
    if tender is None:
        raise NotFound()
    return tender


def is_overdue(complaint: Complaint, today: dt.date | None = None) -> bool:
    """Still open and past its respond-by date."""
    today = today or timezone.localdate()
    return complaint.status in OPEN and complaint.respond_by < today


def complaint_desk_list(*, user, status: str = "") -> QuerySet[Complaint]:
    """All complaints for the staff desk (council staff only), oldest respond-by first."""
    if not user.has_perm("complaints.view_desk"):
        raise NotFound()
    qs = Complaint.objects.select_related("tender").order_by("respond_by", "pk")
    if status == "open":
        qs = qs.filter(status__in=OPEN)
    elif status in ComplaintStatus.values:
        qs = qs.filter(status=status)
    return qs


def access_complaint_by_reference(
    *, user, reference: str, perm: str = "complaints.view_desk"
) -> Complaint:
    """One complaint for the desk; NotFound when missing or when ``user`` lacks ``perm``."""
    if not user.has_perm(perm):
        raise NotFound()
    complaint = (
        Complaint.objects.select_related("tender", "organisation", "raised_by")
        .filter(reference=reference)
        .first()
    )
    if complaint is None:
        raise NotFound()
    return complaint


def access_own_complaint(*, user, reference: str) -> Complaint:
    """A complaint the signed-in user raised; NotFound for anyone else."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    complaint = (
        Complaint.objects.select_related("tender")
        .filter(reference=reference, raised_by=user)
        .first()
    )
    if complaint is None:
        raise NotFound()
    return complaint


def complaints_raised_by(*, user) -> QuerySet[Complaint]:
    """The signed-in user's own complaints, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Complaint.objects.none()
    return Complaint.objects.filter(raised_by=user).select_related("tender").order_by("-created_at")


def complaint_history(complaint: Complaint):
    """Status changes in order, with who made them."""
    return complaint.events.select_related("by").order_by("at", "pk")


@dataclass(frozen=True)
class TenderOutcomes:
    """What the public sees about complaints on one tender: outcomes, never names."""

    decided: list[dict]
    open_count: int


def tender_outcomes(tender: Tender) -> TenderOutcomes:
    """Published outcomes of decided complaints and the number still open (two queries)."""
    decided = list(
        Complaint.objects.filter(tender=tender, status__in=DECIDED)
        .order_by("decided_at", "pk")
        .values("reference", "subject", "status", "published_outcome", "decided_at")
    )
    for row in decided:
        row["subject_label"] = dict(Complaint._meta.get_field("subject").choices)[row["subject"]]
        row["status_label"] = ComplaintStatus(row["status"]).label
    open_count = Complaint.objects.filter(tender=tender, status__in=OPEN).count()
    return TenderOutcomes(decided=decided, open_count=open_count)


def complaint_blocks_award(tender: Tender) -> bool:
    """True while any complaint about ``tender`` is still open (received, acknowledged or
    under review). The award work uses this to pause an award raised during standstill."""
    return Complaint.objects.filter(Q(tender=tender) & Q(status__in=OPEN)).exists()


def complaint_decided_since(*, tender_id: int, since: dt.datetime) -> bool:
    """True when a complaint about the tender was decided (upheld or not) after ``since``.
    The award work uses this: such an award waits for the officer to resume or withdraw it."""
    return Complaint.objects.filter(
        tender_id=tender_id, status__in=DECIDED, decided_at__gt=since
    ).exists()
