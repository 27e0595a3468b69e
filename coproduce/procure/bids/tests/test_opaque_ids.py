"""Bidder URLs name rows by random ids: no sequential id that counts other organisations' rows.

Partner places and documents carry a random ``public_id``; questions are numbered within
the tender. Another organisation's id answers exactly like an id that does not exist.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse

from coproduce.foundation.accounts.tests.factories import make_member

from ..models import BidFile, ConsortiumMember
from ..services_draft import bid_file_add, bid_start, consortium_member_add
from .test_bidder_support import bid_with_partner_and_document, make_open_tender, pdf_upload

pytestmark = pytest.mark.django_db

SMALL_NUMBER_SEGMENT = re.compile(r"/\d+/")
ROW_LINK = re.compile(r'(?:href|action)="(/bids/[^"]*/(?:partners|documents)/[^"]*)"')


@pytest.fixture
def world(commissioner):
    tender = make_open_tender(actor=commissioner)
    rows = bid_with_partner_and_document(tender)
    rival_user, rival_org = make_member(name="Rival Org")
    rival = bid_start(actor=rival_user, tender=tender, organisation=rival_org)
    _, rival_partner = make_member(name="Rival Partner")
    rival_seat = consortium_member_add(
        actor=rival_user, bid=rival, organisation=rival_partner, role="Meals", share_percent=20
    )
    rival_file = bid_file_add(
        actor=rival_user,
        bid=rival,
        upload=pdf_upload(content=b"%PDF-1.4 rival\n%%EOF\n"),
        title="Rival insurance",
        requirement="",
    )
    return {**rows, "rival": rival, "rival_seat": rival_seat, "rival_file": rival_file}


def test_partner_and_document_urls_contain_no_row_number(client, world):
    bid = world["bid"]
    client.force_login(world["lead"])
    links = []
    for name in ("partners", "documents"):
        html = client.get(reverse(f"bids:{name}", args=[bid.reference])).content.decode()
        links += ROW_LINK.findall(html)
    assert f"/partners/{world['seat'].public_id}/change/" in "".join(links)
    assert f"/documents/{world['file'].public_id}/remove/" in "".join(links)
    assert links and not [link for link in links if SMALL_NUMBER_SEGMENT.search(link)]
    for url in (
        reverse("bids:partner_change", args=[bid.reference, world["seat"].public_id]),
        reverse("bids:partner_remove", args=[bid.reference, world["seat"].public_id]),
        reverse("bids:document_remove", args=[bid.reference, world["file"].public_id]),
        reverse("bids:invitation_confirm", args=[world["seat"].public_id]),
        reverse("bids:invitation_decline", args=[world["seat"].public_id]),
    ):
        assert not SMALL_NUMBER_SEGMENT.search(url), url


def test_the_partner_invitations_page_links_by_public_id(client, world):
    client.force_login(world["partner"])
    html = client.get(reverse("bids:invitations")).content.decode()
    assert f"/bids/partner-invitations/{world['seat'].public_id}/" in html
    assert not re.search(r"/partner-invitations/\d+/", html)


def test_the_shares_form_names_members_by_public_id(client, world):
    client.force_login(world["lead"])
    html = client.get(reverse("bids:shares", args=[world["bid"].reference])).content.decode()
    assert f'name="share_{world["seat"].public_id}"' in html
    assert not re.search(r'name="share_\d+"', html)


NONCE = re.compile(rb'nonce="[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"')


def _same_404(client, method: str, missing: str, others: str) -> None:
    """Both answer 404 with the same page (apart from the per-response script nonce)."""
    send = client.post if method == "POST" else client.get
    a, b = send(missing), send(others)
    assert a.status_code == b.status_code == 404
    assert NONCE.sub(b"", a.content) == NONCE.sub(b"", b.content)


def test_another_organisations_partner_id_answers_like_a_missing_one(client, world):
    bid, rival_seat = world["bid"], world["rival_seat"]
    client.force_login(world["lead"])
    for name in ("partner_change", "partner_remove"):
        _same_404(
            client,
            "GET",
            reverse(f"bids:{name}", args=[bid.reference, uuid.uuid4()]),
            reverse(f"bids:{name}", args=[bid.reference, rival_seat.public_id]),
        )
    client.force_login(world["partner"])
    _same_404(
        client,
        "GET",
        reverse("bids:invitation_decline", args=[uuid.uuid4()]),
        reverse("bids:invitation_decline", args=[rival_seat.public_id]),
    )
    _same_404(
        client,
        "POST",
        reverse("bids:invitation_confirm", args=[uuid.uuid4()]),
        reverse("bids:invitation_confirm", args=[rival_seat.public_id]),
    )
    rival_seat.refresh_from_db()
    assert rival_seat.confirmed_at is None


def test_another_organisations_document_id_answers_like_a_missing_one(client, world):
    bid = world["bid"]
    client.force_login(world["lead"])
    _same_404(
        client,
        "POST",
        reverse("bids:document_remove", args=[bid.reference, uuid.uuid4()]),
        reverse("bids:document_remove", args=[bid.reference, world["rival_file"].public_id]),
    )
    assert BidFile.objects.filter(pk=world["rival_file"].pk).exists()


def test_a_row_number_in_place_of_a_public_id_is_not_a_url(client, world):
    client.force_login(world["lead"])
    seat = ConsortiumMember.objects.get(pk=world["seat"].pk)
    url = f"/bids/{world['bid'].reference}/partners/{seat.pk}/change/"
    assert client.get(url).status_code == 404


def test_the_api_names_documents_by_public_id(client, world):
    client.force_login(world["lead"])
    data = client.get(f"/api/my-bids/{world['bid'].reference}").json()
    assert [f["id"] for f in data["files"]] == [str(world["file"].public_id)]
    assert data["files"][0]["title"] == "Insurance"
