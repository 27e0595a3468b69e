"""How bids are scored: price formulas, weighted totals and proportionality bands.

A plain module with no Django imports, so the arithmetic can be tested (with Hypothesis)
and explained on its own. Every result is a ``Decimal`` rounded to 2 decimal places with
ROUND_HALF_UP (0.005 rounds up to 0.01), the rounding people learn at school.

Worked examples (weight 30% for price):

- **Lowest price ÷ bid price × weight** (``lowest_ratio``, the default). The lowest bid
  scores the full weight; a bid twice the lowest scores half of it.
  Lowest £80,000, this bid £100,000: 80,000 ÷ 100,000 × 30 = **24.00**.
- **Budget deviation** (``budget_deviation``, a documented alternative). A bid loses the
  weight in proportion to how far it is above the lowest bid, measured against the
  budget; it never goes below 0. Budget £120,000, lowest £80,000, this bid £100,000:
  (1 − (100,000 − 80,000) ÷ 120,000) × 30 = 0.8333… × 30 = **25.00**. A bid a whole
  budget above the lowest scores 0.
- **Fixed price** (``fixed_price``). Every bid is for the same price, so price is not
  scored: the price score is **0.00** and bids compete on quality and social value only.

Totals: a question scored ``s`` on a scale whose top score is ``m`` earns
``s ÷ m × weight`` points. ``weighted_total`` adds those points (unrounded) and rounds
once at the end; the price score (already in points) is added on top. With weights that
sum to 100, the total is never above 100.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

LOWEST_RATIO = "lowest_ratio"
BUDGET_DEVIATION = "budget_deviation"
FIXED_PRICE = "fixed_price"
FORMULAS = (LOWEST_RATIO, BUDGET_DEVIATION, FIXED_PRICE)

CENT = Decimal("0.01")
ZERO = Decimal("0")


def round2(value: Decimal) -> Decimal:
    """Round to 2 decimal places, halves up (2.345 → 2.35)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def price_score(
    formula: str, *, bid_pence: int, lowest_pence: int, budget_pence: int, weight: Decimal
) -> Decimal:
    """The price points a bid earns, between 0 and ``weight``.

    ``lowest_pence`` is the lowest compliant bid (so at most ``bid_pence``);
    ``budget_pence`` is only used by the budget-deviation formula. Raises ``ValueError``
    for an unknown formula or impossible amounts.
    """
    weight = Decimal(weight)
    if weight < 0:
        raise ValueError("The weight cannot be negative.")
    if formula == FIXED_PRICE:
        return round2(ZERO)
    if formula not in FORMULAS:
        raise ValueError(f"Unknown price formula {formula!r}.")
    if bid_pence <= 0 or lowest_pence <= 0:
        raise ValueError("Bid prices must be more than zero.")
    if lowest_pence > bid_pence:
        raise ValueError("The lowest price cannot be more than this bid's price.")
    if formula == LOWEST_RATIO:
        return round2(weight * Decimal(lowest_pence) / Decimal(bid_pence))
    if budget_pence <= 0:
        raise ValueError("The budget must be more than zero for the budget-deviation formula.")
    share = Decimal(bid_pence - lowest_pence) / Decimal(budget_pence)
    return round2(weight * max(ZERO, Decimal(1) - share))


def weighted_total(
    scores: Mapping[str, int], weights: Mapping[str, Decimal], max_scale: int
) -> Decimal:
    """The points earned over the scored questions: Σ score ÷ max_scale × weight.

    ``scores`` and ``weights`` are keyed alike (one entry per question scored on the
    scale; price is added separately with ``price_score``). Rounded once, at the end.
    Raises ``ValueError`` when keys differ or a score is off the scale.
    """
    if max_scale <= 0:
        raise ValueError("The top of the scale must be more than zero.")
    if set(scores) != set(weights):
        raise ValueError("Every weighted question needs exactly one score.")
    total = ZERO
    for key, score in scores.items():
        if not 0 <= score <= max_scale:
            raise ValueError(f"Score {score} is not on the scale 0 to {max_scale}.")
        weight = Decimal(weights[key])
        if weight < 0:
            raise ValueError("Weights cannot be negative.")
        total += Decimal(score) * weight / Decimal(max_scale)
    return round2(total)


# --- proportionality ---------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """For contracts worth less than ``below_pence`` (None: no upper end), the most
    questions and total words that are in proportion."""

    below_pence: int | None
    label: str
    max_questions: int
    max_words: int


#: Checked in order; the first band whose ``below_pence`` is above the value applies.
BANDS: tuple[Band, ...] = (
    Band(10_000_000, "under £100,000", 5, 2_500),
    Band(50_000_000, "£100,000 to under £500,000", 8, 5_000),
    Band(200_000_000, "£500,000 to under £2 million", 12, 10_000),
    Band(None, "£2 million or more", 20, 20_000),
)


def band_for(value_pence: int) -> Band:
    """The proportionality band for a contract worth ``value_pence``."""
    for band in BANDS:
        if band.below_pence is None or value_pence < band.below_pence:
            return band
    raise AssertionError("the last band has no upper end")  # pragma: no cover


def proportionality_messages(*, questions: int, words: int, value_pence: int) -> list[str]:
    """Plain-English warnings when questions or total words exceed the value's band."""
    band = band_for(value_pence)
    out = []
    if questions > band.max_questions:
        out.append(
            f"There are {questions} questions. For a contract worth {band.label} we suggest "
            f"no more than {band.max_questions}, so small organisations can afford to bid."
        )
    if words > band.max_words:
        out.append(
            f"The word limits add up to {words:,} words. For a contract worth {band.label} "
            f"we suggest no more than {band.max_words:,} words in total."
        )
    return out


def percent_text(value: Decimal) -> str:
    """A percentage for people: 95 → "95", 99.990 → "99.99", 9.9 → "9.9"."""
    text = f"{round2(Decimal(value)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
