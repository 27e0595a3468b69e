"""Reading and writing the pabulib .pb format."""

from __future__ import annotations

import hashlib
from fractions import Fraction

import pytest

from coproduce.foundation.core.testing import require_shared_data
from coproduce.understand.participatory_budgeting.allocation import (
    PabulibError,
    parse_pabulib_text,
    write_pabulib_text,
)
from coproduce.understand.participatory_budgeting.allocation.pabulib import (
    format_number,
    parse_number,
)
from coproduce.understand.participatory_budgeting.tests import (
    DATA_DIR,
    data_files,
    data_path,
    load_election,
)

SMALL = """META
key;value
description;Test
budget;1000
vote_type;approval
currency;GBP
PROJECTS
project_id;cost;name
1;600;"Park; with a semicolon"
2;400;"A ""quoted"" name"
3;250.50;Benches
VOTES
voter_id;vote
a;1,2
b;2, 3
c;
"""


def test_data_folder_is_present_and_intact() -> None:
    require_shared_data("pabulib", "SOURCES.tsv")
    assert DATA_DIR.is_dir(), f"missing {DATA_DIR}"
    lines = (DATA_DIR / "SOURCES.tsv").read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line and not line.startswith("#")]
    assert len(rows) == 12
    for name, sha256, size, *_ in rows:
        content = data_path(name).read_bytes()
        assert len(content) == int(size), name
        assert hashlib.sha256(content).hexdigest() == sha256, name


def test_parse_small_file_with_quotes_and_decimals() -> None:
    election = parse_pabulib_text(SMALL)
    assert election.budget == 1000
    assert election.vote_type == "approval"
    assert election.projects["1"].name == "Park; with a semicolon"
    assert election.projects["2"].name == 'A "quoted" name'
    assert election.projects["3"].cost == Fraction(501, 2)
    assert [b.projects for b in election.ballots] == [("1", "2"), ("2", "3"), ()]


def test_round_trip_small() -> None:
    election = parse_pabulib_text(SMALL)
    text = write_pabulib_text(election)
    assert parse_pabulib_text(text) == election
    assert write_pabulib_text(parse_pabulib_text(text)) == text


@pytest.mark.parametrize("name", data_files())
def test_round_trip_real_files(name: str) -> None:
    election = load_election(name)
    assert len(election.projects) == int(election.meta["num_projects"])
    assert len(election.ballots) == int(election.meta["num_votes"])
    again = parse_pabulib_text(write_pabulib_text(election))
    assert again == election


def _bad(text: str) -> PabulibError:
    with pytest.raises(PabulibError) as info:
        parse_pabulib_text(text)
    return info.value


GOOD_META = "META\nkey;value\nbudget;100\nvote_type;approval\n"


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        (
            "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;5\n",
            "missing-section",
            7,
        ),
        (GOOD_META + "VOTES\nvoter_id;vote\n", "missing-section", 6),
        (
            GOOD_META + "PROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\nv1;1,9\n",
            "unknown-project",
            10,
        ),
        (GOOD_META + "PROJECTS\nproject_id;cost\n1;-5\nVOTES\nvoter_id;vote\n", "negative-cost", 7),
        (
            "META\nkey;value\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;5\n"
            "VOTES\nvoter_id;vote\n",
            "missing-budget",
            1,
        ),
        (GOOD_META + "PROJECTS\nproject_id;cost\n1;five\nVOTES\nvoter_id;vote\n", "bad-number", 7),
        (
            "META\nkey;value\nbudget;lots\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
            "VOTES\nvoter_id;vote\n",
            "bad-number",
            3,
        ),
        (
            GOOD_META + "PROJECTS\nproject_id;cost\n1;5\n1;6\nVOTES\nvoter_id;vote\n",
            "duplicate-project",
            8,
        ),
        (GOOD_META + "PROJECTS\nproject_id;cost\n1;5;x\nVOTES\nvoter_id;vote\n", "column-count", 7),
        (GOOD_META + "PROJECTS\nproject_id;name\n1;x\nVOTES\nvoter_id;vote\n", "missing-column", 6),
        (
            "META\nkey;value\nbudget;100\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n1;5\n"
            "VOTES\nvoter_id;vote;points\nv;1;2,3\n",
            "points-mismatch",
            10,
        ),
        (
            "META\nkey;value\nbudget;100\nvote_type;weird\nPROJECTS\nproject_id;cost\n"
            "VOTES\nvoter_id;vote\n",
            "bad-vote-type",
            4,
        ),
        ("budget;5\nMETA\n", "unexpected-row", 1),
        (
            GOOD_META + "PROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\nv;1,1\n",
            "repeated-project",
            10,
        ),
        (
            GOOD_META + "PROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\nv;1\nv;1\n",
            "duplicate-voter",
            11,
        ),
    ],
)
def test_malformed_files_name_line_and_reason(text: str, code: str, line: int) -> None:
    error = _bad(text)
    assert error.code == code
    assert error.line == line
    assert error.reason
    assert f"line {line}" in str(error)


def test_number_formatting_round_trips() -> None:
    for text in ("0", "12", "12.5", "0.05", "1000000", "3,25"):
        value = parse_number(text, 1, "x")
        assert parse_number(format_number(value), 1, "x") == value
    assert format_number(Fraction(1, 4)) == "0.25"


@pytest.mark.parametrize("budget", ["1e309", "1E+20", "99999999999999999999"])
def test_a_huge_budget_is_a_parse_error_with_its_line(budget) -> None:
    """Issue 12: ``budget;1e309`` parsed (a finite decimal) and crashed the import later."""
    with pytest.raises(PabulibError) as caught:
        parse_pabulib_text(SMALL.replace("budget;1000", f"budget;{budget}"))
    assert caught.value.code == "number-too-large"
    assert caught.value.line == 4


def test_a_huge_project_cost_is_a_parse_error_with_its_line() -> None:
    with pytest.raises(PabulibError) as caught:
        parse_pabulib_text(SMALL.replace("3;250.50;Benches", "3;1e309;Benches"))
    assert (caught.value.code, caught.value.line) == ("number-too-large", 11)
