"""REST endpoints for review (capability C5: deliver and review).

Public reads only: published review reports with their decisions, and decommissioning
notices once given (with the transition plan). Council staff also read drafts and plans
being prepared. Staff write through the pages.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema

from coproduce.deliver.review import selectors as sel

router = Router(tags=["review"])


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


class DecisionOut(Schema):
    outcome: str
    outcome_label: str
    reasons: str
    changes: str
    decided_by: str
    decided_at: dt.datetime
    decommissioning: str | None


class KPIOut(Schema):
    contract: str
    text: str
    target: str
    unit: str
    findings: list[str]


class ReviewOut(Schema):
    reference: str
    project: str
    project_title: str
    cycle: int
    status: str
    started_at: dt.datetime
    published_at: dt.datetime | None
    conclusions: str
    equality_notes: str
    #: findings (references) the cycle's contract KPIs were built on
    findings: list[str]
    url: str
    decision: DecisionOut | None


class ReviewDetailOut(ReviewOut):
    kpis: list[KPIOut]
    equality_assessment_url: str | None


def _decision(decision) -> dict | None:
    if decision is None:
        return None
    d = getattr(decision, "decommissioning", None) if decision.outcome == "decommission" else None
    return {
        "outcome": decision.outcome,
        "outcome_label": decision.get_outcome_display(),
        "reasons": decision.reasons,
        "changes": decision.changes,
        "decided_by": decision.decided_by.full_name,
        "decided_at": decision.decided_at,
        "decommissioning": d.reference if d is not None and d.notice_given else None,
    }


def _review(review, *, findings: list[str], decision) -> dict:
    return {
        "reference": review.reference,
        "project": review.project.reference,
        "project_title": review.project.title,
        "cycle": review.cycle,
        "status": review.status,
        "started_at": review.started_at,
        "published_at": review.published_at,
        "conclusions": review.conclusions,
        "equality_notes": review.equality_notes,
        "findings": findings,
        "url": reverse("review:report", args=[review.reference]),
        "decision": _decision(decision),
    }


@router.get("/reviews", response=list[ReviewOut], summary="Published review reports")
def list_reviews(request: HttpRequest):
    """Published review reports of published projects, newest first, with their decisions."""
    reviews = list(sel.published_reviews().prefetch_related("findings")[:200])
    return [
        _review(
            r,
            findings=sorted(f.reference for f in r.findings.all() if f.published_at),
            decision=sel.decision_of(r),
        )
        for r in reviews
    ]


@router.get(
    "/reviews/{reference}",
    response={200: ReviewDetailOut, 404: ErrorOut},
    summary="One review report, with the contract KPIs and the decision",
)
def get_review(request: HttpRequest, reference: str):
    """A published review report (council staff also read drafts); 404 otherwise."""
    review = sel.access_review(request.user, reference)
    report = sel.review_report(review)
    out = _review(review, findings=[f.reference for f in report.findings], decision=report.decision)
    out["kpis"] = [
        {
            "contract": c.reference,
            "text": k.text,
            "target": str(k.target.normalize()),
            "unit": k.unit,
            "findings": sorted(
                f.reference
                for f in (k.requirement.findings.all() if k.requirement else [])
                if f.published_at
            ),
        }
        for c in report.contracts
        for k in c.kpis.all()
    ]
    eqia = report.assessment
    out["equality_assessment_url"] = (
        reverse("equality:public_detail", args=[review.project.reference])
        if eqia is not None and eqia.is_published and review.project.is_published
        else None
    )
    return out


class ActionOut(Schema):
    text: str
    owner: str
    due_on: dt.date
    status: str
    done_on: dt.date | None
    explanation: str


class GroupOut(Schema):
    who: str
    people_count: int | None
    destination: str
    by_when: dt.date
    responsible: str
    actions: list[ActionOut]


class DecommissioningOut(Schema):
    reference: str
    project: str
    project_title: str
    contract: str | None
    provider: str | None
    status: str
    reasons: str
    review: str
    notice_months: int | None
    notice_given_on: dt.date | None
    notice_ends_on: dt.date | None
    service_ends_on: dt.date | None
    equality_summary: str
    url: str
    letter_url: str | None
    easy_read_letter_url: str | None


class DecommissioningDetailOut(DecommissioningOut):
    transition_plan: list[GroupOut]


def _decommissioning(d) -> dict:
    given = d.notice_given
    return {
        "reference": d.reference,
        "project": d.project.reference,
        "project_title": d.project.title,
        "contract": d.contract.reference if d.contract else None,
        "provider": d.contract.provider.name if d.contract else None,
        "status": d.status,
        "reasons": d.decision.reasons,
        "review": d.decision.review.reference,
        "notice_months": d.notice_months,
        "notice_given_on": d.notice_given_on,
        "notice_ends_on": d.notice_ends_on,
        "service_ends_on": d.service_ends_on,
        "equality_summary": d.equality_summary,
        "url": reverse("review:decommissioning", args=[d.reference]),
        "letter_url": reverse("review:letter", args=[d.reference]) if given else None,
        "easy_read_letter_url": (
            reverse("review:letter_easy_read", args=[d.reference]) if given else None
        ),
    }


@router.get(
    "/decommissioning",
    response=list[DecommissioningOut],
    summary="Services being ended: notices given, with reasons",
)
def list_decommissioning(request: HttpRequest):
    """Every notice given that a service is ending, on published projects, newest first."""
    return [_decommissioning(d) for d in sel.public_decommissionings()[:200]]


@router.get(
    "/decommissioning/{reference}",
    response={200: DecommissioningDetailOut, 404: ErrorOut},
    summary="One notice that a service is ending, with the transition plan",
)
def get_decommissioning(request: HttpRequest, reference: str):
    """Public once notice is given (council staff also read plans being prepared)."""
    d = sel.access_decommissioning(request.user, reference)
    out = _decommissioning(d)
    out["transition_plan"] = [
        {
            "who": g.who,
            "people_count": g.people_count,
            "destination": g.destination,
            "by_when": g.by_when,
            "responsible": g.responsible,
            "actions": list(g.actions.all()),
        }
        for g in sel.transition_plan(d)
    ]
    return out
