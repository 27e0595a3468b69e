"""Nothing lost at the deadline (PostgreSQL: real row locks and concurrent transactions)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from coproduce.foundation.accounts.tests.factories import UserFactory
from coproduce.foundation.core.audit import verify_chain
from coproduce.foundation.core.errors import ServiceError
from coproduce.procure.bids.models import Bid, BidStatus, BidSubmission, LateAttempt
from coproduce.procure.bids.services_submit import bid_submit

from .test_sealing_support import make_bid, make_tender

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks and threads"
    ),
]


def _run(n: int, target) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = target(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_fifty_bids_in_the_last_second_each_land_or_are_refused_with_a_reason():
    commissioner = UserFactory(role="commissioner")
    tender = make_tender(commissioner)
    bids = [make_bid(tender) for _ in range(50)]
    tender.deadline = timezone.now() + dt.timedelta(seconds=1)
    tender.save(update_fields=["deadline"])

    def submit(i: int):
        bid = bids[i]
        return bid_submit(actor=bid.created_by, bid=bid, started_at=timezone.now())

    results = _run(50, submit)
    landed = [r for r in results if isinstance(r, BidSubmission)]
    refused = [r for r in results if isinstance(r, ServiceError)]
    assert len(landed) + len(refused) == 50, [
        r for r in results if not isinstance(r, BidSubmission | ServiceError)
    ]
    assert all(r.code == "late" and r.message for r in refused)
    assert BidSubmission.objects.count() == len(landed)
    assert Bid.objects.filter(status=BidStatus.SUBMITTED).count() == len(landed)
    assert LateAttempt.objects.count() == len(refused)
    for sub in landed:
        assert sub.started_at < tender.deadline and len(sub.receipt_hash) == 64
    assert verify_chain()[1] is None


def test_twenty_concurrent_double_submits_keep_one_bid_and_one_receipt():
    commissioner = UserFactory(role="commissioner")
    tender = make_tender(commissioner)
    bid = make_bid(tender)

    results = _run(20, lambda i: bid_submit(actor=bid.created_by, bid=bid))
    assert all(isinstance(r, BidSubmission) for r in results), results
    assert {r.pk for r in results} == {results[0].pk}
    assert Bid.objects.filter(tender=tender).count() == 1
    assert list(BidSubmission.objects.filter(bid=bid).values_list("number", flat=True)) == [1]
    assert verify_chain()[1] is None
