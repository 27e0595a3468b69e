"""Reserved lots: who may bid, with the combined workforce of a joint bid (rules from the table)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from coproduce.foundation.accounts.tests.factories import OrganisationFactory
from coproduce.plan.procurement_rules import keys
from coproduce.plan.procurement_rules.models import Reservation
from coproduce.plan.procurement_rules.selectors import rulebook_on
from coproduce.procure.bids.services_submit import eligibility_problem

pytestmark = pytest.mark.django_db


def _minimum() -> int:
    return rulebook_on(timezone.localdate()).value(keys.RESERVED_SUPPORTED_BUSINESS_MIN_PERCENT)


def _check(*orgs):
    return eligibility_problem(
        reservation=Reservation.SUPPORTED_BUSINESS,
        organisations=list(orgs),
        day=timezone.localdate(),
    )


def test_a_single_supported_business_at_the_minimum_may_bid():
    org = OrganisationFactory(workforce_disadvantaged_percent=_minimum(), workforce_headcount=10)
    assert _check(org) is None


def test_a_single_organisation_one_point_under_the_minimum_is_told_why():
    org = OrganisationFactory(workforce_disadvantaged_percent=_minimum() - 1)
    problem = _check(org)
    assert problem and f"at least {_minimum()}%" in problem


def test_a_consortium_is_judged_on_its_combined_workforce():
    # 10 staff at 50% and 30 staff at 20%: 5 + 6 = 11 of 40 = 27.5%, under 30%.
    strong = OrganisationFactory(workforce_disadvantaged_percent=50, workforce_headcount=10)
    weak = OrganisationFactory(workforce_disadvantaged_percent=20, workforce_headcount=30)
    problem = _check(strong, weak)
    assert problem and "27.5%" in problem
    # 20 staff at 50% and 10 at 0%: 10 of 30 = 33.3%.
    big = OrganisationFactory(workforce_disadvantaged_percent=50, workforce_headcount=20)
    none = OrganisationFactory(workforce_disadvantaged_percent=0, workforce_headcount=10)
    assert _check(big, none) is None


def test_a_combined_share_just_under_the_minimum_is_not_rounded_up():
    # 2,999 disadvantaged of 10,000 staff is 29.99%: refused, shown as 29.9%.
    a = OrganisationFactory(workforce_disadvantaged_percent=59, workforce_headcount=1_000)
    b = OrganisationFactory(workforce_disadvantaged_percent=27, workforce_headcount=9_000)
    # 590 + 2,430 = 3,020 of 10,000 = 30.2%: allowed.
    assert _check(a, b) is None
    c = OrganisationFactory(workforce_disadvantaged_percent=41, workforce_headcount=1_000)
    d = OrganisationFactory(workforce_disadvantaged_percent=28, workforce_headcount=9_999)
    # 410 + 2,799.72 = 3,209.72 of 10,999 = 29.18%: refused.
    problem = _check(c, d)
    assert problem and "29.1%" in problem


def test_a_consortium_partner_without_a_headcount_is_named():
    a = OrganisationFactory(workforce_disadvantaged_percent=60, workforce_headcount=5)
    b = OrganisationFactory(name="Riverside Mencap", workforce_disadvantaged_percent=40)
    problem = _check(a, b)
    assert problem and "Riverside Mencap" in problem and "number of workers" in problem
