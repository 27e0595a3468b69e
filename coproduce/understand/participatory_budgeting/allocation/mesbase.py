"""What the exact and the vectorised MES engines share.

The relative slack ``EPS`` and the outward rounding built on it, the record of a run
(:class:`MesRun`, :class:`MesStep`), a priced project (:class:`_Priced`) and the certain
comparison of two of them, and :class:`_Ambiguous`, raised when floating point cannot
settle a decision.  :mod:`.mes` (the exact engine and the add1 driver) and
:mod:`.fastmes` (the vectorised engine) both import from here, so neither imports the
other's module in a loop: ``mes`` imports ``fastmes``, never the other way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

Number = int | Fraction
EPS = 2.0**-50  # relative slack: 8x double-precision unit round-off


class _Ambiguous(Exception):
    """The float intervals cannot settle a decision; redo the run exactly."""


@dataclass(frozen=True)
class MesStep:
    """One MES purchase: project index, bounds on its ``q / kappa`` value
    (``low == high == exact`` when known exactly), and its exact price ``q``
    when known (scaled money per voter for cost utilities, per point
    otherwise)."""

    project: int
    low: float
    high: float
    exact: Fraction | None = None
    price: Fraction | None = None
    full_payers: int = 0
    partial_payers: int = 0


@dataclass
class MesRun:
    """Result of one MES run at a per-voter budget ``t`` (scaled money)."""

    t: Number
    free: list[int]
    steps: list[MesStep]
    exact: bool = False
    dropped_at: dict[int, int] = field(default_factory=dict)
    money_left: dict[int, Fraction] = field(default_factory=dict)
    spent_on: dict[int, dict[int, Fraction]] = field(default_factory=dict)

    @property
    def selected(self) -> list[int]:
        """Projects bought, in order (free ones first)."""
        return self.free + [s.project for s in self.steps]


@dataclass
class _Priced:
    """A project's value ``q / kappa`` (bounds, maybe exact) and price."""

    project: int
    tie: tuple
    low: float
    high: float
    exact: Fraction | None
    q_low: float
    q_high: float
    q_exact: Fraction | None


def _beats(a: _Priced | MesStep, tie_a: tuple, b: _Priced, tie_b: tuple) -> bool:
    """Certainly ``(value_a, tie_a) < (value_b, tie_b)``."""
    if a.exact is not None and b.exact is not None:
        return (a.exact, tie_a) < (b.exact, tie_b)
    if a.high < b.low:
        return True
    return a.high == b.low and tie_a < tie_b


def _down(x: float) -> float:
    return x - abs(x) * EPS - 1e-300


def _up(x: float) -> float:
    return x + abs(x) * EPS + 1e-300
