"""Market diversity: arithmetic, consortium members counted once, sealed tenders excluded,
the public pages and the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coproduce.foundation.accounts.tests.factories import UserFactory
from coproduce.procure.awards.models import AwardDecision
from coproduce.procure.awards.selectors import market_diversity, share
from coproduce.procure.bids.tests.factories import make_submitted_bid
from coproduce.procure.tenders.tests.factories import make_tender

from .helpers import add_member, org, past_tender

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(commissioner):
    """Three bids on an opened tender, one award to a consortium; one sealed tender."""
    tender = past_tender(commissioner)
    user = UserFactory(role="provider")
    a = org(is_vcse=True, size_band="small", postcode="RV1 1AA")
    b = org(is_vcse=False, size_band="large", postcode="LS1 1AA", legal_form="cls")
    c = org(is_vcse=False, is_user_led=True, size_band="micro", postcode="LS2 2AA")
    m = org(is_vcse=True, size_band="small", postcode="RV2 2AA")
    make_submitted_bid(tender, org=a, user=user, price_pence=90_000_00)
    make_submitted_bid(tender, org=b, user=user, price_pence=95_000_00)
    consortium = make_submitted_bid(tender, org=c, user=user, price_pence=100_000_00)
    add_member(consortium, c, "60", lead=True)  # the lead is listed as a member too
    add_member(consortium, m, "40")
    AwardDecision.objects.create(
        tender=tender,
        winning_bid=consortium,
        reasons="Best",
        decided_by=commissioner,
        decided_at=timezone.now(),
    )
    # Sealed: deadline in the future. Its bid must never be counted.
    sealed = make_tender(actor=commissioner)
    s = org(is_supported_business=True, workforce_disadvantaged_percent=40)
    make_submitted_bid(sealed, org=s, user=user, price_pence=1_00, opened=False)
    # Deadline passed but bids not opened yet: not counted either.
    unopened = past_tender(commissioner, opened=False)
    make_submitted_bid(unopened, org=s, user=user, price_pence=1_00, opened=False)
    return tender


def rows(part):
    return {r.key: r for r in part.rows}


def test_shares_count_each_consortium_member_once_and_exclude_sealed_tenders(market):
    d = market_diversity()
    part = d.overall
    assert part.bids == 3
    assert part.bid_organisations == 4  # a, b, c (lead listed twice counts once), m
    r = rows(part)
    assert (r["vcse"].bid_organisations, r["vcse"].bid_share) == (2, Decimal("50.0"))
    assert (r["sme"].bid_organisations, r["sme"].bid_share) == (3, Decimal("75.0"))
    assert (r["user_led"].bid_organisations, r["user_led"].bid_share) == (1, Decimal("25.0"))
    assert (r["local"].bid_organisations, r["local"].bid_share) == (2, Decimal("50.0"))
    assert r["supported_business"].bid_organisations == 0  # sealed and unopened bids
    assert r["vcse"].bids_involving == 2
    # The award: consortium of c (60%) and m (40%), worth £100,000.
    assert (part.awards, part.award_organisations) == (1, 2)
    assert part.award_value_pence == 100_000_00
    assert (r["vcse"].award_organisations, r["vcse"].award_share) == (1, Decimal("50.0"))
    assert (r["vcse"].award_value_pence, r["vcse"].value_share) == (40_000_00, Decimal("40.0"))
    assert (r["user_led"].award_value_pence, r["user_led"].value_share) == (
        60_000_00,
        Decimal("60.0"),
    )
    assert r["sme"].value_share == Decimal("100.0")
    assert [y.year for y in d.by_year] == [timezone.localdate().year]


def test_a_sealed_tender_shows_nothing(commissioner):
    sealed = make_tender(actor=commissioner)
    user = UserFactory(role="provider")
    make_submitted_bid(sealed, org=org(), user=user, price_pence=5_00, opened=False)
    d = market_diversity(tender=sealed)
    assert d.sealed is True
    assert d.overall.bids == 0 and d.overall.bid_organisations == 0


def test_share_rounds_to_one_decimal_place_and_handles_zero():
    assert share(1, 3) == Decimal("33.3")
    assert share(2, 3) == Decimal("66.7")
    assert share(0, 0) == Decimal("0.0")


def test_market_page_is_public_with_a_chart_and_table(
    client, market, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        page = client.get(reverse("awards:market"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "<caption" in body
    assert "Bids 50.0%" in body


def test_tender_market_page_only_after_award(client, commissioner, market):
    assert client.get(reverse("awards:tender_market", args=[market.reference])).status_code == 200
    other = past_tender(commissioner)
    assert client.get(reverse("awards:tender_market", args=[other.reference])).status_code == 404
    sealed = make_tender(actor=commissioner)
    assert client.get(reverse("awards:tender_market", args=[sealed.reference])).status_code == 404


def test_api_market_diversity(client, commissioner, market):
    data = client.get("/api/market-diversity").json()
    assert data["overall"]["bids"] == 3
    vcse = next(r for r in data["overall"]["rows"] if r["key"] == "vcse")
    assert vcse["bid_share"] in ("50.0", 50.0)
    assert client.get(f"/api/tenders/{market.reference}/market-diversity").status_code == 200
    sealed = make_tender(actor=commissioner, deadline=timezone.now() + dt.timedelta(days=3))
    assert client.get(f"/api/tenders/{sealed.reference}/market-diversity").status_code == 404
