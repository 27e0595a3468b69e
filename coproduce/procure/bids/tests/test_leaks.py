"""Before the deadline nothing shows a bid's answers, prices or how many bids there are.

For every role (commissioner, admin, superuser, finance, another provider, anonymous) and
every page or endpoint that touches bids: the staff bid pages, the API, the tender page,
the audit trail and the Django admin. The one bid's unique answer text, its price and any
count are asserted absent from every response.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from coproduce.foundation.accounts.tests.factories import UserFactory, make_member
from coproduce.foundation.core.models import AuditEvent
from coproduce.procure.bids.services_submit import bid_submit

from .test_sealing_support import ANSWER, PRICE, PRICE_TEXT, add_file, make_bid, make_tender

pytestmark = pytest.mark.django_db

ROLES = ["commissioner", "platform_admin", "superuser", "finance", "other_provider", None]
COUNT = re.compile(r"\b[1-9]\d* (bid|bids|submission|submissions)\b", re.IGNORECASE)


@pytest.fixture
def superuser(db):
    return UserFactory(role="resident", is_staff=True, is_superuser=True)


@pytest.fixture
def other_provider(db):
    user, _ = make_member(role="admin")
    return user


@pytest.fixture
def sealed(commissioner):
    tender = make_tender(commissioner)
    bid = make_bid(tender)
    f = add_file(bid, bid.created_by, data=b"%PDF-1.4 secret file")
    bid_submit(actor=bid.created_by, bid=bid)
    bid.refresh_from_db()
    assert bid.receipt_hash
    return tender, bid, f


def _urls(tender, bid, f) -> list[str]:
    r = tender.reference
    return [
        reverse("bids:open_overview", args=[r]),
        reverse("bids:open_bid", args=[r, bid.reference]),
        reverse("bids:open_bid_file", args=[r, bid.reference, f.public_id]),
        reverse("bids:open_rectification", args=[r]),
        reverse("bids:receipt", args=[bid.reference, 1]),
        f"/api/opportunities/{r}/bids",
        reverse("tenders:detail", args=[r]),
        "/audit/",
        "/audit/?target_type=bids.bid",
        f"/audit/?target_id={bid.pk}",
        "/django-admin/",
        "/django-admin/bids/",
        "/django-admin/bids/bid/",
        f"/django-admin/bids/bid/{bid.pk}/change/",
        "/django-admin/bids/bidanswer/",
        "/django-admin/bids/bidprice/",
        "/django-admin/bids/biddraft/",
        "/django-admin/bids/bidsubmission/",
        "/django-admin/bids/bidfile/",
    ]


@pytest.mark.parametrize("who", ROLES)
def test_nothing_about_a_sealed_bid_leaks_before_the_deadline(client, request, sealed, who):
    tender, bid, f = sealed
    if who:
        client.force_login(request.getfixturevalue(who))
    overview = reverse("bids:open_overview", args=[tender.reference])
    for url in _urls(tender, bid, f):
        response = client.get(url)
        body = response.content.decode(errors="replace")
        assert ANSWER not in body, url
        assert PRICE_TEXT not in body and str(PRICE) not in body, url
        assert "secret file" not in body, url
        assert bid.receipt_hash not in body, url
        assert not COUNT.search(body), (url, COUNT.search(body).group(0))
        if url == overview:
            continue  # staff see "Bids are sealed until …" (asserted below), others 404
        if "/bids/" in url and "django-admin/bids/" not in url and "/audit/" not in url:
            assert response.status_code in (302, 404), (url, response.status_code)
        if url.startswith("/api/"):
            assert response.status_code in (401, 404), url


def test_staff_overview_says_only_sealed_until(client, platform_admin, sealed):
    tender, _, _ = sealed
    client.force_login(platform_admin)
    page = client.get(reverse("bids:open_overview", args=[tender.reference])).content.decode()
    assert "Bids are sealed until" in page


def test_the_bidder_sees_its_own_receipt(client, sealed):
    _tender, bid, _ = sealed
    client.force_login(bid.created_by)
    page = client.get(reverse("bids:receipt", args=[bid.reference, 1])).content.decode()
    assert bid.receipt_hash in page and bid.reference in page


def test_the_audit_trail_hides_bid_events_until_opening(client, platform_admin, sealed):
    _, bid, _ = sealed
    assert AuditEvent.objects.filter(target_type="bids.bid", target_id=str(bid.pk)).exists()
    client.force_login(platform_admin)
    page = client.get("/audit/").content.decode()
    assert bid.reference not in page
