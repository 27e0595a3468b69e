"""Every page of the ``feedback`` namespace and every feedback API operation, requested by
every role: anonymous, a resident, a provider of another organisation, the contract's
provider, the visit's mystery shopper and a commissioner. Never 403: a forbidden page
answers 404 exactly like a missing one; pages behind sign-in send anonymous people to it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from coproduce.deliver.feedback import services as svc
from coproduce.foundation.accounts.tests.factories import UserFactory, make_member

from . import factories as f

LOGIN = "login"
ROLES = ("anonymous", "resident", "other_provider", "provider", "shopper", "commissioner")


@dataclass
class World:
    contract: object
    hidden: object
    theme: object
    action: object
    users: dict


@pytest.fixture
def world(commissioner, resident) -> World:
    contract = f.make_contract(commissioner)
    hidden = f.make_contract(commissioner, published=False)
    provider, _ = make_member(contract.provider)
    other, _ = make_member()
    shopper_user = UserFactory()
    f.give(contract, "good", what_good="Kind")
    theme = svc.theme_create(actor=commissioner, contract=contract, name="Kind staff")
    shopper = f.make_shopper(commissioner, user=shopper_user)
    first = f.plan_visit(commissioner, contract, [shopper])
    f.send_report(
        shopper_user, first, evidence=[svc.EvidenceFile(name="note.txt", data=b"A note.\n")]
    )
    f.plan_visit(commissioner, contract, [shopper])  # visit 2: no report yet
    action = svc.action_add(
        actor=commissioner,
        visit=first,
        data=svc.ActionData(description="Sign", owner="Provider", due_on=timezone.localdate()),
    )
    users = {
        "anonymous": None,
        "resident": resident,
        "other_provider": other,
        "provider": provider,
        "shopper": shopper_user,
        "commissioner": commissioner,
    }
    return World(contract, hidden, theme, action, users)


def expect(**by_role) -> dict:
    """Statuses per role; ``rest`` fills the roles not named."""
    rest = by_role.pop("rest", 404)
    return {role: by_role.get(role, rest) for role in ROLES}


PUBLIC = expect(rest=200)
SIGNED_IN = expect(anonymous=LOGIN, rest=200)
READERS = expect(anonymous=LOGIN, provider=200, commissioner=200)
MANAGERS = expect(anonymous=LOGIN, commissioner=200)


def page_rows(w: World) -> list[tuple[str, str, str, dict, dict]]:
    """(URL name, method, URL, POST data, expected status per role)."""
    ref = w.contract.reference

    def url(name, *args):
        return reverse(f"feedback:{name}", args=[ref, *args])

    return [
        ("give", "GET", url("give"), {}, PUBLIC),
        ("give", "GET", reverse("feedback:give", args=[w.hidden.reference]), {}, expect()),
        ("give_easy", "GET", url("give_easy"), {}, PUBLIC),
        ("thanks", "GET", url("thanks"), {}, PUBLIC),
        ("summary", "GET", url("summary"), {}, PUBLIC),
        ("summary", "GET", reverse("feedback:summary", args=[w.hidden.reference]), {}, expect()),
        ("responses", "GET", url("responses"), {}, READERS),
        ("themes", "GET", url("themes"), {}, MANAGERS),
        ("theme_edit", "GET", url("theme_edit", w.theme.pk), {}, MANAGERS),
        ("coding", "GET", url("coding"), {}, MANAGERS),
        ("visits", "GET", url("visits"), {}, READERS),
        ("visit_new", "GET", url("visit_new"), {}, MANAGERS),
        ("visit", "GET", url("visit", 1), {}, READERS),
        ("visit", "GET", url("visit", 99), {}, expect(anonymous=LOGIN)),
        (
            "report",
            "GET",
            url("report", 2),
            {},
            expect(anonymous=LOGIN, shopper=200, commissioner=200),
        ),
        (
            "evidence",
            "GET",
            url("evidence", 1, 1),
            {},
            expect(anonymous=LOGIN, provider=200, shopper=200, commissioner=200),
        ),
        ("reply", "POST", url("reply", 1), {"text": ""}, expect(anonymous=LOGIN, provider=400)),
        ("action_new", "POST", url("action_new", 1), {}, expect(anonymous=LOGIN, commissioner=400)),
        (
            "action_update",
            "GET",
            url("action_update", 1, w.action.pk),
            {},
            expect(anonymous=LOGIN, provider=200, commissioner=200),
        ),
        ("shoppers", "GET", reverse("feedback:shoppers"), {}, MANAGERS),
        ("my_visits", "GET", reverse("feedback:my_visits"), {}, SIGNED_IN),
    ]


def api_rows(w: World) -> list[tuple[str, str, str, dict, dict]]:
    ref = w.contract.reference
    return [
        (
            "POST /api/feedback/{reference}",
            "POST",
            f"/api/feedback/{ref}",
            {"rating": "good"},
            expect(rest=201),
        ),
        (
            "POST /api/feedback/{reference}",
            "POST",
            f"/api/feedback/{w.hidden.reference}",
            {"rating": "good"},
            expect(),
        ),
        (
            "GET /api/feedback/{reference}/summary",
            "GET",
            f"/api/feedback/{ref}/summary",
            {},
            PUBLIC,
        ),
        (
            "GET /api/feedback/{reference}/summary",
            "GET",
            f"/api/feedback/{w.hidden.reference}/summary",
            {},
            expect(),
        ),
        (
            "GET /api/feedback/{reference}/responses",
            "GET",
            f"/api/feedback/{ref}/responses",
            {},
            expect(anonymous=401, provider=200, commissioner=200),
        ),
    ]


def _check(client: Client, method: str, url: str, data: dict, want, *, api: bool) -> str:
    if method == "GET":
        response = client.get(url)
    elif api:
        response = client.post(url, json.dumps(data), content_type="application/json")
    else:
        response = client.post(url, data)
    got = response.status_code
    if got == 403:
        return "403 (never allowed)"
    if want == LOGIN:
        ok = got == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))
        return "" if ok else f"{got}, expected a redirect to sign in"
    return "" if got == want else f"{got}, expected {want}"


@pytest.mark.django_db
def test_every_page_and_api_operation_for_every_role(world):
    failures = []
    for role in ROLES:
        cache.clear()  # the feedback rate limit is per address; every role shares one here
        client = Client()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        for name, method, url, data, want in page_rows(world):
            problem = _check(client, method, url, data, want[role], api=False)
            if problem:
                failures.append(f"{role} {method} feedback:{name} {url}: {problem}")
        for name, method, url, data, want in api_rows(world):
            problem = _check(client, method, url, data, want[role], api=True)
            if problem:
                failures.append(f"{role} {name} {url}: {problem}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_the_provider_never_sees_who_wrote_feedback_or_who_shopped(world, client):
    client.force_login(world.users["provider"])
    shopper = world.users["shopper"]
    ref = world.contract.reference
    for url in (
        reverse("feedback:responses", args=[ref]),
        reverse("feedback:visit", args=[ref, 1]),
        reverse("feedback:visits", args=[ref]),
        f"/api/feedback/{ref}/responses",
    ):
        body = client.get(url).content.decode()
        assert "Sam Shopper" not in body, url
        assert shopper.full_name not in body, url
        assert shopper.email not in body, url
    rows = json.loads(client.get(f"/api/feedback/{ref}/responses").content)
    assert rows[0]["number"] is None
    assert rows[0]["easy_read"] is None


def url_names() -> set[str]:
    _prefix, sub = get_resolver().namespace_dict["feedback"]
    return {name for name in sub.reverse_dict if isinstance(name, str)}


@pytest.mark.django_db
def test_every_url_name_and_api_operation_has_a_row(world, client):
    """A new page or API operation in feedback cannot be left out of this table."""
    covered = {name for name, *_ in page_rows(world)}
    missing = sorted(url_names() - covered)
    assert not missing, f"add these URL names to test_permissions.page_rows: {missing}"
    schema = json.loads(client.get("/api/openapi.json").content)
    operations = {
        f"{method.upper()} {path}"
        for path, ops in schema["paths"].items()
        if path.startswith("/api/feedback")
        for method in ops
    }
    rows = {name for name, *_ in api_rows(world)}
    assert operations, "the feedback API has no operations"
    assert not operations - rows, f"add these API calls: {sorted(operations - rows)}"
