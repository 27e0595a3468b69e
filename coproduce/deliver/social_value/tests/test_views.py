"""The social value pages as people use them: import, promise, report, check, analyse,
and the public section on the project page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse

from coproduce.deliver.social_value import services as svc
from coproduce.deliver.social_value.models import (
    Commitment,
    Delivery,
    DeliveryStatus,
    MeasureTable,
    SroiOutcome,
)
from coproduce.foundation.accounts.tests.factories import make_member
from coproduce.foundation.core.testing import submission_key_of

from .factories import (
    EXAMPLE_CSV,
    import_table,
    make_analysis,
    make_commitment,
    make_contract,
    outcome_data,
    pdf,
    report,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(commissioner):
    import_table(commissioner)
    member, org = make_member(role="admin")
    return make_contract(commissioner, provider_org=org), member


def _date(prefix: str, day: dt.date) -> dict:
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_a_bad_measure_table_lists_every_problem_and_saves_nothing(client, commissioner):
    client.force_login(commissioner)
    url = reverse("social_value:measure_import")
    bad = EXAMPLE_CSV.replace(b",job,", b",furlong,").replace(b",15.50,", b",,")
    page = client.post(url, {"title": "Ours", "file": SimpleUploadedFile("m.csv", bad, "text/csv")})
    assert page.status_code == 400
    html = page.content.decode()
    assert "There is a problem" in html
    assert "Row 2: the unit “furlong” is not one we know" in html
    assert "Row 3: the financial proxy (£ value per unit) is missing" in html
    assert not MeasureTable.objects.exists()
    good = client.post(
        url, {"title": "Ours", "file": SimpleUploadedFile("m.csv", EXAMPLE_CSV, "text/csv")}
    )
    assert good.status_code == 302
    page = client.get(reverse("social_value:measures"))
    assert "Local disabled people in paid jobs for a year" in page.content.decode()
    assert "£20,000 per full-time job for a year" in page.content.decode()


def test_a_promise_through_the_page_is_saved_once_and_a_bad_one_names_the_rule(
    client, commissioner, world
):
    contract, _member = world
    client.force_login(commissioner)
    url = reverse("social_value:commitment_add", args=[contract.reference])
    key = submission_key_of(client.get(url))
    values = {"measure_code": "JOBS", "quantity": "-4", "details": "", "submission_key": key}
    values |= _date("due_by", contract.ends_on)
    page = client.post(url, values)
    assert page.status_code == 400
    assert (
        "The amount promised must be more than 0; it cannot be negative." in page.content.decode()
    )
    assert not Commitment.objects.exists()
    values["quantity"] = "4"
    assert client.post(url, values).status_code == 302
    assert client.post(url, values).status_code == 302  # the double click
    assert Commitment.objects.count() == 1


def test_the_provider_reports_with_evidence_and_the_officer_verifies(
    client, commissioner, world, django_assert_max_num_queries
):
    contract, member = world
    promise = make_commitment(commissioner, contract)
    client.force_login(member)
    url = reverse("social_value:delivery_report", args=[promise.pk])
    values = {"quantity": "2", "description": "Two people started work."}
    values |= _date("period_start", contract.starts_on)
    values |= _date("period_end", contract.starts_on + dt.timedelta(days=60))
    bad = client.post(url, values | {"evidence": SimpleUploadedFile("e.pdf", b"<html>hi")})
    assert bad.status_code == 400
    assert "The file is a web page or script, which is not allowed." in bad.content.decode()
    assert not Delivery.objects.exists()
    assert client.post(url, values | {"evidence": pdf()}).status_code == 302
    delivery = Delivery.objects.get()
    download = client.get(reverse("social_value:evidence", args=[delivery.pk]))
    assert download["Content-Disposition"] == f'attachment; filename="evidence-{delivery.pk}.pdf"'
    assert download.content.startswith(b"%PDF-")

    client.force_login(commissioner)
    with django_assert_max_num_queries(12):
        queue = client.get(reverse("social_value:queue"))
    assert reverse("social_value:delivery", args=[delivery.pk]) in queue.content.decode()
    decide = reverse("social_value:delivery_decide", args=[delivery.pk])
    refused = client.post(decide, {"decision": "reject", "note": ""})
    assert refused.status_code == 400
    assert "Say why the evidence does not show this delivery" in refused.content.decode()
    assert client.post(decide, {"decision": "verify", "note": ""}).status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.VERIFIED
    with django_assert_max_num_queries(14):
        page = client.get(reverse("social_value:contract", args=[contract.reference]))
    assert "£40,000" in page.content.decode()  # 2 jobs at £20,000, checked


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("deadweight", "150", "Deadweight must be between 0% and 100%"),
        ("attribution", "-1", "Attribution must be between 0% and 100%"),
        ("drop_off", "NaN", "Drop-off must be a number from 0 to 100."),
        ("duration_years", "0", "The duration must be a whole number of years from 1 to 50."),
        ("duration_years", "51", "The duration must be a whole number of years from 1 to 50."),
        ("proxy_pence", "-10", "The financial proxy cannot be negative."),
        ("quantity", "-2", "The quantity must be 0 or more; it cannot be negative."),
    ],
)
def test_the_sroi_editor_refuses_bad_numbers_naming_the_rule(
    client, commissioner, world, field, value, message
):
    contract, _ = world
    analysis = make_analysis(commissioner, contract, outcomes=0)
    client.force_login(commissioner)
    url = reverse("social_value:sroi_outcome_add", args=[analysis.reference])
    values = dict(vars(outcome_data()))
    values["proxy_pence"] = "1000"
    values[field] = value
    values["submission_key"] = submission_key_of(client.get(url))
    page = client.post(url, values)
    assert page.status_code == 400
    html = page.content.decode()
    assert "There is a problem" in html and message in html
    assert not SroiOutcome.objects.exists()


def test_negative_inputs_and_a_wild_discount_rate_are_refused(client, commissioner, world):
    contract, _ = world
    analysis = make_analysis(commissioner, contract)
    client.force_login(commissioner)
    url = reverse("social_value:sroi_edit", args=[analysis.reference])
    values = {
        "title": "T",
        "kind": "forecast",
        "inputs_pence": "-5",
        "inputs_description": "x",
        "discount_rate": "3.5",
        "first_year": "2026",
    }
    page = client.post(url, values)
    assert page.status_code == 400
    assert "The inputs cannot be negative" in page.content.decode()
    page = client.post(url, values | {"inputs_pence": "100", "discount_rate": "1e309"})
    assert "The discount rate must be a number from 0% to 20%" in page.content.decode()


def test_an_analysis_reads_in_plain_words_with_its_sensitivity_table(client, commissioner, world):
    contract, _ = world
    analysis = make_analysis(commissioner, contract, published=True)
    page = client.get(reverse("social_value:sroi_detail", args=[analysis.reference]))
    html = page.content.decode()
    # 40 × £10,000 × 0.8 × 0.95 × 0.9 = £273,600 in year 1, 25% drop-off, 3 years, 3.5%,
    # for £480,000: present value £594,713; ratio 1.24.
    assert "For every £1 spent, about £1.24 of social value." in html
    assert "£594,713" in html
    assert "Deadweight (what would have happened anyway): +25 points" in html
    assert "Discount rate 6% instead" in html


def test_the_project_page_section_shows_agreed_promises_checked_delivery_and_published_sroi(
    commissioner, world
):
    contract, member = world
    promise = make_commitment(commissioner, contract, code="JOBS", quantity="4")
    svc.delivery_verify(actor=commissioner, delivery=report(member, promise, quantity="1"))
    report(member, promise, quantity="2")  # waiting: not counted
    make_commitment(member, contract, code="VOL", quantity="999")  # proposed: not shown
    draft = make_analysis(commissioner, contract)
    published = make_analysis(commissioner, contract, published=True)
    html = Template("{% load social_value_tags %}{% project_social_value project %}").render(
        Context({"project": contract.project})
    )
    assert "promised social value worth £80,000" in html
    assert "So far £20,000 has been delivered and checked against evidence." in html
    assert "2 more waiting to be checked" in html
    assert "Volunteering hours" not in html
    assert published.reference in html and draft.reference not in html
    assert "How sure is this? (sensitivity)" in html


def test_the_project_page_section_is_empty_without_social_value(commissioner):
    contract = make_contract(commissioner)
    html = Template("{% load social_value_tags %}{% project_social_value project %}").render(
        Context({"project": contract.project})
    )
    assert html.strip() == ""


def test_declining_a_proposal_without_a_reason_is_refused_on_the_contract_page(
    client, commissioner, world
):
    contract, member = world
    proposal = make_commitment(member, contract, code="VOL", quantity="10")
    client.force_login(member)
    mine = client.get(reverse("social_value:mine"))
    assert reverse("social_value:contract", args=[contract.reference]) in mine.content.decode()
    client.force_login(commissioner)
    url = reverse("social_value:commitment_decide", args=[proposal.pk])
    page = client.post(url, {"decision": "decline", "reason": ""})
    assert page.status_code == 400
    html = page.content.decode()
    assert "There is a problem" in html and "Say why the promise is not agreed." in html
    proposal.refresh_from_db()
    assert proposal.status == "proposed"
    assert (
        client.post(url, {"decision": "decline", "reason": "Already in the contract."}).status_code
        == 302
    )
    page = client.get(reverse("social_value:contract", args=[contract.reference]))
    assert "Already in the contract." in page.content.decode()
