"""A small explicit state machine: allowed moves as data, one check for all of them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .errors import IllegalTransition


@dataclass(frozen=True)
class Transition:
    """A permitted move between two states, with the words people see for it."""

    source: str
    target: str
    label: str


class StateMachine:
    """Holds the allowed transitions of one status field."""

    def __init__(self, transitions: list[Transition], labels: Mapping[str, str]) -> None:
        self._by_pair = {(t.source, t.target): t for t in transitions}
        self._labels = labels

    def allowed_from(self, source: str) -> list[Transition]:
        return [t for (s, _), t in self._by_pair.items() if s == source]

    def check(self, source: str, target: str) -> Transition:
        """Return the transition or raise ``IllegalTransition`` with a plain message."""
        if target not in self._labels:
            raise IllegalTransition(
                "unknown_state", f"“{target}” is not a stage we know.", field="stage"
            )
        transition = self._by_pair.get((source, target))
        if transition is None:
            options = ", ".join(self._labels[t.target].lower() for t in self.allowed_from(source))
            raise IllegalTransition(
                "illegal_transition",
                f"A project cannot move from {self._labels[source].lower()} to "
                f"{self._labels[target].lower()}. From here it can move to: {options or 'nowhere'}.",
                field="stage",
            )
        return transition
