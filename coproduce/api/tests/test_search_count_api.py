"""The opportunities API counts search results only up to a cap, and says so."""

from __future__ import annotations

import pytest

from coproduce.api import tenders as api_tenders
from coproduce.procure.tenders.tests import test_search_helpers as helpers

tender_maker = helpers.tender_maker
pytestmark = pytest.mark.django_db


@pytest.fixture
def five(tender_maker):
    for i in range(5):
        tender_maker(f"Allotment {i}", area="environment-parks")


def test_api_count_is_capped_with_a_flag(client, five, monkeypatch):
    monkeypatch.setattr(api_tenders, "COUNT_CAP", 3)
    data = client.get("/api/opportunities", {"q": "allotment", "page_size": 2}).json()
    assert (data["count"], data["count_capped"], len(data["items"])) == (3, True, 2)
    data = client.get("/api/opportunities", {"q": "allotment", "page_size": 2, "page": 3}).json()
    assert (data["count"], data["count_capped"], len(data["items"])) == (5, False, 1)
    data = client.get("/api/opportunities", {"q": "allotment"}).json()
    assert (data["count"], data["count_capped"]) == (5, False)
