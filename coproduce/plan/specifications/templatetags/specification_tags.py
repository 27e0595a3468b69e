"""Links to specifications from other pages. Presentation only: what is public is decided
by the selectors (published versions of published projects)."""

from __future__ import annotations

from django import template

from coproduce.plan.specifications.selectors import (
    current_specification_summary,
    requirements_citing_assessment,
    requirements_citing_finding,
    requirements_citing_idea,
)
from coproduce.understand.consultations.models import Finding
from coproduce.understand.equality.models import ImpactEntry
from coproduce.understand.ideas.models import Idea

register = template.Library()


@register.inclusion_tag("specifications/includes/section.html")
def specification_section(project, can_change: bool = False):
    """``{% specification_section project can_change %}`` on the project page: a link to the
    current specification, and for commissioners a link to work on it."""
    return {
        "project": project,
        "current": current_specification_summary(project),
        "can_change": can_change,
    }


@register.inclusion_tag("specifications/includes/cited_by.html")
def cited_by(evidence, level: int = 2):
    """``{% cited_by finding %}`` (or an idea or an equality impact entry): "What we asked
    for because of this", listing the requirements of current published specifications
    that cite it. Renders nothing when nothing cites it.

    For an equality entry the whole assessment is read once and kept on the assessment
    object, so a page of nine entries costs one query, not nine.
    """
    if isinstance(evidence, Finding):
        requirements = requirements_citing_finding(evidence)
    elif isinstance(evidence, Idea):
        requirements = requirements_citing_idea(evidence)
    elif isinstance(evidence, ImpactEntry):
        assessment = evidence.assessment
        cache = getattr(assessment, "_specification_citations", None)
        if cache is None:
            cache = requirements_citing_assessment(assessment)
            assessment._specification_citations = cache
        requirements = cache.get(evidence.pk, [])
    else:
        requirements = []
    return {"requirements": requirements, "level": level}
