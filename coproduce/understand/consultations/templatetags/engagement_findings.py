"""What you told us: published findings on a project's page. Presentation only."""

from __future__ import annotations

from django import template

from coproduce.understand.consultations.equality import suppress
from coproduce.understand.consultations.selectors_analysis import published_findings_for_project

register = template.Library()


@register.filter
def suppressed(count: int | None) -> str:
    """A count of people as it may be shown: "fewer than 5" under 5."""
    return suppress(count or 0)


@register.inclusion_tag("engagement/findings/project_findings.html", takes_context=True)
def project_findings(context, project):
    """The project's published findings; council staff also get links to analyse each
    of the project's consultations (the permission is decided here, not in the template)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    consultations = []
    if user is not None and user.has_perm("engagement.analyse_responses"):
        consultations = list(project.consultations.order_by("-opens_at", "-pk"))
    return {
        "findings": list(published_findings_for_project(project)),
        "consultations": consultations,
    }
