"""Template helpers for tender pages: optional links and the project page's tender section."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


def optional_url(name: str, *args) -> str:
    """The URL for ``name``, or "" when that page does not exist (yet) in this build.

    The notice links to pages other parts of the portal provide (questions and
    answers, follow, feedback, complaints); a missing one is left out, not an error.
    """
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.simple_tag
def maybe_url(name: str, *args) -> str:
    """``{% maybe_url "tenders:questions" tender.reference as url %}`` ("" if missing)."""
    return optional_url(name, *args)


@register.inclusion_tag("tenders/includes/project_tenders.html", takes_context=True)
def project_tenders_section(context, project):
    """The tenders of a project for its page (drafts only for council staff)."""
    from coproduce.tenders.selectors import project_tenders, tender_public_status

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
