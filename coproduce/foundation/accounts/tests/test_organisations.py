"""Organisation profiles, members and invitations, including who may not do what."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from coproduce.foundation.accounts.models import (
    Invitation,
    Membership,
    Organisation,
    OrganisationIdentifier,
)
from coproduce.foundation.accounts.tests.factories import OrganisationFactory, UserFactory
from coproduce.foundation.core.models import AuditEvent
from coproduce.foundation.core.tests.factories import service_area


@pytest.fixture
def form_data(db):
    return {
        "name": "Riverside Disabled People’s Forum",
        "legal_form": "cio",
        "size_band": "small",
        "description": "Run by and for disabled people.",
        "postcode": "rv1 3dp",
        "is_vcse": "on",
        "is_user_led": "on",
        "user_led_description": "Run by and for disabled people",
        "service_areas": [service_area().pk],
        "id_gb_chc": "1187654",
        "id_gb_coh": "",
        "id_gb_sc": "",
        "id_gb_nic": "",
        "id_gb_mpr": "",
    }


def test_a_person_adds_their_organisation_and_becomes_its_admin(client, resident, form_data):
    client.force_login(resident)
    response = client.post("/organisations/new/", form_data)
    assert response.status_code == 302
    org = Organisation.objects.get()
    assert org.is_user_led and org.is_vcse and org.is_local
    assert [i.org_id for i in org.identifiers.all()] == ["GB-CHC-1187654"]
    assert Membership.objects.get(organisation=org).role == "admin"
    resident.refresh_from_db()
    assert resident.role == "provider"
    page = client.get(response["Location"]).content.decode()
    assert "GB-CHC-1187654" in page
    assert AuditEvent.objects.filter(verb="accounts.organisation.created").count() == 1


def test_workforce_headcount_is_saved_for_joint_bid_checks(client, resident, form_data):
    client.force_login(resident)
    client.post(
        "/organisations/new/",
        {**form_data, "workforce_headcount": "12", "workforce_disadvantaged_percent": "40"},
    )
    org = Organisation.objects.get()
    assert (org.workforce_headcount, org.workforce_disadvantaged_percent) == (12, 40)


def test_an_organisation_outside_the_area_is_not_local(client, resident, form_data):
    client.force_login(resident)
    client.post("/organisations/new/", {**form_data, "postcode": "LS1 4AP"})
    assert not Organisation.objects.get().is_local


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"id_gb_chc": "12"}, "id_gb_chc", "Enter a valid Charity Commission"),
        ({"id_gb_coh": "ZZ999999"}, "id_gb_coh", "Enter a valid Companies House number"),
        (
            {"is_supported_business": "on", "workforce_disadvantaged_percent": "20"},
            "workforce_disadvantaged_percent",
            "at least 30%",
        ),
        (
            {"is_supported_business": "on"},
            "workforce_disadvantaged_percent",
            "Enter the percentage",
        ),
        (
            {"workforce_disadvantaged_percent": "130"},
            "workforce_disadvantaged_percent",
            "between 0 and 100",
        ),
        ({"workforce_headcount": "0"}, "workforce_headcount", "1 or more"),
        ({"workforce_headcount": "twelve"}, "workforce_headcount", "whole number"),
        ({"user_led_description": ""}, "user_led_description", "Say whose organisation it is"),
        ({"name": ""}, "name", "Enter the organisation’s name"),
        ({"name": "x" * 201}, "name", "200 characters"),
        ({"legal_form": "pirate-ship"}, "legal_form", "Choose a legal form from the list"),
        ({"postcode": "atlantis"}, "postcode", "Enter a full UK postcode"),
        ({"service_areas": ["999999"]}, "service_areas", "Select a valid choice"),
    ],
)
def test_bad_profile_input_is_explained_and_nothing_saved(
    client, resident, form_data, change, field, message
):
    client.force_login(resident)
    response = client.post("/organisations/new/", {**form_data, **change})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert f'href="#id_{field}' in body
    assert not Organisation.objects.exists()
    assert not Membership.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_registered_number_belongs_to_one_organisation(client, resident, form_data):
    other = OrganisationFactory()
    OrganisationIdentifier.objects.create(organisation=other, scheme="GB-CHC", identifier="1187654")
    client.force_login(resident)
    response = client.post("/organisations/new/", form_data)
    assert response.status_code == 400
    assert "already uses GB-CHC-1187654" in response.content.decode()
    assert Organisation.objects.count() == 1


def test_admin_edits_the_profile_and_the_change_is_audited(
    client, provider, organisation, form_data
):
    client.force_login(provider)
    response = client.post(
        f"/organisations/{organisation.slug}/edit/", {**form_data, "size_band": "medium"}
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.size_band == "medium"
    event = AuditEvent.objects.get(verb="accounts.organisation.updated")
    assert event.changes["size_band"] == ["small", "medium"]


@pytest.mark.parametrize("who", ["resident", "commissioner", "plain_member"])
def test_only_admins_can_edit_a_profile(client, organisation, form_data, request, who):
    if who == "plain_member":
        user = UserFactory(role="provider")
        Membership.objects.create(user=user, organisation=organisation, role="member")
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(f"/organisations/{organisation.slug}/edit/").status_code == 404
    assert (
        client.post(
            f"/organisations/{organisation.slug}/edit/", {**form_data, "name": "Hijacked"}
        ).status_code
        == 404
    )
    organisation.refresh_from_db()
    assert organisation.name != "Hijacked"


def test_anonymous_visitors_see_profiles_but_not_members(client, organisation, provider):
    body = client.get(f"/organisations/{organisation.slug}/").content.decode()
    assert organisation.name in body
    assert provider.full_name not in body
    assert client.get("/organisations/").status_code == 200
    assert client.get("/organisations/new/").status_code == 302


def test_invite_and_accept(client, provider, organisation, django_capture_on_commit_callbacks):
    client.force_login(provider)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/organisations/{organisation.slug}/members/",
            {"email": "New@Example.org", "role": "member"},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    token_path = re.search(r"http://testserver(/invitations/\S+/)", mail.outbox[0].body).group(1)
    invitee = UserFactory(email="new@example.org")
    client.force_login(invitee)
    assert client.get(token_path).status_code == 200
    assert client.post(token_path).status_code == 302
    assert Membership.objects.get(user=invitee).role == "member"
    # The link is single use.
    assert client.post(token_path).status_code == 404
    assert Membership.objects.filter(user=invitee).count() == 1


def test_an_invitation_cannot_be_used_by_someone_else(
    client, provider, organisation, resident, django_capture_on_commit_callbacks
):
    client.force_login(provider)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/organisations/{organisation.slug}/members/",
            {"email": "new@example.org", "role": "admin"},
        )
    token_path = re.search(r"http://testserver(/invitations/\S+/)", mail.outbox[0].body).group(1)
    client.force_login(resident)
    response = client.post(token_path)
    assert response.status_code == 400
    assert "sent to new@example.org" in response.content.decode()
    assert not Membership.objects.filter(user=resident).exists()


def test_an_expired_invitation_is_refused(
    client, provider, organisation, django_capture_on_commit_callbacks
):
    client.force_login(provider)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/organisations/{organisation.slug}/members/",
            {"email": "new@example.org", "role": "member"},
        )
    token_path = re.search(r"http://testserver(/invitations/\S+/)", mail.outbox[0].body).group(1)
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert client.get(token_path).status_code == 404


def test_members_page_is_for_admins_only(client, organisation, resident):
    client.force_login(resident)
    assert client.get(f"/organisations/{organisation.slug}/members/").status_code == 404
    assert (
        client.post(
            f"/organisations/{organisation.slug}/members/",
            {"email": "x@example.org", "role": "admin"},
        ).status_code
        == 404
    )
    assert not Invitation.objects.exists()


def test_the_last_admin_cannot_be_removed(client, provider, organisation):
    client.force_login(provider)
    membership = Membership.objects.get(user=provider)
    client.post(f"/organisations/{organisation.slug}/members/{membership.pk}/remove/")
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_an_admin_removes_a_member(client, provider, organisation):
    member = UserFactory(role="provider")
    m = Membership.objects.create(user=member, organisation=organisation, role="member")
    client.force_login(provider)
    client.post(f"/organisations/{organisation.slug}/members/{m.pk}/remove/")
    assert not Membership.objects.filter(pk=m.pk).exists()
    assert AuditEvent.objects.filter(verb="accounts.membership.removed").count() == 1
