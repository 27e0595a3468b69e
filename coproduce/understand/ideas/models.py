"""The ideas board: ideas from residents, providers and workshops, with support and comments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from coproduce.foundation.core.models import TimeStampedModel
from coproduce.foundation.core.transitions import StateMachine, Transition


class Area(models.Model):
    """A ward or area of the borough that an idea is about. Reference data, seeded once.

    Invariant: ``slug`` and ``name`` are unique; areas are never deleted while ideas use them.
    """

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    OPEN = "open", "Open"
    UNDER_CONSIDERATION = "under_consideration", "Under consideration"
    TAKEN_FORWARD = "taken_forward", "Taken forward"
    NOT_TAKEN_FORWARD = "not_taken_forward", "Not taken forward"
    MERGED = "merged", "Merged"


# Merging is its own service (it needs a target); the others are decisions with reasons.
STATUSES = StateMachine(
    [
        Transition(Status.OPEN, Status.UNDER_CONSIDERATION, "Under consideration"),
        Transition(Status.OPEN, Status.TAKEN_FORWARD, "Taken forward"),
        Transition(Status.OPEN, Status.NOT_TAKEN_FORWARD, "Not taken forward"),
        Transition(Status.OPEN, Status.MERGED, "Merge into another idea"),
        Transition(Status.UNDER_CONSIDERATION, Status.TAKEN_FORWARD, "Taken forward"),
        Transition(Status.UNDER_CONSIDERATION, Status.NOT_TAKEN_FORWARD, "Not taken forward"),
        Transition(Status.UNDER_CONSIDERATION, Status.MERGED, "Merge into another idea"),
        Transition(Status.TAKEN_FORWARD, Status.UNDER_CONSIDERATION, "Under consideration"),
        Transition(Status.NOT_TAKEN_FORWARD, Status.UNDER_CONSIDERATION, "Under consideration"),
        Transition(Status.NOT_TAKEN_FORWARD, Status.TAKEN_FORWARD, "Taken forward"),
        Transition(Status.TAKEN_FORWARD, Status.NOT_TAKEN_FORWARD, "Not taken forward"),
    ],
    labels=dict(Status.choices),
)


class Source(models.TextChoices):
    ONLINE = "online", "Online"
    PAPER = "paper", "Workshop or paper"


class Idea(TimeStampedModel):
    """One idea on a board: the council-wide board (``project`` empty) or a project's.

    Invariants: ``reference`` (ID-YYYY-NNNN) is assigned once by the service; every status
    other than open carries a written ``status_reason`` (shown publicly); an idea is
    ``merged`` exactly when ``merged_into`` is set, and never into itself. Status changes
    only through the services, which audit them.
    """

    reference = models.CharField(max_length=20, unique=True)
    project = models.ForeignKey(
        "commissioning.CommissioningProject",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ideas",
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="ideas"
    )
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.OPEN)
    status_reason = models.TextField(blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_ideas"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ONLINE)
    event_name = models.CharField(max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
    )
    author_name = models.CharField(max_length=100, blank=True)
    author_email = models.EmailField(blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="idea_status_known"),
            models.CheckConstraint(condition=Q(source__in=Source.values), name="idea_source_known"),
            models.CheckConstraint(
                condition=Q(status=Status.OPEN) | ~Q(status_reason=""),
                name="idea_status_reason_required",
            ),
            models.CheckConstraint(
                condition=(Q(status=Status.MERGED) & Q(merged_into__isnull=False))
                | (~Q(status=Status.MERGED) & Q(merged_into__isnull=True)),
                name="idea_merged_has_target",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("pk")), name="idea_not_merged_into_itself"
            ),
        ]
        indexes = [
            models.Index(fields=["project", "status", "-created_at"], name="idea_board_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def display_author(self) -> str:
        if self.source == Source.PAPER:
            return self.event_name or "A workshop"
        if self.author_id:
            return self.author.full_name
        return self.author_name or "Anonymous"


class Support(models.Model):
    """One person's support for one idea. Invariant: at most one per person per idea."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_supports"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="idea_support_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} supports {self.idea_id}"


class CommentStatus(models.TextChoices):
    VISIBLE = "visible", "Visible"
    HIDDEN = "hidden", "Removed by a moderator"


COMMENT_STATUSES = StateMachine(
    [Transition(CommentStatus.VISIBLE, CommentStatus.HIDDEN, "Remove")],
    labels=dict(CommentStatus.choices),
)


class Comment(TimeStampedModel):
    """A signed-in person's comment on an idea.

    Invariant: a hidden comment always has the moderator's ``moderation_reason``, which is
    shown publicly in its place.
    """

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="idea_comments"
    )
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.VISIBLE
    )
    moderation_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CommentStatus.values), name="idea_comment_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status=CommentStatus.VISIBLE) | ~Q(moderation_reason=""),
                name="idea_comment_hidden_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.idea.reference}"

    @property
    def is_hidden(self) -> bool:
        return self.status == CommentStatus.HIDDEN


class CommentReport(models.Model):
    """Someone's report that a comment breaks the rules, until a moderator decides.

    Invariants: one report per signed-in reporter per comment (anonymous reports are rate
    limited instead); ``decided_at`` is set by the moderation decision that resolves it.
    """

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"],
                condition=Q(reporter__isnull=False),
                name="idea_comment_report_once_per_person",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="idea_comment_report_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Report {self.pk} on comment {self.comment_id}"


class Decision(models.TextChoices):
    HIDE = "hide", "Remove the comment"
    KEEP = "keep", "Keep the comment"


class ModerationDecision(models.Model):
    """A moderator's decision on a reported comment, with the written reason."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="decisions")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=Decision.values), name="idea_moderation_decision_known"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="idea_moderation_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.decision} comment {self.comment_id}"


AREAS = [
    ("Whole borough", "whole-borough"),
    ("Eastgate", "eastgate"),
    ("Millbrook", "millbrook"),
    ("Northfield", "northfield"),
    ("Riverside Central", "riverside-central"),
    ("St Anne’s", "st-annes"),
    ("Westholme", "westholme"),
]
