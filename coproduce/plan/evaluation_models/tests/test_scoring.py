"""The pure scoring module: worked examples, properties, proportionality bands."""

from __future__ import annotations

import ast
import inspect
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.plan.evaluation_models import scoring
from coproduce.plan.evaluation_models.scoring import (
    BUDGET_DEVIATION,
    FIXED_PRICE,
    LOWEST_RATIO,
    band_for,
    price_score,
    proportionality_messages,
    weighted_total,
)

weights = st.decimals(min_value=0, max_value=100, places=2)
pence = st.integers(min_value=1, max_value=10**11)


def test_scoring_has_no_django_imports():
    tree = ast.parse(inspect.getsource(scoring))
    names = [
        n.module if isinstance(n, ast.ImportFrom) else a.name
        for n in ast.walk(tree)
        if isinstance(n, ast.Import | ast.ImportFrom)
        for a in (n.names if isinstance(n, ast.Import) else [n])
    ]
    assert not [n for n in names if n and n.startswith("django")]


def test_lowest_ratio_worked_example():
    score = price_score(
        LOWEST_RATIO, bid_pence=10_000_000, lowest_pence=8_000_000, budget_pence=0, weight=30
    )
    assert score == Decimal("24.00")


def test_budget_deviation_worked_example():
    score = price_score(
        BUDGET_DEVIATION,
        bid_pence=10_000_000,
        lowest_pence=8_000_000,
        budget_pence=12_000_000,
        weight=Decimal(30),
    )
    assert score == Decimal("25.00")


def test_budget_deviation_never_below_zero():
    score = price_score(
        BUDGET_DEVIATION, bid_pence=50_000, lowest_pence=10_000, budget_pence=10_000, weight=30
    )
    assert score == Decimal("0.00")


def test_fixed_price_scores_nothing():
    assert price_score(FIXED_PRICE, bid_pence=1, lowest_pence=1, budget_pence=1, weight=0) == 0


def test_rounding_is_half_up_to_two_places():
    # 1 ÷ 8 × 0.1 = 0.0125 → 0.01; 3 ÷ 8 × 0.1 ... use an exact half: 0.005 → 0.01
    assert scoring.round2(Decimal("0.005")) == Decimal("0.01")
    assert scoring.round2(Decimal("2.345")) == Decimal("2.35")
    assert scoring.round2(Decimal("2.344")) == Decimal("2.34")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"bid_pence": 0, "lowest_pence": 0, "budget_pence": 1},
        {"bid_pence": 100, "lowest_pence": 200, "budget_pence": 1},
        {"bid_pence": 100, "lowest_pence": 50, "budget_pence": 0, "formula": BUDGET_DEVIATION},
        {"bid_pence": 100, "lowest_pence": 50, "budget_pence": 1, "formula": "guess"},
    ],
)
def test_impossible_prices_are_refused(kwargs):
    formula = kwargs.pop("formula", LOWEST_RATIO)
    with pytest.raises(ValueError, match=r"."):
        price_score(formula, weight=Decimal(30), **kwargs)


@given(weight=weights, lowest=pence, extra=st.integers(0, 10**11), budget=pence)
def test_price_score_is_never_above_the_weight_or_below_zero(weight, lowest, extra, budget):
    for formula in (LOWEST_RATIO, BUDGET_DEVIATION):
        score = price_score(
            formula,
            bid_pence=lowest + extra,
            lowest_pence=lowest,
            budget_pence=budget,
            weight=weight,
        )
        assert 0 <= score <= weight


@given(weight=weights, lowest=pence, budget=pence)
def test_the_lowest_bid_gets_the_full_weight(weight, lowest, budget):
    for formula in (LOWEST_RATIO, BUDGET_DEVIATION):
        score = price_score(
            formula, bid_pence=lowest, lowest_pence=lowest, budget_pence=budget, weight=weight
        )
        assert score == weight


@given(
    weight=weights,
    lowest=pence,
    a=st.integers(0, 10**10),
    b=st.integers(0, 10**10),
    budget=pence,
)
def test_a_dearer_bid_never_scores_more(weight, lowest, a, b, budget):
    cheaper, dearer = sorted((lowest + a, lowest + b))
    for formula in (LOWEST_RATIO, BUDGET_DEVIATION):
        kw = {"lowest_pence": lowest, "budget_pence": budget, "weight": weight}
        assert price_score(formula, bid_pence=dearer, **kw) <= price_score(
            formula, bid_pence=cheaper, **kw
        )


@st.composite
def models_and_scores(draw):
    n = draw(st.integers(1, 12))
    top = draw(st.integers(1, 10))
    # Cut 100 into n+1 parts; the last part is price.
    cuts = sorted(draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n)))
    bounds = [0, *cuts, 10_000]
    parts = [Decimal(bounds[i + 1] - bounds[i]) / 100 for i in range(n + 1)]
    ws = {f"q{i}": parts[i] for i in range(n)}
    scores = {k: draw(st.integers(0, top)) for k in ws}
    return ws, scores, top, parts[-1]


@given(data=models_and_scores(), lowest=pence, extra=st.integers(0, 10**9))
def test_the_total_is_never_above_100(data, lowest, extra):
    ws, scores, top, price_weight = data
    total = weighted_total(scores, ws, top) + price_score(
        LOWEST_RATIO,
        bid_pence=lowest + extra,
        lowest_pence=lowest,
        budget_pence=1,
        weight=price_weight,
    )
    assert 0 <= total <= 100


def test_weighted_total_worked_example():
    # 3 of 4 on a 40% question (30 points) + 4 of 4 on a 10% question (10 points)
    assert weighted_total({"a": 3, "b": 4}, {"a": Decimal(40), "b": Decimal(10)}, 4) == Decimal(
        "40.00"
    )


def test_weighted_total_refuses_scores_off_the_scale_and_missing_scores():
    with pytest.raises(ValueError, match="not on the scale"):
        weighted_total({"a": 5}, {"a": Decimal(10)}, 4)
    with pytest.raises(ValueError, match="exactly one score"):
        weighted_total({}, {"a": Decimal(10)}, 4)


@pytest.mark.parametrize(
    ("value_pence", "questions", "words"),
    [
        (0, 5, 2_500),
        (9_999_999, 5, 2_500),
        (10_000_000, 8, 5_000),
        (49_999_999, 8, 5_000),
        (50_000_000, 12, 10_000),
        (199_999_999, 12, 10_000),
        (200_000_000, 20, 20_000),
    ],
)
def test_proportionality_bands_at_their_edges(value_pence, questions, words):
    band = band_for(value_pence)
    assert (band.max_questions, band.max_words) == (questions, words)
    assert proportionality_messages(questions=questions, words=words, value_pence=value_pence) == []
    over = proportionality_messages(
        questions=questions + 1, words=words + 1, value_pence=value_pence
    )
    assert len(over) == 2
    assert f"no more than {questions}" in over[0]


def test_percent_text_drops_trailing_zeros():
    assert scoring.percent_text(Decimal("95.00")) == "95"
    assert scoring.percent_text(Decimal("99.99")) == "99.99"
    assert scoring.percent_text(Decimal("9.90")) == "9.9"
    assert scoring.percent_text(Decimal("100")) == "100"
