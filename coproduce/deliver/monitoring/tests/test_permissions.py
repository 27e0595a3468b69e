"""Who can open every monitoring page and API operation (never 403: a forbidden contract,
return or plan answers 404 like a missing one).

Each role gets a fresh world: a contract in its 14th month with return 1 accepted (with
an evidence file), return 2 queried, return 3 waiting to be checked, KPI 1 red twice with
a plan sent, KPI 2 red twice with no plan yet, and a year-1 assessment of KPI 1.
POST rows send an empty form: allowed people get the form back with errors (400) or the
action done (302); anyone else gets 404.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import get_resolver, reverse

from coproduce.deliver.monitoring import services as svc
from coproduce.deliver.monitoring import services_plans as plans
from coproduce.deliver.monitoring.models import EvidenceFile, ImprovementPlan
from coproduce.foundation.accounts.tests.factories import UserFactory, make_member

from .factories import make_contract, months_ago, send

LOGIN = "login"
ROLES = ("anonymous", "resident", "other_provider", "provider", "finance", "commissioner")
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@dataclass
class Row:
    name: str
    method: str
    url: object  # function of the world
    expect: dict[str, object]
    body: dict = field(default_factory=dict)


def only(**allowed) -> dict[str, object]:
    """Anonymous → sign-in; everyone not named → 404."""
    return {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 404), **allowed}


STAFF_READ = {"finance": 200, "commissioner": 200}

PAGE_ROWS = [
    Row(
        "monitoring:mine",
        "GET",
        lambda w: reverse("monitoring:mine"),
        only(resident=200, other_provider=200, provider=200, finance=200, commissioner=200),
    ),
    Row("monitoring:desk", "GET", lambda w: reverse("monitoring:desk"), only(**STAFF_READ)),
    Row(
        "monitoring:contract", "GET", lambda w: w.url("contract"), only(provider=200, **STAFF_READ)
    ),
    Row(
        "monitoring:return_detail",
        "GET",
        lambda w: w.url("return_detail", 1),
        only(provider=200, **STAFF_READ),
    ),
    Row("monitoring:submit", "GET", lambda w: w.url("submit", 4), only(provider=200)),
    Row("monitoring:correct", "GET", lambda w: w.url("correct", 2), only(provider=200)),
    Row("monitoring:answer", "POST", lambda w: w.url("answer", 2), only(provider=400)),
    Row("monitoring:query", "POST", lambda w: w.url("query", 3), only(commissioner=400)),
    Row("monitoring:accept", "POST", lambda w: w.url("accept", 3), only(commissioner=302)),
    Row(
        "monitoring:evidence",
        "GET",
        lambda w: w.url("evidence", 1, w.evidence.pk),
        only(provider=200, **STAFF_READ),
    ),
    Row("monitoring:plan_new", "GET", lambda w: w.url("plan_new", 2, 2), only(provider=200)),
    Row(
        "monitoring:plan_detail",
        "GET",
        lambda w: w.url("plan_detail", w.plan.pk),
        only(provider=200, **STAFF_READ),
    ),
    Row("monitoring:plan_edit", "GET", lambda w: w.url("plan_edit", w.plan.pk), only(provider=302)),
    Row(
        "monitoring:plan_agree",
        "POST",
        lambda w: w.url("plan_agree", w.plan.pk),
        only(commissioner=302),
    ),
    Row(
        "monitoring:plan_changes",
        "POST",
        lambda w: w.url("plan_changes", w.plan.pk),
        only(commissioner=400),
    ),
    Row("monitoring:assess", "GET", lambda w: w.url("assess", 1, 1), only(commissioner=200)),
    Row(
        "monitoring:assessment_publish",
        "POST",
        lambda w: w.url("assessment_publish", 1, 1),
        only(commissioner=302),
    ),
]

API = {"anonymous": 401}
API_ROWS = [
    Row(
        "GET /api/monitoring/{reference}/returns",
        "GET",
        lambda w: f"/api/monitoring/{w.contract.reference}/returns",
        {**only(provider=200, **STAFF_READ), **API},
    ),
    Row(
        "GET /api/monitoring/{reference}/returns/{period}",
        "GET",
        lambda w: f"/api/monitoring/{w.contract.reference}/returns/1",
        {**only(provider=200, **STAFF_READ), **API},
    ),
    Row(
        "POST /api/monitoring/{reference}/returns",
        "POST",
        lambda w: f"/api/monitoring/{w.contract.reference}/returns",
        {**only(provider=201), **API},
        body={"period": 4, "figures": [{"kpi": 1, "value": "61"}, {"kpi": 2, "value": "9"}]},
    ),
    Row(
        "GET /api/monitoring/{reference}/results",
        "GET",
        lambda w: f"/api/monitoring/{w.contract.reference}/results",
        dict.fromkeys(ROLES, 200),
    ),
]


class World:
    def __init__(self, commissioner):
        self.contract, self.provider = make_contract(commissioner, starts_on=months_ago(13))
        c, p = self.contract, self.provider
        first = send(c, p, 1, {1: "40", 2: "20"}, files=[SimpleUploadedFile("report.pdf", PDF)])
        first.contract = c
        svc.return_accept(actor=commissioner, monitoring_return=first)
        second = send(c, p, 2, {1: "40", 2: "20"})
        second.contract = c
        svc.return_query(actor=commissioner, monitoring_return=second, question="Why?")
        send(c, p, 3)
        kpi1 = c.kpis.get(position=1)
        self.plan = plans.plan_submit(
            actor=p,
            contract=c,
            kpi=kpi1,
            trigger_number=2,
            data=plans.PlanData(actions="More outreach.", owner="Amira", by_when=months_ago(-2)),
        )
        plans.assessment_record(
            actor=commissioner,
            contract=c,
            kpi=kpi1,
            year=1,
            rating="requires_improvement",
            reasons="Red twice.",
        )
        self.evidence = EvidenceFile.objects.get()
        other, _org = make_member(role="admin")
        self.users = {
            "anonymous": None,
            "resident": UserFactory(role="resident"),
            "other_provider": other,
            "provider": p,
            "finance": UserFactory(role="finance"),
            "commissioner": commissioner,
        }

    def url(self, name: str, *args) -> str:
        return reverse(f"monitoring:{name}", args=[self.contract.reference, *args])


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _check(client: Client, row: Row, role: str, w: World) -> str | None:
    url = row.url(w)
    if row.method == "POST":
        if url.startswith("/api/"):
            response = client.post(url, json.dumps(row.body), content_type="application/json")
        else:
            response = client.post(url, row.body)
    else:
        response = client.get(url)
    want = row.expect[role]
    status = response.status_code
    if status == 403:
        return f"{role} {row.method} {url}: 403 leaks existence"
    if want == LOGIN:
        if status != 302 or (
            "/sign-in" not in response.get("Location", "")
            and "login" not in response.get("Location", "")
        ):
            return f"{role} {row.method} {url}: {status}, want the sign-in page"
        return None
    if status != want:
        return f"{role} {row.method} {url}: {status}, want {want}"
    return None


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_page_and_api_operation_by_role(role, commissioner):
    w = World(commissioner)
    client = Client()
    if w.users[role] is not None:
        client.force_login(w.users[role])
    problems = [p for row in PAGE_ROWS + API_ROWS if (p := _check(client, row, role, w))]
    assert not problems, "\n".join(problems)
    if role == "commissioner":  # the empty-note actions went through
        assert ImprovementPlan.objects.get().status == "agreed"


@pytest.mark.django_db
def test_another_providers_member_sees_nothing_of_this_contract(commissioner):
    w = World(commissioner)
    client = Client()
    client.force_login(w.users["other_provider"])
    page = client.get(reverse("monitoring:mine")).content.decode()
    assert w.contract.reference not in page
    for row in PAGE_ROWS[2:]:
        response = client.get(row.url(w)) if row.method == "GET" else client.post(row.url(w))
        assert response.status_code == 404, row.name
        assert w.contract.reference.encode() not in response.content


def test_every_url_name_has_a_row():
    _prefix, sub = get_resolver().namespace_dict["monitoring"]
    names = {f"monitoring:{n}" for n in sub.reverse_dict if isinstance(n, str)}
    rows = {row.name for row in PAGE_ROWS}
    assert not names - rows, f"add these URL names to PAGE_ROWS: {sorted(names - rows)}"
    assert not rows - names, f"remove these rows: {sorted(rows - names)}"


@pytest.mark.django_db
def test_every_monitoring_api_operation_has_a_row(client):
    schema = json.loads(client.get("/api/openapi.json").content)
    ops = {
        f"{method.upper()} {path.removeprefix('/api')}"
        for path, methods in schema["paths"].items()
        if "/monitoring/" in path
        for method in methods
    }
    rows = {row.name.replace(" /api", " ") for row in API_ROWS}
    rows = {r.replace("  ", " ") for r in rows}
    assert ops == rows, (sorted(ops), sorted(rows))
