"""Contract pages: forms with error summaries, bad input answered 400 with the rule named,
the provider's own pages, the public section on the project page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coproduce.deliver.contracts.models import FrameworkProposal
from coproduce.foundation.accounts.tests.factories import make_member

from .factories import contract_with_kpis

pytestmark = pytest.mark.django_db


def test_inverted_thresholds_on_the_form_answer_400_with_the_rule(client, commissioner):
    contract = contract_with_kpis(1)
    client.force_login(commissioner)
    url = reverse("contracts:kpi_edit", args=[contract.reference, 1])
    assert client.get(url).status_code == 200
    page = client.post(
        url,
        {"target": "85", "direction": "higher", "green_from": "60", "red_beyond": "70"},
    )
    assert page.status_code == 400
    text = page.content.decode()
    assert "govuk-error-summary" in text and "When higher is better" in text
    page = client.post(
        url, {"target": "85", "direction": "higher", "green_from": "eighty", "red_beyond": "70"}
    )
    assert page.status_code == 400 and "must be a number" in page.content.decode()
    page = client.post(
        url,
        {
            "target": "85",
            "direction": "higher",
            "green_from": "85",
            "red_beyond": "70",
            "why_asked": "It matters.",
            "how_used": "Quarterly.",
        },
    )
    assert page.status_code == 302
    detail = client.get(reverse("contracts:detail", args=[contract.reference])).content.decode()
    assert "It matters." in detail and "Green at 85 or more; red below 70" in detail


def test_provider_proposes_once_and_sees_only_their_own(client):
    contract = contract_with_kpis(1)
    member, _ = make_member(contract.provider)
    client.force_login(member)
    mine = client.get(reverse("contracts:mine")).content.decode()
    assert contract.reference in mine
    url = reverse("contracts:propose", args=[contract.reference, 1])
    form = client.get(url).content.decode()
    assert 'name="submission_key"' in form
    key = "proposal-key-0123456789abcdef"
    for _ in range(2):
        page = client.post(url, {"text": "Ask every six months.", "submission_key": key})
        assert page.status_code == 302
    assert FrameworkProposal.objects.count() == 1
    assert client.post(url, {"text": ""}).status_code == 400
    other = contract_with_kpis(1)
    assert client.get(reverse("contracts:mine_detail", args=[other.reference])).status_code == 404


def test_project_page_shows_the_contract_promises(client, commissioner):
    contract = contract_with_kpis(1)
    kpi = contract.kpis.get()
    kpi.why_asked = "People told us this matters most."
    kpi.save()
    page = client.get(reverse("commissioning:detail", args=[contract.project.reference]))
    text = page.content.decode()
    assert contract.provider.name in text
    assert "People told us this matters most." in text
    assert contract.council_contact.full_name in text
    assert "By up to 12 months" in text


def test_the_contract_pages_lead_to_monitoring_feedback_and_social_value(client, commissioner):
    contract = contract_with_kpis(1)
    member, _ = make_member(contract.provider)
    ref = contract.reference
    wanted = [
        reverse("monitoring:contract", args=[ref]),
        reverse("feedback:responses", args=[ref]),
        reverse("feedback:visits", args=[ref]),
        reverse("social_value:contract", args=[ref]),
        reverse("feedback:give_easy", args=[ref]),
    ]
    for user, page in [
        (commissioner, reverse("contracts:detail", args=[ref])),
        (member, reverse("contracts:mine_detail", args=[ref])),
    ]:
        client.force_login(user)
        text = client.get(page).content.decode()
        for url in wanted:
            assert f'href="{url}"' in text, (page, url)
            assert client.get(url).status_code == 200, (user, url)
