"""Parsing ideas typed up from paper: lines and CSV files, with problems by line."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from coproduce.understand.ideas import bulk


def test_lines_split_on_the_first_colon_and_skip_blank_lines():
    rows, problems = bulk.parse_lines("Cooking: at 10:30 on Mondays\n\n  Gardening  \n")
    assert problems == []
    assert [(r.line, r.title, r.description) for r in rows] == [
        (1, "Cooking", "at 10:30 on Mondays"),
        (3, "Gardening", ""),
    ]


def test_a_line_without_a_title_is_a_problem_with_its_number():
    rows, problems = bulk.parse_lines("Fine\n: nothing before the colon")
    assert [r.title for r in rows] == ["Fine"]
    assert problems == [bulk.Problem(2, "The title is missing.")]


def test_csv_with_a_byte_order_mark_quoted_commas_and_newlines():
    data = '\ufefftitle,description,area\n"Club, evenings","Two\nlines",Eastgate\n,,\n'.encode()
    rows, problems = bulk.parse_csv(data)
    assert problems == []
    assert rows == [bulk.Row(2, "Club, evenings", "Two\nlines", "Eastgate")]


def test_csv_column_order_does_not_matter_and_description_is_optional():
    rows, problems = bulk.parse_csv(b"area,title\nMillbrook,Walks\n")
    assert problems == []
    assert rows == [bulk.Row(2, "Walks", "", "Millbrook")]


def test_too_many_and_too_few_rows():
    assert bulk.too_many([]) is not None
    assert bulk.too_many([bulk.Row(i, "x") for i in range(501)]) is not None
    assert bulk.too_many([bulk.Row(i, "x") for i in range(500)]) is None


@given(st.text(max_size=2000))
def test_any_text_gives_valid_rows_or_numbered_problems(text):
    rows, problems = bulk.parse_lines(text)
    for row in rows:
        assert row.title
        assert len(row.title) <= bulk.TITLE_MAX
        assert ":" not in row.title
    assert all(p.line >= 1 for p in problems)
    assert len(rows) + len(problems) <= len(text.splitlines())


@given(st.binary(max_size=2000))
def test_any_bytes_as_csv_never_crash(data):
    rows, problems = bulk.parse_csv(data)
    assert all(r.title and len(r.title) <= bulk.TITLE_MAX for r in rows)
    assert all(p.message for p in problems)


def test_a_csv_with_only_a_header_has_no_rows_and_the_page_says_so():
    rows, problems = bulk.parse_csv(b"title,description\n")
    assert (rows, problems) == ([], [])
    assert "no ideas to add" in bulk.too_many(rows).message
