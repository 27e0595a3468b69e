"""``{% project_contracts project %}``: the contracts awarded under a project (public), and
the ``figure`` filter (85.00 → 85, 12.50 → 12.5) for KPI targets and thresholds, and
``target_to_set`` (a KPI whose specification target had no figure, still to be set)."""

from decimal import Decimal

from django import template

from coproduce.deliver.contracts import kpi_terms
from coproduce.deliver.contracts.selectors import project_contracts as _project_contracts

register = template.Library()


@register.inclusion_tag("contracts/includes/project_contracts.html", takes_context=True)
def project_contracts(context, project) -> dict:
    """The project's contracts: provider, value, term, extension options, council contact
    and KPIs with targets and why they are asked. Commissioners also get a link to record
    a contract let before coproduce when the project is in deliver."""
    request = context.get("request")
    user = getattr(request, "user", None)
    can_record = bool(
        user is not None
        and user.is_authenticated
        and user.has_perm("contracts.manage_contract")
        and project.stage == "deliver"
    )
    return {
        "contracts": list(_project_contracts(project)),
        "project": project,
        "can_record": can_record,
    }


@register.filter
def figure(value) -> str:
    """A KPI figure without trailing zeros: 85.00 → "85", 12.50 → "12.5"."""
    if value is None or value == "":
        return ""
    try:
        text = f"{Decimal(str(value)):f}"
    except ArithmeticError:
        return str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def target_to_set(text) -> bool:
    """Whether a KPI (given its text) still waits for the council to set its target."""
    return kpi_terms.target_to_set(str(text or "")) is not None
