"""Greedy completion after Equal Shares, with explanations (regression: used to crash)."""

from coproduce.understand.participatory_budgeting.allocation.explain import render_explanation
from coproduce.understand.participatory_budgeting.allocation.rules import allocate
from coproduce.understand.participatory_budgeting.tests import load_election


def test_greedy_completion_with_explanations_names_the_completed_project():
    election = load_election("Netherlands_Assen_2024.pb")
    plain = allocate(election, "mes-add1", explain=True)
    completed = allocate(election, "mes-add1", explain=True, greedy_completion=True)
    added = [p for p in completed.selected if p not in plain.selected]
    assert added == ["7"]
    info = completed.explanations["7"]
    assert info.funded
    assert info.reason == "greedy-completion"
    assert info.round is not None
    assert completed.spent <= completed.budget
    assert render_explanation(info, election.currency)
