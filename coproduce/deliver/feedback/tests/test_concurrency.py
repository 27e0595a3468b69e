"""Nothing twice on PostgreSQL: twenty simultaneous submissions of one feedback form keep
one response; simultaneous visit plans get distinct numbers."""

from __future__ import annotations

import pytest
from django.db import connection  # noqa: F401 - read by skipif

from coproduce.deliver.contracts.models import Contract
from coproduce.deliver.feedback import services as svc
from coproduce.deliver.feedback.models import FeedbackResponse, ShoppingVisit
from coproduce.foundation.core.audit import verify_chain
from coproduce.foundation.core.testing import run_concurrently
from coproduce.plan.procurement_rules.tests.factories import seed_rules

from . import factories as f

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'", reason="row locks are exercised on PostgreSQL"
    ),
]


@pytest.fixture(autouse=True)
def _rules(db):
    """Transaction tests flush the tables, including the rules and bank holidays the
    migrations seeded (upload limits, the working-day calendar for replies)."""
    seed_rules()


def test_twenty_simultaneous_submissions_of_one_form_keep_one(commissioner):
    contract = f.make_contract(commissioner)
    key = "same-form-" + "k" * 30

    def work(_):
        svc.feedback_give(
            actor=None,
            contract=Contract.objects.select_related("project").get(pk=contract.pk),
            data=svc.FeedbackData(rating="good", what_good="Kind"),
            submission_key=key,
        )

    assert run_concurrently(20, work) == []
    assert FeedbackResponse.objects.count() == 1
    assert verify_chain()[1] is None


def test_twenty_people_at_once_are_all_counted(commissioner):
    contract = f.make_contract(commissioner)

    def work(i):
        svc.feedback_give(
            actor=None,
            contract=Contract.objects.select_related("project").get(pk=contract.pk),
            data=svc.FeedbackData(rating="good"),
            submission_key=f"person-{i:02d}-" + "k" * 20,
        )

    assert run_concurrently(20, work) == []
    assert FeedbackResponse.objects.count() == 20


def test_visits_planned_at_once_get_distinct_numbers(commissioner):
    contract = f.make_contract(commissioner)
    shopper = f.make_shopper(commissioner)

    def work(_):
        f.plan_visit(commissioner, Contract.objects.get(pk=contract.pk), [shopper])

    assert run_concurrently(5, work) == []
    assert sorted(ShoppingVisit.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
