"""The demo consultations load through the services, can be answered, and load only once."""

from __future__ import annotations

from coproduce.demo import data
from coproduce.foundation.core.audit import verify_chain
from coproduce.understand.consultations.models import (
    Answer,
    Consultation,
    EqualityMonitoringReturn,
    QuestionKind,
    Response,
)


def test_demo_consultations_are_realistic_and_idempotent(demo_world):
    data.load()
    day = Consultation.objects.get(title="Day opportunities for adults with learning disabilities")
    assert day.is_open()
    assert day.sections.count() == 3
    kinds = set(day.questions.values_list("kind", flat=True))
    assert kinds == set(QuestionKind.values)
    assert all(day.questions.values_list("easy_read_text", flat=True))
    sent = Response.objects.filter(consultation=day, status="submitted")
    assert sent.count() == 300
    free_text = Answer.objects.filter(response__consultation=day, question__kind="text").exclude(
        text=""
    )
    assert free_text.count() > 250
    assert free_text.filter(text__icontains="Changing Places").exists()
    returns = EqualityMonitoringReturn.objects.filter(consultation=day)
    assert 150 < returns.count() < 250
    assert returns.values("race").distinct().count() >= 5
    closed = Consultation.objects.get(title="Carers’ breaks: what helps you?")
    assert closed.phase() == "closed"
    counts = (Consultation.objects.count(), Response.objects.count(), Answer.objects.count())
    data.load()
    assert (
        Consultation.objects.count(),
        Response.objects.count(),
        Answer.objects.count(),
    ) == counts
    assert verify_chain()[1] is None
