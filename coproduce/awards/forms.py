"""Forms parse input only; the award services decide whether it is allowed."""

from __future__ import annotations

from django import forms

from coproduce.core.forms import DateField

from .models import CancellationReason


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

    def __init__(self, *args, ranking=(), **kwargs):
        super().__init__(*args, **kwargs)
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
