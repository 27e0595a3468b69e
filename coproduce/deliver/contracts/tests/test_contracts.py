"""Contracts: the staff list and the public section on the project page."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from coproduce.procure.awards import services as svc
from coproduce.procure.awards.tests.helpers import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(commissioner):
    built = build(commissioner, area="adult-social-care")  # light touch: standstill optional
    decision = svc.award_decide(
        actor=commissioner,
        tender=built.tender,
        lot=None,
        reasons="Best value overall.",
        standstill="none",
        no_standstill_reason="The current provider stops this week.",
    )
    return svc.award_confirm(actor=commissioner, decision=decision, starts_on=timezone.localdate())


def test_contract_list_is_for_council_staff(
    client, contract, finance, provider, django_assert_max_num_queries
):
    url = reverse("contracts:list")
    assert client.get(url).status_code == 302
    client.force_login(provider)
    assert client.get(url).status_code == 404
    client.force_login(finance)
    with django_assert_max_num_queries(8):
        page = client.get(url)
    assert page.status_code == 200
    assert contract.reference in page.content.decode()


def test_contract_detail_is_for_council_staff(client, contract, commissioner, provider):
    url = reverse("contracts:detail", args=[contract.reference])
    client.force_login(provider)
    assert client.get(url).status_code == 404
    client.force_login(commissioner)
    assert client.get(url).status_code == 200
    assert client.get(reverse("contracts:detail", args=["K-1999-0001"])).status_code == 404


def test_project_contracts_tag_lists_the_contract_publicly(contract):
    html = Template("{% load contract_tags %}{% project_contracts project %}").render(
        Context({"project": contract.project})
    )
    assert contract.reference in html
    assert contract.provider.name in html
    assert "£100,000" in html
