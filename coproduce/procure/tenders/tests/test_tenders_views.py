"""Tender pages: who sees what, forms with clear errors, downloads, and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coproduce.foundation.core.models import AuditEvent
from coproduce.foundation.core.templatetags.govuk import uk_datetime
from coproduce.procure.tenders.forms import UK
from coproduce.procure.tenders.models import Lot, Tender, TenderDocument, TenderStatus
from coproduce.procure.tenders.services import document_add, tender_publish

from . import test_tenders_support as support
from .test_tenders_documents import PDF
from .test_tenders_support import OUTSIDERS, STAFF, WRITERS, add_lot, earliest_deadline, login

# Fixtures shared by the tender test modules.
draft_tender = support.draft_tender
model = support.model
published_tender = support.published_tender
ready_project = support.ready_project
spec = support.spec


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _with_document(actor, tender):
    return document_add(
        actor=actor,
        tender=tender,
        title="Pricing schedule",
        kind="pricing",
        html_source="Prices per day.",
        upload=SimpleUploadedFile("prices.pdf", PDF),
    )


# --- the date format -------------------------------------------------------------------


def test_uk_datetime_shows_uk_clock_time_and_weekday_in_winter_and_summer():
    winter = dt.datetime(2026, 3, 3, 17, 0, tzinfo=dt.UTC)
    summer = dt.datetime(2026, 7, 1, 11, 30, tzinfo=dt.UTC)
    assert uk_datetime(winter) == "5:00pm on Tuesday 3 March 2026 (UK time)"
    assert uk_datetime(summer) == "12:30pm on Wednesday 1 July 2026 (UK time)"
    assert uk_datetime(None) == ""


# --- public pages ----------------------------------------------------------------------


@pytest.mark.parametrize("who", OUTSIDERS)
def test_anyone_reads_a_published_notice(client, request, who, published_tender):
    login(client, request, who)
    response = client.get(f"/opportunities/{published_tender.reference}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert published_tender.title in body
    assert uk_datetime(published_tender.deadline) in body
    assert "days left" in body
    assert "One small team runs the whole service." in body
    assert "People choose what they do each day." in body  # a requirement, with its evidence
    assert "Because people told us" in body


@pytest.mark.parametrize("who", OUTSIDERS)
def test_a_draft_is_not_found_for_the_public(client, request, who, draft_tender):
    login(client, request, who)
    for url in (
        f"/opportunities/{draft_tender.reference}/",
        f"/opportunities/{draft_tender.reference}/documents/",
    ):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", STAFF)
def test_council_staff_see_a_draft_marked_as_draft(client, request, who, draft_tender):
    login(client, request, who)
    response = client.get(f"/opportunities/{draft_tender.reference}/")
    assert response.status_code == 200
    assert "Draft: only council staff" in response.content.decode()


def test_an_unknown_reference_is_not_found(client, db):
    assert client.get("/opportunities/T-1999-0001/").status_code == 404


def test_a_tender_past_its_deadline_shows_closed(client, published_tender):
    Tender.objects.filter(pk=published_tender.pk).update(
        deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    body = client.get(f"/opportunities/{published_tender.reference}/").content.decode()
    assert "Closed for bids" in body
    assert "days left" not in body


def test_reserved_lots_are_explained_in_plain_words(client, commissioner, draft_tender):
    add_lot(commissioner, draft_tender, 1, value_pence=10_000_00, reserved_for="sme_vcse")
    add_lot(commissioner, draft_tender, 2)
    tender_publish(actor=commissioner, tender=draft_tender)
    body = client.get(f"/opportunities/{draft_tender.reference}/").content.decode()
    assert "Only small and medium-sized businesses, charities" in body
    assert "Any organisation" in body


def test_the_notice_page_runs_a_fixed_number_of_queries(
    client, commissioner, draft_tender, django_assert_max_num_queries
):
    for n in range(1, 6):
        add_lot(commissioner, draft_tender, n, value_pence=1_000_00)
    _with_document(commissioner, draft_tender)
    tender_publish(actor=commissioner, tender=draft_tender)
    with django_assert_max_num_queries(14):
        assert client.get(f"/opportunities/{draft_tender.reference}/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(f"/opportunities/{draft_tender.reference}/documents/").status_code == 200


def test_the_pack_lists_every_document_with_type_size_and_web_page(
    client, commissioner, draft_tender
):
    doc = _with_document(commissioner, draft_tender)
    tender_publish(actor=commissioner, tender=draft_tender)
    body = client.get(f"/opportunities/{draft_tender.reference}/documents/").content.decode()
    assert "Pricing schedule" in body
    assert "PDF" in body
    assert f"/opportunities/{draft_tender.reference}/documents/{doc.pk}/download/" in body
    assert "Service specification (version 1)" in body
    assert "How bids will be scored" in body
    html = client.get(f"/opportunities/{draft_tender.reference}/documents/{doc.pk}/")
    assert html.status_code == 200
    assert "Prices per day." in html.content.decode()


def test_a_download_is_an_attachment_with_its_checked_type(client, commissioner, draft_tender):
    doc = _with_document(commissioner, draft_tender)
    tender_publish(actor=commissioner, tender=draft_tender)
    response = client.get(f"/opportunities/{draft_tender.reference}/documents/{doc.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("who", OUTSIDERS)
def test_draft_documents_are_not_found_for_the_public(
    client, request, who, commissioner, draft_tender
):
    doc = _with_document(commissioner, draft_tender)
    login(client, request, who)
    base = f"/opportunities/{draft_tender.reference}/documents/{doc.pk}/"
    assert client.get(base).status_code == 404
    assert client.get(base + "download/").status_code == 404


def test_a_document_of_another_tender_is_not_found(client, commissioner, published_tender):
    other = TenderDocument.objects.exclude(tender=published_tender).first()
    assert other is None
    assert (
        client.get(f"/opportunities/{published_tender.reference}/documents/999999/").status_code
        == 404
    )


def test_an_html_only_document_has_no_download(client, published_tender):
    generated = published_tender.documents.first()
    url = f"/opportunities/{published_tender.reference}/documents/{generated.pk}/download/"
    assert client.get(url).status_code == 404


# --- staff pages -----------------------------------------------------------------------

STAFF_PAGES = ["edit/", "lots/", "documents/", "publish/"]


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_staff_pages_ask_anonymous_people_to_sign_in(client, draft_tender, page):
    response = client.get(f"/manage/tenders/{draft_tender.reference}/{page}")
    assert response.status_code == 302
    assert "sign-in" in response["Location"] or "login" in response["Location"]


@pytest.mark.parametrize("who", ["resident", "provider", "finance"])
@pytest.mark.parametrize("page", STAFF_PAGES)
def test_staff_pages_are_not_found_for_people_who_cannot_change_tenders(
    client, request, who, draft_tender, page
):
    login(client, request, who)
    assert client.get(f"/manage/tenders/{draft_tender.reference}/{page}").status_code == 404


@pytest.mark.parametrize("who", WRITERS)
@pytest.mark.parametrize("page", STAFF_PAGES)
def test_commissioners_open_the_staff_pages(client, request, who, draft_tender, page):
    login(client, request, who)
    assert client.get(f"/manage/tenders/{draft_tender.reference}/{page}").status_code == 200


def test_the_edit_page_shows_the_route_advisors_verdict(client, commissioner, draft_tender):
    Tender.objects.filter(pk=draft_tender.pk).update(
        deadline=earliest_deadline() - dt.timedelta(days=1)
    )
    client.force_login(commissioner)
    body = client.get(f"/manage/tenders/{draft_tender.reference}/edit/").content.decode()
    assert "Route advisor" in body
    assert "must be on or after" in body


@pytest.mark.parametrize("who", ["resident", "provider", "finance"])
def test_the_create_page_is_not_found_for_people_who_cannot_create(
    client, request, who, ready_project
):
    login(client, request, who)
    assert client.get(f"/projects/{ready_project.reference}/tenders/new/").status_code == 404


def test_create_asks_anonymous_people_to_sign_in(client, ready_project):
    assert client.get(f"/projects/{ready_project.reference}/tenders/new/").status_code == 302


def _form(ready_project, spec, model, **overrides):
    deadline = earliest_deadline() + dt.timedelta(days=3)
    local = deadline.astimezone(UK)
    data = {
        "title": "Carers’ breaks",
        "summary": "Short breaks for carers.",
        "service_area": ready_project.service_area_id,
        "value": "850,000",
        "specification": spec.pk,
        "evaluation_model": model.pk,
        "route": "open",
        "reserved_for": "",
        "suitable_for_small": "on",
        "deadline_date_0": str(local.day),
        "deadline_date_1": str(local.month),
        "deadline_date_2": str(local.year),
        "deadline_time": "5pm",
    }
    data.update(overrides)
    return data


def test_a_commissioner_creates_a_tender_through_the_form(
    client, commissioner, ready_project, spec, model
):
    client.force_login(commissioner)
    response = client.post(
        f"/projects/{ready_project.reference}/tenders/new/", _form(ready_project, spec, model)
    )
    assert response.status_code == 302
    tender = Tender.objects.get()
    assert tender.value_pence == 85_000_000
    assert tender.suitable_for_small
    assert tender.deadline.astimezone(UK).hour == 17
    again = client.post(
        f"/projects/{ready_project.reference}/tenders/new/", _form(ready_project, spec, model)
    )
    assert again.status_code == 302
    assert Tender.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "Enter a title for the tender"),
        ({"value": "-5"}, "cannot be negative"),
        ({"deadline_time": "25:00"}, "Enter a real time"),
        ({"deadline_time": ""}, "Enter the closing time"),
        ({"route": "reserved"}, "must say who it is reserved for"),
        ({"specification": "999999"}, "Select a valid choice"),
    ],
)
def test_bad_input_on_the_form_answers_400_and_stores_nothing(
    client, commissioner, ready_project, spec, model, change, message
):
    client.force_login(commissioner)
    response = client.post(
        f"/projects/{ready_project.reference}/tenders/new/",
        _form(ready_project, spec, model, **change),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "There is a problem" in body
    assert "<title>Error:" in body
    assert not Tender.objects.exists()


def test_lots_are_added_and_removed_through_the_page(client, commissioner, draft_tender):
    client.force_login(commissioner)
    url = f"/manage/tenders/{draft_tender.reference}/lots/"
    form = {"action": "add_lot", "lot-number": "1", "lot-title": "North", "lot-value": "10,000"}
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302  # double click
    lot = Lot.objects.get()
    assert lot.value_pence == 1_000_000
    bad = client.post(url, {**form, "lot-number": "x"})
    assert bad.status_code == 400
    assert Lot.objects.count() == 1
    remove = f"/manage/tenders/{draft_tender.reference}/lots/{lot.pk}/remove/"
    assert client.post(remove).status_code == 302
    assert client.post(remove).status_code == 302
    assert not Lot.objects.exists()
    assert AuditEvent.objects.filter(verb="tenders.lot.removed").count() == 1


def test_a_refused_upload_answers_400_and_stores_nothing(
    client, commissioner, draft_tender, tmp_path
):
    client.force_login(commissioner)
    response = client.post(
        f"/manage/tenders/{draft_tender.reference}/documents/",
        {
            "title": "Pack",
            "kind": "other",
            "html_source": "Text",
            "file": SimpleUploadedFile("pack.pdf", b"MZ\x90\x00program"),
        },
    )
    assert response.status_code == 400
    assert "program" in response.content.decode()
    assert not TenderDocument.objects.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_publishing_through_the_page_is_idempotent(client, commissioner, draft_tender):
    client.force_login(commissioner)
    url = f"/manage/tenders/{draft_tender.reference}/publish/"
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    assert AuditEvent.objects.filter(verb="tenders.tender.published").count() == 1
    draft_tender.refresh_from_db()
    assert draft_tender.status == TenderStatus.OPEN


def test_publishing_with_a_problem_answers_400_and_names_the_rule(
    client, commissioner, draft_tender
):
    Tender.objects.filter(pk=draft_tender.pk).update(no_lots_reason="")
    client.force_login(commissioner)
    response = client.post(f"/manage/tenders/{draft_tender.reference}/publish/")
    assert response.status_code == 400
    assert "record why it is not split" in response.content.decode()
    draft_tender.refresh_from_db()
    assert draft_tender.status == TenderStatus.DRAFT


@pytest.mark.parametrize("who", ["finance", "resident"])
def test_publishing_is_not_found_for_people_who_cannot_change_tenders(
    client, request, who, draft_tender
):
    login(client, request, who)
    assert client.post(f"/manage/tenders/{draft_tender.reference}/publish/").status_code == 404
    draft_tender.refresh_from_db()
    assert draft_tender.status == TenderStatus.DRAFT


@pytest.mark.parametrize("who", STAFF)
def test_staff_list_shows_every_tender_with_its_status(
    client, request, who, commissioner, draft_tender, django_assert_max_num_queries
):
    login(client, request, who)
    with django_assert_max_num_queries(8):
        response = client.get("/manage/tenders/")
    assert response.status_code == 200
    assert draft_tender.reference in response.content.decode()
    assert "Draft" in response.content.decode()


@pytest.mark.parametrize("who", ["resident", "provider"])
def test_staff_list_is_not_found_for_outsiders(client, request, who, draft_tender):
    login(client, request, who)
    assert client.get("/manage/tenders/").status_code == 404


def test_the_project_page_lists_its_tenders(client, commissioner, published_tender, draft_tender):
    project = published_tender.project
    body = client.get(f"/projects/{project.reference}/").content.decode()
    assert published_tender.reference in body
    client.force_login(commissioner)
    body = client.get(f"/projects/{project.reference}/").content.decode()
    assert "Create a tender" in body
