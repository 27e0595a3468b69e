"""The evaluation part of the commissioning project page. Presentation only."""

from __future__ import annotations

from django import template

from coproduce.plan.evaluation_models.models import EvaluationModel, ModelStatus

register = template.Library()


@register.inclusion_tag("evaluation/includes/project_links.html")
def evaluation_project_section(project, can_change: bool = False) -> dict:
    """Links to the project's locked (public) models, and to the working pages when
    ``can_change`` (the project page decides that, not this tag)."""
    locked = list(
        EvaluationModel.objects.filter(project=project, status=ModelStatus.LOCKED).order_by(
            "-locked_at", "-pk"
        )
    )
    return {"project": project, "locked": locked, "can_change": can_change}
