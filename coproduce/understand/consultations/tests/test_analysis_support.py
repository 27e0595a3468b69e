"""Builders for analysis tests: a consultation with one question of each kind, and responses.

These make rows directly (the builder's services are tested in ``test_builder``); they
set up facts to read, never the behaviour under test.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

from django.utils import timezone

from coproduce.understand.consultations.models import (
    Answer,
    AnswerOption,
    Consultation,
    Option,
    Question,
    Response,
)
from coproduce.understand.consultations.tests.factories import ConsultationFactory

_seq = itertools.count(1)


def make_consultation(*, actor, project, title="Day opportunities survey") -> Consultation:
    """A consultation open for a month either side of today, with one question of each kind."""
    now = timezone.now()
    c = ConsultationFactory(
        project=project,
        created_by=actor,
        title=title,
        intro="Tell us what you think.",
        opens_at=now - dt.timedelta(days=30),
        closes_at=now + dt.timedelta(days=30),
        published_at=now - dt.timedelta(days=30),
    )
    q = Question.objects.create
    single = q(
        consultation=c, position=1, kind="single", text="How do you get to your day service?"
    )
    for i, label in enumerate(["Bus", "Taxi", "Walk"]):
        Option.objects.create(question=single, label=label, position=i)
    multiple = q(consultation=c, position=2, kind="multiple", text="What would you like to do?")
    for i, label in enumerate(["Art", "Sport", "Cooking"]):
        Option.objects.create(question=multiple, label=label, position=i)
    q(consultation=c, position=3, kind="rating", text="How good is your day service now?")
    ranking = q(consultation=c, position=4, kind="ranking", text="Put these in order")
    for i, label in enumerate(["Evenings", "Weekends", "Holidays"]):
        Option.objects.create(question=ranking, label=label, position=i)
    q(
        consultation=c,
        position=5,
        kind="text",
        text="What would make your days better?",
        max_length=2000,
    )
    return c


def questions(c: Consultation) -> dict[str, Question]:
    return {qn.kind: qn for qn in c.questions.all()}


def option(c: Consultation, kind: str, label: str) -> Option:
    return Option.objects.get(question__consultation=c, question__kind=kind, label=label)


def add_response(
    c: Consultation,
    *,
    single: str | None = None,
    multiple: tuple[str, ...] = (),
    rating: int | None = None,
    ranking: tuple[str, ...] = (),
    text: str = "",
    submitted: bool = True,
) -> Response:
    n = next(_seq)
    r = Response.objects.create(
        consultation=c,
        reference=f"R-T-{n:06d}-{uuid.uuid4().hex[:4]}",
        submission_key=uuid.uuid4().hex,
        status="submitted" if submitted else "draft",
        submitted_at=timezone.now() if submitted else None,
    )
    qs = questions(c)
    if single:
        a = Answer.objects.create(response=r, question=qs["single"])
        AnswerOption.objects.create(answer=a, option=option(c, "single", single))
    if multiple:
        a = Answer.objects.create(response=r, question=qs["multiple"])
        for label in multiple:
            AnswerOption.objects.create(answer=a, option=option(c, "multiple", label))
    if rating:
        Answer.objects.create(response=r, question=qs["rating"], rating=rating)
    if ranking:
        a = Answer.objects.create(response=r, question=qs["ranking"])
        for rank, label in enumerate(ranking, 1):
            AnswerOption.objects.create(answer=a, option=option(c, "ranking", label), rank=rank)
    if text:
        Answer.objects.create(response=r, question=qs["text"], text=text)
    return r


def text_answer(r: Response) -> Answer:
    return r.answers.get(question__kind="text")
