"""Money and dates typed by people: every malformed value is a form error, never a crash
(issue 12: ``Infinity``, ``1e309``, ``sNaN`` and a twenty-digit day were server errors, and
``1,2,3`` was read as £123)."""

from __future__ import annotations

import contextlib

import pytest
from django import forms
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.foundation.core.forms import DateField, PoundsField


@pytest.mark.parametrize(
    ("typed", "pence"),
    [
        ("250000", 25_000_000),
        ("250,000.50", 25_000_050),
        ("£1,234,567", 123_456_700),
        ("£ 12.5", 1250),
        (".50", 50),
        ("-3", -300),
        ("0012", 1200),
        ("9,999,999,999,999.99", 999_999_999_999_999),
    ],
)
def test_amounts_in_pounds_become_pence(typed, pence):
    assert PoundsField().clean(typed) == pence


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Infinity", "Enter an amount in pounds"),
        ("-Infinity", "Enter an amount in pounds"),
        ("NaN", "Enter an amount in pounds"),
        ("sNaN", "Enter an amount in pounds"),
        ("1e309", "Enter an amount in pounds"),
        ("1E5", "Enter an amount in pounds"),
        ("1,2,3", "Put commas only between groups of three digits"),
        ("12,34", "Put commas only between groups of three digits"),
        ("1,234,56", "Put commas only between groups of three digits"),
        ("99999999999999999999", "Enter a smaller amount"),
        ("1.234", "Enter an amount to the nearest penny"),
        ("£", "Enter an amount in pounds"),
        ("١٢٣", "Enter an amount in pounds"),
        ("12\x00", "Enter an amount in pounds"),
    ],
)
def test_malformed_amounts_are_a_clear_form_error(typed, message):
    with pytest.raises(forms.ValidationError) as caught:
        PoundsField().clean(typed)
    assert caught.value.code == "invalid_amount"
    assert message in caught.value.messages[0]


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_pence_or_a_form_error(typed):
    code, value = None, None
    try:
        value = PoundsField(required=False).clean(typed)
    except forms.ValidationError as exc:
        code = exc.code
    assert code in (None, "invalid_amount")
    assert value is None or abs(value) < 10**16


@pytest.mark.parametrize(
    "parts",
    [
        ["9" * 20, "3", "2027"],
        ["1", "9" * 20, "2027"],
        ["1", "3", "9" * 20],
        ["-1", "3", "2027"],
        ["1e3", "3", "2027"],
        ["1", "3", "２０２７"],
        ["31", "2", "2027"],
    ],
)
def test_a_date_part_of_twenty_digits_or_not_a_number_is_a_form_error(parts):
    with pytest.raises(forms.ValidationError) as caught:
        DateField().clean(parts)
    assert caught.value.code == "invalid_date"


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(st.text(max_size=25), min_size=3, max_size=3))
def test_any_date_parts_are_a_date_or_a_form_error(parts):
    # A message on the form is fine; anything else (OverflowError) fails the test.
    with contextlib.suppress(forms.ValidationError):
        DateField(required=False).clean(parts)
