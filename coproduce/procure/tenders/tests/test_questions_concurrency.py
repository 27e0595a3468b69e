"""Simultaneous questions on PostgreSQL: distinct pseudonyms and numbers, nothing twice."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection  # noqa: F401 - used by the skipif condition

from coproduce.foundation.accounts.tests.factories import make_member
from coproduce.foundation.core.audit import verify_chain
from coproduce.foundation.core.testing import run_concurrently
from coproduce.procure.tenders.models import AskerPseudonym, Clarification, Tender
from coproduce.procure.tenders.services_clarifications import clarification_ask, tender_amend
from coproduce.procure.tenders.tests.factories import make_tender

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'", reason="row locks are exercised on PostgreSQL"
    ),
]


def test_ten_organisations_asking_at_once_get_ten_different_pseudonyms(commissioner):
    tender = make_tender(actor=commissioner)
    members = [make_member() for _ in range(10)]

    def ask(i):
        user, org = members[i]
        clarification_ask(
            actor=user,
            tender=Tender.objects.get(pk=tender.pk),
            organisation=org,
            question=f"Question from {i}?",
        )

    assert run_concurrently(10, ask) == []
    labels = sorted(AskerPseudonym.objects.filter(tender=tender).values_list("label", flat=True))
    assert len(set(labels)) == 10
    assert labels == sorted(f"Organisation {chr(65 + i)}" for i in range(10))
    numbers = sorted(Clarification.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 11))
    assert verify_chain()[1] is None


def test_double_clicks_from_one_organisation_store_one_question(commissioner):
    tender = make_tender(actor=commissioner)
    user, org = make_member()

    def ask(_):
        clarification_ask(
            actor=user, tender=Tender.objects.get(pk=tender.pk), organisation=org, question="Once?"
        )

    assert run_concurrently(8, ask) == []
    assert Clarification.objects.count() == 1
    assert AskerPseudonym.objects.count() == 1


def _seed_rules() -> None:
    """Transaction tests flush the tables, including the rules the migration seeded."""
    migration = importlib.import_module(
        "coproduce.plan.procurement_rules.migrations.0002_seed_rules_and_bank_holidays"
    )
    migration.seed(apps, None)


def test_simultaneous_changes_are_numbered_one_after_another(commissioner):
    _seed_rules()
    tender = make_tender(actor=commissioner)

    def amend(i):
        tender_amend(
            actor=commissioner,
            tender=Tender.objects.get(pk=tender.pk),
            summary=f"Change {i}.",
            reason="Reason.",
            changes={},
        )

    assert run_concurrently(6, amend) == []
    assert sorted(tender.amendments.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]
