"""Equality impact assessment and population services: rules, validation and the audit."""

from __future__ import annotations

import datetime as dt

import pytest

from coproduce.foundation.commissioning.tests.factories import make_project
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.understand.consultations.tests.factories import make_finding
from coproduce.understand.equality.models import (
    EqualityImpactAssessment,
    PopulationProfile,
    PopulationShare,
)
from coproduce.understand.equality.selectors import assessment_summary, current_population_profile
from coproduce.understand.equality.services import (
    EntryData,
    ProfileData,
    assessment_publish,
    assessment_start,
    assessment_update_entry,
    population_profile_upload,
)

from .conftest import POPULATION


def _entry(assessment, key):
    return assessment.entries.get(characteristic=key)


def test_starting_an_assessment_creates_all_nine_characteristics_once(commissioner, draft_project):
    first = assessment_start(actor=commissioner, project=draft_project)
    again = assessment_start(actor=commissioner, project=draft_project)
    assert first.pk == again.pk
    assert first.entries.count() == 9
    assert set(first.entries.values_list("impact", flat=True)) == {"unknown"}
    assert AuditEvent.objects.filter(verb="equality.assessment.created").count() == 1


@pytest.mark.parametrize("who", ["finance", "resident", "provider"])
def test_only_commissioners_start_or_change_assessments(request, who, commissioner, draft_project):
    user = request.getfixturevalue(who)
    with pytest.raises(NotFound):
        assessment_start(actor=user, project=draft_project)
    assessment = assessment_start(actor=commissioner, project=draft_project)
    with pytest.raises(NotFound):
        assessment_update_entry(
            actor=user, entry=_entry(assessment, "age"), data=EntryData(impact="positive")
        )
    with pytest.raises(NotFound):
        assessment_publish(actor=user, assessment=assessment)


def test_an_update_is_audited_with_old_and_new_values(commissioner, published_project):
    finding = make_finding(published_project, commissioner)
    assessment = assessment_start(actor=commissioner, project=published_project)
    assessment_update_entry(
        actor=commissioner,
        entry=_entry(assessment, "race"),
        data=EntryData(
            impact="unknown",
            evidence="Few Asian families answered.",
            finding_ids=[finding.pk],
            mitigation="Outreach with the Riverside Asian Carers group",
            owner="Engagement officer",
            review_on=dt.date(2027, 3, 31),
        ),
    )
    event = AuditEvent.objects.get(verb="equality.assessment.updated")
    assert event.changes["characteristic"] == "race"
    assert event.changes["mitigation"] == ["", "Outreach with the Riverside Asian Carers group"]
    assert event.changes["review_on"] == [None, "2027-03-31"]
    assert event.changes["findings"] == [[], [finding.reference]]
    # Saving the same again changes nothing and writes nothing.
    assessment_update_entry(
        actor=commissioner,
        entry=_entry(assessment, "race"),
        data=EntryData(
            impact="unknown",
            evidence="Few Asian families answered.",
            finding_ids=[finding.pk],
            mitigation="Outreach with the Riverside Asian Carers group",
            owner="Engagement officer",
            review_on=dt.date(2027, 3, 31),
        ),
    )
    assert AuditEvent.objects.filter(verb="equality.assessment.updated").count() == 1


def test_findings_must_be_published_findings_of_the_same_project(commissioner, published_project):
    other = make_project(actor=commissioner, title="Another project")
    draft_finding = make_finding(published_project, commissioner, published=False)
    others_finding = make_finding(other, commissioner)
    assessment = assessment_start(actor=commissioner, project=published_project)
    for finding in (draft_finding, others_finding):
        with pytest.raises(ServiceError) as exc:
            assessment_update_entry(
                actor=commissioner,
                entry=_entry(assessment, "age"),
                data=EntryData(impact="positive", finding_ids=[finding.pk]),
            )
        assert exc.value.code == "invalid_finding"
    assert not _entry(assessment, "age").findings.exists()


def test_a_mitigation_needs_an_owner(commissioner, draft_project):
    assessment = assessment_start(actor=commissioner, project=draft_project)
    with pytest.raises(ServiceError) as exc:
        assessment_update_entry(
            actor=commissioner,
            entry=_entry(assessment, "age"),
            data=EntryData(impact="negative", mitigation="Evening sessions"),
        )
    assert exc.value.code == "owner_required"
    assert _entry(assessment, "age").impact == "unknown"


def test_summary_flags_negatives_without_mitigation_and_overdue_reviews(
    commissioner, draft_project
):
    assessment = assessment_start(actor=commissioner, project=draft_project)
    assessment_update_entry(
        actor=commissioner, entry=_entry(assessment, "age"), data=EntryData(impact="negative")
    )
    assessment_update_entry(
        actor=commissioner,
        entry=_entry(assessment, "sex"),
        data=EntryData(impact="negative", mitigation="Women-only sessions", owner="Provider"),
    )
    assessment_update_entry(
        actor=commissioner,
        entry=_entry(assessment, "disability"),
        data=EntryData(impact="positive", review_on=dt.date(2026, 1, 1)),
    )
    assessment = EqualityImpactAssessment.objects.get(pk=assessment.pk)
    summary = assessment_summary(assessment=assessment, today=dt.date(2026, 6, 1))
    assert [e.characteristic for e in summary.needs_mitigation] == ["age"]
    assert [e.characteristic for e in summary.review_overdue] == ["disability"]
    assert summary.counts == {"positive": 1, "neutral": 0, "negative": 2, "unknown": 6}


def test_publishing_twice_publishes_once_and_editing_afterwards_is_allowed(
    commissioner, published_project
):
    assessment = assessment_start(actor=commissioner, project=published_project)
    assessment_publish(actor=commissioner, assessment=assessment)
    assessment_publish(actor=commissioner, assessment=assessment)
    assert AuditEvent.objects.filter(verb="equality.assessment.published").count() == 1
    assessment_update_entry(
        actor=commissioner, entry=_entry(assessment, "age"), data=EntryData(impact="neutral")
    )
    assert _entry(assessment, "age").impact == "neutral"


def test_upload_makes_a_new_current_profile_and_is_audited(platform_admin, commissioner):
    first = population_profile_upload(
        actor=platform_admin,
        data=ProfileData(name="2021", source="Census", year=2021, content=POPULATION),
    )
    second = population_profile_upload(
        actor=commissioner,
        data=ProfileData(name="2024", source="ONS", year=2024, content=POPULATION),
    )
    assert current_population_profile() == second
    assert first.shares.count() == second.shares.count() == 14
    event = (
        AuditEvent.objects.filter(verb="equality.population_profile.uploaded")
        .order_by("seq")
        .last()
    )
    assert event.changes["shares"] == 14
    assert event.target_id == str(second.pk)


def test_a_bad_upload_saves_nothing_and_the_old_profile_stays_current(platform_admin, profile):
    bad = POPULATION + b"sex,male,10\n"
    with pytest.raises(ServiceError) as exc:
        population_profile_upload(
            actor=platform_admin, data=ProfileData(name="Bad", source="x", year=2024, content=bad)
        )
    assert exc.value.code == "duplicate"
    assert exc.value.field == "file"
    assert current_population_profile() == profile
    assert PopulationProfile.objects.count() == 1
    assert PopulationShare.objects.count() == 14


@pytest.mark.parametrize("who", ["finance", "resident", "provider"])
def test_only_commissioners_and_admins_upload_population_figures(db, request, who):
    with pytest.raises(NotFound):
        population_profile_upload(
            actor=request.getfixturevalue(who),
            data=ProfileData(name="x", source="y", year=2021, content=POPULATION),
        )
    assert not PopulationProfile.objects.exists()
