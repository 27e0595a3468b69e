"""REST endpoints for social value (capability C5: deliver and review)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["social value"])
