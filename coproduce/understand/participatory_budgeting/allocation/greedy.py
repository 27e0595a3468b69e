"""Greedy by votes (or by points): fund projects from the highest score down,
skipping any that no longer fit in what is left of the budget."""

from __future__ import annotations

from dataclasses import dataclass

from .profile import NumericProfile


@dataclass(frozen=True)
class GreedyDecision:
    """What greedy did with one project: ``position`` is its place in the
    order, ``remaining_before`` the (scaled) budget left at its turn."""

    funded: bool
    position: int
    remaining_before: int


def greedy_order(profile: NumericProfile) -> list[int]:
    """Eligible projects with a positive score, highest score first.

    Invariant: ties in score are broken by the profile's tie key (lowest cost,
    then most votes, then id), so the order is total and independent of the
    file's order.
    """
    candidates = [
        j for j in range(len(profile.ids)) if profile.eligible[j] and profile.score[j] > 0
    ]
    return sorted(candidates, key=lambda j: (-profile.score[j], profile.tie_key(j)))


def greedy_complete(
    profile: NumericProfile, already: list[int]
) -> tuple[list[int], dict[int, GreedyDecision]]:
    """Add projects greedily to ``already`` while they fit in the budget.

    Invariant: the returned selection starts with ``already``, and its total
    cost never exceeds ``profile.budget`` provided ``already``'s does not.
    """
    selected = list(already)
    chosen = set(already)
    remaining = profile.budget - sum(profile.costs[j] for j in selected)
    decisions: dict[int, GreedyDecision] = {}
    for position, j in enumerate(greedy_order(profile), start=1):
        if j in chosen:
            continue
        fits = profile.costs[j] <= remaining
        decisions[j] = GreedyDecision(fits, position, remaining)
        if fits:
            selected.append(j)
            chosen.add(j)
            remaining -= profile.costs[j]
    return selected, decisions
