"""Monitoring pages: sending a return, late returns on both sides, checking, the public
results on the project page, and the API's bad input."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse

from coproduce.deliver.monitoring import services as svc
from coproduce.deliver.monitoring.models import MonitoringReturn
from coproduce.foundation.core.testing import submission_key_of

from .factories import make_contract, send

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(commissioner):
    return make_contract(commissioner)


def test_provider_sends_a_return_from_the_page_once(client, world):
    contract, member = world
    client.force_login(member)
    url = reverse("monitoring:submit", args=[contract.reference, 3])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "KPI 3: People who say their peer supporter understood them." in html
    assert "KPI 4" not in html  # an annual KPI is not asked in month 3
    form = {
        "submission_key": submission_key_of(page),
        "kpi_1": "62",
        "kpi_2": "8.5",
        "kpi_3": "95%",
        "commentary": "Busy month.",
        "evidence": SimpleUploadedFile("report.pdf", PDF),
    }
    response = client.post(url, form)
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:return_detail", args=[contract.reference, 3])
    form["evidence"] = SimpleUploadedFile("report.pdf", PDF)
    assert client.post(url, form).status_code == 302  # a double click: the same result
    assert MonitoringReturn.objects.count() == 1
    detail = client.get(response["Location"]).content.decode()
    assert "report.pdf" in detail and "Busy month." in detail


def test_a_figure_in_the_wrong_unit_is_shown_on_the_form_and_nothing_is_saved(client, world):
    contract, member = world
    client.force_login(member)
    url = reverse("monitoring:submit", args=[contract.reference, 3])
    key = submission_key_of(client.get(url))
    response = client.post(
        url, {"submission_key": key, "kpi_1": "12.5", "kpi_2": "8", "kpi_3": "90"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "KPI 1 counts people or things: enter a whole number" in html
    assert 'href="#id_kpi_1"' in html
    assert MonitoringReturn.objects.count() == 0


def test_a_period_not_started_is_refused_on_the_page(client, world):
    contract, member = world
    client.force_login(member)
    response = client.post(
        reverse("monitoring:submit", args=[contract.reference, 10]),
        {"kpi_1": "1", "kpi_2": "1"},
    )
    assert response.status_code == 400
    assert "A return can only be sent once its period has started" in response.content.decode()
    assert (
        client.get(reverse("monitoring:submit", args=[contract.reference, 99])).status_code == 404
    )


def test_late_returns_are_shown_to_the_provider_and_the_officer(
    client, world, commissioner, django_assert_max_num_queries
):
    contract, member = world
    send(contract, member, 1)
    client.force_login(member)
    mine = client.get(reverse("monitoring:mine")).content.decode()
    assert "Late" in mine and "Send the return for Month 2 (it was due on" in mine
    client.force_login(commissioner)
    with django_assert_max_num_queries(40):
        desk = client.get(reverse("monitoring:desk")).content.decode()
    assert f"{contract.reference}</a> {contract.provider.name}: Month 2 was due on" in desk
    assert reverse("monitoring:return_detail", args=[contract.reference, 1]) in desk
    page = client.get(reverse("monitoring:contract", args=[contract.reference])).content.decode()
    assert page.count("govuk-tag--red") >= 6  # months 2 to 7 are late


def test_officer_queries_and_provider_corrects_on_the_pages(client, world, commissioner):
    contract, member = world
    send(contract, member, 1, {1: "40"})
    detail = reverse("monitoring:return_detail", args=[contract.reference, 1])
    client.force_login(commissioner)
    assert "Accept the return" in client.get(detail).content.decode()
    empty = client.post(reverse("monitoring:query", args=[contract.reference, 1]), {"question": ""})
    assert (
        empty.status_code == 400 and "Enter your question to the provider" in empty.content.decode()
    )
    client.post(reverse("monitoring:query", args=[contract.reference, 1]), {"question": "Only 40?"})
    client.force_login(member)
    page = client.get(detail).content.decode()
    assert "Only 40?" in page and "Correct the figures and answer" in page
    url = reverse("monitoring:correct", args=[contract.reference, 1])
    form = client.get(url)
    assert 'value="40"' in form.content.decode()
    response = client.post(
        url,
        {
            "submission_key": submission_key_of(form),
            "kpi_1": "46",
            "kpi_2": "8",
            "answer": "We miscounted.",
        },
    )
    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert "Earlier versions" in page and "We miscounted." in page


def test_evidence_downloads_as_an_attachment(client, world):
    contract, member = world
    ret = send(contract, member, 1, files=[SimpleUploadedFile("my <report>.pdf", PDF)])
    evidence = ret.submissions.get().evidence.get()
    client.force_login(member)
    response = client.get(reverse("monitoring:evidence", args=[contract.reference, 1, evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    missing = reverse("monitoring:evidence", args=[contract.reference, 1, evidence.pk + 1])
    assert client.get(missing).status_code == 404


def test_the_project_page_shows_only_accepted_figures_with_a_chart_and_table(world, commissioner):
    contract, member = world
    first = send(contract, member, 1, {1: "61"})
    first.contract = contract
    svc.return_accept(actor=commissioner, monitoring_return=first)
    send(contract, member, 2, {1: "44"})  # sent, not accepted: not public
    html = Template("{% load monitoring_tags %}{% project_monitoring project %}").render(
        Context({"project": contract.project})
    )
    assert "How the service is doing" in html
    assert "<svg" in html and "<title" in html and "<desc" in html
    assert "KPI 1 results over time" in html
    assert ">61<" in html and ">44<" not in html
    assert "Target 60" in html and "Red beyond 45" in html
    table = re.search(r"KPI 1: the figures in the chart.*?</table>", html, re.S).group(0)
    assert "Month 1" in table and "Month 2" not in table and "govuk-tag--green" in table


def test_the_api_refuses_bad_input_with_a_coded_message(client, world):
    contract, member = world
    client.force_login(member)
    url = f"/api/monitoring/{contract.reference}/returns"

    def post(body, **headers):
        return client.post(url, json.dumps(body), content_type="application/json", **headers)

    wrong_unit = post(
        {
            "period": 3,
            "figures": [
                {"kpi": 1, "value": "6"},
                {"kpi": 2, "value": "8"},
                {"kpi": 3, "value": "150"},
            ],
        }
    )
    assert wrong_unit.status_code == 400
    assert wrong_unit.json()["code"] == "figure_percent_range"
    assert wrong_unit.json()["field"] == "kpi_3"
    assert post({"period": 10, "figures": []}).json()["code"] == "period_not_started"
    assert post({"period": 99, "figures": []}).json()["code"] == "after_contract_end"
    assert post({"period": "x", "figures": []}).status_code == 400
    twice = post({"period": 1, "figures": [{"kpi": 1, "value": "6"}, {"kpi": 1, "value": "7"}]})
    assert twice.json()["code"] == "duplicate_kpi"
    assert MonitoringReturn.objects.count() == 0
    body = {"period": 1, "figures": [{"kpi": 1, "value": "61"}, {"kpi": 2, "value": "9"}]}
    first = post(body, HTTP_IDEMPOTENCY_KEY="retry-0123456789abcdef")
    again = post(body, HTTP_IDEMPOTENCY_KEY="retry-0123456789abcdef")
    assert first.status_code == again.status_code == 201
    assert MonitoringReturn.objects.count() == 1
    assert first.json()["submissions"][0]["figures"][0] == {
        "kpi": 1,
        "value": "61.00",
        "rag": "green",
    }
    results = client.get(f"/api/monitoring/{contract.reference}/results").json()
    assert results["kpis"][0]["results"] == []  # not accepted yet
