"""REST endpoints for pipeline (a django-ninja Router added to the API in api.py)."""

from ninja import Router

router = Router(tags=["pipeline"])
