"""Helpers for the equality tests: consultations, monitoring returns and findings.

The engagement app owns these; they are made directly here so the equality tests do not
depend on how its questionnaire works.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from coproduce.understand.consultations.models import (
    Consultation,
    EqualityMonitoringReturn,
    Finding,
)
from coproduce.understand.equality.services import ProfileData, population_profile_upload

_refs = itertools.count(1)

POPULATION = b"""characteristic,group,percent
age,18_24,12
age,25_34,20
age,35_44,20
age,45_54,18
age,55_64,15
age,65_74,9
age,75_plus,6
sex,female,51
sex,male,49
race,asian,14
race,black,6
race,mixed,4
race,white,74
race,other,2
"""


def make_consultation(project, actor, title="Have your say") -> Consultation:
    now = timezone.now()
    return Consultation.objects.create(
        project=project,
        reference=f"CN-T-{next(_refs):04d}",
        title=title,
        intro="What we want to know.",
        opens_at=now - dt.timedelta(days=10),
        closes_at=now + dt.timedelta(days=10),
        status="published",
        published_at=now,
        created_by=actor,
    )


def add_returns(consultation, n: int, **answers) -> None:
    EqualityMonitoringReturn.objects.bulk_create(
        EqualityMonitoringReturn(
            consultation=consultation, received_on=dt.date(2026, 5, 1), **answers
        )
        for _ in range(n)
    )


def make_finding(
    project, actor, *, published=True, statement="People want more choice."
) -> Finding:
    return Finding.objects.create(
        project=project,
        reference=f"F-T-{next(_refs):04d}",
        statement=statement,
        created_by=actor,
        published_at=timezone.now() if published else None,
    )


@pytest.fixture
def profile(platform_admin):
    return population_profile_upload(
        actor=platform_admin,
        data=ProfileData(name="Test area", source="Census", year=2021, content=POPULATION),
    )
