"""GET /api/my-bids and /api/my-bids/{reference}: own organisations' bids only."""

from __future__ import annotations

import pytest

from coproduce.foundation.accounts.tests.factories import make_member

from ..services_draft import bid_draft_save, bid_start, consortium_member_add
from .test_bidder_support import make_open_tender, questions

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(commissioner):
    tender = make_open_tender(actor=commissioner)
    lead_user, lead_org = make_member(name="Lead Org")
    bid = bid_start(actor=lead_user, tender=tender, organisation=lead_org)
    q = questions(tender)[1]
    bid_draft_save(actor=lead_user, bid=bid, answers={q.pk: "Our secret answer"})
    other_user, other_org = make_member(name="Rival Org")
    rival = bid_start(actor=other_user, tender=tender, organisation=other_org)
    return {"tender": tender, "bid": bid, "lead": lead_user, "other": other_user, "rival": rival}


def test_my_bids_lists_only_own_organisations_bids(client, setup, django_assert_max_num_queries):
    client.force_login(setup["lead"])
    with django_assert_max_num_queries(6):
        response = client.get("/api/my-bids")
    assert response.status_code == 200
    data = response.json()
    assert [b["reference"] for b in data] == [setup["bid"].reference]
    assert data[0]["tender"] == setup["tender"].reference
    assert data[0]["status"] == "draft"
    assert data[0]["receipt_hash"] == ""


def test_my_bid_detail_decrypts_for_members(client, setup):
    client.force_login(setup["lead"])
    response = client.get(f"/api/my-bids/{setup['bid'].reference}")
    assert response.status_code == 200
    assert "Our secret answer" in response.json()["draft"]["answers"].values()


def test_partner_member_sees_the_bid(client, setup):
    partner_user, partner = make_member(name="Partner Org")
    consortium_member_add(
        actor=setup["lead"],
        bid=setup["bid"],
        organisation=partner,
        role="Transport",
        share_percent=10,
    )
    client.force_login(partner_user)
    assert [b["reference"] for b in client.get("/api/my-bids").json()] == [setup["bid"].reference]
    assert client.get(f"/api/my-bids/{setup['bid'].reference}").status_code == 200


@pytest.mark.parametrize("who", ["other", "commissioner", "platform_admin", "finance"])
def test_my_bid_detail_is_not_found_for_anyone_else(client, setup, who, request):
    user = setup["other"] if who == "other" else request.getfixturevalue(who)
    client.force_login(user)
    response = client.get(f"/api/my-bids/{setup['bid'].reference}")
    assert response.status_code == 404
    assert "secret" not in response.content.decode()
    listed = [b["reference"] for b in client.get("/api/my-bids").json()]
    assert setup["bid"].reference not in listed


def test_my_bids_needs_sign_in(client, setup):
    assert client.get("/api/my-bids").status_code == 401
    assert client.get(f"/api/my-bids/{setup['bid'].reference}").status_code == 401
