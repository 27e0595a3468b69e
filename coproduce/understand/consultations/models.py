"""C1 Understand: consultations, responses, themes and published findings.

Equality monitoring answers live in ``EqualityMonitoringReturn``, a table with no link to
the response or the person, so they can only ever be counted, never tied to answers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.models import TimeStampedModel
from coproduce.foundation.core.transitions import StateMachine, Transition

from .equality import CHARACTERISTICS


class ConsultationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    CLOSED = "closed", "Closed"


CONSULTATION_STATES = StateMachine(
    [
        Transition(ConsultationStatus.DRAFT, ConsultationStatus.PUBLISHED, "Publish"),
        Transition(ConsultationStatus.PUBLISHED, ConsultationStatus.CLOSED, "Close"),
    ],
    labels=dict(ConsultationStatus.choices),
)


class Consultation(TimeStampedModel):
    """A set of questions put to residents about a commissioning project.

    Invariants: answers are accepted only while ``status`` is published and the server
    clock is between ``opens_at`` and ``closes_at``; once a response exists, questions and
    options can no longer be removed and text edits are typo fixes recorded in the audit.
    """

    project = models.ForeignKey(
        CommissioningProject, on_delete=models.PROTECT, related_name="consultations"
    )
    reference = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    intro = models.TextField(
        help_text="What the consultation is about and how answers will be used."
    )
    easy_read_intro = models.TextField(blank=True)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=ConsultationStatus.choices, default=ConsultationStatus.DRAFT
    )
    equality_monitoring = models.BooleanField(
        default=True, help_text="Ask the optional equality monitoring questions at the end."
    )
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="consultation_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def phase(self, now=None) -> str:
        """Where the consultation is by the server clock: draft, upcoming, open or closed.

        A published consultation counts as closed from ``closes_at`` on, even if nobody
        pressed "Close", so answers stop exactly on time.
        """
        now = now or timezone.now()
        if self.status == ConsultationStatus.DRAFT:
            return "draft"
        if self.status == ConsultationStatus.CLOSED or now >= self.closes_at:
            return "closed"
        if now < self.opens_at:
            return "upcoming"
        return "open"

    def is_open(self, now=None) -> bool:
        return self.phase(now) == "open"

    @property
    def closed_on(self):
        """When answers stopped (or will stop): the earlier of closing by hand and closes_at."""
        if self.closed_at and self.closed_at < self.closes_at:
            return self.closed_at
        return self.closes_at


class Section(models.Model):
    """A titled group of questions, shown as one page of the questionnaire."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="sections"
    )
    title = models.CharField(max_length=200)
    easy_read_title = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE = "single", "Choose one"
    MULTIPLE = "multiple", "Choose any"
    TEXT = "text", "Free text"
    RATING = "rating", "Rating from 1 to 5"
    RANKING = "ranking", "Put in order"


class Question(models.Model):
    """One question. Choice and ranking questions have options; text has a length limit."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="questions"
    )
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, null=True, blank=True, related_name="questions"
    )
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    text = models.CharField(max_length=500)
    hint = models.CharField(max_length=500, blank=True)
    easy_read_text = models.CharField(max_length=500, blank=True)
    easy_read_image = models.ImageField(upload_to="easy-read/", blank=True)
    easy_read_image_alt = models.CharField(max_length=300, blank=True)
    required = models.BooleanField(default=False)
    max_length = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="text") | Q(max_length__gte=1), name="text_question_has_limit"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Option(models.Model):
    """A choice offered by a single, multiple or ranking question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(max_length=300)
    easy_read_label = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", "Saved, not sent"
    SUBMITTED = "submitted", "Sent"


class Response(TimeStampedModel):
    """One person's answers to a consultation, saved as a draft or submitted.

    ``submission_key`` is a random value put in the form when it is first shown: a double
    click, a back-button resubmit or a retry carries the same key, and the unique
    constraint makes sure only one response is ever stored for it. A draft is reached again
    through a resume link; only a hash of its token is kept.
    """

    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="responses"
    )
    reference = models.CharField(max_length=20, unique=True)
    submission_key = models.CharField(max_length=64)
    resume_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(
        max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    easy_read = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "submission_key"], name="response_submission_key_unique"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="response_submitted_has_time",
            ),
        ]
        indexes = [models.Index(fields=["consultation", "status"], name="response_status_idx")]

    def __str__(self) -> str:
        return self.reference


class Answer(models.Model):
    """The answer to one question in one response.

    Text goes in ``text``, a rating in ``rating``; chosen options (and their order, for a
    ranking) are ``AnswerOption`` rows.
    """

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    themes = models.ManyToManyField("Theme", blank=True, related_name="answers")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="answer_once_per_question"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="answer_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"


class AnswerOption(models.Model):
    """An option chosen in an answer; ``rank`` is 1 for first place in a ranking question."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="chosen")
    option = models.ForeignKey(Option, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "option"], name="answer_option_once"),
        ]

    def __str__(self) -> str:
        return f"{self.answer_id}:{self.option_id}"


class EqualityMonitoringReturn(models.Model):
    """Optional equality monitoring answers, deliberately unlinked from any response.

    There is no foreign key to the response or the respondent and no timestamp finer than
    the day, so officers can only ever see these in aggregate (with small numbers
    suppressed). Each field holds an option key from ``equality.CHARACTERISTICS`` or "".
    """

    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="equality_returns"
    )
    received_on = models.DateField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"equality return {self.pk}"


for _c in CHARACTERISTICS:
    EqualityMonitoringReturn.add_to_class(
        _c.key, models.CharField(max_length=30, blank=True, choices=list(_c.options))
    )


class Theme(models.Model):
    """A theme that officers code free-text answers into (e.g. "more evening activities")."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "name"], name="theme_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Finding(TimeStampedModel):
    """A published statement of what people said, with its evidence.

    ``reference`` (e.g. F-2026-0012) is stable and public: specification criteria cite
    findings by it. ``people_count`` is the number of distinct responses tagged with the
    finding's themes, fixed when it is published so the statement and its count agree.
    """

    project = models.ForeignKey(
        CommissioningProject, on_delete=models.PROTECT, related_name="findings"
    )
    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, null=True, blank=True, related_name="findings"
    )
    reference = models.CharField(max_length=20, unique=True)
    statement = models.CharField(max_length=500)
    detail = models.TextField(blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="findings")
    people_count = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["reference"]

    def __str__(self) -> str:
        return f"{self.reference} {self.statement}"


class FindingQuote(models.Model):
    """A quote chosen to illustrate a finding: a copy of the answer text, trimmed by the officer."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="quotes")
    answer = models.ForeignKey(
        Answer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField()
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text[:60]
