"""axe-core on every page built so far, as each role that sees it, including error states.

With the demo council loaded, each visit opens the page as the given person and, for the
error states, submits the form (after typing the given values) so that the error summary
and field errors are on the page when axe-core runs. A serious or critical violation
fails the test; moderate and minor ones are listed at the end of the run.
To add a page, add a ``Visit`` to ``VISITS``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Error as PlaywrightError

pytestmark = pytest.mark.browser

# The main form's submit button. Sign-out, publish and remove-member buttons sit in
# ``.app-inline-form`` forms, so they are never the one pressed.
SUBMIT = '#main-content form[method="post"]:not(.app-inline-form) button[type="submit"]'


@dataclass(frozen=True)
class Visit:
    """A page as one person sees it. ``submit`` set: fill these fields, then submit."""

    role: str | None
    name: str
    path: str
    status: int = 200
    submit: tuple[tuple[str, str], ...] | None = None
    submit_status: int = 400

    @property
    def id(self) -> str:
        return f"{self.role or 'anonymous'}:{self.name}"


EMPTY: tuple = ()

VISITS = [
    # Anyone
    Visit(None, "home", "/"),
    Visit(None, "accessibility statement", "/accessibility/"),
    Visit(None, "privacy", "/privacy/"),
    Visit(None, "projects", "/projects/"),
    Visit(
        None, "projects filtered", "/projects/?q=day&stage=plan&service_area=learning-disability"
    ),
    Visit(None, "projects with no match", "/projects/?q=no+such+project&stage=review"),
    Visit(None, "published project", "/projects/{published}/"),
    Visit(None, "draft project is hidden", "/projects/{draft}/", status=404),
    Visit(None, "organisations", "/organisations/"),
    Visit(None, "organisation", "/organisations/{org}/"),
    Visit(None, "sign in", "/account/sign-in/"),
    Visit(None, "sign in with errors", "/account/sign-in/", submit=EMPTY),
    Visit(
        None,
        "sign in with wrong password",
        "/account/sign-in/",
        submit=(("#id_username", "resident@riverside.example"), ("#id_password", "wrong-guess")),
    ),
    Visit(None, "register", "/account/register/"),
    Visit(None, "register with errors", "/account/register/", submit=(("#id_email", "sam@"),)),
    Visit(None, "password reset", "/account/password-reset/"),
    Visit(
        None,
        "password reset with errors",
        "/account/password-reset/",
        submit=(("#id_email", "not an email"),),
        # 400 like every other form with errors since the reset page is throttled (issue 12).
        submit_status=400,
    ),
    Visit(None, "password reset sent", "/account/password-reset/sent/"),
    Visit(None, "password reset link expired", "/account/password-reset/MQ/bad-token/"),
    Visit(None, "password reset complete", "/account/password-reset/complete/"),
    Visit(None, "invitation", "/invitations/{invitation}/"),
    Visit(None, "invitation not valid", "/invitations/not-a-real-token/", status=404),
    Visit(None, "page not found", "/no-such-page/", status=404),
    # A resident
    Visit("resident", "home", "/"),
    Visit("resident", "your account", "/account/"),
    Visit("resident", "published project", "/projects/{published}/"),
    Visit("resident", "organisation", "/organisations/{org}/"),
    Visit("resident", "add organisation", "/organisations/new/"),
    Visit(
        "resident",
        "add organisation with errors",
        "/organisations/new/",
        submit=(("#id_website", "not a web address"), ("#id_email", "nobody@")),
    ),
    Visit("resident", "invitation", "/invitations/{invitation}/"),
    Visit("resident", "manage projects is hidden", "/manage/projects/", status=404),
    # A provider who administers an organisation
    Visit("provider", "your account", "/account/"),
    Visit("provider", "own organisation", "/organisations/{org}/"),
    Visit("provider", "edit organisation", "/organisations/{org}/edit/"),
    Visit(
        "provider",
        "edit organisation with errors",
        "/organisations/{org}/edit/",
        submit=(
            ("#id_name", ""),
            ("#id_website", "not a web address"),
            ("#id_workforce_disadvantaged_percent", "lots"),
        ),
    ),
    Visit("provider", "members", "/organisations/{org}/members/"),
    Visit(
        "provider",
        "members with errors",
        "/organisations/{org}/members/",
        submit=(("#id_email", "not-an-email"),),
    ),
    # A commissioner
    Visit("commissioner", "home", "/"),
    Visit("commissioner", "your account", "/account/"),
    Visit("commissioner", "manage projects", "/manage/projects/"),
    Visit("commissioner", "manage projects filtered", "/manage/projects/?stage=understand"),
    Visit("commissioner", "create project", "/manage/projects/new/"),
    Visit(
        "commissioner",
        "create project with errors",
        "/manage/projects/new/",
        submit=(
            ("#id_title", "Lunch clubs"),
            ("#id_budget", "lots"),
            ("#id_starts_on_0", "31"),
            ("#id_starts_on_1", "2"),
            ("#id_starts_on_2", "2027"),
            ("#id_ends_on_0", "1"),
        ),
    ),
    Visit("commissioner", "published project", "/projects/{published}/"),
    Visit("commissioner", "draft project", "/projects/{draft}/"),
    Visit("commissioner", "change stage", "/manage/projects/{published}/stage/"),
    Visit(
        "commissioner",
        "change stage with errors",
        "/manage/projects/{published}/stage/",
        submit=EMPTY,
    ),
    Visit("commissioner", "edit project", "/manage/projects/{published}/edit/"),
    Visit(
        "commissioner",
        "edit project with errors",
        "/manage/projects/{published}/edit/",
        submit=(("#id_title", ""), ("#id_ends_on_2", "")),
    ),
    # Finance
    Visit("finance", "your account", "/account/"),
    Visit("finance", "manage projects", "/manage/projects/"),
    Visit("finance", "draft project", "/projects/{draft}/"),
    Visit("finance", "audit trail", "/audit/"),
    Visit(
        "finance",
        "audit trail filtered",
        "/audit/?verb=commissioning.project.stage_changed&actor=commissioner",
    ),
    Visit("finance", "audit trail with errors", "/audit/?since=yesterday&until=2026-13-01"),
    # A platform administrator
    Visit("admin", "home", "/"),
    Visit("admin", "audit trail", "/audit/"),
    Visit("admin", "manage projects", "/manage/projects/"),
    Visit("admin", "edit any organisation", "/organisations/{org}/edit/"),
    Visit("admin", "members of any organisation", "/organisations/{org}/members/"),
]


ROLES = [None, "resident", "provider", "commissioner", "finance", "admin"]


def look_at(visit: Visit, page, refs: dict, axe) -> None:
    """Open the page (and submit its form, for error states), then run axe-core on it."""
    response = page.goto(visit.path.format(**refs))
    assert response.status == visit.status, f"answered {response.status}, not {visit.status}"

    if visit.submit is not None:
        for selector, value in visit.submit:
            page.fill(selector, value)
        with page.expect_navigation() as navigation:
            page.click(SUBMIT)
        status = navigation.value.status
        assert status == visit.submit_status, f"form answered {status}, not {visit.submit_status}"
        assert page.locator(".govuk-error-summary").is_visible(), "no error summary"
        assert "Error" in page.title(), f"title {page.title()!r} does not say Error"
        # GOV.UK Frontend moves focus to the summary so screen readers announce it.
        assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')"), (
            "the error summary did not get focus"
        )

    axe.check(page, visit.id)


# One test per role rather than per page: every live_server test ends with the database
# emptied (a TRUNCATE of every table on PostgreSQL, seconds on a busy machine), so this
# keeps the suite fast. Every page is still checked, and a failure lists every page with
# a problem rather than stopping at the first. One browser tab per role is reused, so
# the style sheets and scripts are fetched once.
@pytest.mark.parametrize("role", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_every_page_has_no_serious_accessibility_problems(
    role, demo, new_context, page_as, axe, request
):
    refs = dict(demo.refs)
    failures = []
    visits = [v for v in VISITS if v.role == role]
    page = page_as(role) if role else new_context().new_page()
    for visit in visits:
        if "{invitation}" in visit.path and "invitation" not in refs:
            refs["invitation"] = request.getfixturevalue("invitation_token")
        try:
            look_at(visit, page, refs, axe)
        except (AssertionError, PlaywrightError) as exc:
            failures.append(f"{visit.id} ({visit.path}): {exc}")
    assert not failures, f"{len(failures)} of {len(visits)} pages failed:\n\n" + "\n\n".join(
        failures
    )


def test_password_reset_with_a_valid_link(demo, page, axe):
    """The link from the email: the new-password form, its errors, and the end page."""
    user = demo.users["resident"]
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)

    page.goto(f"/account/password-reset/{uid}/{token}/")
    assert page.url.endswith("/set-password/")  # Django hides the token from the address
    assert page.locator("h1").inner_text() == "Choose a new password"
    axe.check(page, "anonymous:password reset new password")

    page.fill("#id_new_password1", "short")
    page.fill("#id_new_password2", "different")
    with page.expect_navigation() as navigation:
        page.click(SUBMIT)
    assert navigation.value.status == 200
    assert page.locator(".govuk-error-summary").is_visible()
    axe.check(page, "anonymous:password reset new password with errors")

    page.fill("#id_new_password1", "a-much-better-passphrase")
    page.fill("#id_new_password2", "a-much-better-passphrase")
    with page.expect_navigation():
        page.click(SUBMIT)
    assert page.url.endswith("/account/password-reset/complete/")
    assert page.locator("h1").inner_text() == "Your password has been changed"
    axe.check(page, "anonymous:password reset complete after reset")


def test_api_docs_load(page, live_server):
    """The API documentation is third-party (Swagger UI): it must load, axe is not run."""
    response = page.goto("/api/docs")
    assert response.status == 200
    response = page.goto("/api/openapi.json")
    assert response.status == 200
    assert response.json()["info"]["title"]


def test_pages_work_under_the_real_content_security_policy(demo, new_context):
    """Without the CSP bypass: no violations, and GOV.UK Frontend's scripts still start."""
    page = new_context(bypass_csp=False).new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    for path in ["/", f"/projects/{demo.published}/", "/account/sign-in/"]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        classes = page.evaluate("document.body.className")
        assert "govuk-frontend-supported" in classes, path
        skip_link = page.locator("[data-module='govuk-skip-link']")
        assert skip_link.get_attribute("data-govuk-skip-link-init") is not None, path
    assert not problems, problems
