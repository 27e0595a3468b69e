"""Reading a specification KPI's words as figures: the target, the kind of measure, and
default thresholds. Pure functions (no Django), so the arithmetic is tested on its own.

* ``parse_figure("£1,250.50")`` → ``Decimal("1250.50")``; text without a number → ``None``.
* ``infer_kind("% of hours")`` → ``"percent"``; "£" or "pound" → pounds; "day" → days;
  "hour" → hours; anything else → count.
* ``default_thresholds(target, "higher")`` → (green from the target, red below 80% of it);
  for "lower is better" the mirror image (red above 120% of the target). Whole targets get
  whole thresholds (rounded towards the target, so a threshold never asks for more than it
  says); others keep two decimal places.
* ``infer_direction("Working days to a first meeting", "days")`` → ``"lower"``: words
  such as "days to", "time to", "waiting", "complaints", "delays" or "incidents" mean a
  smaller figure is better, unless the measure counts what was done in time ("within 10
  days", "on time", "answered", "resolved"). Anything else → ``"higher"``. It is only the
  starting point: the council sets the direction in the framework.
* A specification KPI whose target has no figure (published before specifications refused
  one) still becomes a contract KPI: ``with_target_to_set(text, words)`` keeps the words in
  the KPI's text with a note that the council sets the figure; ``target_to_set(text)``
  finds the note (the framework cannot be agreed while it is there) and
  ``with_target_set(text)`` rewrites it once the council has set the figure, keeping the
  specification's words.
"""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation

_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?|-?\.\d+")
# The largest figure a KPI field holds (DecimalField max_digits=14, decimal_places=2).
MAX_FIGURE = Decimal("999999999999.99")
RED_SHARE = Decimal("0.8")


def parse_figure(text: str) -> Decimal | None:
    """The first number written in ``text`` ("85", "85%", "£1,200", "at least 40"), or None.

    Thousands separators are ignored; a figure too large for a KPI, or one with more than
    two decimal places' worth of precision beyond it, is rounded to two places; a figure
    beyond ``MAX_FIGURE`` is ``None``.
    """
    if not isinstance(text, str):
        return None
    match = _NUMBER.search(text.replace("\u2212", "-"))
    if match is None:
        return None
    raw = match.group(0).replace(",", "")
    try:
        value = Decimal(raw).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
    if abs(value) > MAX_FIGURE:
        return None
    return value


def infer_kind(unit: str) -> str:
    """The kind of measure the unit words describe (see the module docstring)."""
    words = (unit or "").lower()
    if "%" in words or "per cent" in words or "percent" in words:
        return "percent"
    if "£" in words or "pound" in words:
        return "pounds"
    if re.search(r"\bdays?\b", words):
        return "days"
    if re.search(r"\bhours?\b", words):
        return "hours"
    return "count"


# Words that make a smaller figure better: time taken or waited, and things that go wrong.
_LOWER_IS_BETTER = re.compile(
    r"\b(?:days?|weeks?|months?|hours?|minutes?|time|times)\s+(?:to|from|until|before|taken)\b"
    r"|\bwait(?:s|ed|ing)?\b|\bwaiting\s+(?:time|list)s?\b"
    r"|\bcomplaints?\b|\bdelay(?:s|ed)?\b|\bincidents?\b|\bmissed\b|\blate\b"
    r"|\bcancell?(?:ed|ations?)\b|\bdrop(?:ped)?\s+out\b|\bevictions?\b"
    r"|\breadmi(?:tted|ssions?)\b|\bvacanc(?:y|ies)\b",
    re.IGNORECASE,
)
# Words that make the measure a count or share of things done well, whatever else it says
# ("% of complaints answered within 20 days" is better when higher).
_HIGHER_IS_BETTER = re.compile(
    r"\bwithin\b|\bon time\b|\banswered\b|\bresolved\b|\bsatisfied\b|\bfewer than\b"
    r"|\bless than\b|\bno more than\b",
    re.IGNORECASE,
)


def infer_direction(text: str, unit: str = "") -> str:
    """``"lower"`` when the KPI's words mean a smaller figure is better, else ``"higher"``
    (see the module docstring)."""
    words = f"{text or ''} {unit or ''}"
    if _HIGHER_IS_BETTER.search(words):
        return "higher"
    return "lower" if _LOWER_IS_BETTER.search(words) else "higher"


def _round(value: Decimal, whole: bool, towards_up: bool) -> Decimal:
    if whole:
        return value.quantize(Decimal("1"), rounding=ROUND_CEILING if towards_up else ROUND_FLOOR)
    return value.quantize(Decimal("0.01"), rounding=ROUND_CEILING if towards_up else ROUND_FLOOR)


def default_thresholds(target: Decimal, direction: str = "higher") -> tuple[Decimal, Decimal]:
    """(green_from, red_beyond) for a target: green at the target, red 20% the wrong side.

    Always in order for the direction: for "higher", green_from >= red_beyond; for
    "lower", green_from <= red_beyond.
    """
    whole = target == target.to_integral_value()
    green = target.quantize(Decimal("0.01"))
    if direction == "lower":
        red = _round(target * (2 - RED_SHARE), whole, towards_up=False)
        return green, max(red, green)
    red = _round(target * RED_SHARE, whole, towards_up=True)
    return green, min(red, green)


# --- a specification target with no figure in it ---------------------------------------------

_PENDING = (
    "\n\n(The specification’s target was “{words}”, which is not a figure: the council sets "
    "the target before the monitoring framework is agreed.)"
)
_SETTLED = "\n\n(The specification’s target was “{words}”.)"
_PENDING_RE = re.compile(
    re.escape(_PENDING).replace(re.escape("{words}"), "(?P<words>.*)") + r"\Z", re.DOTALL
)


def with_target_to_set(text: str, words: str) -> str:
    """The KPI's text with the specification's target words and a note that the council
    sets the figure."""
    return text + _PENDING.format(words=words)


def target_to_set(text: str) -> str | None:
    """The specification's target words when the council has still to set the figure."""
    match = _PENDING_RE.search(text or "")
    return match.group("words") if match else None


def with_target_set(text: str) -> str:
    """The KPI's text once the council has set the figure (the words are kept)."""
    match = _PENDING_RE.search(text or "")
    if match is None:
        return text
    return text[: match.start()] + _SETTLED.format(words=match.group("words"))
