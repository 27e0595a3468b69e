"""``{% project_feedback project %}``: what users say about each contract of a project."""

from django import template

from coproduce.deliver.feedback.selectors import PUBLIC_MINIMUM, project_summaries

register = template.Library()


@register.inclusion_tag("feedback/includes/project_feedback.html")
def project_feedback(project) -> dict:
    """Per contract: the Friends and Family Test score and responses, the top themes, the
    mystery shopping visits with what they found, and links to give feedback. Renders
    nothing for a project without contracts (or a draft)."""
    return {"summaries": project_summaries(project), "minimum": PUBLIC_MINIMUM}
