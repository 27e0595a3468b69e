"""Writes to consultations and responses. Each is one transaction with its audit row.

Building (officers): create and edit a consultation, its sections and questions, publish,
close. Once a consultation is published only the wording can change (typo fixes, each
audited with old and new values); once anyone has answered, nothing can be removed.

Answering (residents): answers are saved page by page into a draft ``Response`` found by
its ``submission_key``; ``response_submit`` turns the draft into a sent response exactly
once, whatever the number of clicks, retries or simultaneous requests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from coproduce.foundation.accounts.models import User
from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.audit import audit_record, diff
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.idempotency import submitted_once
from coproduce.foundation.core.images import NotAnImage, identify_image
from coproduce.foundation.core.services import counter_next
from coproduce.foundation.core.tasks import send_email
from coproduce.foundation.core.validation import TOO_LONG_THE, clean_text, require_perm

from . import equality
from .models import (
    CONSULTATION_STATES,
    Answer,
    AnswerOption,
    Consultation,
    ConsultationStatus,
    EqualityMonitoringReturn,
    Option,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    Section,
)

TITLE_MAX = 200
INTRO_MAX = 10_000
TEXT_LIMIT_MAX = 10_000
CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING}
IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread

# Text fields: stripped, and named with "the" when too long ("The title must be …").
_text = partial(clean_text, too_long=TOO_LONG_THE)


def when_label(value: dt.datetime) -> str:
    """A time as people read it in the UK: "Monday 4 May 2026 at 5:30pm"."""
    local = timezone.localtime(value)
    hour = local.strftime("%I").lstrip("0") or "12"
    return f"{local:%A} {local.day} {local:%B %Y} at {hour}:{local:%M}{local:%p}".replace(
        "AM", "am"
    ).replace("PM", "pm")


def _lock(consultation: Consultation) -> Consultation:
    return Consultation.objects.select_for_update().get(pk=consultation.pk)


def _has_answers(consultation: Consultation) -> bool:
    return Answer.objects.filter(question__consultation=consultation).exists()


# --- Consultations ---------------------------------------------------------------------


@dataclass
class ConsultationData:
    """The editable facts of a consultation, as typed on the form."""

    title: str
    intro: str
    easy_read_intro: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    equality_monitoring: bool = True


TEXT_FIELDS = ("title", "intro", "easy_read_intro")


def _validate_consultation(data: ConsultationData) -> dict:
    fields = {
        "title": _text(data.title, field="title", label="a title", limit=TITLE_MAX),
        "intro": _text(data.intro, field="intro", label="an introduction", limit=INTRO_MAX),
        "easy_read_intro": _text(
            data.easy_read_intro,
            field="easy_read_intro",
            label="the easy-read introduction",
            limit=INTRO_MAX,
            required=False,
        ),
        "opens_at": data.opens_at,
        "closes_at": data.closes_at,
        "equality_monitoring": bool(data.equality_monitoring),
    }
    if data.closes_at <= data.opens_at:
        raise ServiceError(
            "dates_out_of_order",
            "The closing date must be after the opening date.",
            field="closes_on",
        )
    return fields


@submitted_once("engagement.consultation", within="project")
def consultation_create(
    *, actor: User, project: CommissioningProject, data: ConsultationData
) -> Consultation:
    """Create a draft consultation for ``project`` with a new reference CN-YYYY-NNNN."""
    require_perm(actor, "engagement.add_consultation")
    fields = _validate_consultation(data)
    with transaction.atomic():
        year = timezone.localdate().year
        number = counter_next(name=f"engagement.consultation.{year}")
        consultation = Consultation.objects.create(
            project=project, reference=f"CN-{year}-{number:04d}", created_by=actor, **fields
        )
        audit_record(
            actor=actor,
            verb="engagement.consultation.created",
            target=consultation,
            changes={"project": project.reference, **fields},
        )
    return consultation


def consultation_update(
    *, actor: User, consultation: Consultation, data: ConsultationData
) -> Consultation:
    """Change a consultation's details. After publishing only the wording may change."""
    require_perm(actor, "engagement.change_consultation", consultation)
    fields = _validate_consultation(data)
    with transaction.atomic():
        locked = _lock(consultation)
        for name in ("opens_at", "closes_at"):
            # The form works to the minute: seconds in the stored time are not a change.
            if abs(fields[name] - getattr(locked, name)) < dt.timedelta(minutes=1):
                fields[name] = getattr(locked, name)
        changes = diff(locked, fields)
        if not changes:
            return locked
        if locked.status != ConsultationStatus.DRAFT:
            fixed = set(changes) - set(TEXT_FIELDS)
            if fixed:
                raise ServiceError(
                    "published_locked",
                    "This consultation is published, so only the wording can be changed "
                    "(to fix typos). The dates and the equality questions stay as they are.",
                    field="opens_on"
                    if "opens_at" in fixed
                    else "closes_on"
                    if "closes_at" in fixed
                    else None,
                )
        for name in changes:
            setattr(locked, name, fields[name])
        locked.save()
        audit_record(
            actor=actor,
            verb="engagement.consultation.updated",
            target=locked,
            changes=changes,
            reason=""
            if locked.status == ConsultationStatus.DRAFT
            else "Wording fixed after publishing",
        )
    return locked


def consultation_publish(*, actor: User, consultation: Consultation) -> Consultation:
    """Publish: residents can answer from ``opens_at``. Publishing twice does nothing."""
    require_perm(actor, "engagement.change_consultation", consultation)
    with transaction.atomic():
        locked = _lock(consultation)
        if locked.status != ConsultationStatus.DRAFT:
            return locked
        questions = list(locked.questions.prefetch_related("options"))
        if not questions:
            raise ServiceError("no_questions", "Add at least one question before publishing.")
        for q in questions:
            if q.kind in CHOICE_KINDS and len(q.options.all()) < 2:
                raise ServiceError(
                    "too_few_options",
                    f"The question “{q.text}” needs at least 2 options before you can publish.",
                )
        if locked.closes_at <= timezone.now():
            raise ServiceError(
                "already_past",
                "The closing date has already passed. Change the dates before publishing.",
            )
        CONSULTATION_STATES.check(locked.status, ConsultationStatus.PUBLISHED)
        locked.status = ConsultationStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at", "updated_at"])
        audit_record(
            actor=actor,
            verb="engagement.consultation.published",
            target=locked,
            changes={"status": ["draft", "published"]},
        )
    return locked


def consultation_close(*, actor: User, consultation: Consultation) -> Consultation:
    """Stop taking answers now. Closing twice does nothing; drafts are kept."""
    require_perm(actor, "engagement.change_consultation", consultation)
    with transaction.atomic():
        locked = _lock(consultation)
        if locked.status == ConsultationStatus.CLOSED:
            return locked
        if locked.status == ConsultationStatus.DRAFT:
            raise ServiceError("not_published", "A draft cannot be closed. Publish it first.")
        CONSULTATION_STATES.check(locked.status, ConsultationStatus.CLOSED)
        locked.status = ConsultationStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "closed_at", "updated_at"])
        audit_record(
            actor=actor,
            verb="engagement.consultation.closed",
            target=locked,
            changes={"status": ["published", "closed"]},
        )
    return locked


# --- Sections ------------------------------------------------------------------------


def section_save(
    *,
    actor: User,
    consultation: Consultation,
    title: str,
    easy_read_title: str = "",
    section: Section | None = None,
) -> Section:
    """Add a section (a page of questions), or rename one. Adding needs a draft."""
    require_perm(actor, "engagement.change_consultation", consultation)
    fields = {
        "title": _text(title, field="title", label="a title for the section", limit=200),
        "easy_read_title": _text(
            easy_read_title,
            field="easy_read_title",
            label="the easy-read title",
            limit=200,
            required=False,
        ),
    }
    with transaction.atomic():
        locked = _lock(consultation)
        if section is None:
            if locked.status != ConsultationStatus.DRAFT:
                raise ServiceError(
                    "published_locked",
                    "This consultation is published, so sections cannot be added.",
                )
            position = locked.sections.count() + 1
            section = Section.objects.create(consultation=locked, position=position, **fields)
            audit_record(
                actor=actor,
                verb="engagement.section.added",
                target=locked,
                changes={"section": section.pk, **fields},
            )
            return section
        section = Section.objects.select_for_update().get(pk=section.pk, consultation=locked)
        changes = diff(section, fields)
        if changes:
            for name, value in fields.items():
                setattr(section, name, value)
            section.save()
            audit_record(
                actor=actor,
                verb="engagement.section.updated",
                target=locked,
                changes={"section": section.pk, **changes},
            )
    return section


def section_remove(*, actor: User, consultation: Consultation, section: Section) -> None:
    """Remove an empty section from a draft."""
    require_perm(actor, "engagement.change_consultation", consultation)
    with transaction.atomic():
        locked = _lock(consultation)
        if locked.status != ConsultationStatus.DRAFT:
            raise ServiceError(
                "published_locked", "This consultation is published, so sections cannot be removed."
            )
        if section.questions.exists():
            raise ServiceError(
                "section_not_empty",
                "Move or remove the questions in this section before removing it.",
            )
        audit_record(
            actor=actor,
            verb="engagement.section.removed",
            target=locked,
            changes={"section": section.pk, "title": section.title},
        )
        section.delete()


# --- Questions -----------------------------------------------------------------------


@dataclass
class QuestionData:
    """A question as typed on the builder form. Options are one label a line."""

    kind: str
    text: str
    section_id: int | None = None
    hint: str = ""
    required: bool = False
    max_length: int | None = None
    options: list[str] = field(default_factory=list)
    easy_read_text: str = ""
    easy_read_options: list[str] = field(default_factory=list)
    easy_read_image: object | None = None  # an uploaded file, or None to keep the current one
    easy_read_image_alt: str = ""
    remove_image: bool = False


def check_image(upload) -> str:
    """Refuse anything that is not really a small PNG, JPEG, GIF or WebP image.

    Returns the file extension to store it under. Pillow reads the file's content, so a
    renamed document or a broken file is refused whatever its name says.
    """
    limit = getattr(settings, "ENGAGEMENT_IMAGE_MAX_BYTES", 2 * 1024 * 1024)
    if upload.size > limit:
        raise ServiceError(
            "image_too_big",
            f"The image must be smaller than {limit // (1024 * 1024)} MB.",
            field="easy_read_image",
        )
    try:
        info = identify_image(upload, formats=set(IMAGE_FORMATS))
    except NotAnImage:
        raise ServiceError(
            "not_an_image",
            "The selected file must be a picture (PNG, JPEG, GIF or WebP).",
            field="easy_read_image",
        ) from None
    return IMAGE_FORMATS[info.format]


def _clean_lines(lines: list[str]) -> list[str]:
    return [line.strip() for line in lines if line and line.strip()]


def _validate_question(consultation: Consultation, data: QuestionData) -> dict:
    if data.kind not in QuestionKind.values:
        raise ServiceError("invalid_choice", "Choose the type of question.", field="kind")
    fields: dict = {
        "kind": data.kind,
        "text": _text(data.text, field="text", label="the question", limit=500),
        "hint": _text(data.hint, field="hint", label="the hint", limit=500, required=False),
        "easy_read_text": _text(
            data.easy_read_text,
            field="easy_read_text",
            label="the easy-read question",
            limit=500,
            required=False,
        ),
        "easy_read_image_alt": _text(
            data.easy_read_image_alt,
            field="easy_read_image_alt",
            label="the picture description",
            limit=300,
            required=False,
        ),
        "required": bool(data.required),
        "max_length": None,
    }
    section = None
    if data.section_id:
        section = consultation.sections.filter(pk=data.section_id).first()
        if section is None:
            raise ServiceError("invalid_choice", "Choose a section from the list.", field="section")
    fields["section"] = section
    if data.kind == QuestionKind.TEXT:
        if not data.max_length or data.max_length < 1:
            raise ServiceError(
                "required", "Enter the most characters an answer can have.", field="max_length"
            )
        if data.max_length > TEXT_LIMIT_MAX:
            raise ServiceError(
                "too_large",
                f"The limit must be {TEXT_LIMIT_MAX:,} characters or fewer.",
                field="max_length",
            )
        fields["max_length"] = data.max_length
    options = _clean_lines(data.options)
    easy = [line.strip() for line in data.easy_read_options][: len(options)]
    if data.kind in CHOICE_KINDS:
        if len(options) < 2:
            raise ServiceError(
                "too_few_options", "Enter at least 2 options, one on each line.", field="options"
            )
        if len(options) > 20:
            raise ServiceError("too_many_options", "Enter 20 options or fewer.", field="options")
        if len({o.lower() for o in options}) != len(options):
            raise ServiceError(
                "duplicate_options", "Each option must be different.", field="options"
            )
        for label in options:
            if len(label) > 300:
                raise ServiceError(
                    "too_long", "Each option must be 300 characters or fewer.", field="options"
                )
        if len(_clean_lines(data.easy_read_options)) > len(options):
            raise ServiceError(
                "too_many_options",
                "Enter no more easy-read options than options.",
                field="easy_read_options",
            )
    else:
        options, easy = [], []
    easy += [""] * (len(options) - len(easy))
    if data.easy_read_image is not None and not fields["easy_read_image_alt"]:
        raise ServiceError(
            "alt_required",
            "Describe the picture for people who cannot see it.",
            field="easy_read_image_alt",
        )
    return {"fields": fields, "options": list(zip(options, easy, strict=True))}


def _store_image(question: Question, upload) -> None:
    extension = check_image(upload)
    question.easy_read_image.save(
        f"q{question.pk}-{secrets.token_hex(4)}.{extension}", upload, save=False
    )


def question_add(*, actor: User, consultation: Consultation, data: QuestionData) -> Question:
    """Add a question. After people have answered, only optional questions can be added."""
    require_perm(actor, "engagement.change_consultation", consultation)
    if data.easy_read_image is not None:
        check_image(data.easy_read_image)
    with transaction.atomic():
        locked = _lock(consultation)
        valid = _validate_question(locked, data)
        fields = valid["fields"]
        if locked.phase() == "closed":
            raise ServiceError(
                "closed", "This consultation has closed, so questions cannot be added."
            )
        if fields["required"] and _has_answers(locked):
            raise ServiceError(
                "required_after_answers",
                "People have already answered, so a new question must be optional. "
                "Untick “Answer needed”.",
                field="required",
            )
        position = (
            locked.questions.order_by("-position").values_list("position", flat=True).first() or 0
        ) + 1
        question = Question.objects.create(consultation=locked, position=position, **fields)
        Option.objects.bulk_create(
            Option(question=question, label=label, easy_read_label=easy, position=i)
            for i, (label, easy) in enumerate(valid["options"], start=1)
        )
        if data.easy_read_image is not None:
            _store_image(question, data.easy_read_image)
            question.save(update_fields=["easy_read_image"])
        audit_record(
            actor=actor,
            verb="engagement.question.added",
            target=question,
            changes={
                **{k: (v.pk if hasattr(v, "pk") else v) for k, v in fields.items()},
                "options": [label for label, _ in valid["options"]],
            },
        )
    return question


QUESTION_TEXT_FIELDS = {"text", "hint", "easy_read_text", "easy_read_image_alt"}


def question_update(
    *, actor: User, consultation: Consultation, question: Question, data: QuestionData
) -> Question:
    """Change a question. Once published, only wording (and the easy-read picture) may change.

    Every change is audited with its old and new values, option labels included.
    """
    require_perm(actor, "engagement.change_consultation", consultation)
    if data.easy_read_image is not None:
        check_image(data.easy_read_image)
    with transaction.atomic():
        locked = _lock(consultation)
        question = Question.objects.select_for_update().get(pk=question.pk, consultation=locked)
        valid = _validate_question(locked, data)
        fields = valid["fields"]
        changes = diff(question, {k: v for k, v in fields.items() if k != "section"})
        if question.section_id != (fields["section"].pk if fields["section"] else None):
            changes["section"] = [
                question.section_id,
                fields["section"].pk if fields["section"] else None,
            ]
        current = list(question.options.all())
        old_labels = [(o.label, o.easy_read_label) for o in current]
        if old_labels != valid["options"]:
            changes["options"] = [old_labels, valid["options"]]
        published = locked.status != ConsultationStatus.DRAFT
        if published:
            structural = set(changes) - QUESTION_TEXT_FIELDS - {"options"}
            if structural or len(current) != len(valid["options"]):
                raise ServiceError(
                    "published_locked",
                    "This consultation is published, so you can only fix the wording. "
                    "The type of question, whether it needs an answer, the section, the "
                    "length limit and the number of options stay as they are.",
                )
        if data.remove_image and question.easy_read_image:
            changes["easy_read_image"] = [question.easy_read_image.name, ""]
            question.easy_read_image = ""
        if data.easy_read_image is not None:
            old = question.easy_read_image.name
            _store_image(question, data.easy_read_image)
            changes["easy_read_image"] = [old, question.easy_read_image.name]
        if not changes:
            return question
        for name, value in fields.items():
            setattr(question, name, value)
        question.save()
        if "options" in changes:
            if published:
                for option, (label, easy) in zip(current, valid["options"], strict=True):
                    option.label, option.easy_read_label = label, easy
                Option.objects.bulk_update(current, ["label", "easy_read_label"])
            else:
                question.options.all().delete()
                Option.objects.bulk_create(
                    Option(question=question, label=label, easy_read_label=easy, position=i)
                    for i, (label, easy) in enumerate(valid["options"], start=1)
                )
        audit_record(
            actor=actor,
            verb="engagement.question.updated",
            target=question,
            changes=changes,
            reason="Wording fixed after publishing" if published else "",
        )
    return question


def question_remove(*, actor: User, consultation: Consultation, question: Question) -> None:
    """Remove a question, unless anybody has answered the consultation."""
    require_perm(actor, "engagement.change_consultation", consultation)
    with transaction.atomic():
        locked = _lock(consultation)
        question = Question.objects.select_for_update().get(pk=question.pk, consultation=locked)
        if _has_answers(locked):
            raise ServiceError(
                "has_answers",
                "People have already answered this consultation, so questions cannot be "
                "removed. You can still fix typos in the wording.",
            )
        if locked.phase() == "closed":
            raise ServiceError(
                "closed", "This consultation has closed, so questions cannot be removed."
            )
        audit_record(
            actor=actor,
            verb="engagement.question.removed",
            target=question,
            changes={
                "text": question.text,
                "kind": question.kind,
                "options": list(question.options.values_list("label", flat=True)),
            },
        )
        question.delete()


# --- Answering -----------------------------------------------------------------------


def new_submission_key() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_response_reference() -> str:
    pick = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"R-{pick[:4]}-{pick[4:]}"


@dataclass
class AnswerValue:
    """A parsed answer: text, a rating, chosen option ids, or option id → rank."""

    text: str = ""
    rating: int | None = None
    option_ids: list[int] = field(default_factory=list)
    ranks: dict[int, int] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not (self.text or self.rating or self.option_ids or self.ranks)


def _closed_error(consultation: Consultation) -> ServiceError:
    if consultation.phase() == "upcoming":
        return ServiceError(
            "not_open",
            f"This consultation opens on {when_label(consultation.opens_at)}. "
            "Please come back then.",
        )
    return ServiceError(
        "closed",
        f"This consultation closed on {when_label(consultation.closed_on)}, so we cannot "
        "accept answers any more. Your saved answers have been kept.",
    )


def _check_answer(question: Question, value: AnswerValue, options: set[int]) -> None:
    """Refuse any answer that does not fit its question (a forged or broken request)."""
    forged = ServiceError(
        "forged",
        "Your answers included a choice that is not part of this question. "
        "Go back to the question and choose again.",
        field=f"q{question.pk}",
    )
    if value.option_ids or value.ranks:
        if question.kind not in CHOICE_KINDS:
            raise forged
        chosen = set(value.option_ids) | set(value.ranks)
        if not chosen <= options:
            raise forged
    if question.kind == QuestionKind.SINGLE and len(value.option_ids) > 1:
        raise forged
    if value.rating is not None and (
        question.kind != QuestionKind.RATING or not 1 <= value.rating <= 5
    ):
        raise forged
    if value.text and question.kind != QuestionKind.TEXT:
        raise forged
    if question.kind == QuestionKind.TEXT and len(value.text) > (question.max_length or 0):
        raise ServiceError(
            "too_long",
            f"Your answer must be {question.max_length:,} characters or fewer.",
            field=f"q{question.pk}",
        )
    ranking_wrong = set(value.ranks) != options or sorted(value.ranks.values()) != list(
        range(1, len(options) + 1)
    )
    if question.kind == QuestionKind.RANKING and value.ranks and ranking_wrong:
        raise ServiceError(
            "ranking_incomplete",
            f"Give each option a different number from 1 to {len(options)}.",
            field=f"q{question.pk}",
        )


def response_save_answers(
    *,
    consultation: Consultation,
    submission_key: str,
    answers: dict[int, AnswerValue],
    respondent: User | None = None,
    easy_read: bool = False,
) -> Response:
    """Save the answers to some questions into the draft for ``submission_key``.

    Creates the draft on first use. Answers for the questions given replace what was there
    (an empty value removes the answer). Everything is checked first, so a bad answer
    saves nothing. A sent response or a closed consultation refuses the change and keeps
    whatever was saved before.
    """
    if not submission_key or len(submission_key) > 64:
        raise ServiceError("no_key", "Your answering session has expired. Start again.")
    questions = {q.pk: q for q in consultation.questions.filter(pk__in=list(answers))}
    if set(answers) - set(questions):
        raise ServiceError(
            "forged",
            "Your answers included a question that is not part of this consultation. "
            "Go back and try again.",
        )
    options_by_q: dict[int, set[int]] = {}
    for question_id, option_id in Option.objects.filter(question__in=list(questions)).values_list(
        "question_id", "pk"
    ):
        options_by_q.setdefault(question_id, set()).add(option_id)
    for question_id, value in answers.items():
        _check_answer(questions[question_id], value, options_by_q.get(question_id, set()))
    with transaction.atomic():
        response = _draft_for_update(consultation, submission_key, respondent, easy_read)
        if response.status == ResponseStatus.SUBMITTED:
            raise ServiceError(
                "already_sent",
                f"You have already sent this response (reference {response.reference}). "
                "It cannot be changed.",
            )
        if not consultation.is_open():
            raise _closed_error(consultation)
        if response.easy_read != easy_read and easy_read:
            response.easy_read = True
            response.save(update_fields=["easy_read", "updated_at"])
        Answer.objects.filter(response=response, question_id__in=list(answers)).delete()
        rows = []
        for question_id, value in answers.items():
            if not value.is_empty():
                rows.append(
                    (
                        Answer(
                            response=response,
                            question_id=question_id,
                            text=value.text,
                            rating=value.rating,
                        ),
                        value,
                    )
                )
        Answer.objects.bulk_create([a for a, _ in rows])
        chosen = []
        for answer, value in rows:
            if answer.pk is None:  # backends without RETURNING on bulk insert
                answer = Answer.objects.get(response=response, question_id=answer.question_id)
            chosen += [AnswerOption(answer=answer, option_id=o) for o in value.option_ids]
            chosen += [
                AnswerOption(answer=answer, option_id=o, rank=r) for o, r in value.ranks.items()
            ]
        AnswerOption.objects.bulk_create(chosen)
        Response.objects.filter(pk=response.pk).update(updated_at=timezone.now())
    return response


def _draft_for_update(
    consultation: Consultation, submission_key: str, respondent: User | None, easy_read: bool
) -> Response:
    """The response for this key, locked; created as a draft if there is none yet."""
    response = (
        Response.objects.select_for_update()
        .filter(consultation=consultation, submission_key=submission_key)
        .first()
    )
    if response is not None:
        return response
    for _ in range(5):
        try:
            with transaction.atomic():
                Response.objects.create(
                    consultation=consultation,
                    submission_key=submission_key,
                    reference=_new_response_reference(),
                    respondent=respondent if respondent and respondent.is_authenticated else None,
                    easy_read=easy_read,
                )
            break
        except IntegrityError:
            # Either the same key arrived at the same moment (fine: use that one) or,
            # very rarely, the random reference was taken (try another).
            if Response.objects.filter(
                consultation=consultation, submission_key=submission_key
            ).exists():
                break
    return Response.objects.select_for_update().get(
        consultation=consultation, submission_key=submission_key
    )


def response_issue_resume_token(*, response: Response, token: str | None = None) -> str:
    """A resume link token for a draft. Only its hash is stored.

    Pass back the token shown earlier (kept in the session) to keep the same link working;
    otherwise a new one replaces the old.
    """
    if token and hash_token(token) == response.resume_token_hash:
        return token
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        updated = Response.objects.filter(pk=response.pk, status=ResponseStatus.DRAFT).update(
            resume_token_hash=hash_token(token), updated_at=timezone.now()
        )
        if not updated:
            raise ServiceError("already_sent", "This response has already been sent.")
    response.resume_token_hash = hash_token(token)
    return token


def response_send_resume_email(*, response: Response, email: str, link: str) -> None:
    """Email the resume link. The address is used once and not stored."""
    consultation = response.consultation
    body = (
        f"You saved your answers to “{consultation.title}”.\n\n"
        f"To carry on, open this link:\n{link}\n\n"
        f"The link works until the consultation closes on {when_label(consultation.closes_at)}.\n"
        "Anyone with the link can see and change your answers, so do not share it.\n\n"
        f"{settings.COUNCIL_NAME}"
    )
    transaction.on_commit(
        lambda: send_email.enqueue(
            subject=f"Your saved answers: {consultation.title}", body=body, to=[email]
        )
    )


@dataclass
class EqualityAnswers:
    """Equality monitoring answers: characteristic key → option key ("" = not answered)."""

    values: dict[str, str] = field(default_factory=dict)

    def cleaned(self) -> dict[str, str]:
        out = {}
        for c in equality.CHARACTERISTICS:
            value = self.values.get(c.key, "") or ""
            if value and value not in dict(c.options):
                raise ServiceError(
                    "invalid_choice",
                    f"Choose one of the answers listed for “{c.label}”.",
                    field=c.key,
                )
            out[c.key] = value
        return out

    def any(self) -> bool:
        return any(self.values.values())


def missing_required(response: Response) -> list[Question]:
    """Required questions that the response has not answered, in questionnaire order."""
    answered = set(response.answers.values_list("question_id", flat=True))
    return [
        q
        for q in response.consultation.questions.select_related("section").order_by(
            "section__position", "section_id", "position", "pk"
        )
        if q.required and q.pk not in answered
    ]


def response_submit(
    *,
    consultation: Consultation,
    submission_key: str,
    equality_answers: EqualityAnswers | None = None,
) -> tuple[Response, bool]:
    """Send the draft for ``submission_key``. Returns (response, sent_now).

    Idempotent: the draft row is locked, so of any number of simultaneous or repeated
    submits exactly one sends it (and stores the equality return, if any); the others get
    the same response back with ``sent_now`` False. The equality return has no link to the
    response; it is written in the same transaction so it exists if and only if the
    response was sent.
    """
    eq = equality_answers.cleaned() if equality_answers else {}
    with transaction.atomic():
        response = (
            Response.objects.select_for_update()
            .select_related("consultation")
            .filter(consultation=consultation, submission_key=submission_key)
            .first()
        )
        if response is None:
            raise ServiceError(
                "no_answers", "We could not find your answers. Start the questions again."
            )
        if response.status == ResponseStatus.SUBMITTED:
            return response, False
        if not consultation.is_open():
            raise _closed_error(consultation)
        missing = missing_required(response)
        if missing:
            raise ServiceError(
                "required_missing",
                f"Answer the question “{missing[0].text}” before sending your response.",
            )
        now = timezone.now()
        response.status = ResponseStatus.SUBMITTED
        response.submitted_at = now
        response.resume_token_hash = ""
        response.save(update_fields=["status", "submitted_at", "resume_token_hash", "updated_at"])
        if consultation.equality_monitoring and any(eq.values()):
            EqualityMonitoringReturn.objects.create(
                consultation=consultation, received_on=timezone.localdate(now), **eq
            )
        audit_record(
            actor=None,
            verb="engagement.response.submitted",
            target=response,
            changes={"status": ["draft", "submitted"]},
        )
    return response, True


def response_by_resume_token(*, token: str) -> Response:
    """The draft a resume link points to; NotFound if the link is wrong or already used."""
    if not token or len(token) > 100:
        raise NotFound()
    response = (
        Response.objects.select_related("consultation")
        .filter(resume_token_hash=hash_token(token))
        .first()
    )
    if response is None:
        raise NotFound()
    return response
