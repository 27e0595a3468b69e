"""Links to a project's equality impact assessment, for the commissioning project page.

Presentation only: the public link appears when the assessment and the project are both
published; the staff link is placed by the project page inside its staff-only buttons.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from coproduce.understand.equality.models import AssessmentStatus, EqualityImpactAssessment

register = template.Library()


@register.simple_tag
def eqia_link(project, staff: bool = False) -> str:
    """``{% eqia_link project staff=True %}`` a button to the working page;
    ``{% eqia_link project %}`` a paragraph linking to the public assessment, if there is one."""
    if staff:
        return format_html(
            '<a class="govuk-button govuk-button--secondary" data-module="govuk-button" href="{}">{}</a>',
            reverse("equality:manage", args=[project.reference]),
            _("Equality impact assessment"),
        )
    if project.published_at is None:
        return ""
    published = EqualityImpactAssessment.objects.filter(
        project=project, status=AssessmentStatus.PUBLISHED
    ).exists()
    if not published:
        return ""
    return format_html(
        '<p class="govuk-body"><a class="govuk-link" href="{}">{}</a></p>',
        reverse("equality:public_detail", args=[project.reference]),
        _("Read the equality impact assessment"),
    )
