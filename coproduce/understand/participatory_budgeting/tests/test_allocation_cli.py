"""The ``coproduce-pb`` command and ``python -m coproduce.understand.participatory_budgeting.allocation``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from coproduce.understand.participatory_budgeting.allocation import allocate
from coproduce.understand.participatory_budgeting.allocation.cli import build_parser, main
from coproduce.understand.participatory_budgeting.allocation.pabulib import format_number
from coproduce.understand.participatory_budgeting.tests import REPO_ROOT, data_path, load_election


def test_cli_prints_ids_then_money(capsys: pytest.CaptureFixture[str]) -> None:
    path = data_path("Netherlands_Assen_2024.pb")
    assert main([str(path), "--rule", "mes-add1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["3", "9", "2", "11", "13", "14", "5", "6", "12", "76700"]


@pytest.mark.parametrize("rule", ["mes-add1", "mes", "greedy"])
def test_cli_rules_select_what_the_engine_selects(
    rule: str, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "Poland_Swiecie_2023.pb"
    assert main([str(data_path(name)), "--rule", rule]) == 0
    outcome = allocate(load_election(name), rule)
    out = capsys.readouterr().out.splitlines()
    assert out == [*outcome.selected, format_number(outcome.spent)]


def test_cli_rule_choices_are_exactly_the_three_rules() -> None:
    actions = {a.dest: a for a in build_parser()._actions}
    assert tuple(actions["rule"].choices) == ("mes-add1", "mes", "greedy")


def test_cli_reports_a_bad_file_with_line_and_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.pb"
    bad.write_text(
        "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;-4\n"
        "VOTES\nvoter_id;vote\n",
        encoding="utf-8",
    )
    assert main([str(bad), "--rule", "greedy"]) == 2
    err = capsys.readouterr().err
    assert "line 7" in err
    assert "negative cost" in err
    assert "[negative-cost]" in err


def test_cli_explain_prints_a_sentence_per_project(capsys: pytest.CaptureFixture[str]) -> None:
    path = data_path("Netherlands_Assen_2024.pb")
    assert main([str(path), "--rule", "mes-add1", "--explain"]) == 0
    out = capsys.readouterr().out
    assert "Funded in round 1 of Equal Shares" in out
    assert "Not funded" in out


def test_python_dash_m_works_from_the_repo_root() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "coproduce.understand.participatory_budgeting.allocation",
            str(data_path("Netherlands_Assen_2024.pb")),
            "--rule",
            "greedy",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert lines[-1].isdigit()
    assert len(lines) == 8
