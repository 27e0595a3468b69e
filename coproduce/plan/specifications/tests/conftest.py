"""Fixtures for the specification tests: evidence to cite, and specifications made
through the services.

Findings come from the consultations app's factories; ideas are made directly here, so
these tests do not depend on how consultations are analysed or ideas submitted.
"""

from __future__ import annotations

import itertools

import pytest

from coproduce.plan.specifications.services import (
    RequirementData,
    SpecificationData,
    requirement_add,
    specification_create,
    specification_publish,
)
from coproduce.understand.consultations.tests.factories import make_finding
from coproduce.understand.equality.services import assessment_publish, assessment_start
from coproduce.understand.ideas.models import Idea

_refs = itertools.count(1)

STAFF = ["commissioner", "finance", "platform_admin"]
WRITERS = ["commissioner", "platform_admin"]
OUTSIDERS = [None, "resident", "provider"]


def login(client, request, who):
    if who:
        client.force_login(request.getfixturevalue(who))


def make_idea(project, *, title="An evening club", status="open", reason=""):
    return Idea.objects.create(
        project=project,
        reference=f"ID-2026-{9000 + next(_refs)}",
        title=title,
        status=status,
        status_reason=reason,
    )


def spec_data(**overrides) -> SpecificationData:
    values = {
        "title": "Day opportunities for adults with learning disabilities",
        "purpose": "Things to do in the day, chosen by the people who use them.",
        "involvement": "A members’ group meets every month.",
        "inclusion": "Home visits for people who do not go out.",
        "contract_years": 5,
        "extension_years": 2,
        "estimated_value_pence": 120_000_000,
    }
    values.update(overrides)
    return SpecificationData(**values)


def outcome(text="People choose what they do each day.", **kw) -> RequirementData:
    return RequirementData(kind="outcome", text=text, **kw)


def kpi(text="People say they chose their activities.", **kw) -> RequirementData:
    values = {"target": "90", "unit": "% of people asked", "frequency": "quarterly"}
    values.update(kw)
    return RequirementData(kind="kpi", text=text, **values)


@pytest.fixture
def finding(commissioner, published_project):
    return make_finding(published_project, commissioner)


@pytest.fixture
def draft_spec(commissioner, published_project):
    return specification_create(actor=commissioner, project=published_project, data=spec_data())


@pytest.fixture
def published_spec(commissioner, published_project, finding):
    spec = specification_create(actor=commissioner, project=published_project, data=spec_data())
    requirement_add(actor=commissioner, specification=spec, data=outcome(finding_ids=[finding.pk]))
    requirement_add(actor=commissioner, specification=spec, data=kpi())
    return specification_publish(actor=commissioner, specification=spec)


@pytest.fixture
def published_entry(commissioner, published_project):
    assessment = assessment_start(actor=commissioner, project=published_project)
    assessment_publish(actor=commissioner, assessment=assessment)
    return assessment.entries.get(characteristic="disability")
