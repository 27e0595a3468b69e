"""Each budgeting test starts with no counted attempts: the rate limits live in the cache,
which outlives a test's rolled-back database (and round ids are reused)."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_rate_limits():
    cache.clear()
    yield
    cache.clear()
