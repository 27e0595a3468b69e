"""Demo data for social value (issue 13). Filled in by the social_value work."""

from __future__ import annotations


def load(users) -> dict[str, int]:
    return {}
