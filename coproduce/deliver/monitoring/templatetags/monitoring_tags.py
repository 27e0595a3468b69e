"""``{% project_monitoring project %}``: how each contract of a project is doing (public).

Shows, for every contract, each KPI's **accepted** results over time (an SVG chart and the
same figures in a table) and its **published** yearly assessments; nothing else.
"""

from django import template

from coproduce.deliver.monitoring.selectors import project_results

register = template.Library()


@register.inclusion_tag("monitoring/includes/project_monitoring.html")
def project_monitoring(project) -> dict:
    """Renders nothing when the project has no contracts."""
    return {"contracts": project_results(project)}
