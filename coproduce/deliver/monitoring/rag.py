"""Red, amber, green for a KPI result, and what follows from it: pure, no Django.

Thresholds are set per KPI (``ContractKPI.green_from`` and ``red_beyond``):

* **higher is better**: at or above ``green_from`` is green; below ``red_beyond`` is red;
  in between is amber (the database keeps ``green_from >= red_beyond``);
* **lower is better**: at or below ``green_from`` is green; above ``red_beyond`` is red;
  in between is amber (``green_from <= red_beyond``).

A KPI that is red in two reported periods in a row needs an improvement plan; a run of
reds needs one plan, triggered by its second red.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

GREEN = "green"
AMBER = "amber"
RED = "red"
LABELS = {GREEN: "Green: on target", AMBER: "Amber: close to target", RED: "Red: off target"}

HIGHER = "higher"
LOWER = "lower"

# The Procurement Act 2023 scale for contract performance (KPI assessments).
GOOD = "good"
APPROACHING = "approaching_target"
REQUIRES_IMPROVEMENT = "requires_improvement"
INADEQUATE = "inadequate"


def rag(value: Decimal, *, green_from: Decimal, red_beyond: Decimal, direction: str) -> str:
    """The colour of one result against its KPI's thresholds."""
    if direction == LOWER:
        if value <= green_from:
            return GREEN
        return RED if value > red_beyond else AMBER
    if value >= green_from:
        return GREEN
    return RED if value < red_beyond else AMBER


def red_streak_triggers(results: Sequence[tuple[int, str]]) -> list[int]:
    """Period numbers that make an improvement plan necessary.

    ``results`` are (period number, colour) of one KPI's consecutive reported periods,
    oldest first. Every run of two or more reds gives one trigger: the period of its
    second red.
    """
    triggers: list[int] = []
    run = 0
    for number, colour in results:
        run = run + 1 if colour == RED else 0
        if run == 2:
            triggers.append(number)
    return triggers


def suggested_rating(colours: Sequence[str]) -> str | None:
    """A starting point for the officer's annual assessment of one KPI (they decide).

    No results: no suggestion. All green: good. Some amber, no red: approaching target.
    Red in at most half the periods: requires improvement. Red in more than half:
    inadequate.
    """
    if not colours:
        return None
    reds = sum(1 for c in colours if c == RED)
    if reds == 0:
        return GOOD if all(c == GREEN for c in colours) else APPROACHING
    return INADEQUATE if reds * 2 > len(colours) else REQUIRES_IMPROVEMENT
