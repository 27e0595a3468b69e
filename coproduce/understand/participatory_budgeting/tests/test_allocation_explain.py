"""Per-project explanations: structured data and plain English."""

from __future__ import annotations

from fractions import Fraction

from coproduce.understand.participatory_budgeting.allocation import (
    ProjectExplanation,
    allocate,
    format_money,
    render_explanation,
    render_outcome,
)
from coproduce.understand.participatory_budgeting.tests import load_election


def test_every_project_gets_an_explanation_and_a_sentence() -> None:
    election = load_election("Netherlands_Assen_2024.pb")
    outcome = allocate(election, "mes-add1", explain=True)
    assert outcome.explanations is not None
    assert set(outcome.explanations) == set(election.projects)
    sentences = render_outcome(outcome, election.currency)
    for pid, info in outcome.explanations.items():
        assert info.funded == (pid in outcome.selected)
        assert sentences[pid].endswith(".")
        assert sentences[pid].startswith("Funded" if info.funded else "Not funded")


def test_mes_round_payments_add_up_to_the_cost() -> None:
    election = load_election("Netherlands_Assen_2024.pb")
    outcome = allocate(election, "mes-add1", explain=True)
    assert outcome.explanations is not None
    rounds = sorted(
        (i for i in outcome.explanations.values() if i.reason == "mes-round"),
        key=lambda i: i.round or 0,
    )
    assert [i.project_id for i in rounds] == list(outcome.selected)
    for info in rounds:
        assert info.payment is not None
        assert info.full_payers is not None
        # full payers pay the share; partial payers pay the rest of the cost
        assert info.full_payers * info.payment <= info.cost
        if not info.partial_payers:
            assert info.full_payers * info.payment == info.cost


def test_unfunded_equal_shares_project_names_where_the_money_went() -> None:
    election = load_election("Netherlands_Assen_2024.pb")
    outcome = allocate(election, "mes-add1", explain=True)
    assert outcome.explanations is not None
    info = outcome.explanations["8"]  # Crossbaan in Peelo, 40,000
    assert not info.funded
    assert info.reason == "supporters-out-of-money"
    assert info.supporters_money_left is not None
    assert info.supporters_money_left < info.cost
    assert info.spent_on
    sentence = render_explanation(info, "EUR", {"3": "PopUp Podium"})
    assert sentence.startswith("Not funded: its supporters had only €")
    assert "because they had already spent their shares on" in sentence


def test_greedy_explanations() -> None:
    election = load_election("Poland_Warszawa_2023_Mokotow.pb")
    outcome = allocate(election, "greedy", explain=True)
    assert outcome.explanations is not None
    reasons = {i.reason for i in outcome.explanations.values()}
    assert reasons == {"greedy", "over-remaining-budget"}
    skipped = next(i for i in outcome.explanations.values() if i.reason == "over-remaining-budget")
    assert skipped.remaining_before is not None
    assert skipped.remaining_before < skipped.cost
    assert "was left, less than its cost" in render_explanation(skipped, "PLN")


def test_sentences_for_every_reason() -> None:
    base = {
        "project_id": "p",
        "name": "Park",
        "cost": Fraction(1000),
        "votes": 3,
        "score": Fraction(3),
    }
    cases = {
        "mes-round": {
            "funded": True,
            "round": 2,
            "payment": Fraction(250),
            "full_payers": 3,
            "partial_payers": 1,
        },
        "zero-cost": {"funded": True},
        "greedy": {"funded": True, "round": 1, "remaining_before": Fraction(5000)},
        "greedy-completion": {"funded": True, "round": 4, "remaining_before": Fraction(1200)},
        "no-votes": {"funded": False},
        "below-threshold": {"funded": False, "threshold": Fraction(10)},
        "supporters-out-of-money": {
            "funded": False,
            "supporters_money_left": Fraction(400),
            "spent_on": (("a", Fraction(300)), ("b", Fraction(100))),
        },
        "over-remaining-budget": {"funded": False, "remaining_before": Fraction(999)},
    }
    expected = {
        "mes-round": "Funded in round 2 of Equal Shares: 3 supporters paid £250 each and "
        "1 supporter paid all the money they had left.",
        "zero-cost": "Funded: it costs nothing and at least one person voted for it.",
        "greedy": "Funded: it came 1st by votes and its cost of £1,000 fitted in the £5,000 "
        "still left.",
        "no-votes": "Not funded: nobody voted for it.",
        "supporters-out-of-money": "Not funded: its supporters had only £400 left between "
        "them, less than its cost of £1,000, because they had already spent their shares "
        "on Alpha and b.",
        "over-remaining-budget": "Not funded: when its turn came only £999 was left, less "
        "than its cost of £1,000.",
    }
    for reason, extra in cases.items():
        info = ProjectExplanation(reason=reason, **base, **extra)
        sentence = render_explanation(info, "GBP", {"a": "Alpha"})
        assert sentence.endswith(".")
        if reason in expected:
            assert sentence == expected[reason]


def test_money_formatting() -> None:
    assert format_money(Fraction(1234567, 100), "GBP") == "£12,345.67"
    assert format_money(Fraction(5), "PLN") == "5 PLN"
    assert format_money(Fraction(1, 3), "EUR") == "€0.33"
