"""Reading population shares from CSV: every problem is named, with its line."""

from __future__ import annotations

import pytest

from coproduce.understand.equality.population_csv import PopulationCSVError, parse

GOOD = "characteristic,group,percent\nsex,female,51\nsex,male,49\n"


def test_keys_and_labels_are_accepted_in_any_case():
    text = "Characteristic,Group,Percent\nSEX,Female,51.0\nsex,MALE,49%\nage,18 to 24,100\n"
    shares = parse(text.encode())
    assert [(s.characteristic, s.group, s.percent) for s in shares] == [
        ("sex", "female", 51.0),
        ("sex", "male", 49.0),
        ("age", "18_24", 100.0),
    ]


def test_prefer_not_to_say_is_not_counted_in_the_sum():
    parse((GOOD + "sex,prefer_not_to_say,4\n").encode())


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("name,value\nsex,51\n", "wrong_columns", "first line must be the column names"),
        (
            "characteristic,group,percent\nheight,tall,100\n",
            "unknown_characteristic",
            "Line 2: “height”",
        ),
        (
            "characteristic,group,percent\nsex,female,51\nsex,other,49\n",
            "unknown_group",
            "Line 3: “other” is not a group of sex",
        ),
        (
            "characteristic,group,percent\nsex,female,lots\n",
            "invalid_percent",
            "Line 2: the percent must be a number",
        ),
        (
            "characteristic,group,percent\nsex,female,-5\nsex,male,105\n",
            "invalid_percent",
            "Line 2: the percent must be between 0 and 100",
        ),
        (
            "characteristic,group,percent\nsex,female,51\nsex,male,45\n",
            "shares_do_not_add_up",
            "The shares for sex add up to 96%",
        ),
        ("characteristic,group,percent\nsex,female,51\nsex,female,49\n", "duplicate", "Line 3"),
        ("characteristic,group,percent\n", "empty", "no figures"),
        (
            "characteristic,group,percent\nsex,female\n",
            "wrong_columns",
            "Line 2 must have 3 values",
        ),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(text, code, message):
    with pytest.raises(PopulationCSVError) as exc:
        parse(text.encode())
    assert exc.value.code == code
    assert message in exc.value.message


def test_a_sum_within_one_and_a_half_points_is_accepted():
    parse(b"characteristic,group,percent\nsex,female,51\nsex,male,50.4\n")


def test_a_file_over_100_kb_is_refused():
    big = GOOD + ("\n" * 110_000)
    with pytest.raises(PopulationCSVError) as exc:
        parse(big.encode())
    assert exc.value.code == "too_large"


@pytest.mark.parametrize(
    "content",
    [
        b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 50,  # a spreadsheet (zip) renamed .csv
        b"\x89PNG\r\n\x1a\n\x00\x00",
        "characteristic,group,percent\nsex,female,51\n".encode("utf-16"),
        b"\xff\xfe\xfa not utf-8",
    ],
)
def test_a_file_that_is_not_csv_text_is_refused_by_its_content(content):
    with pytest.raises(PopulationCSVError) as exc:
        parse(content)
    assert exc.value.code == "not_csv"
