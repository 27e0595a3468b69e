"""Panel arithmetic: totals, rounding, ranking and tie-breaks, the abnormally-low test."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coproduce.plan.evaluation_models.scoring import price_score
from coproduce.procure.panels import arithmetic as ar

# The machine running the tests may be busy: no timing health checks.
RELAXED = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)

T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@st.composite
def weights_summing_to_100(draw):
    """Up to 6 question weights (2 dp) and a price weight that together make 100."""
    n = draw(st.integers(1, 6))
    cuts = sorted(draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n)))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, 10_000], strict=True)]
    weights = [Decimal(p) / 100 for p in parts]
    return weights[:-1], weights[-1]


@RELAXED
@given(weights_summing_to_100(), st.data())
def test_weights_that_sum_to_100_never_give_more_than_100(ws, data):
    questions, price_weight = ws
    max_scale = data.draw(st.integers(1, 10))
    scores = {str(i): data.draw(st.integers(0, max_scale)) for i in range(len(questions))}
    weights = {str(i): w for i, w in enumerate(questions)}
    half = len(questions) // 2
    quality = ar.group_points(
        {k: v for k, v in scores.items() if int(k) < half},
        {k: v for k, v in weights.items() if int(k) < half},
        max_scale,
    )
    social = ar.group_points(
        {k: v for k, v in scores.items() if int(k) >= half},
        {k: v for k, v in weights.items() if int(k) >= half},
        max_scale,
    )
    low = data.draw(st.integers(1, 10**10))
    bid = data.draw(st.integers(low, 10**11))
    p = price_score(
        "lowest_ratio", bid_pence=bid, lowest_pence=low, budget_pence=0, weight=price_weight
    )
    entry = ar.Entry("B-1", quality, social, p, bid, T0)
    assert Decimal(0) <= entry.total <= Decimal(100)
    # every part and the total are in hundredths (2 dp, no hidden fractions)
    for value in (quality, social, p, entry.total):
        assert value == value.quantize(Decimal("0.01"))


def test_full_marks_everywhere_is_exactly_100():
    q = ar.group_points({"a": 4, "b": 4}, {"a": Decimal("33.33"), "b": Decimal("26.67")}, 4)
    s = ar.group_points({"c": 4}, {"c": Decimal("10")}, 4)
    p = price_score(
        "lowest_ratio", bid_pence=100, lowest_pence=100, budget_pence=0, weight=Decimal(30)
    )
    assert ar.Entry("B", q, s, p, 100, T0).total == Decimal("100.00")


def test_rounding_happens_once_per_group_halves_up():
    # 1/3 × 10 + 1/3 × 10 = 6.666… → 6.67 (not 3.33 + 3.33 = 6.66)
    assert ar.group_points({"a": 1, "b": 1}, {"a": Decimal(10), "b": Decimal(10)}, 3) == Decimal(
        "6.67"
    )
    assert ar.question_points(1, Decimal(10), 3) == Decimal("3.33")


def test_prices_in_pence_are_not_rounded_before_scoring():
    # £80,000.01 against £80,000.00 lowest at 30%: 29.9999… → 30.00
    assert price_score(
        "lowest_ratio",
        bid_pence=8_000_001,
        lowest_pence=8_000_000,
        budget_pence=0,
        weight=Decimal(30),
    ) == Decimal("30.00")


entries = st.lists(
    st.builds(
        lambda q, s, p, price, minutes: (q, s, p, price, minutes),
        st.integers(0, 40),
        st.integers(0, 20),
        st.integers(0, 30),
        st.integers(1, 5),
        st.integers(0, 3),
    ),
    min_size=1,
    max_size=8,
)


def _make(rows):
    return [
        ar.Entry(
            f"B-{i:02d}",
            Decimal(q),
            Decimal(s),
            Decimal(p),
            price * 1000,
            T0 + dt.timedelta(minutes=minutes),
        )
        for i, (q, s, p, price, minutes) in enumerate(rows)
    ]


@RELAXED
@given(entries, st.randoms())
def test_the_order_bids_are_given_in_does_not_change_the_ranking(rows, rnd):
    items = _make(rows)
    first = [(r.entry.key, r.rank, r.tie_break) for r in ar.rank(items)]
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert [(r.entry.key, r.rank, r.tie_break) for r in ar.rank(shuffled)] == first


@RELAXED
@given(entries)
def test_ranks_are_distinct_and_follow_totals(rows):
    ranked = ar.rank(_make(rows))
    assert [r.rank for r in ranked] == list(range(1, len(ranked) + 1))
    totals = [r.entry.total for r in ranked]
    assert totals == sorted(totals, reverse=True)
    for a, b in itertools.pairwise(ranked):
        assert bool(a.tie_break) == (a.entry.total == b.entry.total)


def test_a_tie_on_total_goes_to_the_higher_quality_then_lower_price_then_earlier():
    a = ar.Entry("B-A", Decimal(40), Decimal(10), Decimal(20), 900, T0)
    b = ar.Entry("B-B", Decimal(30), Decimal(10), Decimal(30), 800, T0)
    ranked = ar.rank([b, a])
    assert [r.entry.key for r in ranked] == ["B-A", "B-B"]
    assert "quality points" in ranked[0].tie_break
    c = ar.Entry("B-C", Decimal(40), Decimal(10), Decimal(20), 800, T0 + dt.timedelta(hours=1))
    assert ar.rank([a, c])[0].entry.key == "B-C"
    assert "lower price" in ar.rank([a, c])[0].tie_break
    d = ar.Entry("B-D", Decimal(40), Decimal(10), Decimal(20), 900, T0 - dt.timedelta(hours=1))
    assert ar.rank([a, d])[0].entry.key == "B-D"
    assert "earlier submission" in ar.rank([a, d])[0].tie_break
    e = ar.Entry("B-0", Decimal(40), Decimal(10), Decimal(20), 900, T0)
    assert ar.rank([a, e])[0].entry.key == "B-0"
    note = ar.tie_break_note(ar.rank([a, b]))
    assert note.startswith("B-A: Same total as B-B")


def test_no_tie_no_note():
    a = ar.Entry("B-A", Decimal(40), Decimal(10), Decimal(21), 900, T0)
    b = ar.Entry("B-B", Decimal(30), Decimal(10), Decimal(30), 800, T0)
    assert ar.tie_break_note(ar.rank([a, b])) == ""


def test_abnormally_low_below_the_mean_of_the_others():
    # others' mean 100,000; 79,999 is more than 20% below; 80,000 exactly is not
    assert "average" in ar.abnormal_price_reason(79_999, [90_000, 110_000])
    assert "average" not in ar.abnormal_price_reason(80_000, [90_000, 110_000])


def test_abnormally_low_below_the_next_price_up():
    # next up 100,000: 84,999 is more than 15% below; 85,000 is not
    assert "next price" in ar.abnormal_price_reason(84_999, [100_000, 100_000])
    assert ar.abnormal_price_reason(85_000, [100_000, 100_000]) == ""


def test_a_single_bid_is_never_abnormal_and_flags_name_only_low_bids():
    assert ar.abnormal_price_reason(1, []) == ""
    flags = ar.abnormal_prices({"A": 50_000, "B": 100_000, "C": 105_000})
    assert set(flags) == {"A"}


@RELAXED
@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(1, 10**9), max_size=6))
def test_the_cheapest_is_the_only_one_that_can_fail_the_next_price_test_against_everyone(prices):
    flags = ar.abnormal_prices(prices)
    if prices:
        top = max(prices.values())
        assert all(prices[k] < top for k in flags)
    assert list(ar.abnormal_prices(dict(random.sample(list(prices.items()), len(prices))))) or True
