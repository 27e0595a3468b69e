"""Fixtures for the browser tests: Chromium through Playwright, the demo council, axe-core.

These tests drive the real pages in Debian's Chromium against pytest-django's
``live_server``. Run them with ``make test-browser`` (``pytest -m browser``); the default
``pytest`` run leaves them out.

Three things about the set-up are easy to trip over:

* ``live_server`` tests run in a transactional database that is emptied after every test,
  which also removes rows that migrations seeded (service areas, the audit chain head).
  The database as migrated is copied at the start of the session, and the ``demo``
  fixture starts from that copy. Loading the demo council takes seconds, so it is loaded
  once and its tables are copied back for each later test (``snapshot.py``).
* Playwright's sync API runs an event loop in this thread, so Django's async-safety check
  would refuse database access from fixtures; ``DJANGO_ALLOW_ASYNC_UNSAFE`` turns it off.
* The content security policy forbids inline scripts, so axe-core is injected into
  browser contexts created with ``bypass_csp=True``. One test checks the pages under the
  real policy, without that bypass.
"""

from __future__ import annotations

import importlib
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client
from playwright.sync_api import sync_playwright

from coproduce.demo import data
from coproduce.foundation.accounts.models import Organisation, User
from coproduce.foundation.accounts.services import invitation_create
from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.models import AuditChainHead, ServiceArea

from . import snapshot

# Checked by Django on every database call, so setting it here (before any test) is enough.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("COPRODUCE_CHROMIUM", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING_IMPACTS = {"serious", "critical"}
DESKTOP = {"width": 1280, "height": 900}

# Demo people by the role the tests call them. The provider administers two organisations.
DEMO_EMAILS = {
    "resident": "resident@riverside.example",
    "provider": "provider@riverside.example",
    "provider2": "provider2@riverside.example",
    "commissioner": "commissioner@riverside.example",
    "finance": "finance@riverside.example",
    "admin": "admin@riverside.example",
}
PUBLISHED_TITLE = "Day opportunities for adults with learning disabilities"
DRAFT_TITLE = "Floating housing support"
ORGANISATION_NAME = "Riverside Disabled People’s Forum"

# Moderate and minor axe findings, reported once at the end of the run.
AXE_FINDINGS: list[tuple[str, str, str, str]] = []


def pytest_terminal_summary(terminalreporter):
    if not AXE_FINDINGS:
        return
    terminalreporter.section("axe-core: moderate and minor findings (not failing)")
    counts = Counter((rule, impact, help_) for _, rule, impact, help_ in AXE_FINDINGS)
    for (rule, impact, help_), n in sorted(counts.items()):
        pages = sorted({p for p, r, _, _ in AXE_FINDINGS if r == rule})
        terminalreporter.write_line(f"{impact:8} {rule}: {help_} ({n} pages: {', '.join(pages)})")


# --- Browser -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright_driver():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver):
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    yield browser
    browser.close()


@pytest.fixture
def new_context(browser, live_server):
    """Make browser contexts pointed at the live server; all are closed after the test.

    Defaults: desktop viewport, CSP bypassed (for axe), 10 s timeouts. Pass Playwright
    context options to change them, e.g. ``new_context(java_script_enabled=False)``.
    """
    contexts = []

    def make(**options):
        options = {
            "base_url": live_server.url,
            "viewport": DESKTOP,
            "bypass_csp": True,
            "locale": "en-GB",
            **options,
        }
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """An anonymous visitor's page."""
    return new_context().new_page()


# --- Data ----------------------------------------------------------------------------


def reseed_migration_rows() -> None:
    """Put back what migration core 0002 seeds, which a transactional flush deletes."""
    seeded = importlib.import_module(
        "coproduce.foundation.core.migrations.0002_audit_head_triggers_service_areas"
    )
    AuditChainHead.objects.get_or_create(pk=1, defaults={"seq": 0, "last_hash": seeded.GENESIS})
    for name, slug, light_touch in seeded.SERVICE_AREAS:
        ServiceArea.objects.get_or_create(
            slug=slug, defaults={"name": name, "light_touch": light_touch}
        )


# Copies of the whole test database: as migrations left it, and with the demo loaded.
_COPIES: dict[str, list] = {}


@pytest.fixture(scope="session", autouse=True)
def _database_as_migrated(django_db_setup, django_db_blocker):
    """Copy the freshly migrated test database before any browser test empties it.

    Migrations seed rows (service areas, the audit chain head, idea areas…) that every
    live_server test's flush deletes; the ``demo`` fixture starts from this copy.
    """
    with django_db_blocker.unblock():
        _COPIES["migrated"] = snapshot.take()


@dataclass
class DemoCouncil:
    """The demo council as loaded for one test, with the handles the tests need."""

    users: dict
    published: str  # reference of the published project that has a stage decision
    draft: str  # reference of the draft project
    organisation: str  # slug of an organisation the demo provider administers
    refs: dict = field(default_factory=dict)


@pytest.fixture
def demo(live_server, transactional_db) -> DemoCouncil:
    """The Riverside demo council, as ``coproduce.demo.data.load()`` (``make demo``) makes it.

    The first test to ask loads it through the services, from the database as migrated;
    later tests get an exact copy of that result back (see ``snapshot``), which takes a
    fraction of a second instead of several. Tests may change the data freely: the next
    test starts from the copy again. The cache (rate limits) is cleared too.
    """
    cache.clear()
    if "demo" in _COPIES:
        snapshot.restore(_COPIES["demo"])
    else:
        snapshot.restore(_COPIES["migrated"])
        reseed_migration_rows()
        data.load()
        _COPIES["demo"] = snapshot.take()
    council = DemoCouncil(
        users={role: User.objects.get(email=email) for role, email in DEMO_EMAILS.items()},
        published=CommissioningProject.objects.get(title=PUBLISHED_TITLE).reference,
        draft=CommissioningProject.objects.get(title=DRAFT_TITLE).reference,
        organisation=Organisation.objects.get(name=ORGANISATION_NAME).slug,
    )
    council.refs = {
        "published": council.published,
        "draft": council.draft,
        "org": council.organisation,
    }
    return council


@pytest.fixture
def invitation_token(demo, live_server) -> str:
    """An open invitation to the demo provider's organisation; returns the token in its link."""
    mail.outbox = []
    invitation_create(
        actor=demo.users["provider"],
        organisation=Organisation.objects.get(slug=demo.organisation),
        email="new.volunteer@example.org",
        role="member",
        accept_url_base=live_server.url,
    )
    match = re.search(r"/invitations/([^/\s]+)/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


# --- Signing in ----------------------------------------------------------------------


@pytest.fixture
def page_as(demo, new_context, live_server):
    """``page_as("commissioner")``: a page whose context is signed in as that demo person.

    The session is made on the server (as the test client's ``force_login`` does) rather
    than through the sign-in form, which has tests of its own.
    """

    def make(role: str, **options):
        client = Client()
        client.force_login(demo.users[role], backend="django.contrib.auth.backends.ModelBackend")
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context = new_context(**options)
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        return context.new_page()

    return make


@pytest.fixture
def resident_page(page_as):
    return page_as("resident")


@pytest.fixture
def provider_page(page_as):
    """The demo provider, an administrator of two organisations."""
    return page_as("provider")


@pytest.fixture
def commissioner_page(page_as):
    return page_as("commissioner")


@pytest.fixture
def finance_page(page_as):
    return page_as("finance")


@pytest.fixture
def admin_page(page_as):
    return page_as("admin")


# --- axe-core ------------------------------------------------------------------------


class AxeChecker:
    """Runs axe-core in a page and fails on serious or critical WCAG 2.2 AA violations."""

    def __init__(self) -> None:
        self.source = AXE_JS.read_text(encoding="utf-8")

    def run(self, page) -> list[dict]:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(content=self.source)
        return page.evaluate(
            """(tags) => axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            }).then((r) => r.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
            })))""",
            AXE_TAGS,
        )

    def check(self, page, name: str) -> list[dict]:
        """Check the page as it is now; ``name`` labels it in messages."""
        violations = self.run(page)
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        for v in violations:
            if v["impact"] not in BLOCKING_IMPACTS:
                AXE_FINDINGS.append((name, v["id"], v["impact"], v["help"]))
                print(f"axe {v['impact']} on {name}: {v['id']} ({v['help']})")
        assert not blocking, f"axe-core found problems on {name} ({page.url}):\n" + "\n".join(
            describe(v) for v in blocking
        )
        return violations


def describe(violation: dict) -> str:
    nodes = "\n".join(
        f"    {n['target']}: {n['summary'].splitlines()[-1].strip()}"
        for n in violation["nodes"][:5]
    )
    return f"  [{violation['impact']}] {violation['id']}: {violation['help']}\n{nodes}"


@pytest.fixture(scope="session")
def axe() -> AxeChecker:
    return AxeChecker()


# --- Keyboard ------------------------------------------------------------------------


def focused(page) -> dict:
    """What has focus: tag, id, name, type, text and href of the active element."""
    return page.evaluate(
        """() => { const e = document.activeElement; return {
            tag: e.tagName.toLowerCase(), id: e.id, name: e.getAttribute("name") || "",
            type: e.getAttribute("type") || "", text: (e.innerText || e.value || "").trim(),
            href: e.getAttribute("href") || "", value: e.value || "" }; }"""
    )


def tab_to(page, matches, *, limit: int = 80, backwards: bool = False) -> dict:
    """Press Tab until the focused element satisfies ``matches`` (a predicate on ``focused``)."""
    key = "Shift+Tab" if backwards else "Tab"
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        now = focused(page)
        if matches(now):
            return now
        seen.append(f"{now['tag']}#{now['id']} {now['text'][:30]!r}")
    raise AssertionError(
        f"Never reached the element by pressing {key}; went through:\n" + "\n".join(seen)
    )
