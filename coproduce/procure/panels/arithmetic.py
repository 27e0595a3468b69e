"""Panel arithmetic: weighted totals, ranking with tie-breaks, and the abnormally-low test.

A plain module with no Django imports (tested with Hypothesis). Price points come from
``coproduce.plan.evaluation_models.scoring.price_score`` and question points from
``coproduce.plan.evaluation_models.scoring.weighted_total``; this module only combines them.

Where rounding happens (and only there):

1. ``weighted_total`` rounds the quality points once, and the social-value points once,
   to 2 decimal places (halves up), after adding the unrounded points of each question.
2. ``price_score`` rounds the price points to 2 decimal places.
3. The total is the sum of those three rounded parts, so it is exact (no further
   rounding) and always equals what the page shows for the parts. Prices stay whole
   pence throughout.

Ranking: highest total first. When two bids have the same total, the tie is broken by,
in order (``TIE_BREAK_ORDER``):

1. the higher quality points (quality + social value, the parts the panel scored);
2. the lower price (in pence);
3. the earlier submission time (the time on the bidder's receipt);
4. the bid reference (alphabetical), so the order is always the same.

Abnormally low price: see ``abnormal_price_reason`` and the two constants below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from coproduce.plan.evaluation_models.scoring import round2, weighted_total

#: A price is abnormally low when it is more than this percentage below the mean of the
#: other bids' prices for the same lot (e.g. mean £100,000 → below £80,000).
ABNORMAL_BELOW_MEAN_PERCENT = 20
#: …or more than this percentage below the next price up (the cheapest of the other
#: bids that is not cheaper than it), e.g. next £100,000 → below £85,000.
ABNORMAL_BELOW_NEXT_PERCENT = 15

TIE_BREAK_ORDER = (
    "higher quality points (quality and social value)",
    "lower price",
    "earlier submission time",
    "bid reference",
)


def group_points(
    scores: Mapping[str, int], weights: Mapping[str, Decimal], max_scale: int
) -> Decimal:
    """Points for a group of questions (rounded once to 2 dp); 0.00 when there are none."""
    if not weights:
        return round2(Decimal(0))
    return weighted_total(scores, weights, max_scale)


def question_points(score: int, weight: Decimal, max_scale: int) -> Decimal:
    """One question's points (score ÷ top of scale × weight), rounded for display only."""
    return round2(Decimal(score) * Decimal(weight) / Decimal(max_scale))


@dataclass(frozen=True)
class Entry:
    """One bid's figures for ranking."""

    key: str  # the bid reference: unique, used as the last tie-break
    quality: Decimal
    social_value: Decimal
    price_score: Decimal
    price_pence: int
    submitted_at: dt.datetime

    @property
    def scored(self) -> Decimal:
        """Quality + social value points: the parts the panel scored."""
        return self.quality + self.social_value

    @property
    def total(self) -> Decimal:
        """The sum of the three (already rounded) parts; exact, no further rounding."""
        return self.quality + self.social_value + self.price_score


@dataclass(frozen=True)
class Ranked:
    """An entry with its place (1 = best) and, when a tie-break decided it, why."""

    entry: Entry
    rank: int
    tie_break: str = ""
    tied_with: tuple[str, ...] = field(default_factory=tuple)


def _sort_key(e: Entry):
    return (-e.total, -e.scored, e.price_pence, e.submitted_at, e.key)


def _why(a: Entry, b: Entry) -> str:
    """Which rule put ``a`` before ``b`` (two entries with the same total)."""
    if a.scored != b.scored:
        return (
            f"Same total as {b.key}; placed higher on quality points "
            f"({a.scored} against {b.scored})."
        )
    if a.price_pence != b.price_pence:
        return f"Same total and quality points as {b.key}; placed higher for the lower price."
    if a.submitted_at != b.submitted_at:
        return (
            f"Same total, quality points and price as {b.key}; placed higher for the "
            "earlier submission."
        )
    return f"Same in every respect as {b.key}; placed by bid reference."


def rank(entries: Iterable[Entry]) -> list[Ranked]:
    """Rank entries best first with distinct places; deterministic for any input order.

    Raises ``ValueError`` if two entries share a key.
    """
    items = list(entries)
    if len({e.key for e in items}) != len(items):
        raise ValueError("Each bid can be ranked once only.")
    ordered = sorted(items, key=_sort_key)
    out: list[Ranked] = []
    for i, entry in enumerate(ordered):
        tied = tuple(e.key for e in ordered if e.key != entry.key and e.total == entry.total)
        note = ""
        if i + 1 < len(ordered) and ordered[i + 1].total == entry.total:
            note = _why(entry, ordered[i + 1])
        out.append(Ranked(entry=entry, rank=i + 1, tie_break=note, tied_with=tied))
    return out


def tie_break_note(ranked: list[Ranked]) -> str:
    """The sentences explaining every tie-break used (empty when no totals were equal)."""
    return "\n".join(f"{r.entry.key}: {r.tie_break}" for r in ranked if r.tie_break)


def abnormal_price_reason(price_pence: int, others: Iterable[int]) -> str:
    """Why ``price_pence`` is abnormally low against the other bids' prices, or "".

    Two tests (either is enough); both use whole-number arithmetic, no rounding:

    * more than ``ABNORMAL_BELOW_MEAN_PERCENT``% below the mean of the other prices:
      ``price × 100 × n < sum(others) × (100 − 20)``;
    * more than ``ABNORMAL_BELOW_NEXT_PERCENT``% below the next price up (the cheapest
      other price that is at least this one): ``price × 100 < next × (100 − 15)``.

    With no other bids nothing is abnormal.
    """
    rest = [int(p) for p in others]
    if price_pence <= 0:
        raise ValueError("Prices must be more than zero.")
    if not rest:
        return ""
    reasons = []
    n, total = len(rest), sum(rest)
    if price_pence * 100 * n < total * (100 - ABNORMAL_BELOW_MEAN_PERCENT):
        reasons.append(
            f"more than {ABNORMAL_BELOW_MEAN_PERCENT}% below the average of the other "
            f"{n} bid{'s' if n != 1 else ''}' prices"
        )
    above = [p for p in rest if p >= price_pence]
    if above:
        nxt = min(above)
        if price_pence * 100 < nxt * (100 - ABNORMAL_BELOW_NEXT_PERCENT):
            reasons.append(f"more than {ABNORMAL_BELOW_NEXT_PERCENT}% below the next price up")
    if not reasons:
        return ""
    return "The price is " + " and ".join(reasons) + "."


def abnormal_prices(prices: Mapping[str, int]) -> dict[str, str]:
    """For each bid key, the reason its price is abnormally low (only flagged bids)."""
    out = {}
    for key, price in prices.items():
        reason = abnormal_price_reason(price, [p for k, p in prices.items() if k != key])
        if reason:
            out[key] = reason
    return out


def spread(scores: Iterable[int]) -> tuple[int, int] | None:
    """(lowest, highest) of the members' scores, or None when there are none."""
    values = list(scores)
    if not values:
        return None
    return min(values), max(values)
