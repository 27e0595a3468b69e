"""Counting search results only up to a cap ("more than 1,000 opportunities")."""

from __future__ import annotations

import pytest

from coproduce.procure.tenders import views_search
from coproduce.procure.tenders.models import Tender
from coproduce.procure.tenders.selectors_search import CappedCount, TenderSearch, tender_search

from . import test_search_helpers as helpers

tender_maker = helpers.tender_maker
URL = "/opportunities/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def five(tender_maker):
    for i in range(5):
        tender_maker(f"Allotment {i}", area="environment-parks")


def test_capped_count_is_exact_up_to_the_cap_and_a_floor_beyond(five):
    qs = tender_search(search=TenderSearch(q="allotment"))
    exact = CappedCount(cap=10, per_page=2)
    assert exact.count(qs) == 5 and not exact.capped
    capped = CappedCount(cap=3, per_page=2)
    assert capped.count(qs) == 4 and capped.capped and capped.limit == 3
    # A page beyond the cap counts as far as that page, so it can still be reached.
    later = CappedCount(cap=3, per_page=2, page=3)
    assert later.limit == 6 and later.count(qs) == 5 and not later.capped


def test_capped_count_never_counts_drafts_or_closed(five, tender_maker):
    tender_maker("Allotment draft", status="draft")
    tender_maker("Allotment closed", status="closed")
    counter = CappedCount(cap=100, per_page=20)
    assert counter.count(tender_search(search=TenderSearch(q="allotment"))) == 5
    assert Tender.objects.count() == 7


def test_page_says_more_than_when_the_count_is_capped(client, five, monkeypatch):
    monkeypatch.setattr(views_search, "COUNT_CAP", 3)
    monkeypatch.setattr(views_search, "PAGE_SIZE", 2)
    body = client.get(URL, {"q": "allotment"}).content.decode()
    assert "More than 3 opportunities" in body
    assert "Page 1<" in body and "Page 1 of" not in body
    assert "q=allotment&amp;page=2" in body  # next page link
    # Following "next" to the end still works; there the count is exact again.
    body = client.get(URL, {"q": "allotment", "page": "3"}).content.decode()
    assert "5 opportunities" in body and "Page 3 of 3" in body
    assert "Allotment 4" in body and 'rel="next"' not in body


def test_page_count_is_exact_below_the_cap(client, five):
    body = client.get(URL, {"q": "allotment"}).content.decode()
    assert "5 opportunities" in body and "More than" not in body
