"""The golden thread's pieces for pages of lower apps. Presentation only: what is public
is decided by the selectors.

* ``{% project_review project can_change %}``: the review, decision and next cycle on the
  project page (and for commissioners, "Start the review" when the project is in deliver);
* ``{% learned_last_time project %}``: "What we learned last time" in a new cycle;
* ``{% project_awards project %}``: who won each tender and why (the awards public summary);
* ``{% project_story_facts project %}``: who decided each stage, the named council
  contact (with its changes) and the contract term;
* ``{% finding_forward_links finding %}``: the contract KPIs and reviews that used a finding;
* ``{% project_asked_for project %}``: "What we asked for" on the project page: each
  requirement and KPI of the current specification with the findings it cites;
* ``{% interim_findings_note spec %}``: a specification citing findings of a consultation
  still open says those findings are interim.
"""

from __future__ import annotations

from django import template

from coproduce.deliver.contracts.models import Contract
from coproduce.foundation.commissioning.models import Stage
from coproduce.plan.specifications.selectors import current_specification, requirement_groups
from coproduce.procure.awards.selectors import award_public_summaries
from coproduce.procure.tenders.models import Tender

from .. import selectors as sel

register = template.Library()


@register.inclusion_tag("review/includes/project_review.html")
def project_review(project, can_change: bool = False) -> dict:
    reviews = sel.project_reviews(project, include_drafts=can_change)
    current = sel.review_for_cycle(project, project.cycle)
    decommissioning = sel.project_decommissioning(project)
    show_decommissioning = decommissioning is not None and (
        decommissioning.notice_given or can_change
    )
    return {
        "project": project,
        "reviews": reviews,
        "can_change": can_change,
        "can_start": can_change and project.stage == Stage.DELIVER and current is None,
        "current": current,
        "decommissioning": decommissioning if show_decommissioning else None,
        "progress": sel.plan_progress(decommissioning) if show_decommissioning else None,
    }


@register.inclusion_tag("review/includes/learned_last_time.html")
def learned_last_time(project) -> dict:
    """The last cycle's review carried into the new cycle: its conclusions, the decision
    and its reasons, and the key figures as the report froze them when published."""
    review = sel.learned_last_time(project)
    figures = sel.figures_of(review) if review is not None else {}
    return {
        "review": review,
        "project": project,
        "key_figures": sel.key_figures(figures),
        "findings": figures.get("findings", []),
    }


@register.inclusion_tag("review/includes/story_facts.html")
def project_story_facts(project) -> dict:
    contracts = list(
        Contract.objects.filter(project=project)
        .select_related("provider", "council_contact")
        .prefetch_related("contact_changes__contact")
        .order_by("starts_on", "reference")
    )
    return {
        "project": project,
        "deciders": sel.stage_decision_makers(project),
        "contracts": contracts,
    }


@register.inclusion_tag("review/includes/forward_links.html")
def finding_forward_links(finding) -> dict:
    return {"links": sel.finding_forward_links(finding)}


@register.inclusion_tag("review/includes/asked_for.html")
def project_asked_for(project) -> dict:
    """Step 2 of the project page: the current published specification's requirements and
    KPIs, each with the published findings it cites, and the interim warning when a cited
    finding's consultation is still open."""
    spec = current_specification(project)
    if spec is None:
        return {"spec": None, "groups": [], "consultations": []}
    groups = requirement_groups(spec)
    for _kind, _heading, requirements in groups:
        for r in requirements:
            r.public_findings = [f for f in r.findings.all() if f.published_at]
    return {
        "spec": spec,
        "groups": groups,
        "consultations": sel.open_consultations_cited(spec),
    }


@register.inclusion_tag("review/includes/interim_note.html")
def interim_findings_note(spec) -> dict:
    return {"consultations": sel.open_consultations_cited(spec)}


@register.inclusion_tag("review/includes/project_awards.html")
def project_awards(project) -> dict:
    """Who won and why, for every published tender of the project (awards' public summary:
    the reasons and the winning bid's scores, nothing of other bidders)."""
    tenders = Tender.objects.filter(project=project, published_at__isnull=False).order_by(
        "published_at", "pk"
    )
    return {"summaries": [s for t in tenders for s in award_public_summaries(t)]}
