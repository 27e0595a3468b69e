"""The opportunity search page, its filters, and the shared ``text_filter``."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coproduce.foundation.core.search import Term, parse_terms, text_filter
from coproduce.procure.tenders.models import Tender
from coproduce.procure.tenders.selectors_search import TenderSearch, end_of_uk_day, tender_search

from . import test_search_helpers as helpers
from .test_search_helpers import detail_url

tender_maker = helpers.tender_maker  # the fixture, shared with the other test modules

UK = zoneinfo.ZoneInfo("Europe/London")
URL = "/opportunities/"
pytestmark = pytest.mark.django_db


def titles(response) -> str:
    return response.content.decode()


def found(**kwargs) -> set[str]:
    return set(tender_search(search=TenderSearch(**kwargs)).values_list("title", flat=True))


# --- text_filter ------------------------------------------------------------------------


def test_text_filter_needs_every_word_across_fields_and_related_rows(tender_maker):
    tender_maker("Home care in Eastgate", summary="Visits for older people")
    tender_maker("Supported living", summary="Homes for adults", lots=[{"title": "Eastgate"}])
    tender_maker("Youth clubs", area="children-families", summary="Evenings for teenagers")
    qs = Tender.objects.all()

    def match(q):
        return set(
            text_filter(qs, fields=["title", "summary", "lots__title", "service_area__name"],
                        query=q).values_list("title", flat=True)
        )  # fmt: skip

    assert match("eastgate") == {"Home care in Eastgate", "Supported living"}
    assert match("Eastgate older") == {"Home care in Eastgate"}
    assert match("teenagers families") == {"Youth clubs"}  # summary + service area name
    assert match("   ") == {"Home care in Eastgate", "Supported living", "Youth clubs"}
    assert match("nothing-like-this") == set()


def test_terms_of_a_query_words_phrases_and_exclusions():
    assert parse_terms('day care -nursing "older people" or') == [
        Term("day"),
        Term("care"),
        Term("nursing", exclude=True),
        Term("older people", phrase=True),
    ]
    assert parse_terms("  ") == []


def test_text_filter_excludes_minus_words_on_every_database(tender_maker):
    tender_maker("Home care", summary="Visits")
    tender_maker("Care homes", summary="Nursing care")
    qs = text_filter(Tender.objects.all(), fields=["title", "summary"], query="care -nursing")
    assert list(qs.values_list("title", flat=True)) == ["Home care"]


def test_text_filter_never_repeats_a_row_with_several_matching_lots(tender_maker):
    tender_maker("Short breaks", lots=[{"title": "Breaks north"}, {"title": "Breaks south"}])
    qs = text_filter(Tender.objects.all(), fields=["title", "lots__title"], query="breaks")
    assert qs.count() == 1


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite fallback only")
def test_text_filter_fallback_matches_parts_of_words_case_insensitively(tender_maker):
    tender_maker("Befriending service")
    qs = text_filter(Tender.objects.all(), fields=["title"], query="FRIEND serv")
    assert qs.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
def test_text_filter_on_postgresql_stems_words_understands_web_syntax_and_ranks(tender_maker):
    tender_maker("Supported living homes", summary="Homes with support")
    tender_maker("Home care", summary="Care at home for older people, home visits")
    tender_maker("Nursing homes", summary="Nursing care")
    qs = Tender.objects.all()
    fields = ["title", "summary"]

    def match(q, **kw):
        return list(text_filter(qs, fields=fields, query=q, **kw).values_list("title", flat=True))

    assert set(match("home")) == {"Supported living homes", "Home care", "Nursing homes"}
    assert set(match("homes -nursing")) == {"Supported living homes", "Home care"}
    assert match('"home care"') == ["Home care"]
    assert set(match("the homes -nursing")) == {"Supported living homes", "Home care"}
    ranked = match("home", rank=True)
    assert ranked[0] == "Home care"  # the word is there four times


# --- the page ---------------------------------------------------------------------------


def test_search_page_lists_open_published_tenders_with_details(client, tender_maker):
    deadline = dt.datetime(2030, 3, 5, 12, 0, tzinfo=dt.UTC)  # a Tuesday, GMT
    t = tender_maker(
        "Day opportunities for adults", value_pence=24_000_000, deadline=deadline,
        suitable_for_small=True, lots=[{"title": "Lot A", "reserved_for": "sme_vcse"}],
    )  # fmt: skip
    response = client.get(URL)
    body = titles(response)
    assert response.status_code == 200
    assert f'href="{detail_url(t)}"' in body
    assert "12:00pm on Tuesday 5 March 2030 (UK time)" in body
    assert "£240,000" in body
    assert "Suitable for small organisations" in body
    assert ">Reserved<" in body
    assert 'aria-live="polite"' in body and "1 opportunity" in body


def test_drafts_never_appear_even_for_council_staff(client, tender_maker, commissioner):
    tender_maker("Secret draft", status="draft")
    tender_maker("Public one")
    client.force_login(commissioner)
    for params in ({}, {"status": "all"}, {"q": "secret"}):
        body = titles(client.get(URL, params))
        assert "Secret draft" not in body
    api = client.get("/api/opportunities", {"include_closed": True, "q": "secret"}).json()
    assert api["count"] == 0
    assert [i["title"] for i in client.get("/api/opportunities").json()["items"]] == ["Public one"]


def test_closed_tenders_only_when_asked(client, tender_maker):
    now = dt.datetime.now(dt.UTC)
    tender_maker("Past deadline", deadline=now - dt.timedelta(hours=1))
    tender_maker("Marked closed", status="closed", deadline=now + dt.timedelta(days=3))
    tender_maker("Still open")
    body = titles(client.get(URL))
    assert "Still open" in body and "Past deadline" not in body and "Marked closed" not in body
    body = titles(client.get(URL, {"status": "all"}))
    assert "Past deadline" in body and "Marked closed" in body and "Closed<" in body


def test_value_range_includes_both_boundaries(tender_maker):
    tender_maker("Exactly a thousand", value_pence=100_000)
    tender_maker("A penny under", value_pence=99_999)
    tender_maker("A penny over two thousand", value_pence=200_001)
    tender_maker("Two thousand", value_pence=200_000)
    assert found(value_min_pence=100_000, value_max_pence=200_000) == {
        "Exactly a thousand",
        "Two thousand",
    }


def test_value_filter_from_the_page_in_pounds(client, tender_maker):
    tender_maker("Exactly a thousand", value_pence=100_000)
    tender_maker("A penny under", value_pence=99_999)
    body = titles(client.get(URL, {"value_min": "1,000", "value_max": "£1000"}))
    assert "Exactly a thousand" in body and "A penny under" not in body


def test_service_area_checkboxes_filter_by_any_chosen_area(client, tender_maker):
    tender_maker("Care one", area="adult-social-care")
    tender_maker("Youth one", area="children-families")
    tender_maker("Parks one", area="environment-parks")
    body = titles(client.get(URL, {"service_area": ["adult-social-care", "children-families"]}))
    assert "Care one" in body and "Youth one" in body and "Parks one" not in body


def test_locality_matches_tender_or_lot_and_keeps_borough_wide(tender_maker):
    tender_maker("In Eastgate", locality="Eastgate")
    tender_maker("Lot in Eastgate", locality="Millbrook", lots=[{"title": "East",
                 "locality": "Eastgate North"}])  # fmt: skip
    tender_maker("Borough-wide")
    tender_maker("In Millbrook", locality="Millbrook")
    assert found(locality="eastgate") == {"In Eastgate", "Lot in Eastgate", "Borough-wide"}


def test_closing_within_counts_uk_days_across_the_clock_change():
    # Wednesday 25 March 2026, 10:00 GMT; clocks go forward on Sunday 29 March.
    now = dt.datetime(2026, 3, 25, 10, 0, tzinfo=dt.UTC)
    end = end_of_uk_day(now, 7)
    # Midnight at the end of Wednesday 1 April, UK summer time = 23:00 UTC.
    assert end == dt.datetime(2026, 4, 1, 23, 0, tzinfo=dt.UTC)
    assert end.astimezone(UK).hour == 0


def test_closing_within_filter_uses_uk_midnight(tender_maker):
    now = dt.datetime(2026, 3, 25, 10, 0, tzinfo=dt.UTC)
    tender_maker("Last minute of 1 April", deadline=dt.datetime(2026, 4, 1, 23, 59, tzinfo=UK),
                 published_at=now - dt.timedelta(days=3))  # fmt: skip
    tender_maker("Just after midnight", deadline=dt.datetime(2026, 4, 2, 0, 30, tzinfo=UK),
                 published_at=now - dt.timedelta(days=3))  # fmt: skip
    results = tender_search(search=TenderSearch(closing_within_days=7), now=now)
    assert set(results.values_list("title", flat=True)) == {"Last minute of 1 April"}


def test_small_and_reserved_filters(client, tender_maker):
    tender_maker("Small friendly", suitable_for_small=True)
    tender_maker("Reserved tender", reserved_for="supported_business", route="reserved")
    tender_maker("Reserved lot", lots=[{"title": "Local lot", "reserved_for": "local"}])
    tender_maker("Plain")
    assert found(suitable_for_small=True) == {"Small friendly"}
    assert found(reserved_only=True) == {"Reserved tender", "Reserved lot"}
    body = titles(client.get(URL, {"reserved_only": "on", "suitable_for_small": "on"}))
    assert "0 opportunities" in body


def test_sort_orders(tender_maker):
    now = dt.datetime.now(dt.UTC)
    tender_maker("Soon big", deadline=now + dt.timedelta(days=2), value_pence=900,
                 published_at=now - dt.timedelta(days=9))  # fmt: skip
    tender_maker("Later small", deadline=now + dt.timedelta(days=20), value_pence=100,
                 published_at=now - dt.timedelta(days=1))  # fmt: skip

    def order(sort):
        return list(tender_search(search=TenderSearch(sort=sort)).values_list("title", flat=True))

    assert order("closing") == ["Soon big", "Later small"]
    assert order("newest") == ["Later small", "Soon big"]
    assert order("value_high") == ["Soon big", "Later small"]
    assert order("value_low") == ["Later small", "Soon big"]
    assert order("best") == ["Soon big", "Later small"]  # no words: closing soonest


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"value_min": "5000", "value_max": "100"}, "The highest value must be the same as or"),
        ({"value_min": "lots"}, "Enter an amount in pounds"),
        ({"value_max": "-5"}, "Enter an amount of £0 or more"),
        ({"closing_within": "3"}, "Select a valid choice"),
    ],
)
def test_bad_filters_answer_400_with_an_error_summary(client, tender_maker, params, message):
    tender_maker("Anything")
    response = client.get(URL, params)
    body = titles(response)
    assert response.status_code == 400
    assert "There is a problem" in body and message in body
    assert "<title>Error:" in body
    assert "Anything" not in body


def test_pagination_keeps_the_filters(client, tender_maker):
    for i in range(23):
        tender_maker(f"Garden {i}", area="environment-parks")
    body = titles(client.get(URL, {"service_area": "environment-parks", "q": "garden"}))
    assert "23 opportunities" in body and "Page 1 of 2" in body
    assert "q=garden&amp;service_area=environment-parks&amp;page=2" in body


def test_search_page_query_count_does_not_grow_with_results(client, tender_maker, resident):
    client.force_login(resident)
    tender_maker("One", lots=[{"title": "L", "reserved_for": "local"}])
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL, {"q": "one"}).status_code == 200
    for i in range(15):
        tender_maker(f"One more {i}", lots=[{"title": "L"}], suitable_for_small=True)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, {"q": "one"})
    assert "16 opportunities" in titles(response)
    assert len(many) == len(few)
    assert len(many) <= 8


def test_htmx_request_gets_only_the_results_and_the_count(client, tender_maker):
    tender_maker("Lunch clubs")
    response = client.get(URL, {"q": "lunch"}, headers={"HX-Request": "true"})
    body = titles(response)
    assert response.status_code == 200
    assert "<html" not in body and "Lunch clubs" in body
    assert 'hx-swap-oob="innerHTML"' in body and "1 opportunity" in body
    assert "HX-Request" in response["Vary"]


def test_htmx_request_with_bad_filters_loads_the_full_page(client):
    response = client.get(URL, {"value_min": "x"}, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == "/opportunities/?value_min=x"


def test_the_save_link_carries_the_search(client, tender_maker):
    tender_maker("Anything")
    body = titles(client.get(URL, {"q": "day", "service_area": "mental-health"}))
    assert "/opportunities/saved-searches/new/?q=day&amp;service_area=mental-health" in body


# --- API --------------------------------------------------------------------------------


def test_api_filters_like_the_page_and_paginates(client, tender_maker):
    tender_maker("Cheap", value_pence=100, suitable_for_small=True)
    tender_maker("Dear", value_pence=100_000_000)
    tender_maker("Closed one", status="closed")
    data = client.get("/api/opportunities", {"value_min_pence": 100, "value_max_pence": 100}).json()
    assert data["count"] == 1 and data["items"][0]["title"] == "Cheap"
    assert data["items"][0]["suitable_for_small"] is True
    assert data["items"][0]["service_area"] == "adult-social-care"
    data = client.get("/api/opportunities", {"include_closed": "true", "sort": "value_high"}).json()
    assert data["items"][0]["title"] == "Dear" and data["count"] == 3


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"value_min_pence": 500, "value_max_pence": 100}, "value_range"),
        ({"closing_within_days": 3}, "invalid_choice"),
        ({"value_min_pence": "abc"}, "invalid"),
    ],
)
def test_api_bad_filters_answer_400_with_a_code(client, params, code):
    response = client.get("/api/opportunities", params)
    assert response.status_code == 400
    assert response.json()["code"] == code


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["Infinity", "-Infinity", "1e309", "sNaN", "NaN", "1,2,3"])
def test_a_malformed_value_filter_is_a_form_error_not_a_server_error(client, value):
    """Issue 12: ``?value_min=Infinity`` (and 1e309, sNaN) was a server error; ``1,2,3``
    was read as £123."""
    for key in ("value_min", "value_max"):
        response = client.get("/opportunities/", {key: value})
        assert response.status_code == 400
        assert "There is a problem" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["99999999999999999999", "-1", "abc", "0", "1e3"])
def test_any_page_number_shows_a_page(client, page):
    """Issue 12: ``?page=99999999999999999999`` overflowed the database offset."""
    assert client.get("/opportunities/", {"page": page}).status_code == 200
