"""Shared pytest fixtures: one user per role, an organisation, projects made through services."""

from __future__ import annotations

import datetime as dt

import pytest

from coproduce.foundation.accounts.tests.factories import OrganisationFactory, UserFactory
from coproduce.foundation.commissioning.tests.factories import make_project


@pytest.fixture(autouse=True)
def _fast_settings(settings):
    settings.AXES_ENABLED = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def commissioner(db):
    return UserFactory(role="commissioner", full_name="Priya Commissioner")


@pytest.fixture
def finance(db):
    return UserFactory(role="finance")


@pytest.fixture
def platform_admin(db):
    return UserFactory(role="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def resident(db):
    return UserFactory(role="resident")


@pytest.fixture
def provider(db):
    return UserFactory(role="provider")


@pytest.fixture
def organisation(provider):
    return OrganisationFactory(admin=provider)


@pytest.fixture
def draft_project(commissioner):
    return make_project(actor=commissioner)


@pytest.fixture
def published_project(commissioner):
    return make_project(actor=commissioner, published=True, starts_on=dt.date(2027, 4, 1))
