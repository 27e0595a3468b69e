"""The audit trail browser offers bid events as filters only once the bids are opened."""

from __future__ import annotations

from coproduce.foundation.core.selectors import audit_target_types, audit_verbs
from coproduce.procure.bids.services_open import bids_open
from coproduce.procure.bids.services_submit import bid_submit
from coproduce.procure.bids.tests.test_sealing_support import make_bid, make_tender, pass_deadline


def test_the_filters_name_bid_events_only_once_the_bids_are_opened(
    client, commissioner, platform_admin
):
    tender = make_tender(commissioner)
    bid = make_bid(tender)
    bid_submit(actor=bid.created_by, bid=bid)
    client.force_login(platform_admin)
    body = client.get("/audit/").content.decode()
    assert "bids.bid.submitted" not in audit_verbs()
    assert "bids.bid" not in audit_target_types()
    assert "bids.bid" not in body and "bids.bidsubmission" not in body
    assert "commissioning.project.created" in audit_verbs()  # other events still offered

    bids_open(actor=commissioner, tender=pass_deadline(tender))
    body = client.get("/audit/").content.decode()
    assert "bids.bid.submitted" in audit_verbs() and "bids.bid" in audit_target_types()
    assert '<option value="bids.bid.submitted">' in body
    body = client.get("/audit/", {"verb": "bids.bid.submitted"}).content.decode()
    assert "1 event" in body
