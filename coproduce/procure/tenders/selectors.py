"""Reads of tenders: access by reference, open/closed from the clock, publication checks.

Drafts are visible to council staff only; for anyone else a draft is "not found", the
same answer as for a tender that does not exist.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone

from coproduce.foundation.commissioning.models import CommissioningProject, Stage
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.plan.evaluation_models.selectors import evaluation_problems
from coproduce.plan.procurement_rules.keys import RESERVED_SUPPORTED_BUSINESS_MIN_PERCENT
from coproduce.plan.procurement_rules.models import Reservation, Route
from coproduce.plan.procurement_rules.selectors import check_publication, rulebook_on
from coproduce.plan.specifications.models import Requirement

from .models import Lot, Tender, TenderDocument, TenderStatus

RESERVATION_PLAIN = {
    Reservation.SUPPORTED_BUSINESS: (
        "Only supported businesses can bid: organisations where at least {percent}% of "
        "the workers are disabled or disadvantaged (for a joint bid, the workers of all "
        "the partners together)."
    ),
    Reservation.SME_VCSE: (
        "Only small and medium-sized businesses, charities, social enterprises and "
        "voluntary or community groups can bid."
    ),
    Reservation.LOCAL: "Only organisations based in the council’s area can bid.",
}
ROUTE_PLAIN = {
    Route.OPEN: "Open: any organisation can send a bid.",
    Route.RESTRICTED: (
        "Shortlist first: organisations first say they are interested and show they can "
        "do the work; only those shortlisted are invited to send a full bid."
    ),
    Route.SINGLE_SOURCE: (
        "Single source: the council intends to agree the contract with one organisation "
        "without a competition. The reason is below."
    ),
    Route.RESERVED: "Reserved: only some kinds of organisation can bid (see below).",
}


def _public_base() -> QuerySet[Tender]:
    return Tender.objects.select_related(
        "project", "service_area", "specification", "evaluation_model"
    )


def access_tender_by_reference(
    user, reference: str, *, perm: str = "tenders.view_tender"
) -> Tender:
    """The tender if ``user`` holds ``perm`` on it; NotFound for missing and forbidden alike.

    ``tenders.view_tender``: published tenders for everyone, drafts for council staff.
    """
    tender = _public_base().filter(reference=reference).first()
    if tender is None or not user.has_perm(perm, tender):
        raise NotFound()
    return tender


def tender_is_open(tender: Tender, now: dt.datetime | None = None) -> bool:
    """True while the tender is published, open and before its deadline (server clock)."""
    now = now or timezone.now()
    return (
        tender.status == TenderStatus.OPEN
        and tender.published_at is not None
        and tender.deadline is not None
        and now < tender.deadline
    )


def tender_public_status(tender: Tender, now: dt.datetime | None = None) -> str:
    """The status people should see: an open tender past its deadline shows as closed."""
    if tender.status == TenderStatus.OPEN and not tender_is_open(tender, now):
        return TenderStatus.CLOSED.label
    return tender.get_status_display()


def tender_days_left(tender: Tender, now: dt.datetime | None = None) -> str:
    """ "12 days left", "Closes today", "Closes tomorrow" or "Closed", in UK days."""
    now = now or timezone.now()
    if tender.deadline is None:
        return ""
    if not tender_is_open(tender, now) and tender.status != TenderStatus.DRAFT:
        return "Closed"
    if tender.deadline <= now:
        return "Closed"
    days = (timezone.localdate(tender.deadline) - timezone.localdate(now)).days
    if days <= 0:
        hours = math.ceil((tender.deadline - now).total_seconds() / 3600)
        return f"Closes today (in {hours} hour{'s' if hours != 1 else ''})"
    if days == 1:
        return "Closes tomorrow"
    return f"{days} days left"


def reservation_plain(reserved_for: str, *, on: dt.date | None = None) -> str:
    """Who may bid for a reserved tender or lot, in plain words ("" when not reserved)."""
    if not reserved_for:
        return ""
    text = RESERVATION_PLAIN.get(reserved_for, "")
    if "{percent}" in text:
        percent = 30
        with contextlib.suppress(ServiceError):  # no rulebook in force: the usual 30 %
            percent = rulebook_on(on or timezone.localdate()).value(
                RESERVED_SUPPORTED_BUSINESS_MIN_PERCENT
            )
        text = text.format(percent=percent)
    return text


def upload_limit_bytes(on: dt.date | None = None) -> tuple[int, str]:
    """The largest document allowed, from the rule ``documents.max_upload_mb``: (bytes, "20 MB")."""
    megabytes = rulebook_on(on or timezone.localdate()).value("documents.max_upload_mb")
    return megabytes * 1024 * 1024, f"{megabytes} MB"


def tender_lots(tender: Tender) -> QuerySet[Lot]:
    """The tender's lots in number order."""
    return tender.lots.order_by("number")


def tender_pack_documents(tender: Tender) -> QuerySet[TenderDocument]:
    """The documents in the pack (withdrawn ones left out), in pack order, with their lot."""
    return (
        tender.documents.filter(withdrawn_at__isnull=True)
        .select_related("lot")
        .order_by("position", "pk")
    )


def access_document(tender: Tender, document_id: int) -> TenderDocument:
    """A current document of a tender the caller may already see; NotFound otherwise."""
    document = tender_pack_documents(tender).filter(pk=document_id).first()
    if document is None:
        raise NotFound()
    return document


def access_lot(tender: Tender, lot_id: int) -> Lot:
    """A lot of the tender; NotFound if it belongs to another tender or does not exist."""
    lot = tender.lots.filter(pk=lot_id).first()
    if lot is None:
        raise NotFound()
    return lot


def tender_staff_list(*, user, status: str = "") -> QuerySet[Tender]:
    """Every tender including drafts, for council staff (NotFound for anyone else)."""
    if not user.has_perm("tenders.view_draft_tenders"):
        raise NotFound()
    qs = Tender.objects.select_related("project", "service_area").annotate(
        lot_count=Count("lots", distinct=True)
    )
    if status in TenderStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-updated_at", "-pk")


def project_tenders(*, user, project: CommissioningProject) -> QuerySet[Tender]:
    """A project's tenders that ``user`` may see (drafts only for council staff)."""
    qs = project.tenders.select_related("service_area").order_by("-created_at")
    if not user.has_perm("tenders.view_draft_tenders"):
        qs = qs.filter(published_at__isnull=False)
    return qs


def tender_amendments(tender: Tender):
    """The tender's amendments, oldest first (empty for a draft)."""
    return tender.amendments.order_by("number")


def specification_requirements(tender: Tender):
    """The requirements of the tender's specification with the evidence each cites."""
    return (
        Requirement.objects.filter(specification_id=tender.specification_id)
        .prefetch_related("findings", "ideas", "equality_entries")
        .order_by("position")
    )


@dataclass(frozen=True)
class LotView:
    """A lot as the notice shows it."""

    lot: Lot
    reservation: str


def lot_views(tender: Tender, on: dt.date | None = None) -> list[LotView]:
    """Lots with their reservation explained in plain words."""
    return [
        LotView(lot=lot, reservation=reservation_plain(lot.reserved_for, on=on))
        for lot in tender_lots(tender)
    ]


def tender_publication_problems(
    tender: Tender, *, now: dt.datetime | None = None
) -> list[ServiceError]:
    """Everything that stops ``tender`` being published today, each naming its rule.

    Used by ``tender_publish`` (which raises the first) and by the edit and publish
    pages (which list them all). Includes the route advisor's breaches for the tender
    and for every lot (a lot is checked with its own value and reservation).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    problems: list[ServiceError] = []
    if tender.project.stage not in (Stage.PLAN, Stage.PROCURE):
        problems.append(
            ServiceError(
                "project_stage",
                "A tender can only be published when its project is at the plan or procure "
                f"stage. The project is at the {tender.project.get_stage_display().lower()} stage.",
            )
        )
    spec = tender.specification
    if spec.published_at is None or spec.status != "published":
        problems.append(
            ServiceError(
                "specification_not_published",
                f"Version {spec.version} of the specification is not the published version. "
                "Choose the latest published specification.",
                field="specification",
            )
        )
    model = tender.evaluation_model
    if model.project_id != tender.project_id:
        problems.append(
            ServiceError(
                "invalid_choice",
                "The evaluation model belongs to another project.",
                field="evaluation_model",
            )
        )
    elif not model.is_locked:
        for problem in evaluation_problems(model):
            problem.field = "evaluation_model"
            problems.append(problem)
    entry = tender.plan_entry
    if entry is not None and entry.tender_id not in (None, tender.pk):
        problems.append(
            ServiceError(
                "plan_entry_taken",
                "The forward-plan entry you chose has already led to another tender. "
                "Choose another entry or none.",
                field="plan_entry",
            )
        )
    lots = list(tender_lots(tender))
    if not lots and not tender.no_lots_reason.strip():
        problems.append(
            ServiceError(
                "no_lots_reason_required",
                "Split the tender into lots, or record why it is not split. The rules expect "
                "contracts to be divided into lots where that helps small organisations bid.",
                field="no_lots_reason",
            )
        )
    if lots and sum(lot.value_pence for lot in lots) > tender.value_pence:
        problems.append(
            ServiceError(
                "lots_exceed_value",
                "The lots add up to more than the tender’s value. Check the values.",
                field="value",
            )
        )
    if tender.deadline is None:
        problems.append(
            ServiceError("deadline_required", "Enter the closing date and time.", field="deadline")
        )
        return problems
    if tender.deadline <= now:
        problems.append(
            ServiceError(
                "deadline_past", "The closing date must be in the future.", field="deadline"
            )
        )
    if tender.questions_close_at and tender.questions_close_at >= tender.deadline:
        problems.append(
            ServiceError(
                "questions_after_deadline",
                "The last day for questions must be before the closing date.",
                field="questions_close_at",
            )
        )
    light_touch = tender.service_area.light_touch
    common = {
        "light_touch": light_touch,
        "route_justification": tender.route_justification,
        "publish_on": today,
        "deadline": tender.deadline,
        "planned_notice_on": tender.planned_notice_on,
    }
    seen: set[tuple[str, str | None]] = set()
    for breach in check_publication(
        value_pence=tender.value_pence,
        route=tender.route,
        reserved_for=tender.reserved_for,
        **common,
    ):
        seen.add((breach.code, breach.field))
        problems.append(ServiceError(breach.code, breach.message, field=breach.field))
    for lot in lots:
        reserved_for = lot.reserved_for or tender.reserved_for
        route = Route.RESERVED if reserved_for else tender.route
        for breach in check_publication(
            value_pence=lot.value_pence, route=route, reserved_for=reserved_for, **common
        ):
            if (breach.code, breach.field) in seen and breach.field == "deadline":
                continue  # the same deadline rule is already listed for the whole tender
            problems.append(
                ServiceError(
                    breach.code,
                    f"Lot {lot.number} ({lot.title}): {breach.message}",
                    field=f"lot-{lot.number}",
                )
            )
    return problems
