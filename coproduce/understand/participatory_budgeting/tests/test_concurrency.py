"""One voter, one current ballot: 50 simultaneous submissions of the same code on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections  # noqa: F401 - connection is read by the skipif condition

from coproduce.foundation.core.audit import verify_chain
from coproduce.foundation.core.errors import ServiceError
from coproduce.understand.participatory_budgeting.models import Ballot, Round, VotingCode
from coproduce.understand.participatory_budgeting.services import Verification, ballot_cast

from .factories import codes, make_round, refs

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'", reason="row locks are exercised on PostgreSQL"
    ),
]


def _run_concurrently(n: int, work) -> tuple[list, list[BaseException]]:
    barrier = threading.Barrier(n)
    results, errors = [], []

    def target(i: int) -> None:
        try:
            barrier.wait()
            results.append(work(i))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results, errors


def test_fifty_simultaneous_submissions_of_one_code_leave_one_current_ballot(commissioner):
    round_ = make_round(commissioner)
    [code] = codes(commissioner, round_, 1)
    choice = refs(round_)[0]

    def submit(_):
        fresh = Round.objects.get(pk=round_.pk)
        return ballot_cast(round_=fresh, choices={choice: 1}, verification=Verification(code=code))

    receipts, errors = _run_concurrently(50, submit)
    assert len(receipts) == 1
    assert len(errors) == 49
    assert all(isinstance(e, ServiceError) and e.code == "already_voted" for e in errors)
    assert Ballot.objects.filter(superseded_at__isnull=True).count() == 1
    assert Ballot.objects.count() == 1
    assert VotingCode.objects.get().used_at is not None
    assert verify_chain()[1] is None


def test_simultaneous_residency_votes_by_one_person_leave_one_current_ballot(commissioner):
    round_ = make_round(commissioner)
    choice = refs(round_)[0]

    def submit(_):
        fresh = Round.objects.get(pk=round_.pk)
        return ballot_cast(
            round_=fresh,
            choices={choice: 1},
            verification=Verification(postcode="RV1 3DP", date_of_birth=dt.date(1970, 1, 2)),
        )

    receipts, errors = _run_concurrently(20, submit)
    assert len(receipts) == 1
    assert all(isinstance(e, ServiceError) and e.code == "already_voted" for e in errors)
    assert Ballot.objects.filter(superseded_at__isnull=True).count() == 1
