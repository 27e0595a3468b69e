"""``{% project_social_value project %}`` and number formats for the social value pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

from coproduce.deliver.social_value.selectors import project_social_value as _project_social_value
from coproduce.deliver.social_value.selectors import unit_words

register = template.Library()


@register.inclusion_tag("social_value/includes/project_social_value.html")
def project_social_value(project) -> dict:
    """Promised against verified delivery per contract (units and £), and each published
    SROI analysis with its assumptions and sensitivity table. Renders nothing when the
    project has neither."""
    return _project_social_value(project)


@register.filter
def whole_pounds(value) -> str:
    """£ as a float or Decimal, to the nearest pound: 12345.6 → "£12,346"; negatives "-£5"."""
    if value is None:
        return ""
    amount = round(float(value))
    return f"-£{-amount:,}" if amount < 0 else f"£{amount:,}"


@register.filter
def quantity(value) -> str:
    """2.50 → "2.5", 4.00 → "4", 1234 → "1,234"."""
    if value is None:
        return ""
    number = Decimal(value)
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"


@register.filter
def ratio(value) -> str:
    """3.4 → "£3.40" (value for each £1); no ratio → "no ratio"."""
    return "no ratio" if value is None else f"£{value:,.2f}"


@register.filter
def percent(value) -> str:
    """12.50 → "12.5%"."""
    if value is None:
        return ""
    return f"{quantity(value)}%"


@register.filter(name="unit_words")
def unit_words_filter(unit: str, quantity=None) -> str:
    """``{{ unit|unit_words:quantity }}``: "hours", or "hour" when the quantity is 1."""
    return unit_words(unit, quantity)
