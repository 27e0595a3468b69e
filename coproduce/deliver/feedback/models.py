"""What users say about a service: feedback responses and mystery shopping.

* ``FeedbackResponse``: one person's answer to a contract's feedback form (no account
  needed, nothing that names them is asked). The recommend question is scored like the
  NHS Friends and Family Test (``fft.py``). Its free-text answers are ``FeedbackAnswer``
  rows that the commissioner codes with ``FeedbackTheme``s, as consultations do.
* Mystery shopping: ``MysteryShopper`` (a trained service user), ``ShoppingVisit`` (the
  plan: when, who, what to look at as ``ChecklistItem``s), ``ShoppingReport`` (the
  shopper's ratings and notes per item as ``ReportItem``s, with ``ReportEvidence`` files
  checked by content), ``ProviderReply`` (due within 20 working days) and
  ``FollowUpAction`` (owner, due date, status).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from coproduce.deliver.contracts.models import Contract
from coproduce.foundation.core.models import TimeStampedModel


class Rating(models.TextChoices):
    """The NHS Friends and Family Test answers, in the order they are asked."""

    VERY_GOOD = "very_good", "Very good"
    GOOD = "good", "Good"
    NEITHER = "neither", "Neither good nor poor"
    POOR = "poor", "Poor"
    VERY_POOR = "very_poor", "Very poor"
    DONT_KNOW = "dont_know", "Don’t know"


class UsesService(models.TextChoices):
    MYSELF = "myself", "I use the service myself"
    SOMEONE_ELSE = "someone_else", "I answered for someone else, or I help someone who uses it"


class FeedbackResponse(models.Model):
    """One person's feedback on one contract's service.

    Only the date is kept with the answer (never the time of day, an address or an
    account), so that nobody can be picked out from when they answered. ``easy_read``
    records which version of the form was used.
    """

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="feedback")
    rating = models.CharField(max_length=10, choices=Rating.choices)
    uses_service = models.CharField(max_length=12, choices=UsesService.choices, blank=True)
    received_on = models.DateField()
    easy_read = models.BooleanField(default=False)

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["contract", "received_on"], name="feedback_contract_day")]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    rating__in=["very_good", "good", "neither", "poor", "very_poor", "dont_know"]
                ),
                name="feedback_rating_known",
            ),
            models.CheckConstraint(
                condition=Q(uses_service__in=["", "myself", "someone_else"]),
                name="feedback_uses_service_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} feedback {self.pk}: {self.get_rating_display()}"


class AnswerPart(models.TextChoices):
    GOOD = "good", "What was good?"
    BETTER = "better", "What could be better?"


class FeedbackTheme(models.Model):
    """A theme the commissioner codes a contract's free-text answers into."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="feedback_themes")
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "name"], name="feedback_theme_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class FeedbackAnswer(models.Model):
    """One free-text answer of a response ("what was good" or "what could be better")."""

    response = models.ForeignKey(FeedbackResponse, on_delete=models.CASCADE, related_name="answers")
    part = models.CharField(max_length=6, choices=AnswerPart.choices)
    text = models.TextField()
    themes = models.ManyToManyField(FeedbackTheme, blank=True, related_name="answers")

    class Meta:
        ordering = ["response", "part"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "part"], name="feedback_answer_once_per_part"
            ),
            models.CheckConstraint(
                condition=Q(part__in=["good", "better"]), name="feedback_answer_part_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_part_display()} {self.text[:40]}"


# --- Mystery shopping ------------------------------------------------------------------


class MysteryShopper(TimeStampedModel):
    """A service user trained to visit services as a mystery shopper.

    ``user`` is set when the shopper has an account: they can then see their visits and
    write their reports themselves; otherwise the commissioner enters the report for them.
    The shopper's name is never shown to the provider or the public.
    """

    full_name = models.CharField(max_length=200)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mystery_shopper",
    )
    trained_on = models.DateField()
    trained_by = models.CharField(max_length=200)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["full_name", "pk"]

    def __str__(self) -> str:
        return self.full_name


class ShoppingVisit(TimeStampedModel):
    """A planned mystery shopping visit to a contract's service.

    ``number`` counts the contract's visits from 1 and is used in addresses. The visit
    happens on a day between ``window_from`` and ``window_to`` (the same day for a fixed
    date). ``focus`` says in plain words what the visit is about; the checklist items are
    the questions the shopper answers.
    """

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="shopping_visits")
    number = models.PositiveIntegerField()
    window_from = models.DateField()
    window_to = models.DateField()
    focus = models.TextField()
    shoppers = models.ManyToManyField(MysteryShopper, related_name="visits")
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "number"], name="shopping_visit_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(window_to__gte=models.F("window_from")),
                name="shopping_visit_window_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} visit {self.number}"


class ChecklistItem(models.Model):
    """One question the shopper answers on a visit ("Were you greeted within 5 minutes?")."""

    visit = models.ForeignKey(ShoppingVisit, on_delete=models.CASCADE, related_name="checklist")
    position = models.PositiveSmallIntegerField()
    question = models.CharField(max_length=300)

    class Meta:
        ordering = ["visit", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "position"], name="checklist_item_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.question


class ShoppingReport(models.Model):
    """The shopper's report on a visit: one per visit, fixed once sent.

    ``reply_due_on`` is 20 working days (weekends and bank holidays skipped, from the
    procurement rules' calendar) after the day the report was sent.
    """

    visit = models.OneToOneField(ShoppingVisit, on_delete=models.PROTECT, related_name="report")
    visited_on = models.DateField()
    overall = models.TextField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    reply_due_on = models.DateField()

    def __str__(self) -> str:
        return f"Report on {self.visit}"


class ItemRating(models.TextChoices):
    GOOD = "good", "Good"
    MIXED = "mixed", "Some good, some not"
    POOR = "poor", "Poor"
    NOT_SEEN = "not_seen", "Could not check"


class ReportItem(models.Model):
    """The shopper's rating and notes on one checklist item."""

    report = models.ForeignKey(ShoppingReport, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(max_length=8, choices=ItemRating.choices)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["report", "item__position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "item"], name="report_item_once"),
            models.CheckConstraint(
                condition=Q(rating__in=["good", "mixed", "poor", "not_seen"]),
                name="report_item_rating_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_rating_display()}"


class ReportEvidence(models.Model):
    """A file sent with a report (a photo, a leaflet), its type checked from its content."""

    report = models.ForeignKey(ShoppingReport, on_delete=models.CASCADE, related_name="evidence")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="mystery-shopping/")
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "position"], name="report_evidence_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProviderReply(models.Model):
    """The provider's answer to a report. A reply after ``reply_due_on`` is kept and
    marked late (``late``), never refused."""

    report = models.OneToOneField(ShoppingReport, on_delete=models.PROTECT, related_name="reply")
    text = models.TextField()
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    replied_at = models.DateTimeField()
    replied_on = models.DateField()
    late = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Reply to {self.report.visit}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class FollowUpAction(TimeStampedModel):
    """Something to change after a visit, with who does it and by when.

    ``what_changed`` is written when the action is done and is shown publicly.
    """

    visit = models.ForeignKey(ShoppingVisit, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.CharField(max_length=200)
    due_on = models.DateField()
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    what_changed = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["visit", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "in_progress", "done"]),
                name="follow_up_status_known",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]
