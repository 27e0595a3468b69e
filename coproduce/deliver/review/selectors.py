"""Reads for reviews, decisions and decommissioning, and the golden thread's forward links.

``access_*`` functions answer ``NotFound`` for a missing object and a forbidden one alike.
Reads never import writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from coproduce.deliver.contracts.models import Contract, ContractKPI, ContractStatus
from coproduce.foundation.commissioning.models import CommissioningProject, Stage, StageChange
from coproduce.foundation.core.errors import NotFound
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


def cycle_contracts(project: CommissioningProject) -> list[Contract]:
    """The project's contracts with their KPIs (and the findings each KPI was built on)."""
    kpis = ContractKPI.objects.select_related("requirement").prefetch_related(
        Prefetch("requirement__findings", queryset=Finding.objects.order_by("reference"))
    )
    return list(
        Contract.objects.filter(project=project)
        .select_related("provider", "council_contact", "award__tender")
        .prefetch_related(Prefetch("kpis", queryset=kpis))
        .order_by("starts_on", "reference")
    )


def findings_behind_contracts(project: CommissioningProject) -> list[Finding]:
    """Published findings cited by the requirements the project's contract KPIs came from."""
    return list(
        Finding.objects.filter(
            requirements__contract_kpis__contract__project=project, published_at__isnull=False
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


def market_diversity_of_project(project: CommissioningProject) -> list[TenderDiversity]:
    """Market diversity of each of the project's tenders that may be shown (opened and
    awarded; see ``awards.selectors.access_tender_market``). Sealed tenders are skipped."""
    out = []
    for tender in Tender.objects.filter(project=project, published_at__isnull=False).order_by(
        "published_at"
    ):
        try:
            access_tender_market(tender.reference)
        except NotFound:
            continue
        out.append(TenderDiversity(tender=tender, diversity=market_diversity(tender=tender)))
    return out


def review_report(review: Review) -> ReviewReport:
    """The report of ``review``: contracts and KPIs, findings used, the equality impact
    assessment, market diversity and the decision (if made)."""
    decision = decision_of(review)
    decommissioning = (
        Decommissioning.objects.filter(decision=decision).first() if decision else None
    )
    return ReviewReport(
        review=review,
        contracts=cycle_contracts(review.project),
        findings=list(review.findings.filter(published_at__isnull=False).order_by("reference")),
        assessment=EqualityImpactAssessment.objects.filter(project=review.project).first(),
        diversity=market_diversity_of_project(review.project),
        decision=decision,
        decommissioning=decommissioning,
    )


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
