"""Reading KPI words as figures (pure; hypothesis for the threshold arithmetic)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.deliver.contracts.kpi_terms import (
    default_thresholds,
    infer_direction,
    infer_kind,
    parse_figure,
    target_to_set,
    with_target_set,
    with_target_to_set,
)


def test_parse_figure_reads_the_first_number():
    assert parse_figure("85") == Decimal("85.00")
    assert parse_figure("85%") == Decimal("85.00")
    assert parse_figure("£1,250.5") == Decimal("1250.50")
    assert parse_figure("at least 40 people") == Decimal("40.00")
    assert parse_figure("about ninety") is None
    assert parse_figure("") is None
    assert parse_figure("9" * 30) is None


def test_infer_kind_from_the_unit_words():
    assert infer_kind("% of hours") == "percent"
    assert infer_kind("£ saved") == "pounds"
    assert infer_kind("pounds a year") == "pounds"
    assert infer_kind("working days on average") == "days"
    assert infer_kind("hours") == "hours"
    assert infer_kind("people a year") == "count"
    assert infer_kind("holidays booked") == "count"  # "day" only as a word


def test_default_thresholds_examples():
    assert default_thresholds(Decimal("85")) == (Decimal("85.00"), Decimal("68"))
    assert default_thresholds(Decimal("33")) == (Decimal("33.00"), Decimal("27"))  # 26.4 → 27
    assert default_thresholds(Decimal("10"), "lower") == (Decimal("10.00"), Decimal("12"))


@given(
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(["higher", "lower"]),
)
def test_default_thresholds_are_never_inverted(target, direction):
    green, red = default_thresholds(target, direction)
    assert green == target
    if direction == "higher":
        assert red <= green and red >= target * Decimal("0.8")
    else:
        assert red >= green and red <= target * Decimal("1.2")


@given(st.text(max_size=200), st.text(max_size=50))
def test_a_target_in_words_is_kept_and_marked_until_set(text, words):
    pending = with_target_to_set(text, words)
    assert pending.startswith(text)
    assert target_to_set(pending) == words
    settled = with_target_set(pending)
    assert target_to_set(settled) is None
    assert settled.startswith(text) and f"“{words}”" in settled
    assert with_target_set(settled) == settled


def test_a_kpi_text_without_the_note_has_no_target_to_set():
    assert target_to_set("People supported each month.") is None
    assert target_to_set("") is None
    assert with_target_set("People supported.") == "People supported."


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("Working days from someone asking for support to their first meeting.", "working days"),
        ("Days to first meeting", "days"),
        ("Time to first contact", "hours on average"),
        ("People waiting for an assessment", "people"),
        ("Complaints about the service", "complaints a year"),
        ("Visits cancelled at short notice", "visits"),
        ("Safeguarding incidents", "incidents"),
    ],
)
def test_words_that_mean_lower_is_better(text, unit):
    assert infer_direction(text, unit) == "lower"


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("People supported each month.", "people"),
        ("People helped into paid work who still have the job six months later.", "people"),
        ("Complaints answered within 20 working days", "% of complaints"),
        ("People seen on time", "% of people"),
        ("People who waited less than 2 weeks", "% of people"),
        ("Support hours given by staff the person already knows.", "% of hours"),
        ("", ""),
    ],
)
def test_words_that_mean_higher_is_better(text, unit):
    assert infer_direction(text, unit) == "higher"


@given(st.text(max_size=100), st.text(max_size=40))
def test_infer_direction_is_always_one_of_the_two(text, unit):
    assert infer_direction(text, unit) in {"higher", "lower"}
