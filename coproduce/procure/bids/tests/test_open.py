"""Opening after the deadline, compliance, rectification, required documents; the staff pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.procure.bids.models import (
    BidAnswer,
    BidPrice,
    ComplianceStatus,
    Opening,
    RequiredDocument,
)
from coproduce.procure.bids.selectors import bid_count_visible, opened_bids, rectification_is_open
from coproduce.procure.bids.services_open import (
    bid_compliance_decide,
    bid_compliance_problems,
    bid_file_add_in_rectification,
    bids_open,
    rectification_open,
    required_document_add,
)
from coproduce.procure.bids.services_submit import bid_submit, bid_withdraw
from coproduce.procure.tenders.models import TenderStatus

from .test_sealing_support import (
    ANSWER,
    PRICE,
    PRICE_TEXT,
    add_file,
    make_bid,
    make_tender,
    pass_deadline,
    require,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(commissioner):
    """A tender with two submitted bids and one withdrawn, past its deadline."""
    tender = make_tender(commissioner)
    bids = [make_bid(tender, answer=f"{ANSWER} {i}") for i in range(3)]
    for bid in bids:
        bid_submit(actor=bid.created_by, bid=bid)
    bid_withdraw(actor=bids[2].created_by, bid=bids[2])
    pass_deadline(tender)
    return tender, bids


def test_opening_before_the_deadline_is_refused(commissioner):
    tender = make_tender(commissioner)
    bid = make_bid(tender)
    bid_submit(actor=bid.created_by, bid=bid)
    with pytest.raises(ServiceError) as err:
        bids_open(actor=commissioner, tender=tender)
    assert err.value.code == "sealed_until_deadline"
    assert not Opening.objects.exists() and not BidAnswer.objects.exists()


def test_opening_decrypts_submitted_bids_only_and_is_recorded(commissioner, submitted):
    tender, bids = submitted
    opening = bids_open(actor=commissioner, tender=tender)
    assert opening.bids_opened == 2
    assert BidAnswer.objects.filter(text=f"{ANSWER} 0").exists()
    assert set(BidPrice.objects.values_list("price_pence", flat=True)) == {PRICE}
    assert not BidAnswer.objects.filter(bid=bids[2]).exists()
    assert AuditEvent.objects.get(verb="bids.tender.opened").changes["bids_opened"] == 2
    assert bids_open(actor=commissioner, tender=tender).pk == opening.pk  # idempotent
    assert opened_bids(user=commissioner, tender=tender).count() == 2
    assert bid_count_visible(commissioner, tender) == 2


@pytest.mark.parametrize("who", ["finance", "provider", "resident"])
def test_only_commissioners_and_admins_open(request, submitted, who):
    tender, _ = submitted
    with pytest.raises(NotFound):
        bids_open(actor=request.getfixturevalue(who), tender=tender)


def test_staff_selectors_refuse_before_opening(commissioner, platform_admin, submitted):
    tender, _ = submitted
    for who in (commissioner, platform_admin):
        with pytest.raises(NotFound):
            opened_bids(user=who, tender=tender)
        assert bid_count_visible(who, tender) is None


def test_a_tampered_sealed_bid_stops_the_opening(commissioner, submitted):
    tender, bids = submitted
    sealed = bytearray(bytes(bids[0].__class__.objects.get(pk=bids[0].pk).sealed))
    sealed[-1] ^= 1
    bids[0].__class__.objects.filter(pk=bids[0].pk).update(sealed=bytes(sealed))
    with pytest.raises(ServiceError) as err:
        bids_open(actor=commissioner, tender=tender)
    assert err.value.code == "sealing_tampered"
    assert not Opening.objects.exists()


def test_compliance_decision_needs_notes_when_not_compliant(commissioner, submitted):
    tender, bids = submitted
    bids_open(actor=commissioner, tender=tender)
    bid = bids[0].__class__.objects.get(pk=bids[0].pk)
    with pytest.raises(ServiceError) as err:
        bid_compliance_decide(actor=commissioner, bid=bid, status=ComplianceStatus.NOT_COMPLIANT)
    assert err.value.code == "notes_required"
    bid = bid_compliance_decide(actor=commissioner, bid=bid, status=ComplianceStatus.COMPLIANT)
    assert bid.compliance == ComplianceStatus.COMPLIANT
    assert AuditEvent.objects.filter(verb="bids.bid.compliance_decided").count() == 1


def test_rectification_window_lets_a_bidder_add_a_missing_document(commissioner):
    tender = make_tender(commissioner)
    bid = make_bid(tender)
    bid_submit(actor=bid.created_by, bid=bid)
    require(tender, "Safeguarding policy")  # asked for later: the bid now misses it
    pass_deadline(tender)
    bids_open(actor=commissioner, tender=tender)
    bid.refresh_from_db()
    assert bid_compliance_problems(bid) == ["No Safeguarding policy was included."]
    with pytest.raises(ServiceError) as err:
        bid_file_add_in_rectification(
            actor=bid.created_by,
            bid=bid,
            requirement="Safeguarding policy",
            title="",
            data=b"x",
            name="a.txt",
        )
    assert err.value.code == "rectification_closed"
    closes = timezone.now() + dt.timedelta(days=2)
    rectification_open(
        actor=commissioner, tender=tender, closes_at=closes, note="Add missing documents."
    )
    assert rectification_is_open(tender)
    added = bid_file_add_in_rectification(
        actor=bid.created_by,
        bid=bid,
        requirement="Safeguarding policy",
        title="Policy",
        data=b"Our safeguarding policy.\n",
        name="policy.txt",
    )
    assert added.added_in_rectification and bid_compliance_problems(bid) == []
    assert not rectification_is_open(tender, closes)


def test_required_documents_cannot_change_after_publication(commissioner):
    draft = make_tender(commissioner, status=TenderStatus.DRAFT)
    doc = required_document_add(actor=commissioner, tender=draft, name="Insurance certificate")
    assert (
        required_document_add(actor=commissioner, tender=draft, name="Insurance certificate") == doc
    )
    published = make_tender(commissioner)
    with pytest.raises(ServiceError) as err:
        required_document_add(actor=commissioner, tender=published, name="Insurance certificate")
    assert err.value.code == "tender_published"
    assert RequiredDocument.objects.count() == 1


# ----------------------------------------------------------------------------- pages


def _overview(tender):
    return reverse("bids:open_overview", args=[tender.reference])


def test_overview_before_the_deadline_says_sealed_without_a_count(client, commissioner):
    tender = make_tender(commissioner)
    bid = make_bid(tender)
    bid_submit(actor=bid.created_by, bid=bid)
    client.force_login(commissioner)
    page = client.get(_overview(tender)).content.decode()
    assert "Bids are sealed until" in page and bid.reference not in page
    assert "Open the bids" not in page


def test_open_button_then_list_detail_and_file_download(
    client, commissioner, django_assert_max_num_queries
):
    tender = make_tender(commissioner)
    bid = make_bid(tender)
    f = add_file(bid, bid.created_by, data=b"%PDF-1.4 the file")
    bid_submit(actor=bid.created_by, bid=bid)
    pass_deadline(tender)
    client.force_login(commissioner)
    assert "Open the bids" in client.get(_overview(tender)).content.decode()
    file_url = reverse("bids:open_bid_file", args=[tender.reference, bid.reference, f.public_id])
    assert client.get(file_url).status_code == 404  # not before opening
    response = client.post(reverse("bids:open_bids", args=[tender.reference]))
    assert response.status_code == 302
    with django_assert_max_num_queries(40):
        page = client.get(_overview(tender)).content.decode()
    assert bid.reference in page
    detail = client.get(reverse("bids:open_bid", args=[tender.reference, bid.reference]))
    assert ANSWER in detail.content.decode() and PRICE_TEXT in detail.content.decode()
    assert client.get(file_url).content == b"%PDF-1.4 the file"
    bad = client.post(
        reverse("bids:open_bid", args=[tender.reference, bid.reference]), {"status": "nonsense"}
    )
    assert bad.status_code == 400
    ok = client.post(
        reverse("bids:open_bid", args=[tender.reference, bid.reference]), {"status": "compliant"}
    )
    assert ok.status_code == 302


@pytest.mark.parametrize("who", [None, "resident", "provider"])
def test_outsiders_get_not_found_or_sign_in_on_staff_pages(client, request, commissioner, who):
    tender = pass_deadline(make_tender(commissioner))
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(_overview(tender))
    assert response.status_code == (302 if who is None else 404)
    response = client.post(reverse("bids:open_bids", args=[tender.reference]))
    assert response.status_code == (302 if who is None else 404)
    assert not Opening.objects.exists()


def test_finance_sees_opened_bids_but_cannot_open(client, commissioner, finance):
    tender = make_tender(commissioner)
    bid = make_bid(tender)
    bid_submit(actor=bid.created_by, bid=bid)
    pass_deadline(tender)
    client.force_login(finance)
    assert "Open the bids" not in client.get(_overview(tender)).content.decode()
    client.post(reverse("bids:open_bids", args=[tender.reference]))
    assert not Opening.objects.exists()
    bids_open(actor=commissioner, tender=tender)
    assert bid.reference in client.get(_overview(tender)).content.decode()


def test_rectification_page_validates_and_opens_the_window(client, commissioner, submitted):
    tender, _ = submitted
    bids_open(actor=commissioner, tender=tender)
    client.force_login(commissioner)
    url = reverse("bids:open_rectification", args=[tender.reference])
    assert client.post(url, {"note": ""}).status_code == 400
    day = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(
        url,
        {
            "closes_date_0": day.day,
            "closes_date_1": day.month,
            "closes_date_2": day.year,
            "closes_time": "5pm",
            "note": "Send your insurance certificate.",
        },
    )
    assert response.status_code == 302
    assert Opening.objects.get().rectification_closes_at is not None


def test_required_documents_page(client, commissioner, resident):
    draft = make_tender(commissioner, status=TenderStatus.DRAFT)
    url = reverse("bids:documents_required", args=[draft.reference])
    client.force_login(resident)
    assert client.get(url).status_code == 404
    client.force_login(commissioner)
    assert client.post(url, {"name": ""}).status_code == 400
    assert client.post(url, {"name": "Insurance certificate", "mandatory": "on"}).status_code == 302
    assert "Insurance certificate" in client.get(url).content.decode()
