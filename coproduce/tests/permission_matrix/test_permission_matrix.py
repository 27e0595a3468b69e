"""Permission matrix: every role × every bid, panel, award and contract page and API call,
at every stage from sealed bids to the contract (issue 6).

One scenario per stage (``world.build``), then every cell is requested and checked:

* the status is the one in the matrix (``matrix.py``) and **never 403** — a forbidden
  object answers "not found" exactly like a missing one;
* the officer who declared a conflict of interest with the consortium bid never reads
  its answers, receipt hash, members' justifications or (before the award) its price;
* no response shows a sealed bid's answer text, price (``£12,345.67`` and ``1234567``),
  receipt hash, reference or a count of bids to anyone but the bidding organisation
  before the bids are opened; a panel member's justification is seen by nobody else
  before moderation starts; a rival's answers are never shown to another bidder.

All failures of a stage are collected and reported together, one line per cell.
``docs/permissions.md`` is the readable version of this table.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import get_resolver

from coproduce.procure.awards.tests.helpers import pdf_text

from .matrix import API_PATTERN, LOGIN, SKIP, admin_rows, api_rows, page_rows
from .world import (
    ANSWER,
    AWARDED,
    BIDDERS,
    JUSTIFICATION,
    MODERATING,
    OPENED,
    PRICE,
    RIVAL_ANSWER,
    RIVAL_PRICE,
    ROLES,
    STAFF,
    STAGES,
    World,
    at_least,
    build,
)

NAMESPACES = ("bids", "panels", "awards", "contracts")
# The tender has two bids (the other tender in the world has one, and is opened).
COUNT = re.compile(r"\b(2|two) (bid|bids|submission|submissions)\b", re.IGNORECASE)
JSON_COUNT = re.compile(r'"\w*(bid|submission)\w*count\w*"\s*:\s*2\b', re.IGNORECASE)
PUBLIC = {"anonymous", "resident", "unrelated_provider", "service_user_other_tender"}


def _money(pence: int) -> list[str]:
    return [f"{pence / 100:,.2f}", str(pence)]


def all_rows() -> list:
    """Every row; signing out of the panel session last (it ends the service user's session)."""
    rows = page_rows() + admin_rows() + list(api_rows().values())
    return sorted(rows, key=lambda row: row.key == "panels:sign_out")


def url_names(namespace: str) -> set[str]:
    resolver = get_resolver()
    _prefix, sub = resolver.namespace_dict[namespace]
    return {f"{namespace}:{name}" for name in sub.reverse_dict if isinstance(name, str)}


def test_every_url_name_has_a_row():
    """A new view in bids, panels, awards or contracts cannot be forgotten."""
    keys = {row.key.split(" ")[0] for row in page_rows()}
    missing = sorted(n for ns in NAMESPACES for n in url_names(ns) if n not in keys)
    assert not missing, f"add these URL names to coproduce/tests/permission_matrix: {missing}"


@pytest.mark.django_db
def test_every_api_path_about_bids_has_a_row(client):
    schema = json.loads(client.get("/api/openapi.json").content)
    rows = api_rows()
    missing = [
        f"{method.upper()} {path}"
        for path, ops in schema["paths"].items()
        if re.search(API_PATTERN, path)
        for method in ops
        if f"{method.upper()} {path}" not in rows
    ]
    assert not missing, f"add these API calls to the permission matrix: {missing}"


def forbidden_text(role: str, stage: str, w: World) -> list[str]:
    """What this role must not read at this stage, anywhere."""
    main = [ANSWER, *_money(PRICE)]
    rival = [RIVAL_ANSWER, *_money(RIVAL_PRICE)]
    out: list[str] = []
    if not at_least(stage, OPENED):
        # Sealed: only the bidding organisation, and only its own bid.
        if role not in BIDDERS:
            out += [*main, w.bid.receipt_hash, w.bid.reference]
        if role != "other_bidder":
            out += [*rival, w.rival.receipt_hash, w.rival.reference]
    else:
        if role in PUBLIC:
            out += [ANSWER, RIVAL_ANSWER]
            if not at_least(stage, AWARDED):
                out += _money(PRICE) + _money(RIVAL_PRICE)
        if role == "other_bidder":
            out += [ANSWER]
            if not at_least(stage, AWARDED):
                out += _money(PRICE)
        if role in BIDDERS:
            out += [RIVAL_ANSWER]
            if not at_least(stage, AWARDED):
                out += _money(RIVAL_PRICE)
        if role == "service_user" and not at_least(stage, AWARDED):
            out += _money(PRICE) + _money(RIVAL_PRICE)
        if role == "officer_conflicted":
            # Declared a conflict with the consortium bid: never its content, anywhere.
            out += [ANSWER, w.bid.receipt_hash, JUSTIFICATION]
            if not at_least(stage, AWARDED):
                out += _money(PRICE)
    if not at_least(stage, MODERATING):
        if role != "officer":
            out.append(JUSTIFICATION)
    elif role not in STAFF:
        out.append(JUSTIFICATION)
    return out


def _client(role: str, w: World) -> Client:
    client = Client()
    user = w.users.get(role)
    if user is not None:
        client.force_login(user)
    token = w.tokens.get(role)
    if token:
        response = client.post(f"/panel/join/{token}/")
        assert response.status_code == 302, (role, response.status_code)
    return client


def check_cell(row, role, stage, w, client) -> list[str]:
    expected = row.expect(role, stage)
    if expected == SKIP:
        return []
    url = row.url(w)
    if row.method == "POST":
        if url.startswith("/api/"):
            response = client.post(url, row.body or {}, content_type="application/json")
        else:
            response = client.post(url, row.body or {})
    else:
        response = client.get(url)
    status = response.status_code
    where = f"{stage:<10} {role:<26} {row.method} {url}"
    problems = []
    if status == 403:
        problems.append(f"{where}: 403 leaks existence (want {expected})")
    if expected == LOGIN:
        if status != 302 or (
            "sign-in" not in response.get("Location", "")
            and "login" not in (response.get("Location", ""))
        ):
            problems.append(f"{where}: {status} {response.get('Location', '')}, want sign-in")
    elif status != expected:
        problems.append(f"{where}: {status}, want {expected}")
    body = response.content.decode(errors="replace") if not response.streaming else ""
    if url.endswith("/pdf/") and status == 200:
        body = pdf_text(response.content)
    for secret in forbidden_text(role, stage, w):
        if secret and secret in body:
            problems.append(f"{where}: shows {secret!r}")
    if not at_least(stage, OPENED) and role not in BIDDERS:
        m = COUNT.search(body) or JSON_COUNT.search(body)
        if m:
            problems.append(f"{where}: shows a count {m.group(0)!r}")
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("stage", STAGES)
def test_permission_matrix(stage):
    w = build(stage)
    rows = all_rows()
    problems: list[str] = []
    cells = 0
    for role in ROLES:
        client = _client(role, w)
        for row in rows:
            problems += check_cell(row, role, stage, w, client)
            cells += 1
    assert not problems, f"{len(problems)} of {cells} cells wrong:\n" + "\n".join(problems)
