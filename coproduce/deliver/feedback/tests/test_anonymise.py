"""What the provider reads has contact details and long numbers taken out."""

from __future__ import annotations

import pytest

from coproduce.deliver.feedback.anonymise import REMOVED, anonymise


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("Ring me on 07700 900123 please", "07700 900123"),
        ("my number is +44 (0)20 7946 0958", "7946"),
        ("email jo.bloggs+work@example.org.uk", "jo.bloggs"),
        ("I live at SW1A 1AA", "SW1A"),
        ("I live at b338th", "b338th"),
        ("NI number QQ 12 34 56 C", "QQ 12"),
        ("NHS number 943 476 5919", "5919"),
        ("my page www.example.com/jo", "example.com"),
    ],
)
def test_contact_details_are_removed(text, gone):
    out = anonymise(text)
    assert gone not in out
    assert REMOVED in out


def test_ordinary_numbers_and_words_stay():
    text = "There were 3 staff for 12 people in 2024, and it was 10:30 before we started."
    assert anonymise(text) == text
