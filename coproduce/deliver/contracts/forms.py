"""Forms parse input only; the services decide whether it is allowed (and name the rule).

Figures (targets, thresholds) are taken as text and read by the service, so "eighty" gets
the service's message ("… must be a number, like 85 or 12.5") on the right field."""

from __future__ import annotations

from django import forms

from coproduce.foundation.core.forms import DateField, PoundsField
from coproduce.plan.specifications.models import Frequency

from .models import ChangeKind, Direction

KPI_ROWS = 5


class KPIFrameworkForm(forms.Form):
    target = forms.CharField(
        label="Target", max_length=30, help_text="The figure the provider aims for."
    )
    direction = forms.ChoiceField(
        label="Which way is better?",
        choices=Direction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether higher or lower is better"},
    )
    green_from = forms.CharField(
        label="Green from",
        max_length=30,
        help_text="A result at this figure or better is green (on track).",
        error_messages={"required": "Enter the figure from which a result is green"},
    )
    red_beyond = forms.CharField(
        label="Red beyond",
        max_length=30,
        help_text="A result worse than this figure is red. Between the two it is amber.",
        error_messages={"required": "Enter the figure beyond which a result is red"},
    )
    why_asked = forms.CharField(
        label="Why we ask for this figure",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
        help_text="In plain English, for the provider and the people who use the service. "
        "Needed before the framework can be agreed.",
    )
    how_used = forms.CharField(
        label="How we will use it",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
        help_text="Who looks at it, when, and what happens when it is red.",
    )


class ProposalForm(forms.Form):
    text = forms.CharField(
        label="What change do you propose, and why?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Enter the change you propose"},
    )


class ProposalAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label="Your answer",
        choices=[("accept", "Accept the change"), ("decline", "Decline the change")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you accept or decline the change"},
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="The provider sees this.",
        error_messages={"required": "Enter the reason for your answer"},
    )


class ChangeForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of change?",
        choices=ChangeKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of change"},
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Enter the reason for the change"},
    )
    value_change = PoundsField(
        label="Change in value, in pounds",
        required=False,
        help_text="A variation can lower the value: put a minus sign, like -20,000. Leave "
        "empty for no change.",
    )
    extension_months = forms.IntegerField(
        label="Months added (extensions only)",
        required=False,
        min_value=0,
        max_value=120,
        error_messages={
            "invalid": "Enter the number of months as a whole number, like 12",
            "min_value": "The number of months cannot be negative",
            "max_value": "Enter 120 months or fewer",
        },
    )
    effective_on = DateField(label="Takes effect on", help_text="For example, 1 4 2027")
    approved_by = forms.CharField(
        label="Who approved it",
        max_length=200,
        help_text="A name and role, or the meeting that decided.",
        error_messages={"required": "Enter who approved the change"},
    )


class ContactForm(forms.Form):
    contact = forms.TypedChoiceField(
        label="New council contact",
        coerce=int,
        error_messages={"required": "Choose the new contact"},
    )
    reason = forms.CharField(
        label="Reason for the change",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Enter the reason for the change of contact"},
    )

    def __init__(self, *args, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].choices = [("", "Choose an officer")] + [
            (u.pk, f"{u.full_name}{', ' + u.job_title if u.job_title else ''}") for u in officers
        ]


class ExistingContractForm(forms.Form):
    """A contract let before coproduce, with up to five KPIs (empty rows are ignored)."""

    provider = forms.TypedChoiceField(
        label="Provider", coerce=int, error_messages={"required": "Choose the provider"}
    )
    title = forms.CharField(
        label="Contract title", max_length=200, error_messages={"required": "Enter a title"}
    )
    value = PoundsField(
        label="Contract value, in pounds",
        error_messages={"required": "Enter the contract value in pounds"},
    )
    starts_on = DateField(label="Started on", help_text="For example, 1 4 2024")
    ends_on = DateField(label="Ends on", help_text="For example, 31 3 2029")
    extension_months_available = forms.IntegerField(
        label="Extension options, in months",
        required=False,
        min_value=0,
        max_value=120,
        help_text="How many months the council may extend the contract by, in all. 0 for none.",
        error_messages={"invalid": "Enter the months as a whole number, like 12"},
    )
    extension_terms = forms.CharField(
        label="Extension terms (optional)", max_length=300, required=False
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", "Choose an organisation")] + [
            (o.pk, o.name) for o in organisations
        ]
        for n in range(1, KPI_ROWS + 1):
            self.fields[f"kpi{n}_text"] = forms.CharField(
                label=f"KPI {n}: what is measured", max_length=5000, required=False
            )
            self.fields[f"kpi{n}_target"] = forms.CharField(
                label=f"KPI {n}: target", max_length=30, required=False
            )
            self.fields[f"kpi{n}_unit"] = forms.CharField(
                label=f"KPI {n}: unit",
                max_length=100,
                required=False,
                help_text="For example, “% of people asked” or “people a month”.",
            )
            self.fields[f"kpi{n}_frequency"] = forms.ChoiceField(
                label=f"KPI {n}: how often it is reported",
                choices=[("", "Choose"), *Frequency.choices],
                required=False,
            )

    def kpi_rows(self) -> list[dict]:
        """The KPI rows that have anything in them (as entered)."""
        rows = []
        for n in range(1, KPI_ROWS + 1):
            row = {
                key: self.cleaned_data.get(f"kpi{n}_{key}") or ""
                for key in ("text", "target", "unit", "frequency")
            }
            if any(v.strip() for v in row.values()):
                rows.append(row)
        return rows

    def kpi_field_groups(self):
        return [
            [self[f"kpi{n}_{key}"] for key in ("text", "target", "unit", "frequency")]
            for n in range(1, KPI_ROWS + 1)
        ]
