"""Fuzz every API operation from ``/api/openapi.json`` with schemathesis (issue 12).

Schemathesis turns each operation's schema into hypothesis strategies: valid requests
(positive) and requests that break the schema (negative: wrong types, out-of-range numbers,
missing fields). The cases are sent in-process with Django's test client, signed in as a
commissioner (so operations behind sign-in are reached), with the path's references taken
from the demo council where one fits. No response may be a server error. Deterministic and
bounded: ``derandomize`` and a few examples per operation and mode.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode

from .world import ref, user_for

EXAMPLES = 3


def _schema(client: Client):
    return schemathesis.openapi.from_dict(json.loads(client.get("/api/openapi.json").content))


def _real_path_parameters(path: str, names: list[str]) -> dict[str, object]:
    """Demo objects for the path's parameters (missing ones are generated)."""
    if "budgeting" in path:
        reference = ref("round")
    elif "/opportunities/" in path or "/tenders/" in path:
        reference = ref("tender")
    elif "/my-bids/" in path:
        reference = ref("bid")
    else:
        reference = ref("project")
    known = {
        "reference": reference,
        "slug": ref("organisation"),
        "award_id": ref("award"),
        "letter_id": ref("letter"),
        "model_id": ref("evaluation_model"),
        "version": 1,
    }
    return {n: known[n] for n in names if known.get(n) is not None}


def _send(client: Client, case) -> tuple[int, str]:
    path = case.formatted_path
    if not path.startswith("/api"):
        path = "/api" + path
    query = dict(case.query or {})
    body = case.body
    has_body = body is not None and type(body).__name__ != "NotSet"
    try:
        with transaction.atomic():
            if case.method.upper() == "GET":
                response = client.get(path, query)
            else:
                url = path
                if query:
                    url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
                response = client.generic(
                    case.method.upper(),
                    url,
                    (body if isinstance(body, bytes) else json.dumps(body)) if has_body else "",
                    content_type="application/json",
                )
            transaction.set_rollback(True)
    except Exception as exc:
        return 500, f"{type(exc).__name__}: {str(exc)[:200]}"
    return response.status_code, ""


@pytest.mark.fuzz
def test_no_api_operation_answers_a_server_error(demo_world):
    client = Client(raise_request_exception=True)
    client.force_login(user_for("commissioner"))
    schema = _schema(client)
    failures: list[str] = []
    operations = 0
    fuzz = settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        names = [p.name for p in operation.path_parameters]
        real = _real_path_parameters(operation.path, names)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategies = [operation.as_strategy(generation_mode=mode)]
            if real:
                strategies.append(operation.as_strategy(generation_mode=mode, path_parameters=real))
            for strategy in strategies:

                @fuzz
                @given(strategy)
                def run(case):
                    status, why = _send(client, case)
                    if status >= 500:
                        failures.append(
                            f"{case.method} {case.formatted_path} query={case.query!r:.200} "
                            f"body={case.body!r:.200}: {status} {why}"
                        )

                try:
                    run()
                except Exception as exc:
                    if "Unsatisfiable" not in type(exc).__name__:
                        failures.append(f"{operation.method} {operation.path}: {exc!r:.300}")
    assert operations >= 40
    assert not failures, "\n".join(dict.fromkeys(failures))


@pytest.mark.parametrize("role", ["anonymous", "resident", "provider"])
def test_the_schema_is_served_to_everyone(demo_world, role):
    client = Client()
    user = user_for(role)
    if user is not None:
        client.force_login(user)
    assert client.get("/api/openapi.json").status_code == 200
