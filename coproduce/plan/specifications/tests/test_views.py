"""Specification pages and API: who sees what, forms with clear errors, query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coproduce.foundation.commissioning.tests.factories import make_project
from coproduce.foundation.core.models import AuditEvent
from coproduce.plan.specifications.models import Requirement, Specification
from coproduce.plan.specifications.selectors import specification_as_html
from coproduce.plan.specifications.services import (
    requirement_add,
    specification_create,
    specification_new_version,
    specification_publish,
)
from coproduce.understand.consultations.tests.factories import make_finding

from .conftest import (
    OUTSIDERS,
    STAFF,
    WRITERS,
    kpi,
    login,
    make_idea,
    outcome,
    spec_data,
)

pytestmark = pytest.mark.django_db


def _public(project, suffix=""):
    return f"/projects/{project.reference}/specification/{suffix}"


def _manage(project, suffix=""):
    return f"/manage/projects/{project.reference}/specification/{suffix}"


SPEC_POST = {
    "title": "Day opportunities",
    "purpose": "Things to do in the day.",
    "involvement": "",
    "inclusion": "",
    "contract_years": "5",
    "contract_years_other": "",
    "short_term_reason": "",
    "extension_years": "2",
    "estimated_value_pence": "1,200,000",
}


# --- public pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", [*OUTSIDERS, *STAFF])
def test_anyone_reads_the_current_specification_with_its_evidence(
    client, request, who, published_spec, finding
):
    login(client, request, who)
    response = client.get(_public(published_spec.project))
    assert response.status_code == 200
    body = response.content.decode()
    assert "What you told us → what we asked for" in body
    assert finding.reference in body
    assert finding.statement in body
    assert "12 people told us this" in body
    assert f"/findings/{finding.reference}/" in body
    assert "Target: 90 % of people asked, reported every 3 months." in body
    assert "Draft:" not in body


@pytest.mark.parametrize("who", OUTSIDERS)
def test_a_draft_is_not_found_for_the_public(client, request, who, draft_spec):
    login(client, request, who)
    assert client.get(_public(draft_spec.project)).status_code == 404
    assert client.get(_public(draft_spec.project, "v1/")).status_code == 404
    assert client.get(_public(draft_spec.project, "history/")).status_code == 404


@pytest.mark.parametrize("who", STAFF)
def test_council_staff_see_a_draft_marked_as_such(client, request, who, draft_spec):
    login(client, request, who)
    response = client.get(_public(draft_spec.project, "v1/"))
    assert response.status_code == 200
    assert "Draft: only council staff" in response.content.decode()


@pytest.mark.parametrize("who", OUTSIDERS)
def test_a_published_specification_of_a_draft_project_is_hidden(
    client, request, who, commissioner, draft_project
):
    spec = specification_create(actor=commissioner, project=draft_project, data=spec_data())
    requirement_add(actor=commissioner, specification=spec, data=outcome())
    specification_publish(actor=commissioner, specification=spec)
    login(client, request, who)
    assert client.get(_public(draft_project)).status_code == 404


def test_missing_project_or_version_is_not_found(client, published_spec):
    assert client.get("/projects/P-0000-0000/specification/").status_code == 404
    assert client.get(_public(published_spec.project, "v9/")).status_code == 404


def test_superseded_version_stays_readable_and_links_to_current(
    client, commissioner, published_spec
):
    project = published_spec.project
    new = specification_new_version(actor=commissioner, project=project, reason="Evenings too")
    requirement_add(actor=commissioner, specification=new, data=outcome("Evening activities."))
    specification_publish(actor=commissioner, specification=new)
    old = client.get(_public(project, "v1/")).content.decode()
    assert "This version has been replaced." in old
    current = client.get(_public(project)).content.decode()
    assert "Evening activities." in current
    history = client.get(_public(project, "history/")).content.decode()
    assert "Evenings too" in history
    assert "Added" in history and "Evening activities." in history


def test_public_page_query_count_does_not_grow_with_requirements(
    client, commissioner, published_project, published_entry
):
    findings = [make_finding(published_project, commissioner, statement=f"F{i}") for i in range(3)]
    ideas = [make_idea(published_project, title=f"Idea {i}") for i in range(3)]

    def build(n):
        spec = Specification.objects.filter(project=published_project, status="draft").first()
        if spec is None:
            spec = specification_new_version(
                actor=commissioner, project=published_project, reason="More"
            )
        for i in range(n):
            requirement_add(
                actor=commissioner,
                specification=spec,
                data=outcome(
                    f"Outcome {spec.version}-{i}",
                    finding_ids=[f.pk for f in findings],
                    idea_ids=[i.pk for i in ideas],
                    equality_entry_ids=[published_entry.pk],
                ),
            )
        specification_publish(actor=commissioner, specification=spec)

    spec = specification_create(actor=commissioner, project=published_project, data=spec_data())
    requirement_add(actor=commissioner, specification=spec, data=outcome("One"))
    specification_publish(actor=commissioner, specification=spec)
    client.get(_public(published_project))
    with CaptureQueriesContext(connection) as few:
        client.get(_public(published_project))
    build(8)
    with CaptureQueriesContext(connection) as many:
        response = client.get(_public(published_project))
    assert response.status_code == 200
    assert len(many) <= len(few)


def test_public_page_has_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, published_spec
):
    with django_assert_max_num_queries(12):
        assert client.get(_public(published_spec.project)).status_code == 200


def test_typed_text_is_escaped(client, commissioner, published_project):
    spec = specification_create(
        actor=commissioner, project=published_project, data=spec_data(purpose="<script>x</script>")
    )
    requirement_add(actor=commissioner, specification=spec, data=outcome("<b>bold</b>"))
    specification_publish(actor=commissioner, specification=spec)
    body = client.get(_public(published_project)).content.decode()
    assert "<script>x</script>" not in body
    assert "&lt;b&gt;bold&lt;/b&gt;" in body
    html = specification_as_html(spec)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "What the service is for" in html


# --- reverse links on the evidence pages ---------------------------------------------------


def test_finding_page_links_forward_to_the_requirement(client, published_spec, finding):
    body = client.get(f"/findings/{finding.reference}/").content.decode()
    assert "What we asked for because of this" in body
    assert f"/projects/{published_spec.project.reference}/specification/#requirement-1" in body


def test_uncited_finding_page_has_no_forward_link(client, commissioner, published_spec):
    other = make_finding(published_spec.project, commissioner, statement="Unrelated.")
    body = client.get(f"/findings/{other.reference}/").content.decode()
    assert "What we asked for because of this" not in body


def test_a_draft_citation_is_not_shown_on_the_finding_page(client, commissioner, draft_spec):
    finding = make_finding(draft_spec.project, commissioner)
    requirement_add(
        actor=commissioner, specification=draft_spec, data=outcome(finding_ids=[finding.pk])
    )
    body = client.get(f"/findings/{finding.reference}/").content.decode()
    assert "What we asked for because of this" not in body


def test_idea_and_equality_pages_link_forward(
    client, commissioner, published_project, published_entry
):
    idea = make_idea(published_project)
    spec = specification_create(actor=commissioner, project=published_project, data=spec_data())
    requirement_add(
        actor=commissioner,
        specification=spec,
        data=outcome(idea_ids=[idea.pk], equality_entry_ids=[published_entry.pk]),
    )
    specification_publish(actor=commissioner, specification=spec)
    body = client.get(f"/ideas/{idea.reference}/").content.decode()
    assert "What we asked for because of this" in body
    body = client.get(f"/equality-impact/{published_project.reference}/").content.decode()
    assert body.count("What we asked for because of this") == 1


def test_project_page_links_to_the_specification(client, commissioner, published_spec):
    project = published_spec.project
    body = client.get(f"/projects/{project.reference}/").content.decode()
    assert _public(project) in body
    assert _manage(project) not in body
    client.force_login(commissioner)
    assert _manage(project) in client.get(f"/projects/{project.reference}/").content.decode()


# --- the working page and forms --------------------------------------------------------------


def test_working_page_needs_sign_in(client, published_project):
    response = client.get(_manage(published_project))
    assert response.status_code == 302
    assert "/sign-in/" in response["Location"] or "login" in response["Location"]


@pytest.mark.parametrize("who", ["resident", "provider"])
def test_working_page_is_not_found_for_the_public(client, request, who, draft_spec):
    login(client, request, who)
    assert client.get(_manage(draft_spec.project)).status_code == 404


@pytest.mark.parametrize("who", STAFF)
def test_staff_see_the_working_page_with_gaps(client, request, who, commissioner, draft_spec):
    finding = make_finding(draft_spec.project, commissioner, statement="Nobody cites me.")
    requirement_add(actor=commissioner, specification=draft_spec, data=outcome("Bare outcome"))
    login(client, request, who)
    body = client.get(_manage(draft_spec.project)).content.decode()
    assert "1 requirement cites no evidence." in body
    assert "cites nothing" in body
    assert finding.reference in body
    assert ("Add a requirement" in body) is (who != "finance")


def test_working_page_query_count_does_not_grow(
    client, commissioner, draft_spec, django_assert_max_num_queries
):
    client.force_login(commissioner)
    for i in range(10):
        requirement_add(actor=commissioner, specification=draft_spec, data=outcome(f"O{i}"))
    with django_assert_max_num_queries(16):
        assert client.get(_manage(draft_spec.project)).status_code == 200


@pytest.mark.parametrize("who", WRITERS)
def test_writers_create_the_first_draft(client, request, who, published_project):
    login(client, request, who)
    assert client.get(_manage(published_project, "new/")).status_code == 200
    response = client.post(_manage(published_project, "new/"), SPEC_POST)
    assert response.status_code == 302
    spec = Specification.objects.get()
    assert (spec.contract_years, spec.extension_years) == (5, 2)
    assert spec.estimated_value_pence == 120_000_000
    # A double click lands on the same draft.
    assert client.post(_manage(published_project, "new/"), SPEC_POST).status_code == 302
    assert Specification.objects.count() == 1


@pytest.mark.parametrize("who", ["finance", "resident", "provider"])
def test_others_cannot_create_a_draft(client, request, who, published_project):
    login(client, request, who)
    assert client.get(_manage(published_project, "new/")).status_code == 404
    assert client.post(_manage(published_project, "new/"), SPEC_POST).status_code == 404
    assert not Specification.objects.exists()


def test_anonymous_create_redirects_to_sign_in(client, published_project):
    assert client.post(_manage(published_project, "new/"), SPEC_POST).status_code == 302
    assert not Specification.objects.exists()


def test_other_contract_length_is_used(client, commissioner, published_project):
    client.force_login(commissioner)
    data = {**SPEC_POST, "contract_years": "other", "contract_years_other": "4"}
    assert client.post(_manage(published_project, "new/"), data).status_code == 302
    assert Specification.objects.get().contract_years == 4


def test_short_contract_without_reason_shows_the_warning(client, commissioner, published_project):
    client.force_login(commissioner)
    page = client.get(_manage(published_project, "new/")).content.decode()
    assert "Say why it needs to be this short." not in page
    data = {**SPEC_POST, "contract_years": "other", "contract_years_other": "1"}
    response = client.post(_manage(published_project, "new/"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "<title>Error:" in body
    assert "There is a problem" in body
    assert "Say why it needs to be this short." in body  # the warning
    assert "Say why the contract needs to be this short." in body  # the error
    assert not Specification.objects.exists()
    data["short_term_reason"] = "A one-year pilot while we test the model."
    assert client.post(_manage(published_project, "new/"), data).status_code == 302
    assert Specification.objects.get().contract_years == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"contract_years": "other", "contract_years_other": ""}, "Enter how many years"),
        ({"estimated_value_pence": "-5"}, "£0 or more"),
        ({"title": ""}, "Enter a title"),
    ],
)
def test_bad_details_answer_400_and_store_nothing(
    client, commissioner, published_project, overrides, message
):
    client.force_login(commissioner)
    response = client.post(_manage(published_project, "new/"), {**SPEC_POST, **overrides})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Specification.objects.exists()


def test_edit_draft_details(client, commissioner, draft_spec):
    client.force_login(commissioner)
    assert client.get(_manage(draft_spec.project, "edit/")).status_code == 200
    response = client.post(_manage(draft_spec.project, "edit/"), {**SPEC_POST, "title": "New"})
    assert response.status_code == 302
    draft_spec.refresh_from_db()
    assert draft_spec.title == "New"


@pytest.mark.parametrize("who", ["finance", "resident"])
def test_others_cannot_edit(client, request, who, draft_spec):
    login(client, request, who)
    assert client.post(_manage(draft_spec.project, "edit/"), SPEC_POST).status_code == 404


def test_published_version_has_no_edit_page(client, commissioner, published_spec):
    client.force_login(commissioner)
    assert client.get(_manage(published_spec.project, "edit/")).status_code == 404
    assert client.post(_manage(published_spec.project, "edit/"), SPEC_POST).status_code == 404


def test_add_a_kpi_citing_a_finding(client, commissioner, draft_spec):
    finding = make_finding(draft_spec.project, commissioner)
    client.force_login(commissioner)
    page = client.get(_manage(draft_spec.project, "requirements/new/")).content.decode()
    assert f"{finding.reference}: {finding.statement}" in page
    response = client.post(
        _manage(draft_spec.project, "requirements/new/"),
        {
            "kind": "kpi",
            "text": "People say they chose.",
            "target": "90",
            "unit": "%",
            "frequency": "quarterly",
            "findings": [str(finding.pk)],
        },
    )
    assert response.status_code == 302
    req = Requirement.objects.get()
    assert list(req.findings.all()) == [finding]
    assert AuditEvent.objects.filter(verb="specifications.requirement.added").exists()


def test_incomplete_kpi_answers_400(client, commissioner, draft_spec):
    client.force_login(commissioner)
    response = client.post(
        _manage(draft_spec.project, "requirements/new/"),
        {"kind": "kpi", "text": "People say they chose.", "target": "90", "unit": "%"},
    )
    assert response.status_code == 400
    assert "A KPI needs a reporting frequency." in response.content.decode()
    assert not Requirement.objects.exists()


def test_another_projects_finding_cannot_be_posted(client, commissioner, draft_spec):
    other = make_project(actor=commissioner, title="Other", published=True)
    theirs = make_finding(other, commissioner)
    client.force_login(commissioner)
    response = client.post(
        _manage(draft_spec.project, "requirements/new/"),
        {"kind": "outcome", "text": "x", "findings": [str(theirs.pk)]},
    )
    assert response.status_code == 400
    assert "published findings of this project" in response.content.decode()
    assert not Requirement.objects.exists()


@pytest.mark.parametrize("who", ["finance", "resident", None])
def test_others_cannot_add_requirements(client, request, who, draft_spec):
    login(client, request, who)
    response = client.post(
        _manage(draft_spec.project, "requirements/new/"), {"kind": "outcome", "text": "x"}
    )
    assert response.status_code in (302, 404) and (who is None) == (response.status_code == 302)
    assert not Requirement.objects.exists()


def test_edit_move_and_remove_a_requirement(client, commissioner, draft_spec):
    a = requirement_add(actor=commissioner, specification=draft_spec, data=outcome("A"))
    b = requirement_add(actor=commissioner, specification=draft_spec, data=outcome("B"))
    client.force_login(commissioner)
    base = _manage(draft_spec.project, f"requirements/{a.pk}/")
    assert client.get(base + "edit/").status_code == 200
    assert client.post(base + "edit/", {"kind": "outcome", "text": "A2"}).status_code == 302
    assert client.post(base + "move/", {"direction": "down"}).status_code == 302
    order = list(draft_spec.requirements.order_by("position").values_list("text", flat=True))
    assert order == ["B", "A2"]
    assert client.get(base + "remove/").status_code == 200
    assert client.post(base + "remove/").status_code == 302
    assert list(draft_spec.requirements.values_list("pk", flat=True)) == [b.pk]
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {
        "specifications.requirement.updated",
        "specifications.requirement.moved",
        "specifications.requirement.removed",
    } <= verbs


@pytest.mark.parametrize("who", ["finance", "resident"])
def test_others_cannot_edit_move_or_remove(client, request, who, commissioner, draft_spec):
    a = requirement_add(actor=commissioner, specification=draft_spec, data=outcome("A"))
    login(client, request, who)
    base = _manage(draft_spec.project, f"requirements/{a.pk}/")
    assert client.get(base + "edit/").status_code == 404
    assert client.post(base + "move/", {"direction": "down"}).status_code == 404
    assert client.post(base + "remove/").status_code == 404
    assert Requirement.objects.filter(pk=a.pk, text="A").exists()


def test_a_requirement_of_a_published_version_is_not_found(client, commissioner, published_spec):
    req = published_spec.requirements.first()
    client.force_login(commissioner)
    base = _manage(published_spec.project, f"requirements/{req.pk}/")
    assert client.get(base + "edit/").status_code == 404
    assert client.post(base + "remove/").status_code == 404
    assert Requirement.objects.filter(pk=req.pk).exists()


def test_publish_page_refuses_without_an_outcome(client, commissioner, draft_spec):
    requirement_add(actor=commissioner, specification=draft_spec, data=kpi())
    client.force_login(commissioner)
    assert client.get(_manage(draft_spec.project, "publish/")).status_code == 200
    response = client.post(_manage(draft_spec.project, "publish/"))
    assert response.status_code == 400
    assert "Add at least one outcome" in response.content.decode()
    draft_spec.refresh_from_db()
    assert draft_spec.status == "draft"


def test_publish_through_the_page(client, commissioner, draft_spec):
    requirement_add(actor=commissioner, specification=draft_spec, data=outcome())
    client.force_login(commissioner)
    assert client.post(_manage(draft_spec.project, "publish/")).status_code == 302
    draft_spec.refresh_from_db()
    assert draft_spec.status == "published"


@pytest.mark.parametrize("who", ["finance", "resident", "provider"])
def test_others_cannot_publish(client, request, who, commissioner, draft_spec):
    requirement_add(actor=commissioner, specification=draft_spec, data=outcome())
    login(client, request, who)
    assert client.post(_manage(draft_spec.project, "publish/")).status_code == 404
    draft_spec.refresh_from_db()
    assert draft_spec.status == "draft"


def test_new_version_needs_a_reason_on_the_page(client, commissioner, published_spec):
    client.force_login(commissioner)
    url = _manage(published_spec.project, "new-version/")
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Say why the specification needs to change" in response.content.decode()
    assert Specification.objects.count() == 1
    assert client.post(url, {"reason": "Carers asked"}).status_code == 302
    assert client.post(url, {"reason": "Carers asked"}).status_code == 302  # double click
    assert Specification.objects.count() == 2


@pytest.mark.parametrize("who", ["finance", "resident", None])
def test_others_cannot_make_a_new_version(client, request, who, published_spec):
    login(client, request, who)
    response = client.post(_manage(published_spec.project, "new-version/"), {"reason": "x"})
    assert response.status_code in (302, 404) and (who is None) == (response.status_code == 302)
    assert Specification.objects.count() == 1


# --- API ----------------------------------------------------------------------------------------


def _api(project, suffix=""):
    return f"/api/projects/{project.reference}/specifications{suffix}"


@pytest.mark.parametrize("who", OUTSIDERS)
def test_api_lists_published_versions_with_citations(client, request, who, published_spec, finding):
    login(client, request, who)
    response = client.get(_api(published_spec.project))
    assert response.status_code == 200
    data = response.json()
    assert [s["version"] for s in data] == [1]
    assert data[0]["requirements"][0]["findings"] == [finding.reference]
    assert data[0]["requirements"][1]["kind"] == "kpi"
    one = client.get(_api(published_spec.project, "/1"))
    assert one.status_code == 200
    assert one.json()["status"] == "published"


@pytest.mark.parametrize("who", OUTSIDERS)
def test_api_hides_drafts_from_the_public(client, request, who, draft_spec):
    login(client, request, who)
    assert client.get(_api(draft_spec.project)).json() == []
    response = client.get(_api(draft_spec.project, "/1"))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("who", STAFF)
def test_api_shows_drafts_to_staff(client, request, who, draft_spec):
    login(client, request, who)
    assert [s["status"] for s in client.get(_api(draft_spec.project)).json()] == ["draft"]
    assert client.get(_api(draft_spec.project, "/1")).status_code == 200


@pytest.mark.parametrize("who", OUTSIDERS)
def test_api_hides_a_draft_project(client, request, who, commissioner, draft_project):
    login(client, request, who)
    assert client.get(_api(draft_project)).status_code == 404


def test_api_missing_version_is_404(client, published_spec):
    assert client.get(_api(published_spec.project, "/7")).status_code == 404
    assert client.get("/api/projects/NOPE/specifications").status_code == 404
