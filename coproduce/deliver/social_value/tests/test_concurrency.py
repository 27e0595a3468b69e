"""On PostgreSQL: two officers verifying the same delivery report at the same moment (and
repeats of each) leave one verification and one audit event."""

from __future__ import annotations

import pytest
from django.db import connection  # noqa: F401 - connection is read by the skipif condition

from coproduce.deliver.social_value import services as svc
from coproduce.deliver.social_value.models import DeliveryStatus
from coproduce.foundation.accounts.tests.factories import UserFactory, make_member
from coproduce.foundation.core.models import AuditEvent
from coproduce.foundation.core.testing import run_concurrently
from coproduce.plan.procurement_rules.tests.factories import seed_rules

from .factories import import_table, make_commitment, make_contract, report

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'", reason="row locks are exercised on PostgreSQL"
    ),
]


@pytest.fixture(autouse=True)
def _rules(db):
    """Transaction tests flush the tables, including the rules the migrations seeded (the
    upload limit for evidence is one of them)."""
    seed_rules()


def test_verifying_twice_at_once_keeps_one_verification(commissioner):
    import_table(commissioner)
    member, org = make_member(role="admin")
    contract = make_contract(commissioner, provider_org=org)
    delivery = report(member, make_commitment(commissioner, contract))
    officers = [commissioner, UserFactory(role=commissioner.role)]

    def work(i: int) -> None:
        svc.delivery_verify(actor=officers[i % 2], delivery=delivery, note=f"Officer {i % 2}")

    assert run_concurrently(10, work) == []
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.VERIFIED
    assert AuditEvent.objects.filter(verb="social_value.delivery.verified").count() == 1


def test_a_verification_racing_a_rejection_leaves_one_decision(commissioner):
    import_table(commissioner)
    member, org = make_member(role="admin")
    contract = make_contract(commissioner, provider_org=org)
    delivery = report(member, make_commitment(commissioner, contract))

    def work(i: int) -> None:
        if i % 2:
            svc.delivery_verify(actor=commissioner, delivery=delivery)
        else:
            svc.delivery_reject(actor=commissioner, delivery=delivery, reason="No payslips.")

    errors = run_concurrently(6, work)
    assert all(getattr(e, "code", "") == "already_decided" for e in errors)
    decided = AuditEvent.objects.filter(
        verb__in=["social_value.delivery.verified", "social_value.delivery.rejected"]
    )
    assert decided.count() == 1
