"""Reads of consultations and responses.

Drafts are seen by council staff only. "Open" is decided by the server clock: a published
consultation is treated as closed from ``closes_at`` even if nobody pressed "Close".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from coproduce.foundation.core.errors import NotFound

from .models import (
    Answer,
    AnswerOption,
    Consultation,
    ConsultationStatus,
    Option,
    Question,
    Response,
    ResponseStatus,
    Section,
)
from .services import AnswerValue


def _with_phase_order(qs: QuerySet[Consultation]) -> QuerySet[Consultation]:
    now = timezone.now()
    return qs.annotate(
        phase_order=Case(
            When(
                Q(status=ConsultationStatus.PUBLISHED, opens_at__lte=now, closes_at__gt=now),
                then=Value(0),
            ),
            When(Q(status=ConsultationStatus.PUBLISHED, opens_at__gt=now), then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )


def consultation_public_list() -> QuerySet[Consultation]:
    """Published and closed consultations: open ones first (closing soonest first), then
    those opening later, then closed ones (most recently closed first)."""
    qs = Consultation.objects.exclude(status=ConsultationStatus.DRAFT).select_related("project")
    qs = _with_phase_order(qs)
    return qs.annotate(
        soon=Case(
            When(phase_order=0, then="closes_at"),
            When(phase_order=1, then="opens_at"),
            output_field=DateTimeField(),
        ),
        recent=Case(When(phase_order=2, then="closes_at"), output_field=DateTimeField()),
    ).order_by(
        "phase_order", F("soon").asc(nulls_last=True), F("recent").desc(nulls_last=True), "-pk"
    )


def consultation_staff_list(*, user, project_reference: str = "") -> QuerySet[Consultation]:
    """Every consultation including drafts, for council staff; NotFound for anyone else."""
    if not user.has_perm("engagement.view_consultations_staff"):
        raise NotFound()
    qs = Consultation.objects.select_related("project").annotate(
        sent=Count("responses", filter=Q(responses__status=ResponseStatus.SUBMITTED))
    )
    if project_reference:
        qs = qs.filter(project__reference=project_reference)
    return _with_phase_order(qs).order_by("phase_order", "-opens_at", "-pk")


def access_consultation_by_reference(
    *, user, reference: str, perm: str = "engagement.view_consultation"
) -> Consultation:
    """The consultation if ``user`` holds ``perm`` on it; NotFound for missing and forbidden."""
    consultation = (
        Consultation.objects.select_related("project").filter(reference=reference).first()
    )
    if consultation is None or not user.has_perm(perm, consultation):
        raise NotFound()
    return consultation


def access_public_consultation(*, reference: str) -> Consultation:
    """A consultation residents may see (published or closed); NotFound for drafts."""
    consultation = (
        Consultation.objects.select_related("project")
        .exclude(status=ConsultationStatus.DRAFT)
        .filter(reference=reference)
        .first()
    )
    if consultation is None:
        raise NotFound()
    return consultation


@dataclass
class Page:
    """One page of the questionnaire: a section (or the questions outside any section)."""

    number: int
    title: str
    easy_read_title: str
    questions: list[Question]
    section: Section | None = None


def consultation_questions(*, consultation: Consultation) -> list[Question]:
    """Every question with its options, in questionnaire order (two queries)."""
    return list(
        consultation.questions.select_related("section")
        .prefetch_related(Prefetch("options", queryset=Option.objects.order_by("position", "pk")))
        .order_by("position", "pk")
    )


def consultation_pages(*, consultation: Consultation) -> list[Page]:
    """The questionnaire's pages in order: questions without a section come first."""
    questions = consultation_questions(consultation=consultation)
    sections = list(consultation.sections.order_by("position", "pk"))
    pages: list[Page] = []
    loose = [q for q in questions if q.section_id is None]
    if loose:
        pages.append(Page(0, consultation.title, "", loose))
    for section in sections:
        own = [q for q in questions if q.section_id == section.pk]
        if own:
            pages.append(Page(0, section.title, section.easy_read_title, own, section))
    for i, page in enumerate(pages, start=1):
        page.number = i
    return pages


def consultation_structure(*, consultation: Consultation) -> dict:
    """Sections and questions (with options) for readers such as the analysis pages."""
    return {
        "sections": list(consultation.sections.order_by("position", "pk")),
        "questions": consultation_questions(consultation=consultation),
    }


def response_answers(*, response: Response | None) -> dict[int, AnswerValue]:
    """What a response holds, keyed by question id (two queries)."""
    if response is None:
        return {}
    out: dict[int, AnswerValue] = {}
    for answer in response.answers.prefetch_related("chosen"):
        value = AnswerValue(text=answer.text, rating=answer.rating)
        for chosen in answer.chosen.all():
            if chosen.rank is not None:
                value.ranks[chosen.option_id] = chosen.rank
            else:
                value.option_ids.append(chosen.option_id)
        out[answer.question_id] = value
    return out


def response_for_key(*, consultation: Consultation, submission_key: str) -> Response | None:
    if not submission_key:
        return None
    return Response.objects.filter(consultation=consultation, submission_key=submission_key).first()


def draft_for_user(*, consultation: Consultation, user) -> Response | None:
    """A signed-in person's unsent response to this consultation, most recent first."""
    if not user.is_authenticated:
        return None
    return (
        Response.objects.filter(
            consultation=consultation, respondent=user, status=ResponseStatus.DRAFT
        )
        .order_by("-updated_at")
        .first()
    )


def submitted_responses(*, consultation: Consultation) -> QuerySet[Response]:
    """Sent responses with their answers and chosen options prefetched (three queries in
    all, however many responses), oldest first. For reading, exporting and theming."""
    return (
        Response.objects.filter(consultation=consultation, status=ResponseStatus.SUBMITTED)
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.order_by(
                    "question__position", "question_id"
                ).prefetch_related(
                    Prefetch("chosen", queryset=AnswerOption.objects.order_by("rank", "pk"))
                ),
            )
        )
        .order_by("submitted_at", "pk")
    )


def submitted_count(*, consultation: Consultation) -> int:
    return consultation.responses.filter(status=ResponseStatus.SUBMITTED).count()
