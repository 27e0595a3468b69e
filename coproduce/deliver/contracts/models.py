"""Contracts: the record created when an award is confirmed, and the promises it carries.

A ``Contract`` is created in the same transaction as the confirmed award
(``services.contract_create_for_award``). It carries the specification's KPIs as
``ContractKPI`` rows (what is measured, the target, the unit, how often, the thresholds
that make a result green, amber or red, and why the measure is asked and how it will be
used) and a named council contact. Monitoring returns, user feedback, social value,
review and decommissioning live in the other ``deliver`` apps and point here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from coproduce.foundation.accounts.models import Organisation
from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.models import TimeStampedModel


class ContractStatus(models.TextChoices):
    MOBILISING = "mobilising", "Getting ready to start"
    LIVE = "live", "Running"
    ENDING = "ending", "Ending: notice given"
    ENDED = "ended", "Ended"
    TERMINATED = "terminated", "Ended early"


class Contract(TimeStampedModel):
    """A contract awarded through a tender (or one lot of it).

    Invariants: created once per confirmed award (``award`` is unique); money in pence;
    ``ends_on`` is the current end date (extensions move it, recorded as changes).
    """

    reference = models.CharField(max_length=20, unique=True)
    project = models.ForeignKey(
        CommissioningProject, on_delete=models.PROTECT, related_name="contracts"
    )
    # The commissioning cycle of the project the contract was let in (its review looks at
    # the contracts of its own cycle only).
    cycle = models.PositiveSmallIntegerField(default=1)
    # Empty for a contract that was let before the council used coproduce and is recorded
    # here so that it can be monitored, reviewed or decommissioned like any other.
    award = models.OneToOneField(
        "awards.AwardDecision",
        on_delete=models.PROTECT,
        related_name="contract",
        null=True,
        blank=True,
    )
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="contracts")
    title = models.CharField(max_length=200)
    value_pence = models.BigIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(
        max_length=12, choices=ContractStatus.choices, default=ContractStatus.MOBILISING
    )
    # Extension options as offered in the tender: how many months in all, in plain words.
    extension_months_available = models.PositiveSmallIntegerField(default=0)
    extension_terms = models.CharField(max_length=300, blank=True)
    council_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts_as_contact",
    )

    class Meta:
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value_pence__gte=0), name="contract_value_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="contract_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["mobilising", "live", "ending", "ended", "terminated"]),
                name="contract_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class MeasureKind(models.TextChoices):
    """What kind of figure a KPI is reported in; a return's figure is checked against it."""

    PERCENT = "percent", "Percentage (0 to 100)"
    COUNT = "count", "Number of people or things (a whole number)"
    POUNDS = "pounds", "Amount in pounds"
    DAYS = "days", "Number of days"
    HOURS = "hours", "Number of hours"


class Direction(models.TextChoices):
    HIGHER_IS_BETTER = "higher", "Higher is better"
    LOWER_IS_BETTER = "lower", "Lower is better"


class ContractKPI(models.Model):
    """One KPI of a contract, copied from the specification when the contract is created.

    ``green_from`` and ``red_beyond`` set the RAG thresholds: for "higher is better", a
    result at or above ``green_from`` is green, below ``red_beyond`` red, between them
    amber (so ``green_from >= red_beyond``); for "lower is better" the other way round
    (``green_from <= red_beyond``). The database refuses inverted thresholds.
    """

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="kpis")
    requirement = models.ForeignKey(
        "specifications.Requirement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contract_kpis",
    )
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    target = models.DecimalField(max_digits=14, decimal_places=2)
    unit = models.CharField(max_length=100)  # the words after the figure: "% of hours"
    kind = models.CharField(max_length=10, choices=MeasureKind.choices)
    frequency = models.CharField(max_length=12)  # specifications.Frequency values
    direction = models.CharField(
        max_length=6, choices=Direction.choices, default=Direction.HIGHER_IS_BETTER
    )
    green_from = models.DecimalField(max_digits=14, decimal_places=2)
    red_beyond = models.DecimalField(max_digits=14, decimal_places=2)
    why_asked = models.TextField(blank=True)
    how_used = models.TextField(blank=True)

    class Meta:
        ordering = ["contract", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "position"], name="contract_kpi_position_unique"
            ),
            models.CheckConstraint(
                condition=(Q(direction="higher") & Q(green_from__gte=models.F("red_beyond")))
                | (Q(direction="lower") & Q(green_from__lte=models.F("red_beyond"))),
                name="contract_kpi_thresholds_in_order",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["percent", "count", "pounds", "days", "hours"]),
                name="contract_kpi_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} KPI {self.position}: {self.text[:60]}"

    def snapshot(self) -> dict:
        """The KPI as a framework version keeps it (strings for the figures)."""
        return {
            "position": self.position,
            "text": self.text,
            "target": str(self.target),
            "unit": self.unit,
            "kind": self.kind,
            "frequency": self.frequency,
            "direction": self.direction,
            "green_from": str(self.green_from),
            "red_beyond": str(self.red_beyond),
            "why_asked": self.why_asked,
            "how_used": self.how_used,
        }


class ContactChange(models.Model):
    """A record of who the council's named contact for a contract was, and when it changed."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="contact_changes")
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()
    reason = models.TextField()

    class Meta:
        ordering = ["contract", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.contract.reference}: contact {self.contact} from {self.changed_at:%Y-%m-%d}"


# --- the monitoring framework (seed 001) ---------------------------------------------------


class ProposalStatus(models.TextChoices):
    OPEN = "open", "Waiting for the council"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class FrameworkProposal(models.Model):
    """A change the provider proposes to one KPI of the monitoring framework, kept for good.

    The commissioner accepts or declines it with a reason (an accepted proposal is then
    made by editing the KPI). The framework cannot be agreed while a proposal is open.
    """

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="proposals")
    kpi = models.ForeignKey(ContractKPI, on_delete=models.CASCADE, related_name="proposals")
    text = models.TextField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "proposed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "accepted", "declined"]),
                name="framework_proposal_status_known",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(decision_reason=""),
                name="framework_proposal_decision_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference}: proposal on KPI {self.kpi.position}"


class FrameworkVersion(models.Model):
    """One version of the monitoring framework, agreed (or being agreed) by both sides.

    ``kpis`` is a snapshot of every KPI as agreed (text, target, unit, kind, frequency,
    direction, thresholds, why it is asked, how it is used). A version with both
    signatures (``agreed_at`` set) is fixed: it is never changed again; a later edit of
    the KPIs needs a new version. A version with one signature is replaced (both
    signatures cleared) when the KPIs change before the other side agrees.
    """

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="framework_versions"
    )
    number = models.PositiveSmallIntegerField()
    kpis = models.JSONField()
    council_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    council_agreed_at = models.DateTimeField(null=True, blank=True)
    provider_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    provider_agreed_at = models.DateTimeField(null=True, blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "number"], name="framework_version_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(agreed_at__isnull=True)
                | (Q(council_agreed_at__isnull=False) & Q(provider_agreed_at__isnull=False)),
                name="framework_version_agreed_by_both",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} framework v{self.number}"

    @property
    def is_agreed(self) -> bool:
        return self.agreed_at is not None


# --- variations, extensions and termination ------------------------------------------------


class ChangeKind(models.TextChoices):
    VARIATION = "variation", "Variation"
    EXTENSION = "extension", "Extension"
    TERMINATION = "termination", "Ended early"


class ContractChange(models.Model):
    """A variation, extension or early end of a contract: why, how much, from when, who.

    ``value_change_pence`` may be negative for a variation; an extension moves ``ends_on``
    by ``extension_months`` (never beyond the months still available); a termination sets
    the contract's status and end date. ``flagged`` is set on a variation whose running
    total of value changes is above the procurement rules table's limit, with the rule's
    words kept in ``flag_text``.
    """

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=12, choices=ChangeKind.choices)
    reason = models.TextField()
    value_change_pence = models.BigIntegerField(default=0)
    effective_on = models.DateField()
    approved_by = models.CharField(max_length=200)
    extension_months = models.PositiveSmallIntegerField(default=0)
    ends_on_before = models.DateField()
    ends_on_after = models.DateField()
    flagged = models.BooleanField(default=False)
    flag_text = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["contract", "effective_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["variation", "extension", "termination"]),
                name="contract_change_kind_known",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="contract_change_reason_required"),
            models.CheckConstraint(
                condition=~Q(kind="extension") | Q(extension_months__gte=1),
                name="contract_change_extension_has_months",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference}: {self.get_kind_display()} from {self.effective_on}"
