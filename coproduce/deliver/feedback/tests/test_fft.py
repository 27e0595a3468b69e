"""The Friends and Family Test score: pure arithmetic, no database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.deliver.feedback.fft import ANSWERS, fft_score

counts = st.fixed_dictionaries({a: st.integers(min_value=0, max_value=10_000) for a in ANSWERS})


def test_the_nhs_example_gives_88_percent():
    score = fft_score(
        {"very_good": 171, "good": 43, "neither": 10, "poor": 9, "very_poor": 9, "dont_know": 2}
    )
    assert (score.positive, score.responses, score.percent) == (214, 244, 88)
    assert (score.negative, score.negative_percent) == (18, 7)


def test_dont_know_counts_in_the_denominator():
    assert fft_score({"good": 1, "dont_know": 1}).percent == 50


def test_no_answers_has_no_score_rather_than_zero():
    score = fft_score({})
    assert score.responses == 0
    assert score.percent is None


def test_halves_round_up():
    assert fft_score({"good": 1, "poor": 7}).percent == 13  # 12.5%
    assert fft_score({"good": 5, "poor": 3}).percent == 63  # 62.5%


def test_unknown_answers_and_negative_counts_are_refused():
    with pytest.raises(ValueError, match="unknown"):
        fft_score({"excellent": 1})
    with pytest.raises(ValueError, match="negative"):
        fft_score({"good": -1})


@given(counts)
def test_score_is_a_whole_percentage_between_0_and_100(c):
    score = fft_score(c)
    assert score.responses == sum(c.values())
    if score.responses:
        assert 0 <= score.percent <= 100
        assert abs(score.percent - 100 * score.positive / score.responses) <= 0.5


@given(counts, st.sampled_from(ANSWERS))
def test_one_more_positive_answer_never_lowers_the_score(c, answer):
    before = fft_score(c)
    after = fft_score({**c, "good": c["good"] + 1})
    if before.responses:
        assert after.percent >= before.percent
    other = fft_score({**c, answer: c[answer] + 1})
    if answer not in ("very_good", "good") and before.responses:
        assert other.percent <= before.percent
