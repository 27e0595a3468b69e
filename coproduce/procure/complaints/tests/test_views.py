"""Complaint pages and API: who sees what, identities never public, forms, query counts."""

from __future__ import annotations

import pytest
from django.core import mail

from coproduce.procure.complaints import services as svc
from coproduce.procure.complaints.models import Complaint
from coproduce.procure.tenders.tests.factories import make_tender

from .test_services import data

pytestmark = pytest.mark.django_db

FORM = {
    "subject": "process",
    "details": "Questions were answered for some bidders only.",
    "outcome_wanted": "Publish all answers.",
    "contact_name": "Ada Complainant",
    "contact_email": "ada@example.org",
}


@pytest.fixture
def tender(commissioner):
    return make_tender(actor=commissioner)


@pytest.fixture
def complaint(tender):
    return svc.complaint_raise(actor=None, tender=tender, data=data())


def decide(actor, complaint, upheld=False):
    svc.complaint_start_review(actor=actor, complaint=complaint, note="Reviewing")
    return svc.complaint_decide(
        actor=actor,
        complaint=complaint,
        upheld=upheld,
        response="Dear Ada, we looked carefully.",
        published_outcome="Not upheld: every answer was published to all bidders.",
    )


def test_anyone_can_raise_a_complaint_and_gets_the_reference(
    client, tender, django_capture_on_commit_callbacks
):
    assert client.get(f"/complaints/new/{tender.reference}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/complaints/new/{tender.reference}/", FORM)
    complaint = Complaint.objects.get()
    assert complaint.reference in response.content.decode()
    assert mail.outbox[0].to == ["ada@example.org"]


def test_a_draft_tender_has_no_complaints_pages(client, commissioner):
    draft = make_tender(actor=commissioner, status="draft")
    assert client.get(f"/complaints/new/{draft.reference}/").status_code == 404
    assert client.get(f"/opportunities/{draft.reference}/complaints/").status_code == 404
    assert client.get(f"/api/opportunities/{draft.reference}/complaints").status_code == 404


def test_bad_complaint_answers_400_and_stores_nothing(client, tender):
    response = client.post(f"/complaints/new/{tender.reference}/", {**FORM, "details": ""})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_signed_in_member_may_name_their_organisation(client, tender, provider, organisation):
    client.force_login(provider)
    assert organisation.name in client.get(f"/complaints/new/{tender.reference}/").content.decode()
    client.post(f"/complaints/new/{tender.reference}/", {**FORM, "organisation": organisation.pk})
    assert Complaint.objects.get().organisation == organisation


def test_desk_sends_anonymous_people_to_sign_in(client, complaint):
    assert client.get("/complaints/").status_code == 302
    assert client.get(f"/complaints/{complaint.reference}/").status_code == 302


@pytest.mark.parametrize("who", ["resident", "provider"])
def test_desk_is_not_found_for_the_public(client, request, who, complaint):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/complaints/").status_code == 404
    assert client.get(f"/complaints/{complaint.reference}/").status_code == 404
    assert (
        client.post(f"/complaints/{complaint.reference}/acknowledge/", {"note": "x"}).status_code
        == 404
    )


def test_finance_reads_the_desk_but_cannot_act(client, finance, complaint):
    client.force_login(finance)
    assert client.get("/complaints/").status_code == 200
    body = client.get(f"/complaints/{complaint.reference}/").content.decode()
    assert "ada@example.org" in body and "Acknowledge" not in body
    assert (
        client.post(f"/complaints/{complaint.reference}/acknowledge/", {"note": "x"}).status_code
        == 404
    )
    complaint.refresh_from_db()
    assert complaint.status == "received"


def test_commissioner_moves_a_complaint_through_the_desk(client, commissioner, complaint):
    client.force_login(commissioner)
    url = f"/complaints/{complaint.reference}/"
    assert client.post(url + "acknowledge/", {"note": "Thanks"}).status_code == 302
    assert client.post(url + "review/", {"note": "Looking"}).status_code == 302
    bad = client.post(
        url + "decide/", {"decision": "upheld", "response": "Yes", "published_outcome": ""}
    )
    assert bad.status_code == 400
    ok = client.post(
        url + "decide/", {"decision": "upheld", "response": "Yes", "published_outcome": "Upheld."}
    )
    assert ok.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "upheld"
    assert client.post(url + "nonsense/", {"note": "x"}).status_code == 404


def test_desk_list_flags_overdue_and_counts_queries(
    client, commissioner, tender, django_assert_max_num_queries
):
    for _ in range(5):
        svc.complaint_raise(actor=None, tender=tender, data=data())
    Complaint.objects.filter(pk=Complaint.objects.first().pk).update(respond_by="2020-01-01")
    client.force_login(commissioner)
    with django_assert_max_num_queries(5):
        body = client.get("/complaints/").content.decode()
    assert body.count("Overdue") == 1


def test_public_outcomes_show_no_identities(client, commissioner, tender, provider, organisation):
    mine = svc.complaint_raise(
        actor=provider, tender=tender, data=data(organisation_id=organisation.pk)
    )
    decide(commissioner, mine)
    svc.complaint_raise(
        actor=None,
        tender=tender,
        data=data(contact_name="Bob Open", contact_email="bob@example.org"),
    )
    for url in (
        f"/opportunities/{tender.reference}/complaints/",
        f"/api/opportunities/{tender.reference}/complaints",
    ):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert "every answer was published" in body
        for secret in (
            "Ada Complainant",
            "ada@example.org",
            "Bob Open",
            "bob@example.org",
            organisation.name,
            "Dear Ada",
            "deadline is too short",
        ):
            assert secret not in body
    api = client.get(f"/api/opportunities/{tender.reference}/complaints").json()
    assert api["open_count"] == 1 and len(api["decided"]) == 1


def test_public_outcomes_query_count(client, commissioner, tender, django_assert_max_num_queries):
    for _ in range(4):
        decide(commissioner, svc.complaint_raise(actor=None, tender=tender, data=data()))
    with django_assert_max_num_queries(4):
        assert client.get(f"/opportunities/{tender.reference}/complaints/").status_code == 200


def test_complainant_follows_and_withdraws_by_the_signed_link(client, commissioner, complaint):
    svc.complaint_acknowledge(
        actor=commissioner, complaint=complaint, note="We have your complaint."
    )
    token = svc.complaint_token(complaint)
    body = client.get(f"/complaints/track/{token}/").content.decode()
    assert "Acknowledged" in body and "We have your complaint." in body
    assert client.get(f"/complaints/track/{token}x/").status_code == 404
    assert client.post(f"/complaints/track/{token}x/", {"note": ""}).status_code == 404
    assert client.post(f"/complaints/track/{token}/", {"note": "Sorted"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "withdrawn"


def test_signed_in_complainant_sees_their_own_list_and_no_one_elses(
    client, tender, provider, resident
):
    own = svc.complaint_raise(actor=provider, tender=tender, data=data())
    client.force_login(provider)
    assert own.reference in client.get("/complaints/yours/").content.decode()
    assert client.get(f"/complaints/yours/{own.reference}/").status_code == 200
    client.force_login(resident)
    assert own.reference not in client.get("/complaints/yours/").content.decode()
    assert client.get(f"/complaints/yours/{own.reference}/").status_code == 404
    client.logout()
    assert client.get("/complaints/yours/").status_code == 302
