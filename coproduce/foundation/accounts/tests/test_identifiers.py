"""Registered-number and postcode validation (pure functions)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.foundation.accounts.identifiers import (
    IdentifierError,
    normalise,
    normalise_postcode,
    org_id,
)


@pytest.mark.parametrize(
    ("scheme", "typed", "stored"),
    [
        ("GB-CHC", "1234567", "1234567"),
        ("GB-CHC", " 123 4567 ", "1234567"),
        ("GB-CHC", "GB-CHC-1234567", "1234567"),
        ("GB-COH", "01234567", "01234567"),
        ("GB-COH", "1234567", "01234567"),
        ("GB-COH", "sc123456", "SC123456"),
        ("GB-SC", "sc012345", "SC012345"),
        ("GB-NIC", "100123", "100123"),
        ("GB-MPR", "31234r", "31234R"),
    ],
)
def test_valid_numbers_are_normalised(scheme, typed, stored):
    assert normalise(scheme, typed) == stored


@pytest.mark.parametrize(
    ("scheme", "typed"),
    [
        ("GB-CHC", "12345"),
        ("GB-CHC", "0123456"),
        ("GB-CHC", "12345678"),
        ("GB-CHC", "abc1234"),
        ("GB-COH", "1234"),
        ("GB-COH", "XX123456"),
        ("GB-COH", "012345678"),
        ("GB-SC", "SC12345"),
    ],
)
def test_invalid_numbers_are_refused_with_a_hint(scheme, typed):
    with pytest.raises(IdentifierError) as exc:
        normalise(scheme, typed)
    assert exc.value.code == "invalid_identifier"
    assert "for example" in exc.value.message


def test_unknown_scheme_is_refused():
    with pytest.raises(IdentifierError) as exc:
        normalise("XX-ABC", "1")
    assert exc.value.code == "unknown_scheme"


def test_org_id_format():
    assert org_id("GB-CHC", "1234567") == "GB-CHC-1234567"
    assert org_id("GB-COH", "01234567") == "GB-COH-01234567"


@given(st.integers(min_value=100000, max_value=9999999))
def test_every_charity_number_round_trips(n):
    assert normalise("GB-CHC", org_id("GB-CHC", str(n))) == str(n)


@pytest.mark.parametrize(
    ("typed", "stored"), [("rv1 2ab", "RV1 2AB"), ("SW1A1AA", "SW1A 1AA"), ("m1 1ae", "M1 1AE")]
)
def test_postcodes_are_normalised(typed, stored):
    assert normalise_postcode(typed) == stored


@pytest.mark.parametrize("typed", ["RV1", "12345", "RV1 2A", "not a postcode"])
def test_bad_postcodes_are_refused(typed):
    with pytest.raises(IdentifierError):
        normalise_postcode(typed)
