"""Template helpers for tender pages: the project page's tender section."""

from __future__ import annotations

from django import template

from coproduce.procure.tenders.selectors import project_tenders, tender_public_status

register = template.Library()


@register.inclusion_tag("tenders/includes/project_tenders.html", takes_context=True)
def project_tenders_section(context, project):
    """The tenders of a project for its page (drafts only for council staff)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    tenders = list(project_tenders(user=user, project=project)) if user is not None else []
    return {
        "project": project,
        "rows": [(t, tender_public_status(t)) for t in tenders],
        "can_change": context.get("can_change", False),
        "can_add": bool(user and user.has_perm("tenders.add_tender"))
        and project.stage in ("plan", "procure"),
    }
