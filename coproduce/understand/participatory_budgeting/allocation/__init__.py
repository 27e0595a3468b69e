"""Participatory-budgeting allocation engine (pure Python, no Django).

Rules: greedy by votes/points, the Method of Equal Shares (MES) and MES with
the "add1" completion; reading and writing the pabulib ``.pb`` format; and
per-project explanations.  See docs/allocation.md.
"""

from .explain import format_money, render_explanation, render_outcome
from .model import Ballot, Election, Outcome, Project, ProjectExplanation
from .pabulib import (
    PabulibError,
    parse_pabulib,
    parse_pabulib_text,
    write_pabulib,
    write_pabulib_text,
)
from .profile import AllocationError, NumericProfile, build_profile
from .rules import RULES, allocate

__all__ = [
    "RULES",
    "AllocationError",
    "Ballot",
    "Election",
    "NumericProfile",
    "Outcome",
    "PabulibError",
    "Project",
    "ProjectExplanation",
    "allocate",
    "build_profile",
    "format_money",
    "parse_pabulib",
    "parse_pabulib_text",
    "render_explanation",
    "render_outcome",
    "write_pabulib",
    "write_pabulib_text",
]
