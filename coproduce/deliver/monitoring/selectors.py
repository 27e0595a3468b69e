"""Reads for monitoring: periods and their returns, KPI results over time, what is late,
what needs a plan, and what the public sees (accepted figures and published assessments).

Access to a contract always goes through ``contracts.selectors.access_contract`` and the
contracts rules: council staff and the provider's members read; a forbidden contract or
return is "not found", exactly like a missing one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from coproduce.deliver.contracts.models import Contract, ContractKPI
from coproduce.deliver.contracts.selectors import access_contract, contracts_for_provider_user
from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.errors import NotFound

from . import periods as P
from . import rag as R
from .charts import Chart, build_chart
from .figures import format_figure
from .models import (
    EvidenceFile,
    ImprovementPlan,
    KPIAssessment,
    MonitoringReturn,
    PlanStatus,
    ReturnFigure,
    ReturnMessage,
    ReturnStatus,
    ReturnSubmission,
)

#: Days after a period ends that its return is due (setting ``MONITORING_RETURN_DUE_DAYS``).
DEFAULT_DUE_DAYS = 28
#: Days after the return that made a plan necessary was sent that the plan is due.
PLAN_DUE_DAYS = 14

PERIOD_NAMES = {1: "Month", 3: "Quarter", 6: "Half-year", 12: "Year"}


def due_days() -> int:
    """Days after the end of a period that its return is due (28 unless set otherwise)."""
    return int(getattr(settings, "MONITORING_RETURN_DUE_DAYS", DEFAULT_DUE_DAYS))


def contract_kpis(contract: Contract) -> list[ContractKPI]:
    """The contract's KPIs in their order."""
    return list(contract.kpis.order_by("position"))


def contract_months(contract: Contract, kpis: list[ContractKPI] | None = None) -> int | None:
    """Months per return (the most frequent KPI's); None when the contract has no KPIs."""
    kpis = contract_kpis(contract) if kpis is None else kpis
    return P.return_months(k.frequency for k in kpis)


def period_label(months: int, number: int) -> str:
    """ "Month 3", "Quarter 2", …"""
    return f"{PERIOD_NAMES.get(months, 'Period')} {number}"


def contract_period(contract: Contract, number: int) -> tuple[P.Period, int] | None:
    """Period ``number`` of the contract and the months per return; None if no such period."""
    months = contract_months(contract)
    if months is None:
        return None
    found = P.period(contract.starts_on, contract.ends_on, months, number)
    return (found, months) if found is not None else None


def asked_kpis(kpis: list[ContractKPI], months: int, period: P.Period) -> list[ContractKPI]:
    """The KPIs a return for ``period`` asks a figure for."""
    return [k for k in kpis if P.kpi_asked_in(k.frequency, months, period)]


@dataclass
class PeriodRow:
    """A started period of a contract, with its return if one was sent."""

    period: P.Period
    label: str
    due_on: dt.date
    ret: MonitoringReturn | None
    asked: list[ContractKPI]
    state: str  # "open", "due", "late", or the return's status

    @property
    def late(self) -> bool:
        return self.state == "late"

    @property
    def sent_late(self) -> bool:
        return (
            self.ret is not None and timezone.localdate(self.ret.first_submitted_at) > self.due_on
        )

    @property
    def state_label(self) -> str:
        if self.ret is not None:
            return ReturnStatus(self.ret.status).label
        return {
            "open": "Not due yet",
            "due": "Due",
            "late": "Late: not sent",
        }[self.state]


def period_rows(
    contract: Contract, *, today: dt.date | None = None, returns: list | None = None
) -> list[PeriodRow]:
    """Every period of ``contract`` that has started by ``today``, oldest first.

    A period with no return is "open" until it ends, "due" until its due date, then
    "late". A sent return shows its status (and ``sent_late`` when it came after the due
    date).
    """
    today = today or timezone.localdate()
    kpis = contract_kpis(contract)
    months = contract_months(contract, kpis)
    if months is None:
        return []
    if returns is None:
        returns = list(contract.monitoring_returns.all())
    by_number = {r.number: r for r in returns}
    rows = []
    days = due_days()
    for p in P.periods_started(contract.starts_on, contract.ends_on, months, today):
        ret = by_number.get(p.number)
        due = ret.due_on if ret is not None else P.due_on(p, days)
        if ret is not None:
            state = ret.status
        elif today <= p.ends_on:
            state = "open"
        elif today <= due:
            state = "due"
        else:
            state = "late"
        rows.append(
            PeriodRow(
                period=p,
                label=period_label(months, p.number),
                due_on=due,
                ret=ret,
                asked=asked_kpis(kpis, months, p),
                state=state,
            )
        )
    return rows


def access_return(
    user, reference: str, number: int, perm: str = "contracts.view_contract"
) -> MonitoringReturn:
    """A contract's return for period ``number`` that ``user`` may see (``perm`` on the
    contract); NotFound for a missing one and a forbidden one alike."""
    contract = access_contract(user, reference, perm=perm)
    ret = MonitoringReturn.objects.filter(contract=contract, number=number).first()
    if ret is None:
        raise NotFound()
    ret.contract = contract
    return ret


def return_submissions(ret: MonitoringReturn) -> list[ReturnSubmission]:
    """Every sending of the return, newest first, with figures (and KPIs) and evidence."""
    return list(
        ret.submissions.select_related("submitted_by")
        .prefetch_related(
            Prefetch("figures", queryset=ReturnFigure.objects.select_related("kpi")),
            "evidence",
        )
        .order_by("-version")
    )


def return_thread(ret: MonitoringReturn) -> list[ReturnMessage]:
    """Queries, answers and the acceptance note, oldest first."""
    return list(ret.messages.select_related("author").order_by("at", "pk"))


def evidence_file(ret: MonitoringReturn, file_id: int):
    """One evidence file of any submission of ``ret``; NotFound otherwise."""
    found = (
        EvidenceFile.objects.filter(pk=file_id, submission__monitoring_return=ret).first()
        if 0 < file_id < 2**63
        else None
    )
    if found is None:
        raise NotFound()
    return found


# --- results over time ----------------------------------------------------------------


@dataclass
class Point:
    """One KPI's figure in one period (the current submission of its return)."""

    number: int
    label: str
    period_start: dt.date
    period_end: dt.date
    value: Decimal
    rag: str
    status: str
    text: str

    @property
    def rag_label(self) -> str:
        return R.LABELS[self.rag]


def _current_figures(contracts: list[Contract], *, accepted_only: bool) -> QuerySet[ReturnFigure]:
    qs = ReturnFigure.objects.filter(
        submission__monitoring_return__contract__in=contracts,
        submission__version=F("submission__monitoring_return__version"),
    )
    if accepted_only:
        qs = qs.filter(submission__monitoring_return__status=ReturnStatus.ACCEPTED)
    return qs.select_related("kpi", "submission__monitoring_return").order_by(
        "submission__monitoring_return__number"
    )


def kpi_series(
    contract: Contract, *, accepted_only: bool, kpis: list[ContractKPI] | None = None
) -> dict[int, list[Point]]:
    """Each KPI's figures over time (KPI id → points, oldest first).

    ``accepted_only`` for anything public: only returns the council has accepted.
    """
    kpis = contract_kpis(contract) if kpis is None else kpis
    months = contract_months(contract, kpis) or 1
    out: dict[int, list[Point]] = {k.pk: [] for k in kpis}
    for fig in _current_figures([contract], accepted_only=accepted_only):
        ret = fig.submission.monitoring_return
        out.setdefault(fig.kpi_id, []).append(
            Point(
                number=ret.number,
                label=period_label(months, ret.number),
                period_start=ret.period_start,
                period_end=ret.period_end,
                value=fig.value,
                rag=fig.rag,
                status=ret.status,
                text=format_figure(fig.value, fig.kpi.kind),
            )
        )
    return out


@dataclass
class KPIView:
    """A KPI with its results, chart and plans, for one page."""

    kpi: ContractKPI
    points: list[Point]
    chart: Chart
    assessments: list[KPIAssessment] = field(default_factory=list)

    @property
    def target_text(self) -> str:
        return format_figure(self.kpi.target, self.kpi.kind)

    @property
    def first_label(self) -> str:
        return self.points[0].label if self.points else ""

    @property
    def last_label(self) -> str:
        return self.points[-1].label if self.points else ""


def kpi_views(
    contract: Contract, *, accepted_only: bool, published_only: bool = False
) -> list[KPIView]:
    """Every KPI of ``contract`` with its results over time, chart and assessments."""
    kpis = contract_kpis(contract)
    months = contract_months(contract, kpis) or 1
    series = kpi_series(contract, accepted_only=accepted_only, kpis=kpis)
    assessments = KPIAssessment.objects.filter(contract=contract).order_by("year")
    if published_only:
        assessments = assessments.filter(published_at__isnull=False)
    by_kpi: dict[int, list[KPIAssessment]] = {}
    for a in assessments:
        by_kpi.setdefault(a.kpi_id, []).append(a)
    return [
        KPIView(
            kpi=k,
            points=series.get(k.pk, []),
            chart=build_chart(
                [(str(p.number), p.value, p.rag) for p in series.get(k.pk, [])],
                value_texts=[p.text for p in series.get(k.pk, [])],
                x_title=PERIOD_NAMES.get(months, "Period"),
                target=k.target,
                green_from=k.green_from,
                red_beyond=k.red_beyond,
                direction=k.direction,
                kind=k.kind,
                chart_id=f"kpi-{k.pk}",
            ),
            assessments=by_kpi.get(k.pk, []),
        )
        for k in kpis
    ]


# --- improvement plans ----------------------------------------------------------------


@dataclass
class PlanNeed:
    """A run of two or more reds for a KPI, and the plan that answers it (if any)."""

    kpi: ContractKPI
    trigger_number: int
    trigger_label: str
    due_on: dt.date
    plan: ImprovementPlan | None
    overdue: bool

    @property
    def state_label(self) -> str:
        if self.plan is not None:
            return PlanStatus(self.plan.status).label
        return "Overdue: no plan yet" if self.overdue else "Required: no plan yet"


def plan_needs(contract: Contract, *, today: dt.date | None = None) -> list[PlanNeed]:
    """Every improvement plan the contract needs (red twice in a row), met or not.

    Reds are counted on the current figures of every sent return (accepted or not), so a
    plan is asked for as soon as the second red is reported. A plan is due
    ``PLAN_DUE_DAYS`` days after the return with the second red was first sent; until it
    exists it shows as required, then overdue.
    """
    today = today or timezone.localdate()
    kpis = contract_kpis(contract)
    months = contract_months(contract, kpis) or 1
    series = kpi_series(contract, accepted_only=False, kpis=kpis)
    plans = {
        (p.kpi_id, p.trigger_number): p
        for p in ImprovementPlan.objects.filter(contract=contract).select_related(
            "submitted_by", "agreed_by"
        )
    }
    sent_on = {
        r.number: timezone.localdate(r.first_submitted_at)
        for r in contract.monitoring_returns.all()
    }
    needs = []
    for k in kpis:
        points = series.get(k.pk, [])
        for number in R.red_streak_triggers([(p.number, p.rag) for p in points]):
            due = sent_on.get(number, today) + dt.timedelta(days=PLAN_DUE_DAYS)
            plan = plans.get((k.pk, number))
            needs.append(
                PlanNeed(
                    kpi=k,
                    trigger_number=number,
                    trigger_label=period_label(months, number),
                    due_on=due,
                    plan=plan,
                    overdue=plan is None and today > due,
                )
            )
    return needs


def plan_need(contract: Contract, kpi: ContractKPI, trigger_number: int) -> PlanNeed:
    """The need for a plan for ``kpi`` after period ``trigger_number``; NotFound if none."""
    for need in plan_needs(contract):
        if need.kpi.pk == kpi.pk and need.trigger_number == trigger_number:
            return need
    raise NotFound()


def access_kpi(contract: Contract, position: int) -> ContractKPI:
    """KPI number ``position`` of the contract; NotFound otherwise."""
    kpi = contract.kpis.filter(position=position).first() if 0 < position < 32768 else None
    if kpi is None:
        raise NotFound()
    return kpi


def access_plan(user, reference: str, plan_id: int, perm: str = "contracts.view_contract"):
    """An improvement plan of a contract ``user`` holds ``perm`` on; NotFound otherwise."""
    contract = access_contract(user, reference, perm=perm)
    plan = (
        ImprovementPlan.objects.filter(contract=contract, pk=plan_id)
        .select_related("kpi", "submitted_by", "agreed_by")
        .first()
        if 0 < plan_id < 2**63
        else None
    )
    if plan is None:
        raise NotFound()
    plan.contract = contract
    return plan


# --- assessments ----------------------------------------------------------------------


def assessable_years(contract: Contract, *, today: dt.date | None = None) -> list[int]:
    """Contract years that have ended by ``today`` (only those can be assessed)."""
    today = today or timezone.localdate()
    years = []
    year = 1
    while (bounds := P.year_bounds(contract.starts_on, contract.ends_on, year)) is not None:
        if bounds[1] >= today:
            break
        years.append(year)
        year += 1
    return years


def year_points(contract: Contract, kpi: ContractKPI, year: int) -> list[Point]:
    """The accepted results of ``kpi`` in periods that start in contract year ``year``."""
    bounds = P.year_bounds(contract.starts_on, contract.ends_on, year)
    if bounds is None:
        return []
    points = kpi_series(contract, accepted_only=True).get(kpi.pk, [])
    return [p for p in points if bounds[0] <= p.period_start <= bounds[1]]


def suggested_rating(contract: Contract, kpi: ContractKPI, year: int) -> str | None:
    """The rating the year's accepted colours suggest (``rag.suggested_rating``)."""
    return R.suggested_rating([p.rag for p in year_points(contract, kpi, year)])


# --- lists for officers and providers -------------------------------------------------


def _require_staff(user) -> None:
    if not getattr(user, "is_authenticated", False) or not user.has_perm("contracts.view_list"):
        raise NotFound()


def _monitored_contracts(today: dt.date) -> list[Contract]:
    return list(
        Contract.objects.filter(starts_on__lte=today, kpis__isnull=False)
        .distinct()
        .select_related("provider", "project", "council_contact")
        .prefetch_related("monitoring_returns")
        .order_by("reference")
    )


def late_rows(*, today: dt.date | None = None) -> list[tuple[Contract, PeriodRow]]:
    """Every period past its due date with no return, on every contract (oldest first)."""
    today = today or timezone.localdate()
    out = []
    for contract in _monitored_contracts(today):
        rows = period_rows(contract, today=today, returns=list(contract.monitoring_returns.all()))
        out += [(contract, row) for row in rows if row.late]
    return sorted(out, key=lambda pair: (pair[1].due_on, pair[0].reference))


@dataclass
class OfficerDesk:
    to_check: list[MonitoringReturn]
    queried: list[MonitoringReturn]
    late: list[tuple[Contract, PeriodRow]]
    plans_waiting: list[ImprovementPlan]
    plans_missing: list[tuple[Contract, PlanNeed]]
    assessments_due: list[tuple[Contract, ContractKPI, int]]


def officer_desk(*, user, today: dt.date | None = None) -> OfficerDesk:
    """What council staff have to look at: returns to check, late returns, plans.
    NotFound for anyone who is not council staff."""
    _require_staff(user)
    today = today or timezone.localdate()
    returns = MonitoringReturn.objects.select_related("contract__provider").order_by(
        "first_submitted_at", "pk"
    )
    missing = []
    assessments_due = []
    published = set(
        KPIAssessment.objects.filter(published_at__isnull=False).values_list("kpi_id", "year")
    )
    for contract in _monitored_contracts(today):
        missing += [(contract, n) for n in plan_needs(contract, today=today) if n.plan is None]
        years = assessable_years(contract, today=today)
        assessments_due += [
            (contract, kpi, year)
            for kpi in contract_kpis(contract)
            for year in years
            if (kpi.pk, year) not in published
        ]
    return OfficerDesk(
        to_check=list(returns.filter(status=ReturnStatus.SUBMITTED)[:200]),
        queried=list(returns.filter(status=ReturnStatus.QUERIED)[:200]),
        late=late_rows(today=today),
        plans_waiting=list(
            ImprovementPlan.objects.filter(status=PlanStatus.SUBMITTED)
            .select_related("contract__provider", "kpi")
            .order_by("submitted_at")[:200]
        ),
        plans_missing=missing,
        assessments_due=assessments_due,
    )


@dataclass
class ProviderContract:
    contract: Contract
    rows: list[PeriodRow]
    needs: list[PlanNeed]

    @property
    def late(self) -> list[PeriodRow]:
        return [r for r in self.rows if r.late]

    @property
    def to_send(self) -> list[PeriodRow]:
        return [r for r in self.rows if r.ret is None]

    @property
    def queried(self) -> list[PeriodRow]:
        return [r for r in self.rows if r.state == ReturnStatus.QUERIED]

    @property
    def plans_to_write(self) -> list[PlanNeed]:
        return [n for n in self.needs if n.plan is None or n.plan.status == PlanStatus.CHANGES]


def provider_contracts(*, user, today: dt.date | None = None) -> list[ProviderContract]:
    """The contracts of the user's organisations, each with its periods and plan needs."""
    today = today or timezone.localdate()
    out = []
    for contract in contracts_for_provider_user(user).prefetch_related("monitoring_returns"):
        out.append(
            ProviderContract(
                contract=contract,
                rows=period_rows(
                    contract, today=today, returns=list(contract.monitoring_returns.all())
                ),
                needs=plan_needs(contract, today=today),
            )
        )
    return out


# --- public ---------------------------------------------------------------------------


@dataclass
class PublicContract:
    contract: Contract
    kpis: list[KPIView]


def project_results(project: CommissioningProject) -> list[PublicContract]:
    """For each contract of a project: each KPI's **accepted** results over time and its
    **published** assessments. Nothing else of monitoring is public."""
    contracts = Contract.objects.filter(project=project).select_related("provider")
    return [
        PublicContract(contract=c, kpis=kpi_views(c, accepted_only=True, published_only=True))
        for c in contracts.order_by("starts_on", "reference")
    ]


def public_contract(reference: str) -> Contract:
    """A contract whose project is published (for the public results API); NotFound otherwise."""
    contract = (
        Contract.objects.filter(reference=reference, project__published_at__isnull=False)
        .select_related("provider", "project")
        .first()
    )
    if contract is None:
        raise NotFound()
    return contract
