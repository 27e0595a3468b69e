"""The Friends and Family Test score, as the NHS publishes it. Pure Python, no Django.

The score is the share of people who answered "very good" or "good" among **all** who
answered, "don't know" included (NHS England, *Friends and Family Test: guidance*,
2019): 171 very good, 43 good, 10 neither, 9 poor, 9 very poor and 2 don't know give
(171 + 43) / 244 = 87.7%, published as 88%. Percentages are rounded to the nearest whole
number, halves up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

#: The answers in the order they are asked; the first two count as positive.
ANSWERS = ("very_good", "good", "neither", "poor", "very_poor", "dont_know")
POSITIVE = ("very_good", "good")
NEGATIVE = ("poor", "very_poor")


@dataclass(frozen=True)
class FFTScore:
    """``positive`` of ``responses`` answered very good or good; ``percent`` is None when
    nobody has answered (a score of nothing is not 0%)."""

    counts: dict[str, int]
    responses: int
    positive: int
    negative: int
    percent: int | None
    negative_percent: int | None


def _share(part: int, whole: int) -> int | None:
    if whole == 0:
        return None
    return int((Decimal(100 * part) / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def fft_score(counts: Mapping[str, int]) -> FFTScore:
    """The score for ``counts`` (answer → number of people). Unknown answers and negative
    numbers are refused with ``ValueError``; missing answers count as 0."""
    unknown = set(counts) - set(ANSWERS)
    if unknown:
        raise ValueError(f"unknown answers: {sorted(unknown)}")
    full = {answer: int(counts.get(answer, 0)) for answer in ANSWERS}
    if any(n < 0 for n in full.values()):
        raise ValueError("counts must not be negative")
    responses = sum(full.values())
    positive = sum(full[a] for a in POSITIVE)
    negative = sum(full[a] for a in NEGATIVE)
    return FFTScore(
        counts=full,
        responses=responses,
        positive=positive,
        negative=negative,
        percent=_share(positive, responses),
        negative_percent=_share(negative, responses),
    )
