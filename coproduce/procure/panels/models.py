"""Evaluation panels: members (including service users without council accounts), conflicts
of interest, independent scores and moderation.

Blindness: a member sees nothing of a bid until they have declared their interests, never
sees a bid they declared a conflict with, and never sees another member's scores until
the chair starts moderation for that lot.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from coproduce.foundation.core.models import TimeStampedModel
from coproduce.plan.evaluation_models.models import Criterion, PanelRole, PanelRoleKind
from coproduce.procure.bids.models import Bid
from coproduce.procure.tenders.models import Lot, Tender


class PanelMember(TimeStampedModel):
    """A person on a tender's panel, in one of the evaluation model's panel roles.

    Service-user members usually have no account: they are invited by email with a
    single-use link (only its hash is stored) that signs them in to their panel pages
    only. ``is_chair`` leads moderation (a council officer).
    """

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="panel_members")
    role = models.ForeignKey(PanelRole, on_delete=models.PROTECT, related_name="members")
    kind = models.CharField(max_length=15, choices=PanelRoleKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="panel_seats",
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()
    is_chair = models.BooleanField(default=False)
    invite_token_hash = models.CharField(max_length=64, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.TextField(blank=True)
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["tender", "-is_chair", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "email"],
                condition=Q(removed_at__isnull=True),
                name="panel_member_once_per_tender",
            ),
            models.UniqueConstraint(
                fields=["tender"],
                condition=Q(is_chair=True, removed_at__isnull=True),
                name="panel_one_chair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


class Declaration(models.Model):
    """A member's declaration of interests for the tender, made before seeing any bid.

    ``conflicts`` lists the bids (or whole lots) the member must not see or score.
    """

    member = models.OneToOneField(PanelMember, on_delete=models.CASCADE, related_name="declaration")
    declared_at = models.DateTimeField()
    no_conflicts = models.BooleanField()
    details = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Declaration by {self.member}"


class Conflict(models.Model):
    """A declared conflict: the member is removed from this bid, or from a whole lot.

    Conflicts are declared with the first declaration or later ("Declare a new
    conflict"); ``added_at`` says when, ``declared_late`` marks the later ones.
    """

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="conflicts")
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    details = models.TextField()
    added_at = models.DateTimeField(null=True, blank=True)
    declared_late = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(bid__isnull=False) | Q(lot__isnull=False), name="conflict_has_target"
            ),
        ]

    def __str__(self) -> str:
        return f"Conflict of {self.declaration.member}"


class Score(TimeStampedModel):
    """One member's score of one bid on one criterion, with a written justification.

    Drafts can change; once ``submitted_at`` is set the score is final (moderation keeps
    it and records an agreed score beside it). A score is *set aside* (``set_aside_at``)
    when its member later declares a conflict with the bid: it is kept but no longer
    counts in moderation.
    """

    member = models.ForeignKey(PanelMember, on_delete=models.PROTECT, related_name="scores")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="panel_scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()
    justification = models.TextField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    set_aside_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["bid", "criterion", "member"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "bid", "criterion"], name="score_once_per_member"
            ),
            models.CheckConstraint(condition=~Q(justification=""), name="score_justified"),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.bid} {self.criterion_id}: {self.score}"


class ModerationStatus(models.TextChoices):
    SCORING = "scoring", "Members scoring"
    MODERATING = "moderating", "Moderation meeting"
    COMPLETE = "complete", "Moderated"


class Moderation(models.Model):
    """The moderation of one lot (or the whole tender when ``lot`` is empty)."""

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="moderations")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(
        max_length=12, choices=ModerationStatus.choices, default=ModerationStatus.SCORING
    )
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    tie_break_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tender", "lot"], name="moderation_once_per_lot"),
            models.UniqueConstraint(
                fields=["tender"], condition=Q(lot__isnull=True), name="moderation_once_whole"
            ),
        ]

    def __str__(self) -> str:
        return f"Moderation of {self.tender.reference}"


class ModeratedScore(models.Model):
    """The panel's agreed score for one bid on one criterion, with the reason.

    Members' original scores are kept unchanged beside it.
    """

    moderation = models.ForeignKey(Moderation, on_delete=models.CASCADE, related_name="scores")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="moderated_scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()
    reason = models.TextField()
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agreed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bid", "criterion"], name="moderated_score_once"),
            models.CheckConstraint(condition=~Q(reason=""), name="moderated_score_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.bid} {self.criterion_id}: {self.score}"


class PriceExplanation(models.Model):
    """A bidder's explanation of an abnormally low price, and the panel's view of it.

    Award is refused while a flagged bid has no accepted or rejected explanation.
    """

    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="price_explanations")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    flagged_reason = models.TextField()
    requested_at = models.DateTimeField()
    explanation = models.TextField(blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    accepted = models.BooleanField(null=True)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bid", "lot"], name="price_explanation_once"),
        ]

    def __str__(self) -> str:
        return f"Price explanation for {self.bid}"
