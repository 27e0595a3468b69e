"""Registering, signing in (with throttling) and resetting a password."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from coproduce.foundation.accounts.models import User
from coproduce.foundation.accounts.tests.factories import PASSWORD, UserFactory
from coproduce.foundation.core.models import AuditEvent


@pytest.fixture(autouse=True)
def _no_earlier_attempts():
    """Rate-limit counts live in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


GOOD = {
    "account_type": "resident",
    "full_name": "Sam Taylor",
    "email": "Sam@Example.org",
    "postcode": "rv1 2ab",
    "password": "a-long-and-unusual-passphrase",
}


def test_resident_registers_is_emailed_and_can_sign_in(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/register/", GOOD)
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    user = User.objects.get()
    assert user.email == "sam@example.org"
    assert user.role == "resident"
    assert user.postcode == "RV1 2AB"
    assert AuditEvent.objects.filter(verb="accounts.user.registered").count() == 1
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert "Your coproduce account is ready" in mail.outbox[0].body
    signed_in = client.post(
        "/account/sign-in/", {"username": "sam@example.org", "password": GOOD["password"]}
    )
    assert signed_in.status_code == 302
    assert client.get("/account/").status_code == 200


def test_organisation_registration_email_says_to_add_the_profile(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/account/register/", {**GOOD, "account_type": "organisation"})
    assert User.objects.get().role == "provider"
    assert "add your organisation's profile" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "Enter an email address in the correct format"),
        ({"full_name": ""}, "full_name", "Enter your full name"),
        ({"full_name": "x" * 151}, "full_name", "150 characters or fewer"),
        ({"password": "password123"}, "password", "too common"),
        ({"postcode": "nowhere"}, "postcode", "Enter a full UK postcode"),
        ({"account_type": "wizard"}, "account_type", "Select a valid choice"),
    ],
)
def test_bad_registration_shows_the_problem_and_saves_nothing(client, db, change, field, message):
    response = client.post("/account/register/", {**GOOD, **change})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert f'href="#id_{field}' in body
    assert not User.objects.exists()


def _page(response) -> str:
    """The page without its per-request parts (the CSRF token and the CSP nonce)."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
    return re.sub(r'nonce="[^"]*"', "", body)


def test_registration_does_not_reveal_that_an_email_has_an_account(
    client, db, django_capture_on_commit_callbacks
):
    """Issue 12: registering with a taken address said "already exists". Now the response
    is the same page as for a new address, nothing is created, and the owner is emailed."""
    UserFactory(email="sam@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post("/account/register/", GOOD)
    assert User.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert "already has an account" in mail.outbox[0].body
    assert "/account/password-reset/" in mail.outbox[0].body
    fresh = client.post(
        "/account/register/", {**GOOD, "email": "Sam@Example.ORG".replace("Sam", "Alex")}
    )
    assert User.objects.count() == 2
    assert (taken.status_code, fresh.status_code) == (200, 200)
    assert "already exists" not in taken.content.decode()
    assert _page(taken).replace("sam@example.org", "X") == _page(fresh).replace(
        "alex@example.org", "X"
    )
    assert AuditEvent.objects.filter(verb="accounts.user.registered").count() == 1


def test_a_weak_password_is_refused_alike_for_a_taken_address(client, db):
    UserFactory(email="sam@example.org")
    response = client.post("/account/register/", {**GOOD, "password": "password123"})
    assert response.status_code == 400
    assert "too common" in response.content.decode()
    assert mail.outbox == []


def test_sign_in_with_email_and_password(client, db):
    UserFactory(email="jo@example.org")
    response = client.post(
        "/account/sign-in/", {"username": "jo@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_wrong_password_is_a_clear_error(client, db):
    UserFactory(email="jo@example.org")
    response = client.post("/account/sign-in/", {"username": "jo@example.org", "password": "nope"})
    assert response.status_code == 400
    assert "Enter a correct email address and password" in response.content.decode()


def test_sign_in_is_throttled_after_five_failures(client, db, settings):
    settings.AXES_ENABLED = True
    UserFactory(email="jo@example.org")
    for _ in range(5):
        client.post("/account/sign-in/", {"username": "jo@example.org", "password": "wrong"})
    response = client.post(
        "/account/sign-in/", {"username": "jo@example.org", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_password_reset_by_email(client, db):
    user = UserFactory(email="jo@example.org")
    response = client.post("/account/password-reset/", {"email": "jo@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/account/password-reset/\S+/)", mail.outbox[0].body).group(
        1
    )
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    new = "another-long-unusual-passphrase"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    assert AuditEvent.objects.filter(verb="accounts.user.password_reset").count() == 1


def test_password_reset_for_unknown_email_reveals_nothing(client, db):
    response = client.post("/account/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_reset_requests_are_throttled_per_client(client, db, settings):
    """Issue 12: password-reset requests were not limited at all."""
    settings.PASSWORD_RESET_RATE = "3/h"
    UserFactory(email="jo@example.org")
    for n in range(3):
        response = client.post("/account/password-reset/", {"email": f"x{n}@example.org"})
        assert response.status_code == 302
    refused = client.post("/account/password-reset/", {"email": "jo@example.org"})
    assert refused.status_code == 429
    assert "Too many requests to reset a password" in refused.content.decode()
    assert mail.outbox == []


def test_password_reset_requests_are_throttled_per_address_from_any_client(db, settings):
    settings.PASSWORD_RESET_EMAIL_RATE = "2/h"
    UserFactory(email="jo@example.org")
    for n in range(2):
        response = Client(REMOTE_ADDR=f"10.0.0.{n}").post(
            "/account/password-reset/", {"email": "JO@example.org"}
        )
        assert response.status_code == 302
    refused = Client(REMOTE_ADDR="10.0.0.9").post(
        "/account/password-reset/", {"email": "jo@example.org"}
    )
    assert refused.status_code == 429
    assert len(mail.outbox) == 2
    # The refusal is the same for an address without an account: nothing is revealed.
    for n in range(2):
        Client(REMOTE_ADDR=f"10.0.1.{n}").post(
            "/account/password-reset/", {"email": "nobody@example.org"}
        )
    unknown = Client(REMOTE_ADDR="10.0.1.9").post(
        "/account/password-reset/", {"email": "nobody@example.org"}
    )
    assert unknown.status_code == 429


def test_your_account_needs_sign_in(client, db):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")
