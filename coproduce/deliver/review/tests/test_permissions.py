"""Who may open every review page and API operation: never 403, a forbidden object answers
exactly like a missing one (404), pages behind sign-in send visitors to sign in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from coproduce.foundation.accounts.tests.factories import OrganisationFactory, UserFactory

from .. import services as svc
from .factories import decommissioning, notice_data, project_in_deliver

pytestmark = pytest.mark.django_db

LOGIN = "login"
ROLES = ("anonymous", "resident", "other_provider", "provider", "finance", "commissioner")
STAFF = {"finance", "commissioner"}


def staff_only(role):
    """Council staff read drafts and plans (finance too); visitors sign in first."""
    return LOGIN if role == "anonymous" else (200 if role in STAFF else 404)


def commissioners(role, ok=200):
    return LOGIN if role == "anonymous" else (ok if role == "commissioner" else 404)


def everyone(role):
    return 200


def public_draft(role):
    """A public page of something not public yet: staff only, 404 (no sign-in) for others."""
    return 200 if role in STAFF else 404


def provider_side(role):
    return LOGIN if role == "anonymous" else (200 if role in STAFF | {"provider"} else 404)


def api_public(role):
    return 200


@pytest.fixture
def world(commissioner, provider, organisation):
    d = decommissioning(actor=commissioner, organisation=organisation)
    d = svc.decommissioning_give_notice(actor=commissioner, decommissioning=d, data=notice_data(d))
    group = d.groups.get()
    action = svc.transition_action_add(
        actor=commissioner, group=group, text="Call", owner="Tom", due_on=d.service_ends_on
    )
    planning = decommissioning(actor=commissioner, organisation=organisation)
    draft_project, _ = project_in_deliver(
        actor=commissioner, organisation=organisation, title="Lunch club"
    )
    draft = svc.review_start(actor=commissioner, project=draft_project)
    deliver_project, _ = project_in_deliver(
        actor=commissioner, organisation=organisation, title="Befriending"
    )
    people = {
        "resident": UserFactory(role="resident"),
        "other_provider": OrganisationFactory(admin=UserFactory(role="provider"))
        .memberships.get()
        .user,
        "provider": provider,
        "finance": UserFactory(role="finance"),
        "commissioner": commissioner,
    }
    return {
        "d": d,
        "planning": planning,
        "review": d.decision.review,
        "draft": draft,
        "deliver_project": deliver_project,
        "group": group,
        "action": action,
        "people": people,
    }


def rows(w) -> list[tuple[str, str, object, str]]:
    """(key, url, expect(role), method)."""
    d, p = w["d"].reference, w["planning"].reference
    r = w["review"].reference
    u = lambda name, *args: reverse(f"review:{name}", args=args)  # noqa: E731
    return [
        ("review:start", u("start", w["deliver_project"].reference), commissioners, "GET"),
        ("review:start missing", u("start", "CP-1999-0001"), commissioners_missing, "GET"),
        ("review:report", u("report", r), everyone, "GET"),
        ("review:report draft", u("report", w["draft"].reference), public_draft, "GET"),
        ("review:report missing", u("report", "RV-1999-0001"), lambda role: 404, "GET"),
        ("review:manage", u("manage", r), commissioners, "GET"),
        ("review:manage draft", u("manage", w["draft"].reference), commissioners, "GET"),
        ("review:publish", u("publish", r), lambda role: commissioners(role, ok=302), "POST"),
        ("review:decide", u("decide", r), commissioners, "GET"),
        ("review:decommissioning", u("decommissioning", d), everyone, "GET"),
        ("review:decommissioning planning", u("decommissioning", p), public_draft, "GET"),
        ("review:transition_plan", u("transition_plan", d), everyone, "GET"),
        ("review:transition_plan planning", u("transition_plan", p), public_draft, "GET"),
        ("review:letter", u("letter", d), everyone, "GET"),
        ("review:letter planning", u("letter", p), public_draft, "GET"),
        ("review:letter_easy_read", u("letter_easy_read", d), everyone, "GET"),
        ("review:letter_easy_read planning", u("letter_easy_read", p), public_draft, "GET"),
        ("review:provider_letter", u("provider_letter", d), provider_side, "GET"),
        (
            "review:provider_letter_easy_read",
            u("provider_letter_easy_read", d),
            provider_side,
            "GET",
        ),
        ("review:decommissioning_manage", u("decommissioning_manage", d), commissioners, "GET"),
        ("review:notice", u("notice", p), commissioners, "GET"),
        ("review:group_add", u("group_add", d), commissioners, "GET"),
        ("review:action_add", u("action_add", d, w["group"].position), commissioners, "GET"),
        ("review:action_add missing group", u("action_add", d, 99), commissioners_missing, "GET"),
        ("review:action_update", u("action_update", d, w["action"].pk), commissioners, "GET"),
        (
            "review:action_update other",
            u("action_update", p, w["action"].pk),
            commissioners_missing,
            "GET",
        ),
        ("api GET /reviews", "/api/reviews", api_public, "GET"),
        ("api GET /reviews/{reference}", f"/api/reviews/{r}", api_public, "GET"),
        (
            "api GET /reviews/{reference} draft",
            f"/api/reviews/{w['draft'].reference}",
            public_draft,
            "GET",
        ),
        (
            "api GET /reviews/{reference} missing",
            "/api/reviews/RV-1999-0001",
            lambda role: 404,
            "GET",
        ),
        ("api GET /decommissioning", "/api/decommissioning", api_public, "GET"),
        ("api GET /decommissioning/{reference}", f"/api/decommissioning/{d}", api_public, "GET"),
        (
            "api GET /decommissioning/{reference} planning",
            f"/api/decommissioning/{p}",
            public_draft,
            "GET",
        ),
    ]


def commissioners_missing(role):
    return LOGIN if role == "anonymous" else 404


def test_every_review_page_and_api_call_answers_as_the_matrix_says(world):
    failures = []
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(world["people"][role])
        for key, url, expect, method in rows(world):
            response = client.post(url) if method == "POST" else client.get(url)
            want = expect(role)
            got = response.status_code
            if want == LOGIN:
                ok = got == 302 and response["Location"].startswith(reverse("accounts:login"))
            else:
                ok = got == want
            if got == 403 or not ok:
                failures.append(f"{role:15} {key}: got {got}, want {want}")
    assert not failures, "\n".join(failures)


def test_the_public_lists_leave_out_drafts_and_plans(world, client):
    reviews = client.get("/api/reviews").json()
    listed = {r["reference"] for r in reviews}
    assert world["review"].reference in listed
    assert world["draft"].reference not in listed
    notices = client.get("/api/decommissioning").json()
    assert [n["reference"] for n in notices] == [world["d"].reference]
    detail = client.get(f"/api/decommissioning/{world['d'].reference}").json()
    assert detail["transition_plan"][0]["actions"][0]["text"] == "Call"


def test_every_url_name_of_review_has_a_row(world):
    _prefix, sub = get_resolver().namespace_dict["review"]
    names = {f"review:{n}" for n in sub.reverse_dict if isinstance(n, str)}
    keys = {key.split(" ")[0] for key, *_ in rows(world)}
    assert not sorted(names - keys), f"add rows for {sorted(names - keys)}"


def test_every_review_api_operation_has_a_row(world, client):
    schema = client.get("/api/openapi.json").json()
    ops = {
        f"api {method.upper()} {path.removeprefix('/api')}"
        for path, item in schema["paths"].items()
        if path.startswith(("/api/reviews", "/api/decommissioning"))
        for method in item
    }
    keys = {" ".join(key.split(" ")[:3]) for key, *_ in rows(world) if key.startswith("api ")}
    assert ops and not sorted(ops - keys), f"add rows for {sorted(ops - keys)}"
