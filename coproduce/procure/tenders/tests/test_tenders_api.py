"""GET /api/opportunities/{reference}: published tenders for everyone, drafts for staff."""

from __future__ import annotations

import pytest

from coproduce.procure.tenders.services import tender_publish

from . import test_tenders_support as support
from .test_tenders_support import OUTSIDERS, STAFF, add_lot, login

# Fixtures shared by the tender test modules.
draft_tender = support.draft_tender
model = support.model
published_tender = support.published_tender
ready_project = support.ready_project
spec = support.spec


def test_the_api_gives_a_published_tender_with_lots_documents_and_changes(
    client, commissioner, draft_tender, django_assert_max_num_queries
):
    add_lot(commissioner, draft_tender, 1, reserved_for="sme_vcse", value_pence=1_000_00)
    tender_publish(actor=commissioner, tender=draft_tender)
    with django_assert_max_num_queries(10):
        response = client.get(f"/api/opportunities/{draft_tender.reference}")
    assert response.status_code == 200
    data = response.json()
    assert data["reference"] == draft_tender.reference
    assert data["status"] == "open"
    assert data["is_open"] is True
    assert data["lots"][0]["reserved_for"] == "sme_vcse"
    assert {d["kind"] for d in data["documents"]} == {"specification", "evaluation"}
    assert all(d["html_url"].startswith("http") for d in data["documents"])
    assert all(d["download_url"] is None for d in data["documents"])
    assert data["amendments"] == []


@pytest.mark.parametrize("who", OUTSIDERS)
def test_the_api_does_not_reveal_drafts(client, request, who, draft_tender):
    login(client, request, who)
    response = client.get(f"/api/opportunities/{draft_tender.reference}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("who", STAFF)
def test_council_staff_read_drafts_through_the_api(client, request, who, draft_tender):
    login(client, request, who)
    response = client.get(f"/api/opportunities/{draft_tender.reference}")
    assert response.status_code == 200
    assert response.json()["status"] == "draft"


def test_an_unknown_reference_is_404_in_the_api(client, db):
    assert client.get("/api/opportunities/T-1999-0001").status_code == 404
