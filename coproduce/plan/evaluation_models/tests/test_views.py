"""Evaluation pages and API: who sees what, forms with clear errors, query counts."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.shortcuts import resolve_url

from coproduce.foundation.core.models import AuditEvent
from coproduce.plan.evaluation_models.models import Criterion, EvaluationModel, PanelRole
from coproduce.plan.evaluation_models.services import evaluation_model_lock

from .conftest import build_model

STAFF = ["commissioner", "finance", "platform_admin"]
WRITERS = ["commissioner", "platform_admin"]
OUTSIDERS = [None, "resident", "provider"]


def _login(client, request, who):
    if who:
        client.force_login(request.getfixturevalue(who))


def base(model):
    return f"/projects/{model.project.reference}/evaluation/{model.pk}/"


def staff_pages(model):
    leaf = Criterion.objects.filter(model=model).exclude(parent=None).first()
    role = PanelRole.objects.filter(model=model).first()
    b = base(model)
    return {
        "get": [
            f"/projects/{model.project.reference}/evaluation/",
            b + "build/",
        ],
        "write_get": [
            f"/projects/{model.project.reference}/evaluation/new/",
            b + "edit/",
            b + "copy/",
            b + "scale/",
            b + "criteria/new/quality/",
            b + f"criteria/{leaf.pk}/edit/",
            b + "panel/new/",
            b + f"panel/{role.pk}/edit/",
        ],
        "write_post": [
            b + "lock/",
            b + f"criteria/{leaf.pk}/remove/",
            b + f"panel/{role.pk}/remove/",
        ],
    }


# --- public page -------------------------------------------------------------------------


@pytest.mark.parametrize("who", [None, "resident", "provider", *STAFF])
def test_anyone_can_read_a_locked_model(client, request, who, commissioner, draft_model):
    evaluation_model_lock(actor=commissioner, model=draft_model)
    _login(client, request, who)
    response = client.get(base(draft_model))
    assert response.status_code == 200
    body = response.content.decode()
    assert "How bids will be scored" in body
    assert "The lowest price gets all the points for price" in body
    assert "Service-user member: Quality 1" in body
    assert "Excellent" in body
    assert "Draft:" not in body


@pytest.mark.parametrize("who", OUTSIDERS)
def test_a_draft_model_is_not_found_for_the_public(client, request, who, draft_model):
    _login(client, request, who)
    assert client.get(base(draft_model)).status_code == 404


@pytest.mark.parametrize("who", STAFF)
def test_council_staff_see_draft_models_marked_as_drafts(client, request, who, draft_model):
    _login(client, request, who)
    response = client.get(base(draft_model))
    assert response.status_code == 200
    assert "Draft:" in response.content.decode()


def test_a_model_of_another_project_is_not_found(client, commissioner, draft_model, draft_project):
    client.force_login(commissioner)
    assert (
        client.get(f"/projects/{draft_project.reference}/evaluation/{draft_model.pk}/").status_code
        == 404
    )


# --- staff pages -------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client, draft_model):
    pages = staff_pages(draft_model)
    for url in pages["get"] + pages["write_get"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL)), url
    for url in pages["write_post"]:
        assert client.post(url).status_code == 302, url


@pytest.mark.parametrize("who", ["resident", "provider"])
def test_residents_and_providers_get_not_found_everywhere(client, request, who, draft_model):
    _login(client, request, who)
    pages = staff_pages(draft_model)
    for url in pages["get"] + pages["write_get"]:
        assert client.get(url).status_code == 404, url
    for url in pages["write_post"]:
        assert client.post(url).status_code == 404, url
    assert Criterion.objects.filter(model=draft_model).count() == 7


def test_finance_can_read_the_working_pages_but_not_change_them(client, finance, draft_model):
    client.force_login(finance)
    pages = staff_pages(draft_model)
    for url in pages["get"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Lock and publish" not in response.content.decode()
    for url in pages["write_get"]:
        assert client.get(url).status_code == 404, url
    for url in pages["write_post"]:
        assert client.post(url).status_code == 404, url
    draft_model.refresh_from_db()
    assert not draft_model.is_locked


@pytest.mark.parametrize("who", WRITERS)
def test_writers_can_open_every_working_page(client, request, who, draft_model):
    _login(client, request, who)
    pages = staff_pages(draft_model)
    for url in pages["get"] + pages["write_get"]:
        assert client.get(url).status_code == 200, url


def test_the_builder_shows_the_running_total_and_what_stops_locking(
    client, commissioner, published_project
):
    model = build_model(commissioner, published_project, quality=("25", "30"))
    client.force_login(commissioner)
    body = client.get(base(model) + "build/").content.decode()
    assert "Weights so far: 95% of 100%" in body
    assert "Weights add up to 95%. They must add up to 100%." in body


def test_locking_a_model_with_problems_answers_400_and_names_the_rule(
    client, commissioner, published_project
):
    model = build_model(commissioner, published_project, quality=("25", "30"))
    client.force_login(commissioner)
    response = client.post(base(model) + "lock/")
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and "<title>Error:" in body
    assert "Weights add up to 95%. They must add up to 100%." in body
    model.refresh_from_db()
    assert not model.is_locked
    assert not AuditEvent.objects.filter(verb="evaluation.model.locked").exists()


def test_locking_through_the_page(client, commissioner, draft_model):
    client.force_login(commissioner)
    response = client.post(base(draft_model) + "lock/")
    assert response.status_code == 302
    draft_model.refresh_from_db()
    assert draft_model.is_locked
    assert AuditEvent.objects.filter(verb="evaluation.model.locked").count() == 1
    # A locked model offers no changes and refuses them.
    body = client.get(base(draft_model) + "build/").content.decode()
    assert "Lock and publish" not in body and "Copy for another tender" in body
    leaf = Criterion.objects.filter(model=draft_model).exclude(parent=None).first()
    response = client.post(
        base(draft_model) + f"criteria/{leaf.pk}/edit/",
        {"title": "X", "question": "Q", "word_limit": "100", "weight_percent": "5"},
    )
    assert response.status_code == 400
    assert "locked" in response.content.decode()


def test_creating_a_model_through_the_page(client, commissioner, draft_project):
    client.force_login(commissioner)
    url = f"/projects/{draft_project.reference}/evaluation/new/"
    data = {"title": "Scoring", "price_formula": "lowest_ratio"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double click
    assert EvaluationModel.objects.count() == 1


def test_bad_input_answers_400_and_stores_nothing(client, commissioner, draft_model):
    client.force_login(commissioner)
    before = Criterion.objects.count()
    response = client.post(
        base(draft_model) + "criteria/new/quality/",
        {"title": "Q", "question": "Why?", "word_limit": "500", "weight_percent": "-5"},
    )
    assert response.status_code == 400
    assert "Enter a weight between 0.01% and 100%" in response.content.decode()
    response = client.post(
        base(draft_model) + "criteria/new/quality/",
        {"title": "Q", "question": "Why?", "word_limit": "500", "weight_percent": "1.005"},
    )
    assert response.status_code == 400
    assert Criterion.objects.count() == before


def test_the_scale_page_needs_a_descriptor_for_every_level(client, commissioner, draft_model):
    client.force_login(commissioner)
    response = client.post(
        base(draft_model) + "scale/",
        {
            "score_0": "0",
            "label_0": "None",
            "descriptor_0": "",
            "score_1": "1",
            "label_1": "Some",
            "descriptor_1": "Something",
        },
    )
    assert response.status_code == 400
    assert "Enter a descriptor for score 0" in response.content.decode()
    response = client.post(
        base(draft_model) + "scale/", {"score_0": "0", "label_0": "None", "descriptor_0": "x"}
    )
    assert response.status_code == 400
    assert "at least two levels" in response.content.decode()
    assert draft_model.scale.count() == 5


def test_adding_a_panel_role_with_checkboxes(client, commissioner, draft_model):
    client.force_login(commissioner)
    leaf = (
        Criterion.objects.filter(model=draft_model, kind="social_value").exclude(parent=None).get()
    )
    response = client.post(
        base(draft_model) + "panel/new/",
        {"name": "Specialist", "kind": "specialist", "criteria": [str(leaf.pk)]},
    )
    assert response.status_code == 302
    role = PanelRole.objects.get(model=draft_model, name="Specialist")
    assert list(role.criteria.all()) == [leaf]


def test_the_model_list_query_count(
    client, commissioner, published_project, django_assert_max_num_queries
):
    for i in range(5):
        build_model(commissioner, published_project, title=f"Model {i}", assign=False)
    client.force_login(commissioner)
    with django_assert_max_num_queries(8):
        response = client.get(f"/projects/{published_project.reference}/evaluation/")
    assert response.status_code == 200


def test_the_builder_query_count(client, commissioner, draft_model, django_assert_max_num_queries):
    client.force_login(commissioner)
    with django_assert_max_num_queries(16):
        assert client.get(base(draft_model) + "build/").status_code == 200


def test_the_project_page_links_to_locked_models(client, commissioner, draft_model):
    evaluation_model_lock(actor=commissioner, model=draft_model)
    body = client.get(f"/projects/{draft_model.project.reference}/").content.decode()
    assert base(draft_model) in body


# --- API ---------------------------------------------------------------------------------


def api(model, suffix=""):
    return f"/api/projects/{model.project.reference}/evaluation-models{suffix}"


@pytest.mark.parametrize("who", OUTSIDERS)
def test_the_api_shows_locked_models_to_everyone(client, request, who, commissioner, draft_model):
    build_model(commissioner, draft_model.project, title="Another draft")
    evaluation_model_lock(actor=commissioner, model=draft_model)
    _login(client, request, who)
    listing = client.get(api(draft_model))
    assert listing.status_code == 200
    assert [m["id"] for m in listing.json()] == [draft_model.pk]
    detail = client.get(api(draft_model, f"/{draft_model.pk}"))
    assert detail.status_code == 200
    data = detail.json()
    assert data["status"] == "locked"
    assert [g["kind"] for g in data["groups"]] == ["quality", "social_value", "price"]
    assert data["groups"][0]["criteria"][0]["scored_by"] == ["officer", "service_user"]
    assert len(data["scale"]) == 5


@pytest.mark.parametrize("who", OUTSIDERS)
def test_the_api_hides_drafts_from_the_public(client, request, who, draft_model):
    _login(client, request, who)
    assert client.get(api(draft_model)).json() == []  # the project itself is published
    response = client.get(api(draft_model, f"/{draft_model.pk}"))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("who", OUTSIDERS)
def test_the_api_hides_draft_projects(client, request, who, commissioner, draft_project):
    build_model(commissioner, draft_project)
    _login(client, request, who)
    assert (
        client.get(f"/api/projects/{draft_project.reference}/evaluation-models").status_code == 404
    )
    assert client.get("/api/projects/NOPE/evaluation-models").status_code == 404


@pytest.mark.parametrize("who", STAFF)
def test_the_api_shows_drafts_to_staff(client, request, who, draft_model):
    _login(client, request, who)
    assert [m["status"] for m in client.get(api(draft_model)).json()] == ["draft"]
    assert client.get(api(draft_model, f"/{draft_model.pk}")).status_code == 200


def test_the_api_list_query_count(client, commissioner, draft_model, django_assert_max_num_queries):
    for i in range(4):
        evaluation_model_lock(
            actor=commissioner,
            model=build_model(commissioner, draft_model.project, title=f"M{i}"),
        )
    with django_assert_max_num_queries(10):
        assert len(client.get(api(draft_model)).json()) == 4
