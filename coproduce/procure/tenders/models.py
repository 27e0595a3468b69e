"""Tenders on the opportunity portal: notice, lots, the tender pack, questions and changes.

The golden thread: a tender belongs to a commissioning project and carries a published
specification version and a locked evaluation model, so every bid is judged against
requirements that cite what people said.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q

from coproduce.foundation.accounts.models import Organisation
from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.models import ServiceArea, TimeStampedModel
from coproduce.plan.evaluation_models.models import EvaluationModel
from coproduce.plan.procurement_rules.models import Reservation, Route
from coproduce.plan.specifications.models import Specification


class TenderStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open for bids"
    CLOSED = "closed", "Closed for bids"
    AWARDED = "awarded", "Awarded"
    CANCELLED = "cancelled", "Cancelled"


class TenderManager(models.Manager):
    """Tenders without ``search_vector``: only the search reads it, in SQL. Left out of
    every load, a tender saved in full never writes back an old copy of it."""

    def get_queryset(self):
        return super().get_queryset().defer("search_vector")


class Tender(TimeStampedModel):
    """An opportunity: what the council wants to buy, how, and by when.

    Invariants: ``reference`` (T-YYYY-NNNN) assigned once by ``tender_create``; a tender
    is published only through ``tender_publish``, which checks the route and the deadline
    against the rules in force on the publication day and locks the evaluation model; the
    deadline only changes through an ``Amendment``; money in pence including VAT.
    ``planned_notice_on`` is the day a planned-procurement notice (forward plan entry) was
    published, which can shorten the minimum tender period.
    """

    reference = models.CharField(max_length=20, unique=True)
    project = models.ForeignKey(
        CommissioningProject, on_delete=models.PROTECT, related_name="tenders"
    )
    specification = models.ForeignKey(
        Specification, on_delete=models.PROTECT, related_name="tenders"
    )
    evaluation_model = models.ForeignKey(
        EvaluationModel, on_delete=models.PROTECT, related_name="tenders"
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="Plain English: what the service is and who it is for.")
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="tenders")
    locality = models.CharField(
        max_length=100,
        blank=True,
        help_text="Where the service is delivered (blank: borough-wide).",
    )
    value_pence = models.BigIntegerField(help_text="Estimated total value including VAT.")
    route = models.CharField(max_length=20, choices=Route.choices, default=Route.OPEN)
    reserved_for = models.CharField(
        max_length=20, choices=Reservation.choices, blank=True, default=Reservation.NONE
    )
    route_justification = models.TextField(
        blank=True, help_text="Published reason for a single-source or reserved route."
    )
    suitable_for_small = models.BooleanField(
        default=False, help_text="Suitable for small organisations and voluntary groups."
    )
    no_lots_reason = models.TextField(blank=True)
    planned_notice_on = models.DateField(null=True, blank=True)
    plan_entry = models.ForeignKey(
        "pipeline.PlanEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The forward-plan entry (planned procurement notice) this tender follows.",
    )
    status = models.CharField(
        max_length=12, choices=TenderStatus.choices, default=TenderStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    deadline = models.DateTimeField(null=True, blank=True, db_index=True)
    questions_close_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The words the opportunity search looks in (title and summary with weight A, lot
    # titles and the service area name with weight D), written by
    # ``services_search.tender_search_vectors_refresh`` in the same transaction as every
    # change to them. PostgreSQL only: on SQLite the column stays empty and unused.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    objects = TenderManager()

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value_pence__gte=0), name="tender_value_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s for s, _ in TenderStatus.choices]),
                name="tender_status_known",
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (Q(published_at__isnull=False) & Q(deadline__isnull=False)),
                name="tender_published_has_dates",
            ),
            # A double-clicked "create" must not make two drafts of the same tender.
            models.UniqueConstraint(
                fields=["project", "title"],
                condition=Q(status="draft"),
                name="tender_draft_title_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"], name="tender_status_deadline_idx"),
            models.Index(fields=["-published_at", "-id"], name="tender_public_order_idx"),
            # The opportunity search (open tenders): newest first, and by service area
            # closing soonest. PostgreSQL also has a GIN index on ``search_vector``
            # (``tender_search_vector_gin``, migration 0006): SQLite has no GIN indexes,
            # so it is made in that migration on PostgreSQL only.
            models.Index(
                fields=["status", "-published_at", "-id"], name="tender_status_newest_idx"
            ),
            models.Index(
                fields=["status", "service_area", "deadline"], name="tender_status_area_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Lot(models.Model):
    """A part of a tender that can be bid for and awarded separately (by area or client group)."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    client_group = models.CharField(max_length=200, blank=True)
    locality = models.CharField(max_length=100, blank=True)
    value_pence = models.BigIntegerField()
    reserved_for = models.CharField(
        max_length=20, choices=Reservation.choices, blank=True, default=Reservation.NONE
    )

    class Meta:
        ordering = ["tender", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="lot_number_unique"),
            models.CheckConstraint(condition=Q(value_pence__gte=0), name="lot_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Lot {self.number}: {self.title}"


class DocumentKind(models.TextChoices):
    SPECIFICATION = "specification", "Service specification"
    EVALUATION = "evaluation", "How bids will be scored"
    QUESTIONS = "questions", "Questions to answer"
    CONTRACT = "contract", "Contract terms"
    PRICING = "pricing", "Pricing schedule"
    OTHER = "other", "Other document"


class TenderDocument(TimeStampedModel):
    """A document in the tender pack, with an HTML version anyone can read on screen.

    The uploaded file's type is decided from its content (not its name) and its size is
    limited; ``sha256`` identifies the exact file bidders downloaded. Documents of a
    published tender change only through an amendment.
    """

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="documents")
    lot = models.ForeignKey(
        Lot, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="tender-documents/", blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    html = models.TextField(blank=True, help_text="The document as an accessible web page.")
    html_source = models.TextField(
        blank=True, help_text="The text the HTML version was made from (simple markdown)."
    )
    position = models.PositiveSmallIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["tender", "position", "pk"]
        constraints = [
            # The same file uploaded twice (a double click) is stored once.
            models.UniqueConstraint(
                fields=["tender", "sha256"],
                condition=~Q(sha256="") & Q(withdrawn_at__isnull=True),
                name="tender_document_file_once",
            ),
            # The specification and evaluation model join the pack once, at publication.
            models.UniqueConstraint(
                fields=["tender", "kind"],
                condition=Q(kind__in=["specification", "evaluation"], sha256=""),
                name="tender_document_generated_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TenderInterest(models.Model):
    """An organisation following a tender: it hears about every answer and amendment."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="interests")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="tender_interests"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tender", "organisation"], name="tender_interest_once"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} follows {self.tender.reference}"


class AskerPseudonym(models.Model):
    """The stable public name of an organisation asking questions on one tender.

    "Organisation A", "Organisation B"… in order of first question; different on every
    tender, so repeat askers are visible without being identified.
    """

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="pseudonyms")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "organisation"], name="pseudonym_once_per_org"
            ),
            models.UniqueConstraint(fields=["tender", "label"], name="pseudonym_label_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class ClarificationStatus(models.TextChoices):
    AWAITING = "awaiting", "Waiting for an answer"
    PUBLISHED = "published", "Answered and published"
    DECLINED = "declined", "Not published (with reason)"


class Clarification(TimeStampedModel):
    """A question about a tender (or one lot) and the council's answer, published to all.

    The asker is never shown: the public sees ``pseudonym``. Questions are refused once
    the tender's question deadline (or its deadline) has passed. ``answer`` holds only an
    answer (draft or published); a declined question keeps its reason in
    ``decline_reason``, which only the asking organisation and officers see.
    """

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="clarifications")
    lot = models.ForeignKey(
        Lot, on_delete=models.CASCADE, null=True, blank=True, related_name="clarifications"
    )
    number = models.PositiveIntegerField()
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    pseudonym = models.ForeignKey(AskerPseudonym, on_delete=models.PROTECT, related_name="+")
    question = models.TextField()
    status = models.CharField(
        max_length=12, choices=ClarificationStatus.choices, default=ClarificationStatus.AWAITING
    )
    answer = models.TextField(blank=True)
    decline_reason = models.TextField(
        blank=True,
        help_text="Why the council will not publish the question (shown to the asker only).",
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["tender", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "number"], name="clarification_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tender.reference} Q{self.number}"


class Amendment(models.Model):
    """A change to a published tender, with its reason.

    Everyone following the tender is told. If the change leaves fewer than the minimum
    days before the deadline, the deadline moves (``previous_deadline`` → ``new_deadline``)
    and bids already submitted must be confirmed again (``reconfirm_required``).
    """

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveSmallIntegerField()
    summary = models.TextField(help_text="What changed, in plain English.")
    reason = models.TextField()
    changes = models.JSONField(default=dict, blank=True)
    previous_deadline = models.DateTimeField()
    new_deadline = models.DateTimeField()
    reconfirm_required = models.BooleanField(default=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField()

    class Meta:
        ordering = ["tender", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="amendment_number_unique"),
            models.CheckConstraint(condition=~Q(reason=""), name="amendment_reason_required"),
        ]

    def __str__(self) -> str:
        return f"{self.tender.reference} amendment {self.number}"


class SavedSearch(TimeStampedModel):
    """A search a signed-in person saved, optionally with email alerts for new matches.

    ``params`` holds the search form's cleaned values (JSON-safe); the alert task tests
    a newly published tender against them.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=100)
    params = models.JSONField(default=dict)
    alerts = models.BooleanField(default=True)

    class Meta:
        ordering = ["user", "name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_search_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class AlertKind(models.TextChoices):
    NEW_TENDER = "new_tender", "New opportunity"
    AMENDMENT = "amendment", "Tender changed"
    ANSWER = "answer", "Question answered"


class AlertDelivery(models.Model):
    """One email sent to one person about one event, so a retried task never sends twice.

    ``event_key`` identifies the event within its kind (the amendment or question
    number; blank for a new tender).
    """

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="alert_deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=AlertKind.choices)
    event_key = models.CharField(max_length=20, blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "user", "kind", "event_key"], name="alert_delivery_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.tender.reference} → {self.user_id}"


class ProcessFeedback(models.Model):
    """Feedback on how the tender process itself was run (the pack's evaluation form).

    Anonymous unless the person chooses to leave a contact; used to improve the process.
    """

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="process_feedback")
    rating = models.PositiveSmallIntegerField()
    clarity = models.PositiveSmallIntegerField(help_text="How clear the documents were, 1–5.")
    time_enough = models.BooleanField(null=True)
    comments = models.TextField(blank=True)
    contact_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="process_feedback_rating_range"
            ),
            models.CheckConstraint(
                condition=Q(clarity__gte=1) & Q(clarity__lte=5),
                name="process_feedback_clarity_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback on {self.tender.reference}"
