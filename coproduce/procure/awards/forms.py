"""Forms parse input only; the award services decide whether it is allowed."""

from __future__ import annotations

from django import forms

from coproduce.foundation.core.formatting import uk_date
from coproduce.foundation.core.forms import DateField

from .models import CancellationReason
from .selectors import StandstillChoice, StandstillOptions


class DecideForm(forms.Form):
    bid = forms.TypedChoiceField(
        label="Which bid should win?",
        coerce=int,
        widget=forms.RadioSelect,
        help_text="The top-ranked bid is chosen unless you say why another should win.",
        error_messages={"required": "Choose the winning bid"},
    )
    reasons = forms.CharField(
        label="Reasons for the decision",
        help_text="Every bidder reads these in their assessment summary.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        error_messages={"required": "Give the reasons for the decision"},
    )
    override_reason = forms.CharField(
        label="If you chose a bid that is not ranked first, why?",
        help_text="Required when the winning bid is not the top-ranked one.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        required=False,
    )

    standstill = forms.ChoiceField(
        label="Standstill period",
        help_text=(
            "The law does not require a standstill for light-touch services, but the council "
            "may choose to wait before signing, so that bidders can complain first."
        ),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether to wait for a voluntary standstill period",
            "invalid_choice": "Choose whether to wait for a voluntary standstill period",
        },
    )
    no_standstill_reason = forms.CharField(
        label="If you confirm without a standstill, why?",
        help_text="Required when you confirm without a standstill. Recorded in the audit trail "
        "and shown on the award page.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        required=False,
    )

    def __init__(self, *args, ranking=(), standstill: StandstillOptions | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if standstill is None or not standstill.choice:
            # The law decides (or the rule is missing): nothing to choose.
            del self.fields["standstill"]
            del self.fields["no_standstill_reason"]
        else:
            self.fields["standstill"].choices = [
                (
                    StandstillChoice.VOLUNTARY,
                    f"{StandstillChoice.VOLUNTARY.label} of {standstill.voluntary_days} working "
                    f"days (until the end of {uk_date(standstill.voluntary_ends_on)})",
                ),
                (StandstillChoice.NONE, StandstillChoice.NONE.label),
            ]
            if not self.is_bound:
                self.initial.setdefault("standstill", StandstillChoice.VOLUNTARY)
        self.fields["bid"].choices = [
            (
                r.bid.pk,
                f"{r.rank}. {r.bid.lead_organisation.name} ({r.bid.reference}), {r.total} points",
            )
            for r in ranking
        ]
        if ranking and not self.is_bound:
            self.initial.setdefault("bid", ranking[0].bid.pk)


class ConfirmForm(forms.Form):
    starts_on = DateField(
        label="When does the contract start?",
        help_text="For example, 1 4 2027. The end date follows from the contract length.",
    )


class ResumeForm(forms.Form):
    note = forms.CharField(
        label="Note (optional)",
        help_text="For example, the complaint's reference and outcome.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
        required=False,
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why is the award being withdrawn?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        error_messages={"required": "Say why the award is being withdrawn"},
    )


class CancelForm(forms.Form):
    lot = forms.ChoiceField(
        label="What are you cancelling?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the whole tender or one lot"},
    )
    reason_code = forms.ChoiceField(
        label="Reason",
        choices=CancellationReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the reason for cancelling"},
    )
    reason_text = forms.CharField(
        label="Explain why (this is published on the tender page)",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        error_messages={"required": "Explain why it is cancelled"},
    )

    def __init__(self, *args, lots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].choices = [("whole", "The whole tender")] + [
            (str(lot.number), str(lot)) for lot in lots
        ]
