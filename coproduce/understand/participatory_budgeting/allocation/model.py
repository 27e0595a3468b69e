"""Plain data classes for a participatory-budgeting election and its outcome.

Nothing here imports Django; every class is a frozen dataclass so that results
can be cached, compared and serialised safely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

APPROVAL_TYPES = frozenset({"approval", "choose-1"})
POINTS_TYPES = frozenset({"cumulative", "ordinal", "scoring"})
VOTE_TYPES = APPROVAL_TYPES | POINTS_TYPES


@dataclass(frozen=True)
class Project:
    """A project on the ballot.

    ``fields`` keeps every column of the PROJECTS row as the raw (stripped) text
    from the file, so that writing the election back out loses nothing.
    """

    project_id: str
    cost: Fraction
    fields: dict[str, str] = field(default_factory=dict, compare=True, hash=False)

    @property
    def name(self) -> str:
        """The human-readable name if the file gives one, else the id."""
        return self.fields.get("name") or self.project_id


@dataclass(frozen=True)
class Ballot:
    """One voter's ballot.

    ``projects`` is in the order written in the file (the ranking, for ordinal
    ballots).  ``points`` is ``None`` unless the file has a ``points`` column.
    """

    voter_id: str
    projects: tuple[str, ...]
    points: tuple[Fraction, ...] | None = None
    fields: dict[str, str] = field(default_factory=dict, compare=True, hash=False)


@dataclass(frozen=True)
class Election:
    """A whole pabulib instance: META, PROJECTS and VOTES.

    Invariant: every project id in a ballot is a key of ``projects``; the
    budget and every cost are non-negative.
    """

    meta: dict[str, str]
    budget: Fraction
    vote_type: str
    project_columns: tuple[str, ...]
    projects: dict[str, Project]
    vote_columns: tuple[str, ...]
    ballots: tuple[Ballot, ...]

    @property
    def currency(self) -> str:
        """The ISO 4217 currency code from META, or an empty string."""
        return self.meta.get("currency", "")


@dataclass(frozen=True)
class ProjectExplanation:
    """Why one project was, or was not, funded -- enough for a plain sentence.

    ``reason`` is one of:

    * ``"mes-round"`` -- funded by Equal Shares in round ``round``; each
      supporter paid ``payment`` (approval) or ``payment`` per point (points
      ballots), ``full_payers`` paid that in full, ``partial_payers`` paid all
      the money they had left.
    * ``"zero-cost"`` -- costs nothing and somebody voted for it.
    * ``"greedy"`` -- funded by the greedy rule, ``round`` is its place in the
      order; ``remaining_before`` is the budget left just before.
    * ``"greedy-completion"`` -- funded when the money Equal Shares left over
      was spent greedily.
    * ``"no-votes"`` -- nobody voted for it.
    * ``"below-threshold"`` -- its score is below ``threshold``.
    * ``"supporters-out-of-money"`` -- Equal Shares: its supporters had only
      ``supporters_money_left`` between them, less than the cost, because they
      had spent their shares on the projects in ``spent_on``.
    * ``"over-remaining-budget"`` -- greedy (or greedy completion): at its turn
      only ``remaining_before`` was left, less than its cost.
    """

    project_id: str
    name: str
    funded: bool
    reason: str
    cost: Fraction
    votes: int
    score: Fraction
    round: int | None = None
    payment: Fraction | None = None
    payment_is_per_point: bool = False
    full_payers: int | None = None
    partial_payers: int | None = None
    remaining_before: Fraction | None = None
    supporters_money_left: Fraction | None = None
    spent_on: tuple[tuple[str, Fraction], ...] = ()
    threshold: Fraction | None = None
    per_voter_budget: Fraction | None = None


@dataclass(frozen=True)
class Outcome:
    """The result of an allocation rule.

    Invariant: ``spent`` is the sum of the costs of ``selected`` and never
    exceeds ``budget``.  ``selected`` is in the order the rule picked them.
    """

    rule: str
    selected: tuple[str, ...]
    spent: Fraction
    budget: Fraction
    per_voter_budget: Fraction | None = None
    add1_increments: int | None = None
    mes_runs: int | None = None
    explanations: dict[str, ProjectExplanation] | None = None
