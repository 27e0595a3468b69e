"""Refused attempts that matter are recorded, at most once a minute per user and target.

An early opening, a signed-in user asking for another organisation's bid, and a late
withdrawal each leave one audit event; repeating the attempt within the minute adds
nothing, and anonymous requests are never recorded.
"""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from coproduce.foundation.accounts.tests.factories import make_member
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent

from ..services_draft import bid_start
from ..services_open import bids_open
from ..services_refusals import REFUSAL_RECORD_SECONDS, refusal_record
from ..services_submit import bid_submit, bid_withdraw
from .test_bidder_support import bid_with_partner_and_document, make_open_tender
from .test_sealing_support import add_file, make_bid, make_tender, pass_deadline

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_windows():
    """Row ids repeat between tests (rolled back), so the cache's windows must not."""
    cache.clear()
    yield
    cache.clear()


def _events(verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=verb).order_by("seq"))


def _a_minute_later(monkeypatch) -> None:
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + REFUSAL_RECORD_SECONDS + 1)


# --- an early opening ---------------------------------------------------------------


def test_an_early_opening_is_refused_and_recorded_once_a_minute(client, commissioner, monkeypatch):
    tender = make_tender(commissioner)
    bid = make_bid(tender)
    bid_submit(actor=bid.created_by, bid=bid)
    client.force_login(commissioner)
    url = reverse("bids:open_bids", args=[tender.reference])
    for _ in range(5):
        assert client.post(url).status_code == 302
    with pytest.raises(ServiceError) as exc:
        bids_open(actor=commissioner, tender=tender)
    assert exc.value.code == "sealed_until_deadline"
    [event] = _events("bids.bid.open_refused")
    assert (event.actor_id, event.target_type, event.target_id) == (
        commissioner.pk,
        "tenders.tender",
        str(tender.pk),
    )
    assert event.changes["tender"] == tender.reference
    _a_minute_later(monkeypatch)
    client.post(url)
    assert len(_events("bids.bid.open_refused")) == 2


def test_an_opening_after_the_deadline_records_no_refusal(commissioner):
    tender = make_tender(commissioner)
    bid = make_bid(tender)
    bid_submit(actor=bid.created_by, bid=bid)
    pass_deadline(tender)
    bids_open(actor=commissioner, tender=tender)
    assert _events("bids.bid.open_refused") == []


def test_someone_without_the_right_to_open_is_not_found_and_not_recorded(finance, commissioner):
    tender = make_tender(commissioner)
    with pytest.raises(NotFound):
        bids_open(actor=finance, tender=tender)
    assert _events("bids.bid.open_refused") == []


# --- another organisation's bid -----------------------------------------------------


@pytest.fixture
def bids(commissioner):
    tender = make_open_tender(actor=commissioner)
    rows = bid_with_partner_and_document(tender)
    rival_user, rival_org = make_member(name="Rival Org")
    rival = bid_start(actor=rival_user, tender=tender, organisation=rival_org)
    return {**rows, "rival": rival, "rival_user": rival_user}


def test_asking_for_another_organisations_bid_is_recorded_once_a_minute(client, bids, monkeypatch):
    bid = bids["bid"]
    client.force_login(bids["rival_user"])
    pages = [
        reverse("bids:overview", args=[bid.reference]),
        reverse("bids:check", args=[bid.reference]),
        reverse("bids:prices", args=[bid.reference]),
        reverse("bids:partners", args=[bid.reference]),
        f"/api/my-bids/{bid.reference}",
    ]
    for url in pages * 3:
        assert client.get(url).status_code == 404, url
    [event] = _events("bids.bid.access_refused")
    assert (event.actor_id, event.target_type, event.target_id) == (
        bids["rival_user"].pk,
        "bids.bid",
        str(bid.pk),
    )
    assert event.changes == {"what": "bid"}
    _a_minute_later(monkeypatch)
    assert client.get(pages[0]).status_code == 404
    assert len(_events("bids.bid.access_refused")) == 2


@pytest.mark.parametrize("who", ["commissioner", "platform_admin", "finance"])
def test_council_staff_asking_for_a_bid_are_recorded(client, bids, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(reverse("bids:overview", args=[bids["bid"].reference])).status_code == 404
    assert [e.actor_id for e in _events("bids.bid.access_refused")] == [user.pk]


def test_another_organisations_partner_place_and_document_are_recorded(client, bids):
    rival = bids["rival"]
    client.force_login(bids["rival_user"])
    seat, bid_file = bids["seat"], bids["file"]
    urls = [
        ("GET", reverse("bids:partner_change", args=[rival.reference, seat.public_id])),
        ("POST", reverse("bids:document_remove", args=[rival.reference, bid_file.public_id])),
        ("GET", reverse("bids:invitation_decline", args=[seat.public_id])),
        ("GET", reverse("bids:receipt", args=[bids["bid"].reference, 1])),
    ]
    for method, url in urls:
        send = client.post if method == "POST" else client.get
        assert send(url).status_code == 404, url
    # One event: every attempt targets the same bid within the minute.
    [event] = _events("bids.bid.access_refused")
    assert event.target_id == str(bids["bid"].pk)
    assert event.changes == {"what": "partner place"}


def test_a_missing_bid_and_anonymous_requests_are_not_recorded(client, bids):
    client.force_login(bids["rival_user"])
    assert client.get(reverse("bids:overview", args=["B-NONE-NONE"])).status_code == 404
    client.logout()
    assert client.get(reverse("bids:overview", args=[bids["bid"].reference])).status_code == 302
    assert client.get(f"/api/my-bids/{bids['bid'].reference}").status_code == 401
    assert _events("bids.bid.access_refused") == []


def test_the_bids_own_partner_is_not_recorded_on_a_lead_only_page(client, bids):
    client.force_login(bids["partner"])
    assert client.get(reverse("bids:prices", args=[bids["bid"].reference])).status_code == 404
    assert _events("bids.bid.access_refused") == []


def test_refusal_record_never_records_anonymous_users(bids):
    assert refusal_record(actor=None, verb="bids.bid.access_refused", target=bids["bid"]) is False
    assert _events("bids.bid.access_refused") == []


# --- a late withdrawal ----------------------------------------------------------------


def test_a_late_withdrawal_is_refused_and_recorded_once_a_minute(client, commissioner, monkeypatch):
    tender = make_tender(commissioner)
    bid = make_bid(tender)
    add_file(bid, bid.created_by)
    bid_submit(actor=bid.created_by, bid=bid)
    pass_deadline(tender)
    client.force_login(bid.created_by)
    url = reverse("bids:withdraw", args=[bid.reference])
    for _ in range(3):
        response = client.post(url)
        assert response.status_code == 400
        assert "can no longer be withdrawn" in response.content.decode()
    with pytest.raises(ServiceError) as exc:
        bid_withdraw(actor=bid.created_by, bid=bid)
    assert exc.value.code == "late"
    [event] = _events("bids.bid.withdraw_refused")
    assert (event.actor_id, event.target_type, event.target_id) == (
        bid.created_by.pk,
        "bids.bid",
        str(bid.pk),
    )
    bid.refresh_from_db()
    assert bid.status == "submitted"
    _a_minute_later(monkeypatch)
    client.post(url)
    assert len(_events("bids.bid.withdraw_refused")) == 2


def test_a_withdrawal_before_the_deadline_records_no_refusal(commissioner):
    bid = make_bid(make_tender(commissioner))
    bid_submit(actor=bid.created_by, bid=bid)
    bid_withdraw(actor=bid.created_by, bid=bid)
    assert _events("bids.bid.withdraw_refused") == []
