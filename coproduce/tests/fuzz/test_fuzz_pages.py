"""Fuzz every page: malformed values in every query parameter and form field, as a person
allowed to reach the page; no response may be a server error (issue 12).

For each row of ``rows.py`` the page is requested once as the row's person, its forms are
read from the HTML (``<form>`` with its method, action and field names), then hypothesis
sends malformed values (``strategies.py``): in the query string (the page's GET forms'
fields, plus ``page``, ``sort`` and ``q``) and as a POST of its own forms' fields (a file
field gets damaged bytes). Each request runs in a savepoint that is rolled back, so a POST
that succeeds changes nothing for the next row, and a database error on PostgreSQL cannot
poison the rest. Deterministic (``derandomize``), a few examples per row, to stay fast.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from .rows import API, all_rows
from .strategies import bad_file, fields_strategy
from .world import NONE_ID, NONE_TEXT, ref, user_for

EXAMPLES = 1  # drawn per row and per kind of request (query string, form POST)
# Sent first, in every field at once, before the drawn examples: the values that found
# the server errors of issue 12 (overflow, Infinity, NUL on PostgreSQL, very long text).
CANONICAL = [
    ["99999999999999999999", "Infinity", "a\x00b"],
    ["1e309", "x" * 10_000, "-1", "sNaN", "1,2,3"],
]


def _canonical(names: list[str], values: list[str]) -> dict[str, str]:
    return {name: values[i % len(values)] for i, name in enumerate(names)}


COMMON_QUERY = ["page", "sort", "q"]
SKIP_FIELDS = {"csrfmiddlewaretoken"}
# Signing out ends the session the rest of the row uses; it has no fields to fuzz anyway.
ROWS = {key: row for key, row in sorted(all_rows().items()) if row.role != API}


class FormParser(HTMLParser):
    """The forms of a page: ``[(method, action, fields, file_fields)]``."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, str, list[str], list[str]]] = []
        self._current: tuple[str, str, list[str], list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._current = ((a.get("method") or "get").lower(), a.get("action") or "", [], [])
            self.forms.append(self._current)
        elif tag in ("input", "select", "textarea", "button") and self._current is not None:
            name = a.get("name")
            if not name or name in SKIP_FIELDS:
                return
            target = self._current[3] if a.get("type") == "file" else self._current[2]
            if name not in target:
                target.append(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def _url(key: str, row) -> str:
    if key == "admin:catch_all":
        return "/django-admin/no/such/page/"
    if key.endswith("_redirect") and key.startswith("admin:"):
        app, _, model = key.removeprefix("admin:").removesuffix("_redirect").partition("_")
        object_id = ref(row.args["object_id"])
        return f"/django-admin/{app}/{model}/{object_id}/"
    kwargs = {name: ref(symbol) for name, symbol in row.args.items()}
    for fallback in (None, NONE_ID, NONE_TEXT, "ID-0000-0000"):
        attempt = {
            k: (fallback if v is None and fallback is not None else v) for k, v in kwargs.items()
        }
        if any(v is None for v in attempt.values()):
            continue
        try:
            return reverse(key, kwargs=attempt)
        except NoReverseMatch:
            continue
    raise AssertionError(f"cannot build a URL for {key} from {kwargs}")


def _request(client: Client, method: str, url: str, data: dict) -> tuple[int, str]:
    """One request in a savepoint that is always rolled back; (status, problem)."""
    try:
        with transaction.atomic():
            send = client.get if method == "get" else client.post
            response = send(url, data)
            transaction.set_rollback(True)
    except Exception as exc:
        return 500, f"{type(exc).__name__}: {str(exc)[:200]}"
    return response.status_code, ""


def _same_page(action: str, url: str) -> bool:
    return action in ("", "#", url) or action.split("?")[0] == url


@pytest.mark.fuzz
@pytest.mark.parametrize("key", list(ROWS))
def test_no_server_error_on_malformed_input(demo_world, key):
    row = ROWS[key]
    client = Client(raise_request_exception=True)
    user = user_for(row.role)
    if user is not None:
        client.force_login(user)
    url = _url(key, row)
    status, problem = _request(client, "get", url, {})
    failures: list[str] = []
    if status >= 500:
        failures.append(f"GET {url}: {problem}")
    parser = FormParser()
    try:
        with transaction.atomic():
            response = client.get(url)
            transaction.set_rollback(True)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            parser.feed(response.content.decode(errors="replace"))
    except Exception:
        pass
    query_fields = list(COMMON_QUERY)
    post_fields: list[str] = []
    file_fields: list[str] = []
    for method, action, names, files in parser.forms:
        if not _same_page(action, url):
            continue
        if method == "get":
            query_fields += [n for n in names if n not in query_fields]
        else:
            post_fields += [n for n in names if n not in post_fields]
            file_fields += [n for n in files if n not in file_fields]
    if status == 405 and not post_fields:  # a POST-only button: fuzz the usual names
        post_fields = ["reason", "confirm", "value", "next"]

    fuzz = settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )

    @fuzz
    @example(_canonical(query_fields, CANONICAL[0]))
    @example(_canonical(query_fields, CANONICAL[1]))
    @given(fields_strategy(query_fields))
    def query(data):
        code, why = _request(client, "get", url, data)
        if code >= 500:
            failures.append(f"GET {url} {data!r:.300}: {why}")

    @fuzz
    @example(_canonical(post_fields, CANONICAL[0]), [b""] * len(file_fields))
    @example(_canonical(post_fields, CANONICAL[1]), [b"PK\x03\x04" + b"\0" * 40] * len(file_fields))
    @given(
        fields_strategy(post_fields),
        st.lists(bad_file, min_size=len(file_fields), max_size=len(file_fields)),
    )
    def post(data, files):
        payload = dict(data)
        for name, body in zip(file_fields, files, strict=True):
            payload[name] = SimpleUploadedFile("upload.docx", body)
        code, why = _request(client, "post", url, payload)
        if code >= 500:
            failures.append(f"POST {url} {data!r:.300}: {why}")

    query()
    if post_fields or file_fields:
        post()
    assert not failures, "\n".join(dict.fromkeys(failures))


def test_every_row_builds_a_url(demo_world):
    bad = []
    for key, row in ROWS.items():
        try:
            _url(key, row)
        except AssertionError as exc:
            bad.append(str(exc))
    assert not bad, "\n".join(bad)
