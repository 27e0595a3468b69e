"""Reads for reviews, decisions and decommissioning, and the golden thread's forward links.

``access_*`` functions answer ``NotFound`` for a missing object and a forbidden one alike.
Reads never import writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.dateformat import format as date_format

from coproduce.deliver.contracts.models import Contract, ContractKPI, ContractStatus
from coproduce.deliver.feedback.selectors import PUBLIC_MINIMUM as FEEDBACK_PUBLIC_MINIMUM
from coproduce.deliver.feedback.selectors import contract_summary, score_rows
from coproduce.deliver.monitoring.selectors import kpi_views
from coproduce.deliver.social_value.models import AnalysisStatus as SroiStatus
from coproduce.deliver.social_value.models import SroiAnalysis
from coproduce.deliver.social_value.selectors import (
    contract_commitments,
    sroi_report,
    summarise,
    unit_words,
)
from coproduce.deliver.social_value.sroi import ratio_in_words
from coproduce.foundation.commissioning.models import CommissioningProject, Stage, StageChange
from coproduce.foundation.core.errors import NotFound
from coproduce.foundation.core.templatetags.govuk import pounds
from coproduce.plan.specifications.models import Specification
from coproduce.procure.awards.selectors import Diversity, access_tender_market, market_diversity
from coproduce.procure.tenders.models import Tender
from coproduce.understand.consultations.models import Consultation, Finding
from coproduce.understand.equality.models import EqualityImpactAssessment

from .models import (
    FINISHED_ACTIONS,
    Decommissioning,
    DecommissioningStatus,
    Outcome,
    Review,
    ReviewDecision,
    ReviewStatus,
    TransitionAction,
    TransitionGroup,
)

# --- reviews ---------------------------------------------------------------------------------


def _review_qs() -> QuerySet[Review]:
    return Review.objects.select_related(
        "project", "project__service_area", "project__owner", "started_by", "published_by"
    )


def access_review(user, reference: str, perm: str = "review.view_review") -> Review:
    """One review if ``user`` holds ``perm`` on it (the public: published ones; staff: all).

    Staff-only permissions (``review.manage``) are checked without the object. NotFound for
    missing and forbidden alike.
    """
    review = _review_qs().filter(reference=reference).first()
    if review is None:
        raise NotFound()
    allowed = user.has_perm(perm) if perm == "review.manage" else user.has_perm(perm, review)
    if not allowed or not user.has_perm("commissioning.view_project", review.project):
        raise NotFound()
    return review


def access_project_for_review(user, reference: str) -> CommissioningProject:
    """A project a commissioner may start a review of (any stage: the service says why not)."""
    if not user.has_perm("review.manage"):
        raise NotFound()
    project = CommissioningProject.objects.filter(reference=reference).first()
    if project is None:
        raise NotFound()
    return project


def review_for_cycle(project: CommissioningProject, cycle: int) -> Review | None:
    return Review.objects.filter(project=project, cycle=cycle).first()


def decision_of(review: Review) -> ReviewDecision | None:
    """The review's decision, or None (one query, no exception)."""
    return ReviewDecision.objects.select_related("decided_by").filter(review=review).first()


def project_reviews(project: CommissioningProject, *, include_drafts: bool = False) -> list[Review]:
    """The project's reviews, oldest cycle first, each with ``decision_or_none`` set."""
    qs = Review.objects.filter(project=project).select_related("started_by").order_by("cycle")
    if not include_drafts:
        qs = qs.filter(status=ReviewStatus.PUBLISHED)
    reviews = list(qs)
    decisions = {
        d.review_id: d
        for d in ReviewDecision.objects.filter(review__in=reviews).select_related(
            "decided_by", "decommissioning"
        )
    }
    for r in reviews:
        r.decision_or_none = decisions.get(r.pk)
    return reviews


def learned_last_time(project: CommissioningProject) -> Review | None:
    """For a project in a later cycle: the published review of the cycle before, when it
    decided to recommission ("What we learned last time" in the new understand stage)."""
    if project.cycle <= 1:
        return None
    return (
        Review.objects.filter(
            project=project,
            cycle=project.cycle - 1,
            status=ReviewStatus.PUBLISHED,
            decision__outcome__in=[Outcome.RECOMMISSION, Outcome.RECOMMISSION_CHANGED],
        )
        .select_related("decision")
        .first()
    )


def cycle_contracts(project: CommissioningProject, cycle: int) -> list[Contract]:
    """The contracts let in ``cycle`` of the project, with their KPIs (and the findings each
    KPI was built on). A review looks at its own cycle's contracts only."""
    kpis = ContractKPI.objects.select_related("requirement").prefetch_related(
        Prefetch("requirement__findings", queryset=Finding.objects.order_by("reference"))
    )
    return list(
        Contract.objects.filter(project=project, cycle=cycle)
        .select_related("provider", "council_contact", "award__tender")
        .prefetch_related(Prefetch("kpis", queryset=kpis))
        .order_by("starts_on", "reference")
    )


def findings_behind_contracts(project: CommissioningProject, cycle: int) -> list[Finding]:
    """Published findings cited by the requirements the KPIs of the contracts let in
    ``cycle`` came from."""
    return list(
        Finding.objects.filter(
            requirements__contract_kpis__contract__project=project,
            requirements__contract_kpis__contract__cycle=cycle,
            published_at__isnull=False,
        )
        .distinct()
        .order_by("reference")
    )


@dataclass
class TenderDiversity:
    tender: Tender
    diversity: Diversity


@dataclass
class ReviewReport:
    """Everything a review report shows beside the officer's words.

    KPI results, what users said, mystery shopping, social value and SROI are shown by the
    deliver apps' own public sections (the page includes them); this holds what the review
    itself assembles.
    """

    review: Review
    contracts: list[Contract]
    findings: list[Finding]
    assessment: EqualityImpactAssessment | None
    diversity: list[TenderDiversity]
    decision: ReviewDecision | None
    decommissioning: Decommissioning | None = None
    stage_changes: list[StageChange] = field(default_factory=list)


def cycle_window(review: Review) -> tuple[dt.datetime | None, dt.datetime]:
    """When the review's cycle began (the decision of the review before it, or None for the
    first cycle) and when the review started: the tenders of the cycle fall between."""
    before = (
        ReviewDecision.objects.filter(
            review__project_id=review.project_id, review__cycle=review.cycle - 1
        )
        .values_list("decided_at", flat=True)
        .first()
    )
    return before, review.started_at


def cycle_market_diversity(review: Review) -> list[TenderDiversity]:
    """Market diversity of the tenders published in the review's cycle (opened and
    awarded; see ``awards.selectors.access_tender_market``). Sealed tenders are skipped."""
    since, until = cycle_window(review)
    tenders = Tender.objects.filter(
        project_id=review.project_id, published_at__isnull=False, published_at__lte=until
    )
    if since is not None:
        tenders = tenders.filter(published_at__gt=since)
    out = []
    for tender in tenders.order_by("published_at", "pk"):
        try:
            access_tender_market(tender.reference)
        except NotFound:
            continue
        out.append(TenderDiversity(tender=tender, diversity=market_diversity(tender=tender)))
    return out


def review_report(review: Review) -> ReviewReport:
    """The report of ``review``: the contracts of its cycle and their KPIs, findings used,
    the equality impact assessment, market diversity and the decision (if made)."""
    decision = decision_of(review)
    decommissioning = (
        Decommissioning.objects.filter(decision=decision).first() if decision else None
    )
    return ReviewReport(
        review=review,
        contracts=cycle_contracts(review.project, review.cycle),
        findings=list(review.findings.filter(published_at__isnull=False).order_by("reference")),
        assessment=EqualityImpactAssessment.objects.filter(project=review.project).first(),
        diversity=cycle_market_diversity(review),
        decision=decision,
        decommissioning=decommissioning,
    )


# --- the report's figures (live for a draft, frozen when published) ---------------------------


def _day(value: dt.date | None) -> str:
    """1 April 2026 (frozen into a report, so formatted once)."""
    return date_format(value, "j F Y") if value else ""


def _kpi_figures(contract: Contract, kpis_by_id: dict[int, ContractKPI]) -> list[dict]:
    out = []
    for view in kpi_views(contract, accepted_only=True, published_only=True):
        kpi = kpis_by_id.get(view.kpi.pk, view.kpi)
        findings = (
            [
                {"reference": f.reference, "statement": f.statement}
                for f in kpi.requirement.findings.all()
                if f.published_at
            ]
            if kpi.requirement_id
            else []
        )
        out.append(
            {
                "position": kpi.position,
                "text": kpi.text,
                "target": view.target_text,
                "unit": kpi.unit,
                "findings": findings,
                "results": [
                    {
                        "label": p.label,
                        "period": f"{_day(p.period_start)} to {_day(p.period_end)}",
                        "text": p.text,
                        "rag": p.rag,
                    }
                    for p in view.points
                ],
                "assessments": [
                    {"year": a.year, "rating": a.get_rating_display(), "reasons": a.reasons}
                    for a in view.assessments
                ],
            }
        )
    return out


def _feedback_figures(contract: Contract) -> dict:
    summary = contract_summary(contract)
    return {
        "responses": summary.score.responses,
        "percent": summary.score.percent,
        "show_score": summary.show_score,
        "minimum": FEEDBACK_PUBLIC_MINIMUM,
        "counts": [
            {"label": row["label"], "count": row["count"]} for row in score_rows(summary.score)
        ]
        if summary.show_score
        else [],
        "themes": [{"name": t.name, "count": t.answer_count} for t in summary.themes],
        "visits_planned": summary.visits_planned,
        "visits": [
            {
                "number": v.number,
                "visited_on": _day(v.visited_on),
                "overall": v.overall,
                "replied": v.replied,
                "changes": list(v.changes),
            }
            for v in summary.visits
        ],
    }


def _social_value_figures(contract: Contract) -> dict | None:
    summary = summarise(contract_commitments(contract, public=True))
    if not summary.lines:
        return None
    return {
        "committed_pence": summary.committed_pence,
        "delivered_pence": summary.delivered_pence,
        "measures": [
            {
                "name": m.name,
                "committed": f"{_number(m.committed)} {unit_words(m.unit, m.committed)}",
                "verified": f"{_number(m.verified)} {unit_words(m.unit, m.verified)}",
                "committed_pence": m.committed_pence,
                "delivered_pence": m.delivered_pence,
            }
            for m in summary.measures
        ],
    }


def _number(value: Decimal) -> str:
    """2.50 → "2.5", 4.00 → "4", 1234 → "1,234"."""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def _pounds_pence(value: float) -> int:
    return round(value * 100)


def report_figures(review: Review) -> dict:
    """What the review report shows of the evidence, as plain data (JSON-safe).

    Built from the other apps' public selectors for the contracts of the review's cycle:
    each KPI's accepted results and published assessments, the Friends and Family Test
    score with its counts and themes, mystery shopping, social value committed against
    verified delivery, published SROI ratios, the market diversity of the cycle's tenders
    and the findings the measures were built on. A draft report shows it live; publishing
    stores it in ``Review.snapshot`` and the published report shows that, so a later return
    or feedback never changes a published report.
    """
    contracts = cycle_contracts(review.project, review.cycle)
    contract_rows = []
    for contract in contracts:
        kpis_by_id = {k.pk: k for k in contract.kpis.all()}
        contract_rows.append(
            {
                "reference": contract.reference,
                "title": contract.title,
                "provider": contract.provider.name,
                "starts_on": _day(contract.starts_on),
                "ends_on": _day(contract.ends_on),
                "status": contract.get_status_display(),
                "kpis": _kpi_figures(contract, kpis_by_id),
                "feedback": _feedback_figures(contract),
                "social_value": _social_value_figures(contract),
            }
        )
    analyses = (
        SroiAnalysis.objects.filter(project=review.project, status=SroiStatus.PUBLISHED)
        .filter(Q(contract__in=contracts) | Q(contract__isnull=True))
        .select_related("contract")
        .prefetch_related("outcomes")
        .order_by("published_at", "pk")
    )
    sroi_rows = []
    for analysis in analyses:
        result = sroi_report(analysis).result
        sroi_rows.append(
            {
                "reference": analysis.reference,
                "title": analysis.title,
                "contract": analysis.contract.reference if analysis.contract else "",
                "ratio": None if result.ratio is None else f"£{result.ratio:,.2f}",
                "in_words": ratio_in_words(result.ratio),
                "present_value_pence": _pounds_pence(result.present_value),
                "inputs_pence": _pounds_pence(result.inputs),
            }
        )
    diversity_rows = [
        {
            "reference": item.tender.reference,
            "title": item.tender.title,
            "bids": item.diversity.overall.bids,
            "awards": item.diversity.overall.awards,
            "rows": [
                {
                    "label": row.label,
                    "bid_share": str(row.bid_share),
                    "award_share": str(row.award_share),
                }
                for row in item.diversity.overall.rows
            ],
        }
        for item in cycle_market_diversity(review)
    ]
    findings = review.findings.filter(published_at__isnull=False).order_by("reference")
    return {
        "taken_at": timezone.now().isoformat(),
        "contracts": contract_rows,
        "has_social_value": any(row["social_value"] for row in contract_rows),
        "sroi": sroi_rows,
        "diversity": diversity_rows,
        "findings": [{"reference": f.reference, "statement": f.statement} for f in findings],
    }


def figures_of(review: Review) -> dict:
    """The figures the report shows: frozen at publication, live while a draft."""
    if review.is_published and review.snapshot:
        return review.snapshot
    return report_figures(review)


def key_figures(figures: dict) -> list[str]:
    """A few sentences of the figures (for "What we learned last time"): each KPI's latest
    result against its target, the Friends and Family Test score, the top themes, mystery
    shopping visits, social value delivered and SROI ratios."""
    out = []
    for c in figures.get("contracts", []):
        for k in c.get("kpis", []):
            if k["results"]:
                last = k["results"][-1]
                out.append(
                    f"{k['text'].rstrip('.')}: {last['text']} in {last['label']} "
                    f"(target {k['target']})."
                )
        fb = c.get("feedback") or {}
        if fb.get("show_score"):
            out.append(
                f"{c['title']}: {fb['percent']}% of the {fb['responses']} people who answered "
                "rated it very good or good."
            )
        if fb.get("themes"):
            themes = ", ".join(t["name"] for t in fb["themes"])
            out.append(f"What people talked about most: {themes}.")
        if fb.get("visits"):
            n = len(fb["visits"])
            out.append(f"{n} mystery shopping visit{'s' if n != 1 else ''} reported.")
        sv = c.get("social_value")
        if sv:
            out.append(
                f"Social value: {pounds(sv['delivered_pence'])} delivered of "
                f"{pounds(sv['committed_pence'])} promised."
            )
    for a in figures.get("sroi", []):
        if a["ratio"]:
            out.append(f"{a['title']}: {a['in_words']}")
    return out


def published_reviews() -> QuerySet[Review]:
    """Published reviews of published projects, newest first (the public API list)."""
    return (
        _review_qs()
        .filter(status=ReviewStatus.PUBLISHED, project__published_at__isnull=False)
        .order_by("-published_at", "-pk")
    )


# --- decommissioning ---------------------------------------------------------------------


def _decommissioning_qs() -> QuerySet[Decommissioning]:
    return Decommissioning.objects.select_related(
        "project",
        "contract",
        "contract__provider",
        "assessment",
        "decision",
        "decision__review",
        "decision__decided_by",
        "notice_given_by",
    )


def access_decommissioning(
    user, reference: str, perm: str = "review.view_decommissioning"
) -> Decommissioning:
    """One decommissioning if ``user`` holds ``perm`` (the public: once notice is given;
    staff: always; ``review.manage``: commissioners). NotFound otherwise."""
    d = _decommissioning_qs().filter(reference=reference).first()
    if d is None:
        raise NotFound()
    allowed = user.has_perm(perm) if perm == "review.manage" else user.has_perm(perm, d)
    if not allowed or not user.has_perm("commissioning.view_project", d.project):
        raise NotFound()
    return d


def access_decommissioning_for_provider(user, reference: str) -> Decommissioning:
    """The decommissioning, for the letter to the provider: council staff, or a member of
    the provider whose contract is ending (``contracts.view_contract``), once notice is
    given. NotFound for anyone else."""
    d = _decommissioning_qs().filter(reference=reference).first()
    if d is None or d.contract is None or not getattr(user, "is_authenticated", False):
        raise NotFound()
    if not user.has_perm("contracts.view_contract", d.contract):
        raise NotFound()
    if not d.notice_given and not user.has_perm("review.view_decommissioning", d):
        raise NotFound()
    return d


def transition_plan(d: Decommissioning) -> list[TransitionGroup]:
    """The groups of the plan, each with its actions (two queries)."""
    return list(
        d.groups.prefetch_related(
            Prefetch("actions", queryset=TransitionAction.objects.order_by("due_on", "pk"))
        ).order_by("position")
    )


def access_group(d: Decommissioning, position: int) -> TransitionGroup:
    group = d.groups.filter(position=position).first()
    if group is None:
        raise NotFound()
    return group


def access_action(d: Decommissioning, pk: int) -> TransitionAction:
    action = (
        TransitionAction.objects.select_related("group")
        .filter(pk=pk, group__decommissioning=d)
        .first()
    )
    if action is None:
        raise NotFound()
    return action


@dataclass(frozen=True)
class PlanProgress:
    actions: int
    finished: int
    overdue: int

    @property
    def complete(self) -> bool:
        return self.finished == self.actions


def plan_progress(d: Decommissioning, today: dt.date | None = None) -> PlanProgress:
    today = today or timezone.localdate()
    actions = list(
        TransitionAction.objects.filter(group__decommissioning=d).values("status", "due_on")
    )
    return PlanProgress(
        actions=len(actions),
        finished=sum(1 for a in actions if a["status"] in FINISHED_ACTIONS),
        overdue=sum(
            1 for a in actions if a["status"] not in FINISHED_ACTIONS and a["due_on"] < today
        ),
    )


def project_decommissioning(project: CommissioningProject) -> Decommissioning | None:
    """The project's latest decommissioning (planning or after)."""
    return _decommissioning_qs().filter(project=project).order_by("-created_at", "-pk").first()


def decommissionings_due(today: dt.date) -> QuerySet[Decommissioning]:
    """Services under notice whose last day is before ``today``: time to end them."""
    return Decommissioning.objects.filter(
        status=DecommissioningStatus.NOTICE, service_ends_on__lt=today
    ).order_by("service_ends_on", "pk")


def decommissionings_to_close() -> QuerySet[Decommissioning]:
    return Decommissioning.objects.filter(status=DecommissioningStatus.ENDED).order_by("pk")


def live_contracts(project: CommissioningProject) -> list[Contract]:
    """Contracts of the project that have not ended (what a notice can be given on)."""
    return list(
        Contract.objects.filter(project=project)
        .exclude(status__in=[ContractStatus.ENDED, ContractStatus.TERMINATED])
        .select_related("provider")
        .order_by("starts_on", "reference")
    )


def public_decommissionings() -> QuerySet[Decommissioning]:
    """Notices given on published projects, newest first (the public API list)."""
    return (
        _decommissioning_qs()
        .exclude(status=DecommissioningStatus.PLANNING)
        .filter(project__published_at__isnull=False)
        .order_by("-notice_given_on", "-pk")
    )


# --- the golden thread ---------------------------------------------------------------------


@dataclass
class ForwardLinks:
    """Where a finding was used after the specification: contract KPIs and reviews."""

    kpis: list[ContractKPI]
    reviews: list[Review]

    def __bool__(self) -> bool:
        return bool(self.kpis or self.reviews)


def finding_forward_links(finding: Finding) -> ForwardLinks:
    """Contract KPIs built on requirements citing ``finding``, and published reviews that
    used it, on published projects only (two queries)."""
    kpis = list(
        ContractKPI.objects.filter(
            requirement__findings=finding, contract__project__published_at__isnull=False
        )
        .select_related("contract", "contract__project", "contract__provider")
        .distinct()
        .order_by("contract__reference", "position")
    )
    reviews = list(
        Review.objects.filter(
            findings=finding,
            status=ReviewStatus.PUBLISHED,
            project__published_at__isnull=False,
        )
        .select_related("project")
        .distinct()
        .order_by("cycle")
    )
    return ForwardLinks(kpis=kpis, reviews=reviews)


def open_consultations_cited(
    spec: Specification, now: dt.datetime | None = None
) -> list[Consultation]:
    """Consultations still open whose findings ``spec`` cites: those findings are interim."""
    now = now or timezone.now()
    consultations = (
        Consultation.objects.filter(findings__requirements__specification=spec)
        .distinct()
        .order_by("closes_at", "pk")
    )
    return [c for c in consultations if c.phase(now) in ("open", "upcoming")]


@dataclass(frozen=True)
class StageDecider:
    stage: str
    label: str
    cycle: int
    decided_by: str
    job_title: str
    decided_at: dt.datetime


def stage_decision_makers(project: CommissioningProject) -> list[StageDecider]:
    """Who decided each move into a stage, in order (every cycle), from the stage changes."""
    labels = dict(Stage.choices)
    return [
        StageDecider(
            stage=c.to_stage,
            label=labels.get(c.to_stage, c.to_stage),
            cycle=c.cycle,
            decided_by=c.decided_by.full_name,
            job_title=getattr(c.decided_by, "job_title", "") or "",
            decided_at=c.decided_at,
        )
        for c in project.stage_changes.select_related("decided_by").order_by("decided_at", "pk")
    ]
