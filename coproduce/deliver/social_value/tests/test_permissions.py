"""Every social value page and API operation, requested as every kind of person.

Roles: not signed in, a resident, a member of another provider, a member of the
contract's provider, council finance staff (read only) and a commissioner. A forbidden
page answers 404 exactly like a missing one, never 403; pages behind sign-in send visitors
to sign in. The guard tests fail when a URL name or API operation has no row here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from coproduce.foundation.accounts.tests.factories import make_member

from .factories import import_table, make_analysis, make_commitment, make_contract, report

ROLES = ("anonymous", "resident", "other_provider", "provider", "finance", "commissioner")
LOGIN = "login"


@dataclass(frozen=True)
class Row:
    name: str
    args: tuple[str, ...]  # names of objects in the world
    expect: dict[str, object]  # role → status (or LOGIN)
    method: str = "get"
    data: dict | None = None


def staff(read: int = 200, manage: int | None = None) -> dict:
    """Council staff read (finance and commissioners); commissioners act."""
    return {
        "anonymous": LOGIN,
        "resident": 404,
        "other_provider": 404,
        "provider": 404,
        "finance": read,
        "commissioner": manage if manage is not None else read,
    }


def contract_page(provider: int = 200, finance: int = 200, commissioner: int = 200) -> dict:
    return {
        "anonymous": LOGIN,
        "resident": 404,
        "other_provider": 404,
        "provider": provider,
        "finance": finance,
        "commissioner": commissioner,
    }


SIGNED_IN = dict.fromkeys(ROLES, 200) | {"anonymous": LOGIN}

PAGES = [
    Row("measures", (), staff()),
    Row("measure_import", (), staff(404, 200)),
    Row("measure_version", ("version",), staff()),
    Row("queue", (), staff()),
    Row("mine", (), SIGNED_IN),
    Row("contract", ("contract",), contract_page()),
    Row("commitment_add", ("contract",), contract_page(finance=404)),
    Row("delivery_report", ("commitment",), contract_page(finance=404, commissioner=404)),
    Row("delivery", ("delivery",), contract_page()),
    Row("evidence", ("delivery",), contract_page()),
    Row("sroi_list", (), staff()),
    Row("sroi_create", (), staff(404, 200)),
    Row("sroi_detail", ("draft",), staff() | {"anonymous": 404}),
    Row("sroi_detail", ("published",), dict.fromkeys(ROLES, 200)),
    Row("sroi_edit", ("draft",), staff(404, 200)),
    Row("sroi_outcome_add", ("draft",), staff(404, 200)),
    Row("sroi_outcome_edit", ("draft", "outcome"), staff(404, 200)),
    # Writes last: each succeeds (and redirects) only for the commissioner.
    Row(
        "commitment_decide",
        ("proposal",),
        contract_page(provider=404, finance=404, commissioner=302),
        "post",
        {"decision": "agree"},
    ),
    Row(
        "delivery_decide",
        ("delivery",),
        contract_page(provider=404, finance=404, commissioner=302),
        "post",
        {"decision": "verify", "note": "Seen."},
    ),
    Row("sroi_outcome_remove", ("draft", "outcome"), staff(404, 302), "post"),
    Row("sroi_publish", ("draft",), staff(404, 302), "post"),
]

# (the path as the OpenAPI document writes it, the object for {reference}, role → status)
API = [
    ("/api/social-value/measures", None, dict.fromkeys(ROLES, 200)),
    ("/api/contracts/{reference}/social-value", "contract", dict.fromkeys(ROLES, 200)),
    (
        "/api/contracts/{reference}/social-value",
        "unpublished_contract",
        dict.fromkeys(ROLES, 404),
    ),
    ("/api/sroi/{reference}", "published", dict.fromkeys(ROLES, 200)),
    ("/api/sroi/{reference}", "draft", staff() | {"anonymous": 404}),
]


@pytest.fixture
def world(commissioner, resident, finance):
    import_table(commissioner)
    member, org = make_member(role="admin")
    other, _org = make_member()
    contract = make_contract(commissioner, provider_org=org)
    hidden = make_contract(commissioner, provider_org=org, published=False)
    promise = make_commitment(commissioner, contract)
    proposal = make_commitment(member, contract, code="VOL", quantity="10")
    delivery = report(member, promise)
    draft = make_analysis(commissioner, contract)
    published = make_analysis(commissioner, contract, published=True)
    people = {
        "anonymous": None,
        "resident": resident,
        "other_provider": other,
        "provider": member,
        "finance": finance,
        "commissioner": commissioner,
    }
    objects = {
        "version": 1,
        "contract": contract.reference,
        "unpublished_contract": hidden.reference,
        "commitment": promise.pk,
        "proposal": proposal.pk,
        "delivery": delivery.pk,
        "draft": draft.reference,
        "published": published.reference,
        "outcome": draft.outcomes.get().pk,
    }
    return people, objects


def _client(person) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def _matches(response, expected) -> bool:
    if expected == LOGIN:
        return response.status_code == 302 and response["Location"].startswith(
            reverse("accounts:login")
        )
    return response.status_code == expected


@pytest.mark.django_db
def test_every_page_answers_each_person_as_the_table_says(world):
    people, objects = world
    failures = []
    for row in PAGES:
        url = reverse(f"social_value:{row.name}", args=[objects[a] for a in row.args])
        for role in ROLES:
            client = _client(people[role])
            response = getattr(client, row.method)(url, row.data or {})
            if response.status_code == 403 or not _matches(response, row.expect[role]):
                failures.append(
                    f"{row.method.upper()} {url} as {role}: {response.status_code}, expected {row.expect[role]}"
                )
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_every_api_operation_answers_each_person_as_the_table_says(world):
    people, objects = world
    failures = []
    for path, obj, expect in API:
        url = path.format(reference=objects[obj]) if obj else path
        for role in ROLES:
            response = _client(people[role]).get(url)
            if response.status_code != expect[role]:
                failures.append(
                    f"GET {url} as {role}: {response.status_code}, expected {expect[role]}"
                )
    assert not failures, "\n".join(failures)


def test_every_url_name_has_a_row():
    _prefix, sub = get_resolver().namespace_dict["social_value"]
    names = {name for name in sub.reverse_dict if isinstance(name, str)}
    missing = sorted(names - {row.name for row in PAGES})
    assert not missing, f"add these social_value URL names to test_permissions.py: {missing}"


@pytest.mark.django_db
def test_every_api_operation_has_a_row(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    operations = {
        f"{method.upper()} {path}"
        for path, methods in paths.items()
        for method, operation in methods.items()
        if "social value" in operation.get("tags", [])
    }
    assert operations, "the social value operations are missing from the OpenAPI document"
    missing = sorted(operations - {f"GET {path}" for path, *_rest in API})
    assert not missing, f"add these API operations to test_permissions.py: {missing}"
