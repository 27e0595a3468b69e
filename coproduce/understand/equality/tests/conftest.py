"""Helpers for the equality tests: monitoring returns and a population profile.

Consultations and findings come from ``coproduce.understand.consultations.tests.factories``.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from coproduce.understand.consultations.models import (
    EqualityMonitoringReturn,
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


def add_returns(consultation, n: int, **answers) -> None:
    EqualityMonitoringReturn.objects.bulk_create(
        EqualityMonitoringReturn(
            consultation=consultation, received_on=dt.date(2026, 5, 1), **answers
        )
        for _ in range(n)
    )


@pytest.fixture
def profile(platform_admin):
    return population_profile_upload(
        actor=platform_admin,
        data=ProfileData(name="Test area", source="Census", year=2021, content=POPULATION),
    )
