"""The public allocation rules: ``mes-add1``, ``mes`` and ``greedy``."""

from __future__ import annotations

from fractions import Fraction

from .greedy import GreedyDecision, greedy_complete
from .mes import MesRun, equal_shares, equal_shares_add1
from .model import Election, Outcome, ProjectExplanation
from .profile import NumericProfile, build_profile

RULES = ("mes-add1", "mes", "greedy")


def allocate(
    election: Election,
    rule: str,
    *,
    explain: bool = False,
    greedy_completion: bool = False,
) -> Outcome:
    """Allocate the budget of ``election`` with ``rule`` (one of :data:`RULES`).

    ``greedy_completion`` (Equal Shares rules only) spends what MES leaves by
    greedy-by-votes afterwards; it is off by default because the official
    Equal Shares outcomes in the test data (Assen 2024, Świecie 2023,
    Wieliczka 2023) did not use it.

    Invariant: ``outcome.spent <= outcome.budget``; the result does not depend
    on the order of projects or ballots in the file.
    """
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; choose one of {', '.join(RULES)}")
    profile = build_profile(election)
    if rule == "greedy":
        selected, decisions = greedy_complete(profile, [])
        return _outcome(election, profile, rule, selected, None, decisions, explain)
    if rule == "mes":
        run = equal_shares(profile, record=explain)
        per_voter, increments, runs = Fraction(run.t), None, 1
    else:
        result = equal_shares_add1(profile, record=explain)
        run, increments, runs = result.run, result.increments, result.runs
        per_voter = Fraction(run.t)
    selected = run.selected
    decisions: dict[int, GreedyDecision] = {}
    if greedy_completion:
        selected, decisions = greedy_complete(profile, selected)
    outcome = _outcome(election, profile, rule, selected, run, decisions, explain)
    return Outcome(
        rule=outcome.rule,
        selected=outcome.selected,
        spent=outcome.spent,
        budget=outcome.budget,
        per_voter_budget=profile.to_money(per_voter),
        add1_increments=increments,
        mes_runs=runs,
        explanations=outcome.explanations,
    )


def _outcome(
    election: Election,
    profile: NumericProfile,
    rule: str,
    selected: list[int],
    run: MesRun | None,
    decisions: dict[int, GreedyDecision],
    explain: bool,
) -> Outcome:
    spent = profile.to_money(sum(profile.costs[j] for j in selected))
    explanations = _explanations(election, profile, selected, run, decisions) if explain else None
    return Outcome(
        rule=rule,
        selected=tuple(profile.ids[j] for j in selected),
        spent=spent,
        budget=election.budget,
        explanations=explanations,
    )


def _explanations(
    election: Election,
    profile: NumericProfile,
    selected: list[int],
    run: MesRun | None,
    decisions: dict[int, GreedyDecision],
) -> dict[str, ProjectExplanation]:
    money = profile.to_money
    utility_scale = profile.utility_scale
    per_point = profile.mode != "cost"
    mes_steps = {s.project: (k, s) for k, s in enumerate(run.steps, start=1)} if run else {}
    free = set(run.free) if run else set()
    result: dict[str, ProjectExplanation] = {}
    for j, pid in enumerate(profile.ids):
        base = {
            "project_id": pid,
            "name": election.projects[pid].name,
            "cost": money(profile.costs[j]),
            "votes": profile.votes[j],
            "score": profile.score[j],
            "per_voter_budget": money(run.t) if run else None,
        }
        funded = j in selected
        if profile.votes[j] == 0:
            info = ProjectExplanation(funded=funded, reason="no-votes", **base)
        elif not profile.eligible[j]:
            info = ProjectExplanation(
                funded=False, reason="below-threshold", threshold=profile.threshold, **base
            )
        elif j in free:
            info = ProjectExplanation(funded=True, reason="zero-cost", **base)
        elif j in mes_steps:
            k, step = mes_steps[j]
            price = step.price * utility_scale if per_point else step.price
            info = ProjectExplanation(
                funded=True,
                reason="mes-round",
                round=k,
                payment=money(price),
                payment_is_per_point=per_point,
                full_payers=step.full_payers,
                partial_payers=step.partial_payers,
                **base,
            )
        elif j in decisions:
            decision = decisions[j]
            extra = {}
            if run is not None:
                extra = _mes_money(profile, run, j)
            # The greedy position is the round that matters here; Equal Shares' own round
            # (when the project dropped out of it) is superseded by the greedy decision.
            extra["round"] = decision.position
            info = ProjectExplanation(
                funded=decision.funded,
                reason="greedy-completion"
                if run and decision.funded
                else ("greedy" if decision.funded else "over-remaining-budget"),
                remaining_before=money(decision.remaining_before),
                **extra,
                **base,
            )
        else:
            info = ProjectExplanation(
                funded=False,
                reason="supporters-out-of-money",
                **_mes_money(profile, run, j),
                **base,
            )
        result[pid] = info
    return result


def _mes_money(profile: NumericProfile, run: MesRun | None, j: int) -> dict:
    if run is None or j not in run.money_left:
        return {}
    spent = sorted(
        run.spent_on.get(j, {}).items(), key=lambda item: (-item[1], profile.ids[item[0]])
    )
    return {
        "supporters_money_left": profile.to_money(run.money_left[j]),
        "spent_on": tuple((profile.ids[p], profile.to_money(amount)) for p, amount in spent),
        "round": run.dropped_at.get(j),
    }
