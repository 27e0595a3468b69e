"""REST endpoints for review (capability C5: deliver and review)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["review"])
