"""Registering, signing in (with throttling) and resetting a password."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from coproduce.foundation.accounts.models import User
from coproduce.foundation.accounts.tests.factories import PASSWORD, UserFactory
from coproduce.foundation.core.models import AuditEvent

GOOD = {
    "account_type": "resident",
    "full_name": "Sam Taylor",
    "email": "Sam@Example.org",
    "postcode": "rv1 2ab",
    "password": "a-long-and-unusual-passphrase",
}


def test_resident_registers_and_is_signed_in(client, db):
    response = client.post("/account/register/", GOOD)
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "sam@example.org"
    assert user.role == "resident"
    assert user.postcode == "RV1 2AB"
    assert client.get("/account/").status_code == 200
    assert AuditEvent.objects.filter(verb="accounts.user.registered").count() == 1


def test_organisation_registration_goes_on_to_the_profile_form(client, db):
    response = client.post("/account/register/", {**GOOD, "account_type": "organisation"})
    assert response["Location"] == "/organisations/new/"
    assert User.objects.get().role == "provider"


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


def test_an_email_address_can_only_register_once(client, db):
    UserFactory(email="sam@example.org")
    response = client.post("/account/register/", GOOD)
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert User.objects.count() == 1


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


def test_your_account_needs_sign_in(client, db):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")
