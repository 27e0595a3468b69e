"""Bid events go to the tender's sealed audit stream: invisible to every audit reader,
superusers included, until the bids are opened; then shown whole, without gaps."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from coproduce.foundation.core.audit import verify_chain
from coproduce.foundation.core.models import AuditEvent
from coproduce.foundation.core.selectors import audit_verbs
from coproduce.procure.bids import services_submit
from coproduce.procure.bids.services_open import bids_open
from coproduce.procure.bids.services_submit import bid_submit

from .test_sealing_support import make_bid, make_tender, pass_deadline

pytestmark = pytest.mark.django_db

REF = re.compile(r'<td class="govuk-table__cell app-table__cell--narrow">(.*?)</td>')
ADMIN = "/django-admin/core/auditevent/"


@pytest.fixture
def closed_unopened(commissioner, monkeypatch):
    """A tender with one submitted bid and one late refusal, past its deadline, not opened."""
    tender = make_tender(commissioner)
    bid = make_bid(tender)
    bid_submit(actor=bid.created_by, bid=bid)
    bid.refresh_from_db()
    late_bid = make_bid(tender)
    monkeypatch.setattr(services_submit, "_now", lambda: tender.deadline + dt.timedelta(seconds=1))
    with pytest.raises(services_submit.ServiceError):
        bid_submit(actor=late_bid.created_by, bid=late_bid)
    monkeypatch.undo()
    pass_deadline(tender)
    return tender, bid, late_bid


def _stream(tender) -> str:
    return f"bids.tender:{tender.pk}"


def test_bid_events_are_written_to_the_tenders_sealed_stream(closed_unopened):
    tender, _bid, _ = closed_unopened
    sealed = AuditEvent.objects.filter(stream=_stream(tender))
    verbs = set(sealed.values_list("verb", flat=True))
    assert {"bids.bid.submitted", "bids.bid.late_refused"} <= verbs
    assert not AuditEvent.objects.filter(stream="public", verb__startswith="bids.bid.").exists()
    assert list(sealed.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, sealed.count() + 1)
    )
    public = list(AuditEvent.objects.filter(stream="public").values_list("seq", flat=True))
    assert sorted(public) == list(range(1, len(public) + 1))
    assert verify_chain()[1] is None


def test_before_opening_no_audit_reader_shows_a_bid_event(
    client, closed_unopened, platform_admin, finance
):
    """The late refusal after the closing time, the submission, the draft: nowhere."""
    tender, bid, late_bid = closed_unopened
    secrets = [bid.reference, late_bid.reference, bid.receipt_hash, bid.created_by.email]
    assert not [v for v in audit_verbs() if v.startswith("bids.bid.")]
    for user in (platform_admin, finance):
        client.force_login(user)
        page = client.get("/audit/").content.decode()
        assert "bids.bid." not in page and "late_refused" not in page
        refs = REF.findall(page)
        numbers = [int(r.lstrip("#")) for r in refs]
        assert numbers == list(range(len(numbers), 0, -1))  # #n … #1: no gap anywhere
        for secret in secrets:
            assert secret not in page
    client.force_login(platform_admin)
    assert platform_admin.is_superuser
    for url in (ADMIN, f"{ADMIN}?q=bids.bid", f"{ADMIN}?q={bid.created_by.email}"):
        body = client.get(url).content.decode()
        assert "bids.bid." not in body.replace("q=bids.bid", "").replace('value="bids.bid"', ""), (
            url
        )
        assert bid.receipt_hash not in body
    assert "0 audit events" in client.get(f"{ADMIN}?verb=bids.bid.submitted").content.decode()
    hidden = AuditEvent.objects.filter(stream=_stream(tender)).order_by("seq")
    for event in hidden:
        for address in (f"{event.stream}.{event.seq}", str(event.pk)):
            assert client.get(f"{ADMIN}{address}/change/").status_code == 302


def test_after_opening_the_tenders_stream_shows_whole_with_its_own_numbers(
    client, closed_unopened, commissioner, finance
):
    tender, _bid, _ = closed_unopened
    bids_open(actor=commissioner, tender=tender)
    client.force_login(finance)
    page = client.get("/audit/").content.decode()
    sealed_refs = [r for r in REF.findall(page) if r.startswith(_stream(tender))]
    count = AuditEvent.objects.filter(stream=_stream(tender)).count()
    assert sealed_refs == [f"{_stream(tender)} #{n}" for n in range(count, 0, -1)]
    assert "bids.bid.late_refused" in page and "bids.bid.submitted" in audit_verbs()
