"""Importing the measure table from CSV: every broken rule named per row, all or nothing,
and versions that never change what existing promises are worth."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coproduce.deliver.social_value import services as svc
from coproduce.deliver.social_value.measure_csv import COLUMNS, UNITS, parse_measures
from coproduce.deliver.social_value.models import Measure, MeasureTable
from coproduce.foundation.core.errors import NotFound
from coproduce.foundation.core.models import AuditEvent

from .factories import EXAMPLE_CSV, import_table, make_commitment, make_contract

TODAY = dt.date(2026, 5, 1)
GOOD = {
    "code": "JOBS",
    "name": "Local jobs",
    "unit": "job",
    "proxy_pounds": "20000",
    "source": "Example",
    "price_year": "2024",
}


def csv_of(rows: list[dict], columns=COLUMNS) -> bytes:
    lines = [",".join(columns)]
    for row in rows:
        lines.append(",".join('"' + row.get(c, "").replace('"', '""') + '"' for c in columns))
    return ("\n".join(lines) + "\n").encode()


def test_a_good_table_parses():
    rows, problems = parse_measures(EXAMPLE_CSV, today=TODAY)
    assert problems == []
    assert [(r.code, r.unit, r.proxy_pence, r.price_year) for r in rows] == [
        ("JOBS", "job", 2_000_000, 2024),
        ("VOL", "hour", 1550, 2024),
        ("PLACE", "week", 25000, 2023),
    ]


# (column, bad value, the rule's code)
BAD_VALUES = [
    ("code", "", "code_missing"),
    ("code", "has space", "code_invalid"),
    ("code", "x" * 31, "code_invalid"),
    ("name", "", "name_missing"),
    ("name", "n" * 201, "name_too_long"),
    ("unit", "", "unit_missing"),
    ("unit", "furlongs", "unit_unknown"),
    ("proxy_pounds", "", "proxy_missing"),
    ("proxy_pounds", "-5", "proxy_invalid"),
    ("proxy_pounds", "abc", "proxy_invalid"),
    ("proxy_pounds", "1e309", "proxy_invalid"),
    ("proxy_pounds", "NaN", "proxy_invalid"),
    ("proxy_pounds", "12.345", "proxy_invalid"),
    ("proxy_pounds", "0", "proxy_not_positive"),
    ("source", "", "source_missing"),
    ("source", "s" * 301, "source_too_long"),
    ("price_year", "", "year_missing"),
    ("price_year", "24", "year_invalid"),
    ("price_year", "two thousand", "year_invalid"),
    ("price_year", "1850", "year_out_of_range"),
    ("price_year", "2027", "year_out_of_range"),
]


@pytest.mark.parametrize(("column", "value", "code"), BAD_VALUES)
def test_each_broken_rule_is_named_with_its_row(column, value, code):
    rows = [dict(GOOD, code="A"), {**GOOD, "code": "B", column: value}]
    parsed, problems = parse_measures(csv_of(rows), today=TODAY)
    assert parsed == []
    assert [(p.row, p.code) for p in problems] == [(3, code)]
    assert str(problems[0]).startswith("Row 3: ")


def test_duplicate_codes_are_refused_whatever_their_case():
    _rows, problems = parse_measures(
        csv_of([dict(GOOD, code="JOBS"), dict(GOOD, code="jobs")]), today=TODAY
    )
    assert [(p.row, p.code) for p in problems] == [(3, "code_duplicate")]
    assert "row 2" in problems[0].message


def test_every_problem_in_the_file_is_reported_at_once():
    rows = [dict(GOOD, unit="parsecs"), dict(GOOD, code="B", proxy_pounds="")]
    _parsed, problems = parse_measures(csv_of(rows), today=TODAY)
    assert [(p.row, p.code) for p in problems] == [(2, "unit_unknown"), (3, "proxy_missing")]
    assert all(u in problems[0].message for u in UNITS)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "file_empty"),
        (b"\xff\xfe\x00b", "file_not_utf8"),
        (b"code,name,unit\nA,B,job\n", "columns_missing"),
        (b"code,code,name,unit,proxy_pounds,source,price_year\n", "columns_duplicated"),
        (",".join(COLUMNS).encode() + b"\n", "no_measures"),
        (b"a\x00b", "file_not_csv"),
    ],
)
def test_a_file_that_is_not_a_table_is_refused(data, code):
    rows, problems = parse_measures(data, today=TODAY)
    assert rows == []
    assert [p.code for p in problems] == [code]


def test_columns_may_come_in_any_order_with_extra_ones_and_blank_lines():
    columns = ("notes", *reversed(COLUMNS))
    data = csv_of([dict(GOOD, notes="ignored")], columns=columns) + b"\n,,,,,,\n"
    rows, problems = parse_measures(data, today=TODAY)
    assert problems == [] and rows[0].code == "JOBS"


@settings(max_examples=80, deadline=None)
@given(data=st.binary(max_size=400))
def test_any_bytes_give_rows_or_problems_never_an_exception(data):
    rows, problems = parse_measures(data, today=TODAY)
    assert bool(rows) != bool(problems)


text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(column=st.sampled_from(COLUMNS), value=text, row=st.integers(min_value=0, max_value=2))
@pytest.mark.django_db
def test_a_table_with_any_damaged_cell_saves_all_or_nothing(commissioner, column, value, row):
    rows = [dict(GOOD, code=f"M{i}") for i in range(3)]
    rows[row][column] = value
    data = csv_of(rows)
    _parsed, problems = parse_measures(data, today=timezone.localdate())
    before = MeasureTable.objects.count(), Measure.objects.count()
    if problems:
        with pytest.raises(svc.MeasureTableRejected) as info:
            import_table(commissioner, data)
        assert info.value.message.startswith("Nothing was saved. Row ")
        assert info.value.problems == problems
        assert (MeasureTable.objects.count(), Measure.objects.count()) == before
    else:
        table = import_table(commissioner, data)
        assert table.measures.count() == 3


@pytest.mark.django_db
def test_importing_a_new_version_keeps_the_old_values_on_existing_promises(commissioner):
    first = import_table(commissioner)
    contract = make_contract(commissioner)
    promise = make_commitment(commissioner, contract, code="JOBS", quantity="2")
    assert promise.proxy_pence == 2_000_000
    newer = import_table(
        commissioner, EXAMPLE_CSV.replace(b"20000,", b"25000,"), title="Values for 2026"
    )
    assert newer.version == first.version + 1
    promise.refresh_from_db()
    assert promise.proxy_pence == 2_000_000 and promise.measure.table == first
    again = make_commitment(commissioner, contract, code="JOBS", quantity="1")
    assert again.proxy_pence == 2_500_000 and again.measure.table == newer
    assert Measure.objects.filter(table=first, code="JOBS").get().proxy_pence == 2_000_000
    assert AuditEvent.objects.filter(verb="social_value.measure_table.imported").count() == 2


@pytest.mark.django_db
def test_importing_the_same_file_twice_adds_no_version(commissioner):
    first = import_table(commissioner)
    assert import_table(commissioner) == first
    assert MeasureTable.objects.count() == 1


@pytest.mark.django_db
def test_only_commissioners_import(provider, finance):
    for person in (provider, finance):
        with pytest.raises(NotFound):
            import_table(person)
    assert not MeasureTable.objects.exists()
