"""Forms parse input only; the services decide whether it is allowed."""

from __future__ import annotations

from django import forms

from coproduce.foundation.core.forms import PoundsField

from .models import Frequency, RequirementKind
from .services import (
    CONTRACT_YEARS_MAX,
    CONTRACT_YEARS_MIN,
    EXTENSION_YEARS_MAX,
    REQUIREMENT_MAX,
    SHORT_CONTRACT_YEARS,
    TEXT_MAX,
    TITLE_MAX,
)

NUMERIC = {"inputmode": "numeric", "spellcheck": "false"}
CONTRACT_CHOICES = [("3", "3 years"), ("5", "5 years"), ("other", "Another length")]


def _text(label: str, help_text: str = "", *, required: bool = False, rows: int = 5, **msgs):
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "max_length": f"{label} must be {TEXT_MAX:,} characters or fewer",
            **msgs,
        },
    )


class SpecificationForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=TITLE_MAX,
        help_text="For example, “Day opportunities for adults with learning disabilities”.",
        error_messages={
            "required": "Enter a title for the specification",
            "max_length": f"The title must be {TITLE_MAX} characters or fewer",
        },
    )
    purpose = _text(
        "What the service is for",
        "In plain English: what the service must do, and who it is for.",
        required=True,
    )
    involvement = _text(
        "How the provider must involve the people who use the service",
        "All the time, not only at the start: for example a members’ group that meets every "
        "month and helps choose staff.",
    )
    inclusion = _text(
        "How the provider must reach people at risk of being left out",
        "For example people who do not use the internet, carers, or people whose first "
        "language is not English.",
    )
    contract_years = forms.ChoiceField(
        label="How long is the contract?",
        choices=CONTRACT_CHOICES,
        widget=forms.RadioSelect,
        help_text=f"Contracts shorter than {SHORT_CONTRACT_YEARS} years leave the provider "
        "funded year to year, which makes it hard for small organisations to keep staff.",
        error_messages={"required": "Choose how long the contract is"},
    )
    contract_years_other = forms.IntegerField(
        label="If another length, how many years?",
        required=False,
        min_value=CONTRACT_YEARS_MIN,
        max_value=CONTRACT_YEARS_MAX,
        widget=forms.TextInput(attrs=NUMERIC),
        help_text=f"A whole number of years from {CONTRACT_YEARS_MIN} to {CONTRACT_YEARS_MAX}.",
        error_messages={
            "invalid": "Enter the contract length as a whole number of years, like 4",
            "min_value": f"The contract must be at least {CONTRACT_YEARS_MIN} year",
            "max_value": f"The contract can be at most {CONTRACT_YEARS_MAX} years",
        },
    )
    short_term_reason = _text(
        f"Why the contract is shorter than {SHORT_CONTRACT_YEARS} years",
        f"Only needed for a contract shorter than {SHORT_CONTRACT_YEARS} years.",
        rows=3,
    )
    extension_years = forms.IntegerField(
        label="Possible extension, in years",
        required=False,
        min_value=0,
        max_value=EXTENSION_YEARS_MAX,
        widget=forms.TextInput(attrs=NUMERIC),
        help_text="Enter 0 if the contract cannot be extended.",
        error_messages={
            "invalid": "Enter the extension as a whole number of years, like 2",
            "min_value": "The extension cannot be negative",
            "max_value": f"The extension can be at most {EXTENSION_YEARS_MAX} years",
        },
    )
    estimated_value_pence = PoundsField(
        label="Estimated value of the whole contract, in pounds",
        help_text="Including any extension. For example, 1,200,000.",
        error_messages={"required": "Enter the estimated value in pounds"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].error_messages["required"] = (
            "Say what the service is for and who it is for"
        )

    def clean_estimated_value_pence(self):
        value = self.cleaned_data["estimated_value_pence"]
        if value is not None and value < 0:
            raise forms.ValidationError("The estimated value must be £0 or more", code="negative")
        return value

    def clean(self):
        data = super().clean()
        choice = data.get("contract_years")
        if choice == "other":
            if (
                data.get("contract_years_other") is None
                and "contract_years_other" not in self.errors
            ):
                self.add_error("contract_years_other", "Enter how many years the contract runs for")
            else:
                data["years"] = data.get("contract_years_other")
        elif choice:
            data["years"] = int(choice)
        return data

    @staticmethod
    def initial_for(spec) -> dict:
        years = spec.contract_years
        return {
            "title": spec.title,
            "purpose": spec.purpose,
            "involvement": spec.involvement,
            "inclusion": spec.inclusion,
            "contract_years": str(years) if years in (3, 5) else "other",
            "contract_years_other": None if years in (3, 5) else years,
            "short_term_reason": spec.short_term_reason,
            "extension_years": spec.extension_years,
            "estimated_value_pence": spec.estimated_value_pence,
        }


class RequirementForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of requirement is this?",
        choices=RequirementKind.choices,
        widget=forms.RadioSelect,
        help_text="An outcome is what must change for people; a performance criterion is how "
        "well the service must work; a KPI is a number the provider reports.",
        error_messages={"required": "Choose what kind of requirement this is"},
    )
    text = forms.CharField(
        label="What the provider must achieve",
        max_length=REQUIREMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter what the provider must achieve",
            "max_length": f"The text must be {REQUIREMENT_MAX:,} characters or fewer",
        },
    )
    target = forms.CharField(
        label="Target (KPIs only)",
        required=False,
        max_length=50,
        help_text="For example, 90.",
        error_messages={"max_length": "The target must be 50 characters or fewer"},
    )
    unit = forms.CharField(
        label="Unit (KPIs only)",
        required=False,
        max_length=100,
        help_text="For example, “% of people who say they chose their activities”.",
        error_messages={"max_length": "The unit must be 100 characters or fewer"},
    )
    frequency = forms.ChoiceField(
        label="How often it is reported (KPIs only)",
        required=False,
        choices=[("", "Not a KPI"), *Frequency.choices],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose how often it is reported"},
    )
    findings = forms.MultipleChoiceField(
        label="What people told us (findings)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Published findings from this project’s consultations.",
        error_messages={
            "invalid_choice": "A requirement can only cite published findings of this project"
        },
    )
    ideas = forms.MultipleChoiceField(
        label="Ideas",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Ideas on this project’s ideas board that were not merged or turned down.",
        error_messages={
            "invalid_choice": "A requirement can only cite ideas on this project’s ideas board"
        },
    )
    equality_entries = forms.MultipleChoiceField(
        label="Equality impact",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Entries of this project’s published equality impact assessment.",
        error_messages={
            "invalid_choice": "A requirement can only cite this project’s published equality "
            "impact assessment"
        },
    )

    def __init__(self, *args, findings, ideas, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["findings"].choices = [
            (str(f.pk), f"{f.reference}: {f.statement}") for f in findings
        ]
        self.fields["ideas"].choices = [(str(i.pk), f"{i.reference}: {i.title}") for i in ideas]
        self.fields["equality_entries"].choices = [
            (
                str(e.pk),
                f"{e.get_characteristic_display()}: {e.get_impact_display().lower()} impact"
                + (f". {e.evidence[:120]}" if e.evidence else ""),
            )
            for e in entries
        ]

    @staticmethod
    def initial_for(req) -> dict:
        return {
            "kind": req.kind,
            "text": req.text,
            "target": req.target,
            "unit": req.unit,
            "frequency": req.frequency,
            "findings": [str(f.pk) for f in req.findings.all()],
            "ideas": [str(i.pk) for i in req.ideas.all()],
            "equality_entries": [str(e.pk) for e in req.equality_entries.all()],
        }


class NewVersionForm(forms.Form):
    reason = forms.CharField(
        label="Why does the specification need to change?",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="This is published with the new version, so write it for the public.",
        error_messages={
            "required": "Say why the specification needs to change",
            "max_length": f"The reason must be {TEXT_MAX:,} characters or fewer",
        },
    )
