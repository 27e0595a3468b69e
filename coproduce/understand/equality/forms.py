"""Forms parse input only; the services decide whether it is allowed."""

from __future__ import annotations

from django import forms

from coproduce.foundation.core.forms import DateField

from . import gap
from .models import Impact
from .population_csv import MAX_BYTES
from .services import OWNER_MAX, TEXT_MAX


class EntryForm(forms.Form):
    impact = forms.ChoiceField(
        label="What impact do you expect?",
        widget=forms.RadioSelect,
        choices=Impact.choices,
        error_messages={
            "required": "Choose the expected impact",
            "invalid_choice": "Choose one of the impacts listed",
        },
    )
    evidence = forms.CharField(
        label="Evidence",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you know and how you know it: what people told us, data, research.",
        error_messages={"max_length": f"The evidence must be {TEXT_MAX:,} characters or fewer"},
    )
    findings = forms.MultipleChoiceField(
        label="Findings that support this",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Published findings from this project’s consultations.",
        error_messages={"invalid_choice": "Choose findings from this project’s published findings"},
    )
    mitigation = forms.CharField(
        label="Mitigation",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What we will do to reduce a negative impact or find out more.",
        error_messages={"max_length": f"The mitigation must be {TEXT_MAX:,} characters or fewer"},
    )
    owner = forms.CharField(
        label="Owner",
        required=False,
        max_length=OWNER_MAX,
        help_text="The person or role responsible, for example “Commissioning Manager, Adults”.",
        error_messages={"max_length": f"The owner must be {OWNER_MAX} characters or fewer"},
    )
    review_on = DateField(
        label="Review date",
        required=False,
        help_text="When to look at this again. For example, 1 4 2027",
    )

    def __init__(self, *args, finding_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["findings"].choices = finding_choices


class PopulationUploadForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="For example, “Riverside population by protected characteristic”.",
        error_messages={
            "required": "Enter a name for these figures",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    source = forms.CharField(
        label="Source",
        max_length=300,
        help_text="Where the figures come from, for example “Census 2021 and ONS mid-year estimates”.",
        error_messages={
            "required": "Enter where the figures come from",
            "max_length": "The source must be 300 characters or fewer",
        },
    )
    year = forms.IntegerField(
        label="Year the figures describe",
        min_value=1900,
        max_value=2200,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the year the figures describe",
            "invalid": "Enter a year like 2021",
            "min_value": "Enter a year like 2021",
            "max_value": "Enter a year like 2021",
        },
    )
    file = forms.FileField(
        label="CSV file",
        help_text=(
            "Columns characteristic, group and percent. The shares of each characteristic must "
            f"add up to 100. Up to {MAX_BYTES // 1024} KB."
        ),
        error_messages={
            "required": "Choose a CSV file to upload",
            "empty": "The file is empty. Choose a CSV file with figures in it",
        },
    )


class MarginForm(forms.Form):
    margin = forms.DecimalField(
        label="Flag groups under-represented by more than (percentage points)",
        required=False,
        min_value=0,
        max_value=50,
        max_digits=4,
        decimal_places=1,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        help_text="A number from 0 to 50. For example, 5.",
        error_messages={
            "invalid": "Enter the margin as a number from 0 to 50, like 5",
            "min_value": "The margin must be 0 or more",
            "max_value": "The margin must be 50 or less",
            "max_digits": "Enter the margin as a number from 0 to 50, like 5",
            "max_decimal_places": "Enter the margin to one decimal place at most, like 7.5",
        },
    )

    def margin_value(self) -> float:
        """The margin to use: the one typed if it is valid, otherwise the default."""
        if self.is_bound and self.is_valid() and self.cleaned_data["margin"] is not None:
            return float(self.cleaned_data["margin"])
        return gap.DEFAULT_MARGIN
