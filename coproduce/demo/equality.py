"""Demo equality content: Riverside's population figures and one published assessment.

Idempotent: the population profile is found by its name and the assessment by its
project; only what is missing is created, always through the services.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from coproduce.foundation.accounts.models import User
from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.understand.consultations.models import Finding
from coproduce.understand.equality.models import EqualityImpactAssessment, PopulationProfile
from coproduce.understand.equality.services import (
    EntryData,
    ProfileData,
    assessment_publish,
    assessment_start,
    assessment_update_entry,
    population_profile_upload,
)

POPULATION_CSV = Path(__file__).resolve().parent / "fixtures" / "riverside_population.csv"
PROFILE_NAME = "Riverside population by protected characteristic"
PROJECT_TITLE = "Day opportunities for adults with learning disabilities"
COMMISSIONER = "commissioner@riverside.example"
ADMIN = "admin@riverside.example"

# characteristic: (impact, evidence, mitigation, owner, review date)
ENTRIES = {
    "disability": (
        "positive",
        "The service is for adults with learning disabilities. People who use day services "
        "and their carers told us they want more choice, activities closer to home and help "
        "to find paid work.",
        "",
        "Commissioning Manager, Adults",
        dt.date(2027, 9, 30),
    ),
    "age": (
        "neutral",
        "The service is for adults of any age. Older people with learning disabilities "
        "already use the current centres and will keep their places.",
        "",
        "Commissioning Manager, Adults",
        dt.date(2027, 9, 30),
    ),
    "race": (
        "unknown",
        "Few Asian and Black families answered the consultation, so we do not yet know "
        "whether the new activities suit them.",
        "Targeted outreach with the Riverside Asian Carers group, and a listening event at "
        "the Black Families Network before the specification is written.",
        "Community Engagement Officer",
        dt.date(2027, 3, 31),
    ),
    "sex": (
        "neutral",
        "Men and women use the current service in similar numbers. Some women asked for "
        "women-only sessions, which providers will be asked to offer.",
        "",
        "Commissioning Manager, Adults",
        dt.date(2027, 9, 30),
    ),
    "religion_belief": (
        "neutral",
        "Providers must offer food that meets religious needs and space to pray; this is "
        "already in the current contract.",
        "",
        "Contract Manager, Adults",
        dt.date(2027, 9, 30),
    ),
    "pregnancy_maternity": (
        "neutral",
        "No particular effect found. Staff on maternity leave are covered by TUPE rules if "
        "the provider changes.",
        "",
        "Commissioning Manager, Adults",
        dt.date(2027, 9, 30),
    ),
    "marriage_civil_partnership": (
        "neutral",
        "No effect found on people because they are married or in a civil partnership.",
        "",
        "Commissioning Manager, Adults",
        dt.date(2027, 9, 30),
    ),
    "gender_reassignment": (
        "unknown",
        "We have no information about trans people who use day services.",
        "Ask the LGBT+ Riverside network to review the specification with us.",
        "Equality and Diversity Lead",
        dt.date(2027, 3, 31),
    ),
    "sexual_orientation": (
        "negative",
        "Two people told us they hide who they are at the day centre because they do not "
        "feel safe. Moving to new venues could make this worse before it gets better.",
        "",
        "",
        None,
    ),
}


def _load_profile(users: dict[str, User]) -> int:
    if PopulationProfile.objects.filter(name=PROFILE_NAME).exists():
        return 0
    population_profile_upload(
        actor=users[ADMIN],
        data=ProfileData(
            name=PROFILE_NAME,
            source="Census 2021 and ONS mid-year estimates (demo figures)",
            year=2024,
            content=POPULATION_CSV.read_bytes(),
        ),
    )
    return 1


def _load_assessment(users: dict[str, User]) -> int:
    project = CommissioningProject.objects.filter(title=PROJECT_TITLE).first()
    if project is None or EqualityImpactAssessment.objects.filter(project=project).exists():
        return 0
    actor = users[COMMISSIONER]
    assessment = assessment_start(actor=actor, project=project)
    findings = list(
        Finding.objects.filter(project=project, published_at__isnull=False)
        .order_by("reference")
        .values_list("pk", flat=True)
    )
    for entry in assessment.entries.all():
        impact, evidence, mitigation, owner, review_on = ENTRIES[entry.characteristic]
        assessment_update_entry(
            actor=actor,
            entry=entry,
            data=EntryData(
                impact=impact,
                evidence=evidence,
                # The disability entry cites what people said, if the demo has findings.
                finding_ids=findings[:2] if entry.characteristic == "disability" else [],
                mitigation=mitigation,
                owner=owner,
                review_on=review_on,
            ),
        )
    assessment_publish(actor=actor, assessment=assessment)
    return 1


def load(users: dict[str, User]) -> dict[str, int]:
    """Create the demo population figures and assessment if they are missing."""
    return {
        "population_profiles": _load_profile(users),
        "equality_assessments": _load_assessment(users),
    }
