"""Award decisions, standstill, assessment summary letters and cancellations.

An award is decided per lot (or for the whole tender), waits out the standstill period
from the rules table, is paused while a complaint is open, and is then confirmed, which
creates the contract record for the review stage.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from coproduce.foundation.core.models import TimeStampedModel
from coproduce.procure.bids.models import Bid
from coproduce.procure.tenders.models import Lot, Tender


class AwardStatus(models.TextChoices):
    STANDSTILL = "standstill", "Standstill (waiting before the contract is signed)"
    PAUSED = "paused", "Paused while a complaint is decided"
    CONFIRMED = "confirmed", "Confirmed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class StandstillKind(models.TextChoices):
    """Why an award has (or has no) standstill, recorded when it is decided."""

    REQUIRED = "required", "Standstill required by law"
    VOLUNTARY = "voluntary", "Voluntary standstill (light-touch contract)"
    WAIVED = "waived", "No standstill: the officer chose to confirm without one"
    NOT_REQUIRED = "not_required", "No standstill required"


class AwardDecision(TimeStampedModel):
    """The decision to award a lot (or the whole tender) to a bid, with reasons.

    Invariants: one live decision per lot; made only when moderation of that lot is
    complete and every abnormally low price has a decided explanation; confirmed only
    after ``standstill_ends_on`` and while no complaint blocks it.
    """

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="award_decisions")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    winning_bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="awards")
    reasons = models.TextField()
    status = models.CharField(
        max_length=12, choices=AwardStatus.choices, default=AwardStatus.STANDSTILL
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    standstill_ends_on = models.DateField(null=True, blank=True)
    standstill_kind = models.CharField(
        max_length=12,
        choices=StandstillKind.choices,
        blank=True,
        help_text="Why there is (or is no) standstill; blank on decisions made before it "
        "was recorded (then read from standstill_ends_on).",
    )
    no_standstill_reason = models.TextField(
        blank=True, help_text="Why a light-touch award may be confirmed without a standstill."
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_reason = models.TextField(
        blank=True, help_text="Why a bid other than the top-ranked one was chosen (required then)."
    )
    winning_rank = models.PositiveSmallIntegerField(default=1)
    paused_at = models.DateTimeField(null=True, blank=True)
    resumed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)
    letters_pending_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When letters were last asked for (the decision, or an officer regenerating "
        "them); cleared by the background task once every bidder's letter is written. While "
        "set, pages say the letters are being prepared.",
    )

    class Meta:
        ordering = ["tender", "lot__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "lot"],
                condition=~Q(status="withdrawn"),
                name="award_one_live_per_lot",
            ),
            models.UniqueConstraint(
                fields=["tender"],
                condition=Q(lot__isnull=True) & ~Q(status="withdrawn"),
                name="award_one_live_whole",
            ),
            models.CheckConstraint(condition=~Q(reasons=""), name="award_reasons_required"),
            models.CheckConstraint(
                condition=Q(winning_rank=1) | ~Q(override_reason=""),
                name="award_override_needs_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdrawn_reason=""),
                name="award_withdrawal_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Award of {self.tender.reference}"


class AssessmentLetter(models.Model):
    """The assessment summary for one bidder: their scores and reasons beside the winner's.

    One row is the bidder's whole letter set: the standard letter and its easy read
    version, each as HTML and PDF, all drawn from the same ``letters.LetterData``. Written
    by a background task after the decision commits (``services_letters``), and rewritten
    in place when an officer regenerates the letters; ``assessment_letter_once`` keeps it
    to one current set per bidder, however often the task runs. Visible only to the
    bidder's organisation members and council staff.
    """

    decision = models.ForeignKey(AwardDecision, on_delete=models.CASCADE, related_name="letters")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="letters")
    html = models.TextField()
    pdf = models.BinaryField()
    easy_read_html = models.TextField(
        blank=True, help_text="Blank on letters written before it was stored (made when read)."
    )
    easy_read_pdf = models.BinaryField(blank=True, default=b"")
    generated_at = models.DateTimeField()
    sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When the bidder was emailed that the letter is ready."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["decision", "bid"], name="assessment_letter_once"),
        ]

    def __str__(self) -> str:
        return f"Letter to {self.bid}"


class CancellationReason(models.TextChoices):
    NO_SUITABLE_BIDS = "no_suitable_bids", "No suitable bids"
    NO_BIDS = "no_bids", "No bids received"
    NEED_CHANGED = "need_changed", "The need has changed"
    FUNDING = "funding", "Funding is no longer available"
    ERROR_IN_PROCESS = "error_in_process", "An error in the process"
    COMPLAINT_UPHELD = "complaint_upheld", "A complaint was upheld"
    OTHER = "other", "Other"


class Cancellation(models.Model):
    """A tender (or one lot) cancelled with a reason code and a published explanation."""

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="cancellations")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason_code = models.CharField(max_length=20, choices=CancellationReason.choices)
    reason_text = models.TextField()
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason_text=""), name="cancellation_reason_required"
            ),
            # A double-clicked "Cancel" records one cancellation.
            models.UniqueConstraint(fields=["tender", "lot"], name="cancellation_once_per_lot"),
            models.UniqueConstraint(
                fields=["tender"], condition=Q(lot__isnull=True), name="cancellation_once_whole"
            ),
        ]

    def __str__(self) -> str:
        return f"Cancellation of {self.tender.reference}"
