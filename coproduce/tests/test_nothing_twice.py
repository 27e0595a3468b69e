"""Nothing twice, across the create forms: a form sent twice with its key stores one row.

Each create form carries a one-time ``submission_key`` (``coproduce.foundation.core
.idempotency``). Two identical POSTs with the same key store one row and both get the same
answer; before this, each POST stored its own row. The ideas forms have their own tests,
including 20 simultaneous POSTs on PostgreSQL (``understand/ideas/tests``).
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from coproduce.foundation.accounts.models import Organisation
from coproduce.foundation.accounts.tests.factories import make_member
from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.errors import ServiceError
from coproduce.foundation.core.testing import submission_key_of
from coproduce.foundation.core.tests.factories import service_area
from coproduce.plan.forward_plan import services as pipeline
from coproduce.plan.forward_plan.models import ForumEvent, PlanEntry
from coproduce.plan.forward_plan.tests.factories import event_data, plan_data
from coproduce.procure.complaints.models import Complaint
from coproduce.procure.tenders.models import Clarification, ProcessFeedback
from coproduce.procure.tenders.tests.factories import make_tender
from coproduce.understand.participatory_budgeting.models import Phase, Proposal, Round
from coproduce.understand.participatory_budgeting.tests.factories import make_round

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _complaint(client, commissioner, resident):
    tender = make_tender(actor=commissioner)
    form = {
        "subject": "process",
        "details": "Questions were answered for some bidders only.",
        "outcome_wanted": "Publish all answers.",
        "contact_name": "Ada Complainant",
        "contact_email": "ada@example.org",
    }
    return f"/complaints/new/{tender.reference}/", form, Complaint.objects.count


def _question(client, commissioner, resident):
    tender = make_tender(actor=commissioner)
    user, org = make_member()
    client.force_login(user)
    url = reverse("tenders:ask", args=[tender.reference])
    return url, {"organisation": org.slug, "question": "Once?"}, Clarification.objects.count


def _feedback(client, commissioner, resident):
    tender = make_tender(actor=commissioner)
    url = reverse("tenders:feedback", args=[tender.reference])
    form = {"rating": "4", "clarity": "5", "time_enough": "no", "comments": "More time."}
    return url, form, ProcessFeedback.objects.count


def _proposal(client, commissioner, resident):
    round_ = make_round(commissioner, phase=Phase.PROPOSALS, costs=())
    client.force_login(resident)
    url = reverse("budgeting:propose", args=[round_.reference])
    form = {"title": "Benches", "description": "By the river", "estimated_cost": "1,200"}
    return url, form, Proposal.objects.count


def _organisation(client, commissioner, resident):
    client.force_login(resident)
    form = {
        "name": "Riverside Forum",
        "legal_form": "cio",
        "size_band": "small",
        "description": "Run by and for disabled people.",
        "postcode": "rv1 3dp",
        "service_areas": [service_area().pk],
        **{f"id_{scheme}": "" for scheme in ("gb_chc", "gb_coh", "gb_sc", "gb_nic", "gb_mpr")},
    }
    return "/organisations/new/", form, Organisation.objects.count


def _project(client, commissioner, resident):
    client.force_login(commissioner)
    form = {
        "title": "Carers’ breaks",
        "summary": "Short breaks for carers.",
        "budget": "850,000",
        "starts_on_0": "1",
        "starts_on_1": "10",
        "starts_on_2": "2027",
        "ends_on_0": "30",
        "ends_on_1": "9",
        "ends_on_2": "2030",
        "service_area": service_area().pk,
        "owner": commissioner.pk,
    }
    return "/manage/projects/new/", form, CommissioningProject.objects.count


def _round(client, commissioner, resident):
    client.force_login(commissioner)
    form = {
        "title": "Ward fund",
        "description": "For the ward.",
        "budget": "20,000",
        "areas": "North: 5,000\nSouth: 5000",
        "ballot_type": "knapsack",
        "rule": "mes",
        "min_age": "16",
        "allow_codes": "on",
        "postcode_areas": "",
    }
    steps = ["proposals_open_on", "review_starts_on", "voting_opens_on", "voting_closes_on"]
    for month, name in enumerate([*steps, "results_on"], start=2):
        form.update({f"{name}_0": "1", f"{name}_1": str(month), f"{name}_2": "2027"})
    return reverse("budgeting:manage_create"), form, Round.objects.count


FORMS = {
    "complaint raised by anyone": _complaint,
    "tender question asked by a member": _question,
    "process feedback given by anyone": _feedback,
    "budgeting proposal by a resident": _proposal,
    "organisation created by a resident": _organisation,
    "project created by a commissioner": _project,
    "budgeting round created by a commissioner": _round,
}


@pytest.mark.parametrize("name", FORMS)
def test_a_create_form_sent_twice_with_its_key_stores_one_row_and_answers_the_same(
    client, commissioner, resident, name
):
    url, form, count = FORMS[name](client, commissioner, resident)
    before = count()
    key = submission_key_of(client.get(url))
    first = client.post(url, {**form, "submission_key": key})
    second = client.post(url, {**form, "submission_key": key})
    assert first.status_code in (200, 302)
    assert second.status_code == first.status_code
    assert first.get("Location") == second.get("Location")
    assert count() == before + 1
    if first.status_code == 200:  # a confirmation page (complaints): the same reference
        assert first.context["complaint"].pk == second.context["complaint"].pk


@pytest.mark.parametrize("name", FORMS)
def test_a_new_render_of_a_create_form_gives_a_new_key(client, commissioner, resident, name):
    url, _, _ = FORMS[name](client, commissioner, resident)
    assert submission_key_of(client.get(url)) != submission_key_of(client.get(url))


def test_officer_create_pages_carry_a_key(client, commissioner, published_project):
    client.force_login(commissioner)
    project = published_project.reference
    for url in (
        "/manage/consultations/new/",
        f"/projects/{project}/tenders/new/",
        f"/projects/{project}/evaluation/new/",
        reverse("pipeline:plan_create"),
        reverse("pipeline:event_create"),
    ):
        assert submission_key_of(client.get(url)), url


@pytest.mark.parametrize(
    ("service", "data", "model"),
    [
        (pipeline.plan_entry_create, plan_data, PlanEntry),
        (pipeline.event_create, event_data, ForumEvent),
    ],
)
def test_an_officer_service_called_twice_with_one_key_creates_once(
    commissioner, service, data, model
):
    first = service(actor=commissioner, data=data(), submission_key="k" * 32)
    again = service(actor=commissioner, data=data(), submission_key="k" * 32)
    other = service(actor=commissioner, data=data(), submission_key="j" * 32)
    assert first.pk == again.pk != other.pk
    assert model.objects.count() == 2


def test_a_key_from_another_person_creates_their_own_row(commissioner, platform_admin):
    mine = pipeline.plan_entry_create(actor=commissioner, data=plan_data(), submission_key="k" * 32)
    theirs = pipeline.plan_entry_create(
        actor=platform_admin, data=plan_data(), submission_key="k" * 32
    )
    assert mine.pk != theirs.pk


def test_an_api_create_with_an_idempotency_key_is_stored_once(client, commissioner):
    client.force_login(commissioner)
    payload = {
        "title": "Carers’ breaks",
        "service_area": service_area().slug,
        "summary": "Short breaks.",
        "budget_pence": 85_000_000,
        "starts_on": "2027-10-01",
        "ends_on": "2030-09-30",
    }
    headers = {"Idempotency-Key": "4f9c1c2e-2d43-4a54-8a43-0b8f0a1f7e11"}
    first = client.post("/api/projects", payload, content_type="application/json", headers=headers)
    again = client.post("/api/projects", payload, content_type="application/json", headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["reference"] == again.json()["reference"]
    assert CommissioningProject.objects.count() == 1
    bad = client.post(
        "/api/projects",
        payload,
        content_type="application/json",
        headers={"Idempotency-Key": "<not a key>"},
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "submission_key_invalid"


def test_an_api_question_with_an_idempotency_key_is_stored_once(client, commissioner):
    tender = make_tender(actor=commissioner)
    user, org = make_member()
    client.force_login(user)
    url = f"/api/opportunities/{tender.reference}/questions"
    headers = {"Idempotency-Key": "question-0001-aaaa-bbbb"}
    for text in ("Why?", "Why, again?"):  # the key wins, even though the text changed
        response = client.post(
            url,
            {"organisation": org.slug, "question": text},
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 201
    assert Clarification.objects.count() == 1


def test_a_malformed_key_is_refused_with_a_code(commissioner):
    with pytest.raises(ServiceError) as refused:
        pipeline.plan_entry_create(actor=commissioner, data=plan_data(), submission_key="short")
    assert refused.value.code == "submission_key_invalid"
    assert not PlanEntry.objects.exists()
