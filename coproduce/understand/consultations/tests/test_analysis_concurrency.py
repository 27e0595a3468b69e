"""Nothing twice: simultaneous tagging and publishing on PostgreSQL (row locks)."""

from __future__ import annotations

import pytest
from django.db import connection, connections  # noqa: F401  (connection: the skipif condition)

from coproduce.foundation.commissioning.tests.factories import make_project
from coproduce.foundation.core.audit import verify_chain
from coproduce.foundation.core.models import AuditEvent
from coproduce.foundation.core.testing import run_concurrently
from coproduce.understand.consultations.models import Answer, Finding
from coproduce.understand.consultations.services_analysis import (
    FindingData,
    answers_tag,
    finding_create,
    finding_publish,
    theme_create,
)

from .test_analysis_support import add_response, make_consultation, text_answer

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'", reason="row locks are exercised on PostgreSQL"
    ),
]


def test_simultaneous_tagging_and_publishing_happen_once(commissioner):
    project = make_project(actor=commissioner, published=True)
    consultation = make_consultation(actor=commissioner, project=project)
    theme = theme_create(actor=commissioner, consultation=consultation, name="Evenings")
    ids = [text_answer(add_response(consultation, text=f"evening {i}")).pk for i in range(6)]

    def tag(_):
        answers_tag(
            actor=commissioner, consultation=consultation, theme_id=theme.pk, answer_ids=ids
        )

    assert run_concurrently(10, tag) == []
    assert Answer.themes.through.objects.filter(theme=theme).count() == 6
    assert AuditEvent.objects.filter(verb="engagement.answers.tagged").count() == 1

    finding = finding_create(
        actor=commissioner,
        consultation=consultation,
        data=FindingData("Evenings", theme_ids=[theme.pk]),
    )

    def publish(_):
        finding_publish(actor=commissioner, finding=Finding.objects.get(pk=finding.pk))

    assert run_concurrently(10, publish) == []
    assert AuditEvent.objects.filter(verb="engagement.finding.published").count() == 1
    assert Finding.objects.get(pk=finding.pk).people_count == 6
    assert verify_chain()[1] is None
