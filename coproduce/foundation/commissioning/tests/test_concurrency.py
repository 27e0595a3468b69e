"""Nothing twice: concurrent requests on PostgreSQL (row locks) keep one decision each."""

from __future__ import annotations

import pytest
from django.db import connection

from coproduce.foundation.commissioning.models import CommissioningProject, StageChange
from coproduce.foundation.commissioning.services import project_change_stage
from coproduce.foundation.commissioning.tests.factories import make_project
from coproduce.foundation.core.audit import verify_chain
from coproduce.foundation.core.testing import run_concurrently

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'", reason="row locks are exercised on PostgreSQL"
    ),
]


def test_twenty_simultaneous_clicks_record_one_stage_change(commissioner):
    project = make_project(actor=commissioner)

    def click(_):
        fresh = CommissioningProject.objects.get(pk=project.pk)
        project_change_stage(actor=commissioner, project=fresh, to_stage="plan", reason="Ready")

    assert run_concurrently(20, click) == []
    assert StageChange.objects.count() == 1
    assert verify_chain()[1] is None


def test_simultaneous_creates_get_distinct_references_and_an_unbroken_chain(commissioner):
    errors = run_concurrently(
        12, lambda i: make_project(actor=commissioner, title=f"Project {i}", published=True)
    )
    assert errors == []
    refs = list(CommissioningProject.objects.values_list("reference", flat=True))
    assert len(refs) == len(set(refs)) == 12
    checked, problem = verify_chain()
    assert problem is None
    assert checked == 24  # created + published for each
    assert connection.vendor == "postgresql"
