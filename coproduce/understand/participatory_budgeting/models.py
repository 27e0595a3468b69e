"""Participatory budgeting: rounds, proposals, verified ballots and published results.

Privacy rules held by these models:

* Voting codes are stored only as an HMAC of the code under the round's secret.
* A residency check keeps only an HMAC of the postcode and date of birth (never the
  postcode or the date itself), used to spot a second vote by the same person.
* Ballots are append-only: a new ballot from the same voter supersedes the old one, and
  at most one ballot per voter is current (a partial unique constraint).
* An eligibility register keeps only keyed hashes (HMAC-SHA256 under the
  ``ELIGIBILITY_HASH_KEY`` setting, which is not in the database) of each person's
  postcode with date of birth, and of their reference: never the name, reference,
  postcode or date of birth. With a register, a voter is the register entry, whichever
  channel (code, residency, paper) they use, so each entry has at most one current ballot.
* Receipt codes are stored as a SHA-256 hash; a receipt reveals when a ballot was received
  and whether it still counts, never what it chose.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from coproduce.foundation.core.models import TimeStampedModel
from coproduce.foundation.core.transitions import StateMachine, Transition


class Phase(models.TextChoices):
    PROPOSALS = "proposals", "Ideas wanted"
    REVIEW = "review", "Checking ideas"
    VOTING = "voting", "Voting open"
    RESULTS = "results", "Voting closed"


PHASE_DESCRIPTIONS = {
    Phase.PROPOSALS: "Anyone who lives here can suggest a project.",
    Phase.REVIEW: "Council officers are checking whether each idea can be done and what it would cost.",
    Phase.VOTING: "Voting is open. Choose the projects you want funded.",
    Phase.RESULTS: "Voting has closed. Results are shown once the council publishes them.",
}

PHASES = StateMachine(
    [
        Transition(Phase.PROPOSALS, Phase.REVIEW, "Close ideas and start checking them"),
        Transition(Phase.REVIEW, Phase.VOTING, "Open voting"),
        Transition(Phase.VOTING, Phase.RESULTS, "Close voting"),
    ],
    labels=dict(Phase.choices),
)


class BallotType(models.TextChoices):
    APPROVAL = "approval", "Approval: choose between a minimum and maximum number of projects"
    KNAPSACK = "knapsack", "Budget: choose projects up to the budget"
    CUMULATIVE = "cumulative", "Points: spread a number of points across projects"


class Rule(models.TextChoices):
    MES = "mes", "Method of Equal Shares (with completion)"
    GREEDY = "greedy", "Most votes first (greedy)"


class Round(TimeStampedModel):
    """A participatory budgeting round.

    Invariants: ``phase`` changes only through ``round_change_phase`` and only forwards;
    ``budget_pence`` is at least the sum of its areas' budgets; ballots are accepted only
    in the voting phase; tallies are shown only in the results phase.
    """

    reference = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField()
    budget_pence = models.BigIntegerField()
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.PROPOSALS)
    proposals_open_on = models.DateField()
    review_starts_on = models.DateField()
    voting_opens_on = models.DateField()
    voting_closes_on = models.DateField()
    results_on = models.DateField()
    ballot_type = models.CharField(max_length=20, choices=BallotType.choices)
    min_choices = models.PositiveSmallIntegerField(default=1)
    max_choices = models.PositiveSmallIntegerField(null=True, blank=True)
    points = models.PositiveSmallIntegerField(null=True, blank=True)
    rule = models.CharField(max_length=20, choices=Rule.choices, default=Rule.MES)
    min_age = models.PositiveSmallIntegerField(default=16)
    postcode_areas = models.CharField(
        max_length=200,
        blank=True,
        help_text="Postcode districts where residents may vote, separated by spaces.",
    )
    allow_codes = models.BooleanField(default=True)
    allow_residency = models.BooleanField(default=False)
    secret = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported = models.BooleanField(default=False)
    register_uploaded_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When an eligibility register was last uploaded; empty: eligibility is self-declared.",
    )

    class Meta:
        ordering = ["-voting_opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_pence__gt=0), name="pb_round_budget_positive"
            ),
            models.CheckConstraint(
                condition=Q(phase__in=Phase.values), name="pb_round_phase_known"
            ),
            models.CheckConstraint(
                condition=Q(ballot_type__in=BallotType.values), name="pb_round_ballot_type_known"
            ),
            models.CheckConstraint(condition=Q(rule__in=Rule.values), name="pb_round_rule_known"),
            models.CheckConstraint(
                condition=Q(voting_closes_on__gte=F("voting_opens_on")),
                name="pb_round_voting_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def phase_description(self) -> str:
        return PHASE_DESCRIPTIONS[Phase(self.phase)]

    @property
    def postcode_list(self) -> list[str]:
        return [p.upper() for p in self.postcode_areas.split() if p]

    @property
    def has_register(self) -> bool:
        """Eligibility is checked against an uploaded register (else it is self-declared)."""
        return self.register_uploaded_at is not None


class Area(models.Model):
    """A ward or area of a round with its own share of the budget."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(max_length=100)
    budget_pence = models.BigIntegerField()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="pb_area_name_unique"),
            models.CheckConstraint(condition=Q(budget_pence__gt=0), name="pb_area_budget_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", "Waiting for a check"
    FEASIBLE = "feasible", "On the ballot"
    NOT_FEASIBLE = "not_feasible", "Cannot go ahead"


class Proposal(TimeStampedModel):
    """A project idea; once found feasible (with a costed amount) it is on the ballot.

    Invariants: a feasible proposal has ``costed_pence``; every decision has a reason;
    the photo, if any, is a checked JPEG/PNG/WebP image with alt text.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="proposals")
    reference = models.CharField(max_length=30, unique=True)
    title = models.CharField(max_length=120)
    description = models.TextField()
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    estimated_cost_pence = models.BigIntegerField()
    photo = models.BinaryField(null=True, blank=True, editable=False)
    photo_content_type = models.CharField(max_length=30, blank=True)
    photo_alt = models.CharField(max_length=250, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED
    )
    costed_pence = models.BigIntegerField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    pb_id = models.CharField(max_length=60)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_cost_pence__gte=0), name="pb_proposal_estimate_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(status="feasible") | Q(costed_pence__gte=0),
                name="pb_proposal_feasible_has_cost",
            ),
            models.UniqueConstraint(fields=["round", "pb_id"], name="pb_proposal_pb_id_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def has_photo(self) -> bool:
        return bool(self.photo_content_type)


class RegisterEntry(models.Model):
    """One eligible person on a round's register, known only by two keyed hashes.

    ``person_key`` is the HMAC of the round, normalised postcode and date of birth (what a
    residency check or a paper ballot gives); ``reference_key`` the HMAC of the round and
    the normalised name or reference (so a re-uploaded register recognises a person whose
    postcode changed). Entries that voted are never deleted (``Voter.entry`` protects
    them): a later upload without them only sets ``in_register`` to False.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="register")
    person_key = models.CharField(max_length=64)
    reference_key = models.CharField(max_length=64)
    in_register = models.BooleanField(default=True)
    added_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "person_key"], name="pb_register_person_unique"
            ),
            models.UniqueConstraint(
                fields=["round", "reference_key"], name="pb_register_reference_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Register entry {self.pk}"


class VotingCode(models.Model):
    """One printed single-use voting code, kept only as an HMAC under the round's secret.

    In a round with a register every code belongs to one entry (``entry``), so a code vote
    and a residency or paper vote by the same person are the same voter.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    issued_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    entry = models.OneToOneField(
        RegisterEntry, on_delete=models.CASCADE, null=True, blank=True, related_name="code"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "code_hash"], name="pb_code_hash_unique"),
        ]

    def __str__(self) -> str:
        return f"Voting code {self.pk}"


class Channel(models.TextChoices):
    CODE = "code", "Voting code"
    RESIDENCY = "residency", "Residency check"
    PAPER = "paper", "Paper ballot"


class Voter(models.Model):
    """One eligible person in one round, known only by a one-way key.

    ``key`` is the code's HMAC, the HMAC of postcode and date of birth, or a random value
    for a paper ballot; unique per round, so one person has one row however many times
    they vote. In a round with a register the voter is the register entry (``entry``,
    one voter per entry, whichever channel it votes by; ``key`` is then ``entry:<id>``).
    Votes by the same voter are serialised by locking this row.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="voters")
    key = models.CharField(max_length=64)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    entry = models.OneToOneField(
        RegisterEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="voter"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "key"], name="pb_voter_key_unique"),
        ]

    def __str__(self) -> str:
        return f"Voter {self.pk}"


class PaperBatch(models.Model):
    """Paper ballots typed in by one officer; counted only once a different officer confirms."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="batches")
    number = models.PositiveIntegerField()
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unmatched_accepted = models.BooleanField(
        default=False,
        help_text="The confirming officer checked the ballots not matched to the register and they count.",
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="pb_batch_number_unique"),
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=F("entered_by")),
                name="pb_batch_confirmed_by_another_officer",
            ),
        ]

    def __str__(self) -> str:
        return f"Batch {self.number}"


class Ballot(models.Model):
    """One ballot as cast. Append-only: a later ballot by the same voter supersedes it.

    Invariant: at most one ballot per voter has ``superseded_at`` empty (the current one).
    ``unmatched``: a paper ballot in a round with a register that was not entered against
    a register entry; it counts only if the officer confirming its batch accepts it.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(Voter, on_delete=models.PROTECT, related_name="ballots")
    receipt_hash = models.CharField(max_length=64, unique=True)
    cast_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)
    batch = models.ForeignKey(
        PaperBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="ballots"
    )
    unmatched = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(unmatched=False) | Q(batch__isnull=False),
                name="pb_ballot_unmatched_only_on_paper",
            ),
            models.UniqueConstraint(
                fields=["voter"],
                condition=Q(superseded_at__isnull=True),
                name="pb_one_current_ballot_per_voter",
            ),
        ]

    def __str__(self) -> str:
        return f"Ballot {self.pk}"


class BallotChoice(models.Model):
    """One project chosen on a ballot, with points for a points ballot (1 otherwise)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "proposal"], name="pb_choice_once"),
            models.CheckConstraint(condition=Q(points__gt=0), name="pb_choice_points_positive"),
        ]

    def __str__(self) -> str:
        return f"Choice {self.pk}"


class Result(models.Model):
    """The computed allocation of a closed round; public once ``published_at`` is set."""

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="result")
    computed_at = models.DateTimeField()
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rule = models.CharField(max_length=20, choices=Rule.choices)
    ballots_counted = models.PositiveIntegerField()
    published_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Result of round {self.round_id}"


class ResultLine(models.Model):
    """One project's line in a result: votes, the rule's decision, why, and any override.

    Invariant: ``funded`` differs from ``funded_by_rule`` only with an override reason.
    """

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="lines")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="+")
    votes = models.PositiveIntegerField()
    score = models.PositiveIntegerField()
    cost_pence = models.BigIntegerField()
    funded_by_rule = models.BooleanField()
    funded = models.BooleanField()
    explanation = models.TextField()
    override_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-funded", "-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["result", "proposal"], name="pb_result_line_once"),
            models.CheckConstraint(
                condition=Q(funded=F("funded_by_rule")) | ~Q(override_reason=""),
                name="pb_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Result line {self.pk}"
