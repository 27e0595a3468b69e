"""``{% project_contracts project %}``: the contracts awarded under a project (public)."""

from django import template

from coproduce.deliver.contracts.selectors import project_contracts as _project_contracts

register = template.Library()


@register.inclusion_tag("contracts/includes/project_contracts.html")
def project_contracts(project) -> dict:
    """A short section listing the project's contracts; renders nothing when there are none."""
    return {"contracts": list(_project_contracts(project))}
