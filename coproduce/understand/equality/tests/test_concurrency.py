"""Nothing twice: simultaneous clicks on PostgreSQL start one assessment and publish it once."""

from __future__ import annotations

import pytest
from django.db import connection  # noqa: F401 - used by the skipif condition

from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.commissioning.tests.factories import make_project
from coproduce.foundation.core.audit import verify_chain
from coproduce.foundation.core.models import AuditEvent
from coproduce.foundation.core.testing import run_concurrently
from coproduce.understand.equality.models import EqualityImpactAssessment, ImpactEntry
from coproduce.understand.equality.services import assessment_publish, assessment_start

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'", reason="row locks are exercised on PostgreSQL"
    ),
]


def test_fifteen_simultaneous_starts_make_one_assessment_then_one_publication(commissioner):
    project = make_project(actor=commissioner)

    def start(_):
        assessment_start(
            actor=commissioner, project=CommissioningProject.objects.get(pk=project.pk)
        )

    assert run_concurrently(15, start) == []
    assert EqualityImpactAssessment.objects.count() == 1
    assert ImpactEntry.objects.count() == 9

    def publish(_):
        assessment_publish(actor=commissioner, assessment=EqualityImpactAssessment.objects.get())

    assert run_concurrently(15, publish) == []
    assert AuditEvent.objects.filter(verb="equality.assessment.created").count() == 1
    assert AuditEvent.objects.filter(verb="equality.assessment.published").count() == 1
    assert verify_chain()[1] is None
