"""Forms parse input only; the services decide whether it is allowed (and say which rule)."""

from __future__ import annotations

from django import forms

from coproduce.foundation.core.forms import DateField, PoundsField

from .measure_csv import UNITS
from .models import AnalysisKind

NUMBER = {"inputmode": "decimal", "spellcheck": "false"}


def _number(label: str, help_text: str = "", **kwargs) -> forms.CharField:
    """A number typed as text: the service checks it and names the rule it breaks."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=40,
        widget=forms.TextInput(attrs=NUMBER),
        error_messages={"required": f"Enter {label.lower()}"},
        **kwargs,
    )


class MeasureImportForm(forms.Form):
    title = forms.CharField(
        label="Name for this version",
        help_text="For example “Riverside measures 2026, agreed by cabinet in March”.",
        max_length=200,
        error_messages={"required": "Enter a name for this version"},
    )
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: code, name, unit, proxy_pounds, source, price_year.",
        error_messages={"required": "Choose a CSV file to import"},
    )


class CommitmentForm(forms.Form):
    measure_code = forms.ChoiceField(
        label="Measure", error_messages={"required": "Choose a measure"}
    )
    quantity = _number("Amount promised", "In the measure’s unit, for example 4 or 2.5.")
    due_by = DateField(label="Done by", help_text="For example 31 3 2027.")
    details = forms.CharField(
        label="Details (optional)",
        help_text="What exactly will be done, and for whom.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )
    bid_answer = forms.TypedChoiceField(
        label="From the winning bid’s answer (optional)",
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args, measures=(), answers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure_code"].choices = [("", "Choose a measure")] + [
            (m.code, f"{m.code}: {m.name} (counted in {UNITS[m.unit]})") for m in measures
        ]
        if answers:
            self.fields["bid_answer"].choices = [("", "Not from the bid")] + [
                (a.pk, a.criterion.title) for a in answers
            ]
        else:
            del self.fields["bid_answer"]


class DecideCommitmentForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("agree", "Agree the promise"), ("decline", "Do not agree")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to agree the promise"},
    )
    reason = forms.CharField(
        label="Reason (needed if you do not agree)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )


class DeliveryForm(forms.Form):
    quantity = _number("Amount delivered", "In the promise’s unit.")
    period_start = DateField(label="Period from", help_text="For example 1 4 2026.")
    period_end = DateField(label="Period to", help_text="For example 30 6 2026.")
    description = forms.CharField(
        label="What was done",
        help_text="Who benefited, where and when. Do not include people’s names.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Say what was done"},
    )
    evidence = forms.FileField(
        label="Evidence",
        help_text="A PDF, Word, OpenDocument, Excel, CSV or text file: for example a payroll "
        "summary without names, a list of sessions, or invoices from local suppliers.",
        error_messages={"required": "Attach evidence"},
    )


class DecideDeliveryForm(forms.Form):
    decision = forms.ChoiceField(
        label="Does the evidence show this was delivered?",
        choices=[("verify", "Yes: verify it"), ("reject", "No: do not accept it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the evidence shows the delivery"},
    )
    note = forms.CharField(
        label="Note (needed if you do not accept it; the provider reads it)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )


class AnalysisForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title"}
    )
    kind = forms.ChoiceField(
        label="Kind of analysis",
        choices=AnalysisKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a forecast or an evaluation"},
    )
    inputs_pence = PoundsField(
        label="Inputs (£)",
        help_text="The money spent to get the outcomes, usually the contract’s value.",
        error_messages={"required": "Enter the inputs in pounds"},
    )
    inputs_description = forms.CharField(
        label="What the inputs are",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        error_messages={"required": "Say what the inputs are"},
    )
    discount_rate = _number(
        "Discount rate (%)", "3.5% a year is the HM Treasury Green Book rate.", initial="3.5"
    )
    first_year = forms.IntegerField(
        label="First year",
        help_text="The year the outcomes start, for example 2026.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"required": "Enter the first year", "invalid": "Enter a year, like 2026"},
    )
    notes = forms.CharField(
        label="Assumptions and notes (optional)",
        help_text="Shown with the result: where the numbers come from and what was left out.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )


class NewAnalysisForm(AnalysisForm):
    project = forms.CharField(
        label="Project reference",
        help_text="For example P-2026-0001. It is on the project’s page.",
        max_length=30,
        error_messages={"required": "Enter the project reference"},
    )
    contract = forms.CharField(
        label="Contract reference (optional)",
        help_text="For an analysis of one contract, for example K-2026-0001. Leave it empty "
        "for the whole project.",
        max_length=30,
        required=False,
    )

    field_order = ["project", "contract"]


class OutcomeForm(forms.Form):
    stakeholder = forms.CharField(
        label="Who it is for (stakeholder)",
        max_length=200,
        error_messages={"required": "Say who the outcome is for"},
    )
    outcome = forms.CharField(
        label="Outcome: what changes for them",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        error_messages={"required": "Describe the outcome"},
    )
    indicator = forms.CharField(
        label="Indicator: how you know it happened",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        error_messages={"required": "Describe the indicator"},
    )
    quantity = _number("Quantity", "How many people or units have this outcome.")
    proxy_description = forms.CharField(
        label="Financial proxy: what it values",
        max_length=300,
        error_messages={"required": "Say what the financial proxy is"},
    )
    proxy_pence = PoundsField(
        label="Financial proxy (£ per unit, per year)",
        error_messages={"required": "Enter the financial proxy in pounds"},
    )
    proxy_source = forms.CharField(
        label="Source of the proxy",
        max_length=300,
        error_messages={"required": "Say where the proxy comes from"},
    )
    deadweight = _number("Deadweight (%)", "The share that would have happened anyway.")
    attribution = _number("Attribution (%)", "The share owed to other people or organisations.")
    displacement = _number("Displacement (%)", "The share that only moved value from elsewhere.")
    drop_off = _number(
        "Drop-off (% a year)", "How much of the outcome fades each year after the first."
    )
    duration_years = forms.IntegerField(
        label="Duration (years)",
        help_text="How many years the outcome lasts, from 1 to 50.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the duration in years",
            "invalid": "Enter the duration as a whole number of years",
        },
    )
