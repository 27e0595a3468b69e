"""Nothing lost, nothing twice: simultaneous submits of one response on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection, connections  # noqa: F401 (skipif reads connection)

from coproduce.foundation.core.audit import verify_chain
from coproduce.foundation.core.testing import run_concurrently
from coproduce.understand.consultations.models import EqualityMonitoringReturn, Response
from coproduce.understand.consultations.services import (
    AnswerValue,
    EqualityAnswers,
    response_save_answers,
    response_submit,
)
from coproduce.understand.consultations.tests.test_builder import build_consultation, qs

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'", reason="row locks are exercised on PostgreSQL"
    ),
]


def _answers(c):
    q = qs(c)
    return {
        q["single"].pk: AnswerValue(option_ids=[q["single"].options.first().pk]),
        q["text"].pk: AnswerValue(text="Weekend clubs"),
    }


def test_twenty_simultaneous_submits_with_one_key_store_one_response(commissioner):
    c = build_consultation(commissioner)
    key = "same-key-" + "x" * 30
    response_save_answers(consultation=c, submission_key=key, answers=_answers(c))
    references = []

    def submit(_):
        response, _sent = response_submit(
            consultation=c, submission_key=key, equality_answers=EqualityAnswers({"age": "18_24"})
        )
        references.append(response.reference)

    assert run_concurrently(20, submit) == []
    assert Response.objects.filter(status="submitted").count() == 1
    assert EqualityMonitoringReturn.objects.count() == 1
    assert len(set(references)) == 1
    assert len(references) == 20
    assert verify_chain()[1] is None


def test_simultaneous_first_saves_with_one_key_make_one_draft(commissioner):
    c = build_consultation(commissioner)
    key = "fresh-key-" + "y" * 30

    def save(_):
        response_save_answers(consultation=c, submission_key=key, answers=_answers(c))

    assert run_concurrently(10, save) == []
    assert Response.objects.count() == 1
    assert Response.objects.get().answers.count() == 2
