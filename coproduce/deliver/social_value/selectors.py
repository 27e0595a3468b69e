"""Reads for social value: the measure table, committed vs delivered, SROI results.

``access_*`` functions raise ``NotFound`` for a missing object and for one the person may
not see alike. Public reads show only agreed commitments, verified delivery and
published analyses of published projects.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, Q, QuerySet

from coproduce.deliver.contracts.models import Contract
from coproduce.deliver.contracts.selectors import access_contract
from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.procure.bids.models import BidAnswer

from . import sroi
from .measure_csv import UNIT_ONE, UNITS
from .models import (
    AnalysisStatus,
    Commitment,
    CommitmentStatus,
    Delivery,
    DeliveryStatus,
    Measure,
    MeasureTable,
    SroiAnalysis,
)


def value_pence(quantity: Decimal, proxy_pence: int) -> int:
    """``quantity`` units at ``proxy_pence`` each, to the nearest penny (halves up)."""
    return int((Decimal(quantity) * proxy_pence).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def unit_words(unit: str, quantity=None) -> str:
    """The words after a quantity: "full-time jobs for a year" (or the singular for 1)."""
    if quantity is not None and Decimal(quantity) == 1:
        return UNIT_ONE.get(unit, unit)
    return UNITS.get(unit, unit)


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _require(user, perm: str) -> None:
    if not _signed_in(user) or not user.has_perm(perm):
        raise NotFound()


# --- the measure table -------------------------------------------------------------------


def current_measure_table() -> MeasureTable | None:
    """The newest imported version (the one new commitments use), or None."""
    return MeasureTable.objects.order_by("-version").first()


def measure_tables(*, user) -> QuerySet[MeasureTable]:
    """Every version, newest first, for council staff."""
    _require(user, "social_value.view_staff")
    return MeasureTable.objects.select_related("imported_by").order_by("-version")


def access_measure_table(*, user, version: int) -> MeasureTable:
    table = measure_tables(user=user).filter(version=version).first()
    if table is None:
        raise NotFound()
    return table


def table_measures(table: MeasureTable | None) -> QuerySet[Measure]:
    """The measures of one version in code order (none when there is no table)."""
    if table is None:
        return Measure.objects.none()
    return table.measures.order_by("code")


def public_measure_table(version: int | None = None) -> tuple[MeasureTable, list[Measure]]:
    """A version of the table (the current one by default) and its measures (public)."""
    table = (
        MeasureTable.objects.filter(version=version).first()
        if version is not None
        else current_measure_table()
    )
    if table is None:
        raise NotFound()
    return table, list(table_measures(table))


# --- contracts, commitments, deliveries --------------------------------------------------


def access_public_contract(reference: str) -> Contract:
    """A contract of a published project (its social value is public); NotFound otherwise."""
    contract = (
        Contract.objects.select_related("project", "provider")
        .filter(reference=reference, project__published_at__isnull=False)
        .first()
    )
    if contract is None:
        raise NotFound()
    return contract


def contract_commitments(contract: Contract, *, public: bool = False) -> list[Commitment]:
    """The contract's commitments with their deliveries (public: agreed ones only)."""
    qs = Commitment.objects.filter(contract=contract)
    if public:
        qs = qs.filter(status=CommitmentStatus.AGREED)
    deliveries = Delivery.objects.defer("evidence").select_related("reported_by", "decided_by")
    return list(
        qs.select_related("bid_answer__criterion", "proposed_by", "decided_by")
        .prefetch_related(
            Prefetch("deliveries", queryset=deliveries.order_by("period_start", "pk"))
        )
        .order_by("due_by", "pk")
    )


@dataclass
class CommitmentLine:
    """One commitment with what has been delivered on it so far."""

    commitment: Commitment
    verified: Decimal
    waiting: Decimal
    committed_pence: int
    delivered_pence: int

    @property
    def percent(self) -> int:
        c = self.commitment.quantity
        return int(min(Decimal(100), self.verified * 100 / c)) if c else 0


@dataclass
class MeasureLine:
    """Committed against verified delivery for one measure, in units and in pounds."""

    code: str
    name: str
    unit: str
    committed: Decimal = Decimal(0)
    verified: Decimal = Decimal(0)
    waiting: Decimal = Decimal(0)
    committed_pence: int = 0
    delivered_pence: int = 0

    @property
    def unit_words(self) -> str:
        return unit_words(self.unit)


@dataclass
class Summary:
    """Committed vs delivered: per commitment, per measure and in all."""

    lines: list[CommitmentLine] = field(default_factory=list)
    measures: list[MeasureLine] = field(default_factory=list)
    committed_pence: int = 0
    delivered_pence: int = 0


def summarise(commitments: list[Commitment]) -> Summary:
    """Only verified delivery counts; deliveries waiting to be checked are shown apart.

    Each commitment is valued with the proxy stored on it, so a newer measure table never
    changes what earlier promises were worth. Declined commitments count for nothing.
    """
    summary = Summary()
    by_measure: OrderedDict[tuple[str, str], MeasureLine] = OrderedDict()
    for c in commitments:
        if c.status != CommitmentStatus.AGREED:
            continue
        deliveries = list(c.deliveries.all())
        verified = sum(
            (d.quantity for d in deliveries if d.status == DeliveryStatus.VERIFIED), Decimal(0)
        )
        waiting = sum(
            (d.quantity for d in deliveries if d.status == DeliveryStatus.SUBMITTED), Decimal(0)
        )
        line = CommitmentLine(
            commitment=c,
            verified=verified,
            waiting=waiting,
            committed_pence=value_pence(c.quantity, c.proxy_pence),
            delivered_pence=value_pence(verified, c.proxy_pence),
        )
        summary.lines.append(line)
        m = by_measure.setdefault((c.code, c.unit), MeasureLine(c.code, c.name, c.unit))
        m.committed += c.quantity
        m.verified += verified
        m.waiting += waiting
        m.committed_pence += line.committed_pence
        m.delivered_pence += line.delivered_pence
        summary.committed_pence += line.committed_pence
        summary.delivered_pence += line.delivered_pence
    summary.measures = sorted(by_measure.values(), key=lambda m: m.code)
    return summary


def access_commitment(*, user, pk: int, perm: str = "contracts.view_contract") -> Commitment:
    """A commitment on a contract ``user`` holds ``perm`` on; NotFound otherwise."""
    commitment = (
        Commitment.objects.select_related("contract__provider", "contract__project")
        .filter(pk=pk)
        .first()
    )
    if commitment is None:
        raise NotFound()
    access_contract(user, commitment.contract.reference, perm=perm)
    return commitment


def access_delivery(*, user, pk: int, perm: str = "contracts.view_contract") -> Delivery:
    """A delivery report (without its evidence bytes) on a contract ``user`` holds ``perm`` on."""
    delivery = (
        Delivery.objects.defer("evidence")
        .select_related(
            "commitment__contract__provider",
            "commitment__contract__project",
            "reported_by",
            "decided_by",
        )
        .filter(pk=pk)
        .first()
    )
    if delivery is None:
        raise NotFound()
    access_contract(user, delivery.commitment.contract.reference, perm=perm)
    return delivery


def evidence_bytes(delivery: Delivery) -> bytes:
    """The evidence file's content (callers have already checked who is asking)."""
    return bytes(Delivery.objects.values_list("evidence", flat=True).get(pk=delivery.pk))


def verification_queue(*, user) -> QuerySet[Delivery]:
    """Deliveries waiting for an officer, oldest first (council staff)."""
    _require(user, "social_value.view_staff")
    return (
        Delivery.objects.defer("evidence")
        .filter(status=DeliveryStatus.SUBMITTED)
        .select_related("commitment__contract__provider", "reported_by")
        .order_by("created_at", "pk")
    )


def bid_social_value_answers(contract: Contract):
    """The winning bid's answers to social value questions (none without an award)."""
    if contract.award_id is None:
        return []
    return list(
        BidAnswer.objects.filter(bid_id=contract.award.winning_bid_id)
        .filter(Q(criterion__kind="social_value") | Q(criterion__parent__kind="social_value"))
        .select_related("criterion")
    )


# --- SROI --------------------------------------------------------------------------------


def sroi_target(
    *, user, project: str, contract: str = ""
) -> tuple[CommissioningProject, Contract | None]:
    """The project (and contract of it) an analysis is for, from references a person typed.

    Raises a ``ServiceError`` naming the field when either is unknown to ``user``.
    """
    found = CommissioningProject.objects.filter(reference=(project or "").strip()).first()
    if found is None or not user.has_perm("commissioning.view_project", found):
        raise ServiceError(
            "unknown_project", "There is no project with that reference.", field="project"
        )
    chosen = None
    if (contract or "").strip():
        try:
            chosen = access_contract(user, contract.strip())
        except NotFound:
            raise ServiceError(
                "unknown_contract", "There is no contract with that reference.", field="contract"
            ) from None
    return found, chosen


def sroi_list(*, user) -> QuerySet[SroiAnalysis]:
    """Every analysis, newest first, for council staff."""
    _require(user, "social_value.view_staff")
    return SroiAnalysis.objects.select_related("project", "contract").order_by("-created_at", "-pk")


def access_sroi(*, user, reference: str) -> SroiAnalysis:
    """A published analysis of a published project for anyone; drafts for council staff."""
    analysis = (
        SroiAnalysis.objects.select_related("project", "contract__provider", "created_by")
        .filter(reference=reference)
        .first()
    )
    if analysis is None:
        raise NotFound()
    public = analysis.is_published and analysis.project.is_published
    if not public and not (_signed_in(user) and user.has_perm("social_value.view_staff")):
        raise NotFound()
    return analysis


def access_sroi_for_edit(*, user, reference: str) -> SroiAnalysis:
    """An analysis a commissioner may change (NotFound for anyone else)."""
    _require(user, "social_value.manage")
    return access_sroi(user=user, reference=reference)


def outcome_inputs(analysis: SroiAnalysis) -> list[sroi.Outcome]:
    return [
        sroi.Outcome(
            quantity=float(o.quantity),
            proxy=o.proxy_pence / 100,
            deadweight=float(o.deadweight),
            attribution=float(o.attribution),
            displacement=float(o.displacement),
            drop_off=float(o.drop_off),
            duration=o.duration_years,
        )
        for o in analysis.outcomes.all()
    ]


@dataclass
class SroiReport:
    """An analysis with its outcomes, result, years and sensitivity table."""

    analysis: SroiAnalysis
    outcomes: list
    result: sroi.Result
    years: list[dict]
    sensitivity: list[sroi.SensitivityRow]
    in_words: str


def sroi_report(analysis: SroiAnalysis) -> SroiReport:
    """Work out the analysis (pure arithmetic in ``sroi.py``)."""
    outcomes = list(analysis.outcomes.order_by("position"))
    inputs = outcome_inputs(analysis)
    rate = float(analysis.discount_rate)
    pounds = analysis.inputs_pence / 100
    result = sroi.calculate(inputs, inputs=pounds, rate=rate)
    years = [
        {"year": analysis.first_year + i, "number": i + 1, "value": v, "present": p}
        for i, (v, p) in enumerate(zip(result.by_year, result.present_by_year, strict=True))
    ]
    for outcome, calc in zip(outcomes, inputs, strict=True):
        outcome.first_year_value = calc.first_year()
        outcome.present_value = sroi.calculate([calc], inputs=0, rate=rate).present_value
    return SroiReport(
        analysis=analysis,
        outcomes=outcomes,
        result=result,
        years=years,
        sensitivity=sroi.sensitivity(inputs, inputs=pounds, rate=rate),
        in_words=sroi.ratio_in_words(result.ratio),
    )


# --- the public section on a project page -------------------------------------------------


@dataclass
class ContractSocialValue:
    contract: Contract
    summary: Summary


def project_social_value(project: CommissioningProject) -> dict:
    """Committed vs verified delivery per contract, and the published SROI analyses."""
    contracts = list(
        Contract.objects.filter(project=project)
        .select_related("provider")
        .order_by("starts_on", "reference")
    )
    rows = []
    for contract in contracts:
        summary = summarise(contract_commitments(contract, public=True))
        if summary.lines:
            rows.append(ContractSocialValue(contract, summary))
    analyses = [
        sroi_report(a)
        for a in SroiAnalysis.objects.filter(project=project, status=AnalysisStatus.PUBLISHED)
        .select_related("contract")
        .prefetch_related("outcomes")
        .order_by("-published_at", "-pk")
    ]
    return {"contracts": rows, "analyses": analyses}
