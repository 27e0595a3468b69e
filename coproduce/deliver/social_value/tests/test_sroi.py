"""The SROI arithmetic (pure, no database): properties and a worked example."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.deliver.social_value.sroi import (
    GREEN_BOOK_RATE,
    Outcome,
    calculate,
    discount_factor,
    ratio_in_words,
    sensitivity,
)

percent = st.floats(min_value=0, max_value=100, allow_nan=False)
outcomes = st.builds(
    Outcome,
    quantity=st.floats(min_value=0, max_value=10_000, allow_nan=False),
    proxy=st.floats(min_value=0, max_value=100_000, allow_nan=False),
    deadweight=percent,
    attribution=percent,
    displacement=percent,
    drop_off=percent,
    duration=st.integers(min_value=1, max_value=50),
)
rates = st.floats(min_value=0, max_value=20, allow_nan=False)
FACTORS = ("deadweight", "attribution", "displacement", "drop_off")

fast = settings(max_examples=60, deadline=None)


@fast
@given(
    quantity=st.floats(min_value=0, max_value=10_000, allow_nan=False),
    proxy=st.floats(min_value=0, max_value=100_000, allow_nan=False),
    duration=st.integers(min_value=1, max_value=50),
    rate=rates,
)
def test_no_deadweight_attribution_displacement_or_drop_off_gives_the_plain_discounted_sum(
    quantity, proxy, duration, rate
):
    result = calculate([Outcome(quantity, proxy, duration=duration)], inputs=1000, rate=rate)
    plain = sum(quantity * proxy / (1 + rate / 100) ** t for t in range(1, duration + 1))
    assert result.present_value == pytest.approx(plain, rel=1e-9, abs=1e-6)
    assert result.by_year == [pytest.approx(quantity * proxy)] * duration


@fast
@given(outcome=outcomes, factor=st.sampled_from(FACTORS), more=percent, rate=rates)
def test_each_factor_only_ever_lowers_value(outcome, factor, more, rate):
    higher = replace(outcome, **{factor: max(getattr(outcome, factor), more)})
    base = calculate([outcome], inputs=1, rate=rate).present_value
    assert calculate([higher], inputs=1, rate=rate).present_value <= base + 1e-9 * max(1, base)


@fast
@given(outcome=outcomes, rate=rates, other=rates)
def test_a_higher_discount_rate_never_raises_value(outcome, rate, other):
    low, high = sorted((rate, other))
    assert (
        calculate([outcome], inputs=1, rate=high).present_value
        <= calculate([outcome], inputs=1, rate=low).present_value * (1 + 1e-12) + 1e-9
    )


@fast
@given(
    items=st.lists(outcomes, min_size=1, max_size=5),
    scale=st.floats(min_value=0.01, max_value=100, allow_nan=False),
    inputs=st.floats(min_value=1, max_value=10_000_000, allow_nan=False),
)
def test_the_ratio_scales_with_the_proxy(items, scale, inputs):
    base = calculate(items, inputs=inputs)
    scaled = calculate([replace(o, proxy=o.proxy * scale) for o in items], inputs=inputs)
    assert scaled.ratio == pytest.approx(base.ratio * scale, rel=1e-9, abs=1e-12)


@fast
@given(items=st.lists(outcomes, min_size=0, max_size=5), inputs=st.floats(0, 1e7))
def test_net_present_value_and_ratio_follow_from_present_value(items, inputs):
    result = calculate(items, inputs=inputs)
    assert result.net_present_value == pytest.approx(result.present_value - inputs)
    if inputs > 0:
        assert result.ratio == pytest.approx(result.present_value / inputs)
    else:
        assert result.ratio is None
    assert result.present_value == pytest.approx(sum(result.present_by_year))


def test_full_deadweight_leaves_nothing():
    result = calculate([Outcome(10, 1000, deadweight=100, duration=5)], inputs=100)
    assert result.present_value == 0
    assert result.ratio == 0


def test_worked_example():
    """By hand: 10 people × £1,000, 20% deadweight, 10% attribution, 5% displacement, 50%
    drop-off, 3 years, at the Green Book's 3.5%, for £10,000 spent.

    Year 1 = 10 × 1,000 × 0.8 × 0.95 × 0.9 = £6,840; year 2 = £3,420; year 3 = £1,710.
    Present value = 6,840/1.035 + 3,420/1.071225 + 1,710/1.108717875
                  = 6,608.70 + 3,192.61 + 1,542.32 = £11,343.62; ratio 1.134.
    """
    outcome = Outcome(
        10, 1000, deadweight=20, attribution=10, displacement=5, drop_off=50, duration=3
    )
    result = calculate([outcome], inputs=10_000, rate=GREEN_BOOK_RATE)
    assert result.by_year == [pytest.approx(6840), pytest.approx(3420), pytest.approx(1710)]
    assert [round(v, 2) for v in result.present_by_year] == [6608.70, 3192.61, 1542.32]
    assert round(result.present_value, 2) == 11343.62
    assert round(result.net_present_value, 2) == 1343.62
    assert round(result.ratio, 3) == 1.134
    assert ratio_in_words(result.ratio) == "For every £1 spent, about £1.13 of social value."


def test_outcomes_of_different_lengths_add_up_year_by_year():
    result = calculate([Outcome(1, 100, duration=1), Outcome(1, 10, duration=3)], inputs=1, rate=0)
    assert result.by_year == [110, 10, 10]
    assert result.present_value == 130


def test_discount_factor():
    assert discount_factor(0, 5) == 1
    assert math.isclose(discount_factor(3.5, 1), 1 / 1.035)


def test_sensitivity_table_has_every_change_and_moves_the_right_way():
    outcome = Outcome(
        10, 1000, deadweight=20, attribution=10, displacement=5, drop_off=50, duration=3
    )
    rows = {r.key: r for r in sensitivity([outcome], inputs=10_000)}
    assert set(rows) == {
        "base",
        *(f"{f}{s}" for f in FACTORS for s in ("-25", "-10", "+10", "+25")),
        "proxy-25",
        "proxy-10",
        "proxy+10",
        "proxy+25",
        "rate=0",
        "rate=6",
    }
    base = rows["base"].ratio
    assert base == pytest.approx(calculate([outcome], inputs=10_000).ratio)
    for f in FACTORS:
        assert rows[f"{f}+25"].ratio <= rows[f"{f}+10"].ratio <= base
        assert rows[f"{f}-25"].ratio >= rows[f"{f}-10"].ratio >= base
    assert rows["proxy+10"].ratio == pytest.approx(base * 1.1)
    assert rows["proxy-25"].ratio == pytest.approx(base * 0.75)
    assert rows["rate=0"].ratio > base > rows["rate=6"].ratio
    # Deadweight 20% − 25 points is clamped at 0%, not −5%.
    clamped = replace(outcome, deadweight=0)
    assert rows["deadweight-25"].ratio == pytest.approx(calculate([clamped], inputs=10_000).ratio)


def test_no_inputs_means_no_ratio():
    assert calculate([Outcome(1, 1)], inputs=0).ratio is None
    assert ratio_in_words(None).startswith("There is no ratio")
