"""Forms parse input only; the services and the advisor decide what is allowed."""

from __future__ import annotations

import re

from django import forms

from coproduce.foundation.core.forms import DateField, PoundsField

from .models import Reservation, Route, Unit
from .services import LABEL_MAX, NAME_MAX, SOURCE_TITLE_MAX, SOURCE_URL_MAX

WHOLE_NUMBER = re.compile(r"-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)")
YES_NO = [("no", "No"), ("yes", "Yes")]


class RuleVersionForm(forms.Form):
    """A new version of a rule. Money is typed in pounds, everything else as a whole number."""

    route = forms.ChoiceField(
        label="Which route does this version apply to?",
        required=False,
        choices=[("", "Every route"), *list(Route.choices)],
        help_text="Most rules apply to every route.",
    )
    value = forms.CharField(
        label="New value",
        max_length=30,
        help_text="Money in pounds including VAT (for example 207720); days, percentages and "
        "counts as whole numbers; yes/no rules as 1 for yes or 0 for no.",
        error_messages={"required": "Enter the new value"},
    )
    unit = forms.ChoiceField(
        label="Unit",
        choices=Unit.choices,
        error_messages={"required": "Choose the unit", "invalid_choice": "Choose a unit"},
    )
    effective_from = DateField(
        label="Applies from",
        help_text="The date the law or policy takes effect. For example, 1 1 2028",
    )
    label = forms.CharField(
        label="Plain-English name",
        max_length=LABEL_MAX,
        error_messages={
            "required": "Enter a plain-English name for the rule",
            "max_length": f"The name must be {LABEL_MAX} characters or fewer",
        },
    )
    source_title = forms.CharField(
        label="Where the rule comes from",
        max_length=SOURCE_TITLE_MAX,
        help_text="The law, regulation, policy note or council policy, with the section.",
        error_messages={
            "required": "Enter where the rule comes from",
            "max_length": f"The source must be {SOURCE_TITLE_MAX} characters or fewer",
        },
    )
    source_url = forms.CharField(
        label="Web address of the source (optional)",
        required=False,
        max_length=SOURCE_URL_MAX,
        error_messages={"max_length": "Enter a shorter web address"},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Anything officers should know, for example what could not be confirmed.",
    )

    def clean(self):
        data = super().clean()
        raw = (data.get("value") or "").strip()
        unit = data.get("unit")
        if not raw or not unit:
            return data
        if unit == Unit.PENCE:
            try:
                data["value_int"] = PoundsField().clean(raw)
            except forms.ValidationError as exc:
                self.add_error("value", exc)
        else:
            # Digits only (commas between groups of three): "Infinity", "1e309" and "1,2,3"
            # are refused, and the number fits the 64-bit column.
            if not WHOLE_NUMBER.fullmatch(raw) or len(raw.replace(",", "")) > 15:
                self.add_error(
                    "value", forms.ValidationError("Enter a whole number", code="invalid_value")
                )
            else:
                data["value_int"] = int(raw.replace(",", ""))
        return data


class BankHolidayForm(forms.Form):
    date = DateField(
        label="Date",
        help_text="For example, 8 5 2028",
    )
    name = forms.CharField(
        label="Name",
        max_length=NAME_MAX,
        error_messages={
            "required": "Enter the name of the bank holiday",
            "max_length": f"The name must be {NAME_MAX} characters or fewer",
        },
    )


class AdvisorForm(forms.Form):
    value = PoundsField(
        label="Estimated total value, including VAT",
        help_text="In pounds, for the whole contract including any extensions.",
        error_messages={"required": "Enter the estimated total value"},
    )
    light_touch = forms.ChoiceField(
        label="Is it for light-touch services?",
        widget=forms.RadioSelect,
        choices=YES_NO,
        help_text="Social care, health, education and similar services for people.",
        error_messages={"required": "Say whether it is for light-touch services"},
    )
    route = forms.ChoiceField(
        label="Which route would you prefer?",
        required=False,
        widget=forms.RadioSelect,
        choices=[("", "No preference: show me every route")]
        + [(v, label) for v, label in Route.choices],
    )
    reserved_for = forms.ChoiceField(
        label="Reserve it for",
        required=False,
        widget=forms.RadioSelect,
        choices=Reservation.choices,
    )
    workforce_percent = forms.IntegerField(
        label="Share of the likely provider’s workforce who are disabled or disadvantaged (optional)",
        required=False,
        min_value=0,
        max_value=100,
        help_text="A percentage, only for contracts reserved for supported businesses.",
        error_messages={
            "invalid": "Enter the percentage as a whole number, like 35",
            "min_value": "Enter a percentage of 0 or more",
            "max_value": "Enter a percentage of 100 or less",
        },
    )
    route_justification = forms.CharField(
        label="Why only one organisation can do this (single source only)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="This reason would be published.",
    )
    publish_on = DateField(
        label="Date the opportunity is published (optional)",
        required=False,
        help_text="Leave blank for today. For example, 2 3 2027",
    )
    planned_notice_on = DateField(
        label="Date a planned procurement notice went out (optional)",
        required=False,
        help_text="An early notice that the opportunity is coming can shorten the time to bid.",
    )
    deadline_on = DateField(
        label="Closing date you have in mind (optional)",
        required=False,
    )
    decision_on = DateField(
        label="Date you expect to announce the award (optional)",
        required=False,
        help_text="Leave blank to use the first working day after the closing date.",
    )

    def clean_value(self):
        value = self.cleaned_data.get("value")
        if value is not None and value < 0:
            raise forms.ValidationError("Enter a value of £0 or more", code="negative_value")
        return value
