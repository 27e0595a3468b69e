"""Checking a figure against the kind of KPI it is for: pure, no Django.

* percent: a number from 0 to 100, at most 2 decimal places ("87.5" or "87.5%");
* count: a whole number, 0 or more ("1,204" is read as 1204);
* pounds: 0 or more, at most 2 decimal places ("£1,250.50");
* days and hours: 0 or more, at most 2 decimal places.

Anything else is refused with a :class:`ServiceError` whose code names the rule and
whose message says what to type, for the field of that KPI.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from coproduce.foundation.core.errors import ServiceError

#: The largest figure accepted (the database holds 12 digits before the point).
MAX_FIGURE = Decimal("999999999999.99")
_NUMBER = re.compile(r"-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|-?\.[0-9]+")

KIND_WORDS = {
    "percent": "a percentage",
    "count": "a number of people or things",
    "pounds": "an amount in pounds",
    "days": "a number of days",
    "hours": "a number of hours",
}


def parse_figure(raw: object, *, kind: str, label: str, field: str) -> Decimal:
    """``raw`` as a Decimal with at most 2 places, checked for ``kind``.

    ``label`` names the KPI in the message ("KPI 2"); ``field`` is the form field.
    """
    text = str(raw if raw is not None else "").strip().replace(" ", "")
    if not text:
        raise ServiceError("figure_required", f"Enter a figure for {label}.", field=field)
    if kind == "pounds":
        text = text.replace("£", "", 1) if text.startswith(("£", "-£")) else text
        text = text.replace("-£", "-")
    if kind == "percent" and text.endswith("%"):
        text = text[:-1]
    words = KIND_WORDS.get(kind, "a number")
    if not _NUMBER.fullmatch(text):
        raise ServiceError(
            "figure_not_a_number",
            f"{label} is {words}: enter a number, like {_example(kind)}.",
            field=field,
        )
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        raise ServiceError(
            "figure_not_a_number", f"{label} is {words}: enter a number.", field=field
        ) from None
    if value < 0:
        raise ServiceError(
            "figure_negative", f"{label} is {words}: it cannot be less than 0.", field=field
        )
    if value > MAX_FIGURE:
        raise ServiceError(
            "figure_too_large", f"{label}: the figure is too large. Check it.", field=field
        )
    if kind == "percent" and value > 100:
        raise ServiceError(
            "figure_percent_range",
            f"{label} is a percentage: enter a number from 0 to 100.",
            field=field,
        )
    if kind == "count" and value != value.to_integral_value():
        raise ServiceError(
            "figure_whole_number",
            f"{label} counts people or things: enter a whole number, like 12.",
            field=field,
        )
    if value != value.quantize(Decimal("0.01"), rounding="ROUND_DOWN"):
        raise ServiceError(
            "figure_decimals",
            f"{label} is {words}: use at most 2 decimal places"
            + (", to the nearest penny." if kind == "pounds" else "."),
            field=field,
        )
    return value.quantize(Decimal("0.01"))


def _example(kind: str) -> str:
    return {"percent": "85 or 85.5", "count": "12", "pounds": "1250.50"}.get(kind, "3.5")


def format_figure(value: Decimal, kind: str, unit: str = "") -> str:
    """A figure as people read it: "85.5%", "1,204", "£1,250.50", "3.5 days"."""
    text = f"{value:,.2f}".removesuffix(".00")
    if kind == "percent":
        return f"{text}%"
    if kind == "count":
        return f"{value:,.0f}"
    if kind == "pounds":
        return f"£{value:,.2f}".removesuffix(".00")
    return f"{text} {kind}"
