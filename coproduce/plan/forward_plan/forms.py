"""Forms parse input only; the services decide whether it is allowed."""

from __future__ import annotations

import datetime as dt
import re

from django import forms

from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.formatting import UK
from coproduce.foundation.core.forms import DateField, PoundsField
from coproduce.foundation.core.models import ServiceArea
from coproduce.plan.procurement_rules.models import Route

from .models import PlanEntry


class TimeTextField(forms.Field):
    """A time typed as 2pm, 2:30pm or 14:30 (UK time)."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update({"spellcheck": "false", "autocomplete": "off"})

    def to_python(self, value):
        value = str(value or "").strip().lower().replace(".", ":")
        if not value:
            return None
        if len(value) > 10:
            raise forms.ValidationError("Enter a time like 2pm or 14:30", code="invalid_time")
        if value in {"noon", "12 noon", "midday"}:
            return dt.time(12, 0)
        match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?", value)
        if not match:
            raise forms.ValidationError(
                "Enter a time like 2pm, 2:30pm or 14:30", code="invalid_time"
            )
        hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
        if half:
            if not 1 <= hour <= 12:
                raise forms.ValidationError("Enter a real time, like 2:30pm", code="invalid_time")
            hour = hour % 12 + (12 if half == "pm" else 0)
        if hour > 23 or minute > 59:
            raise forms.ValidationError("Enter a real time, like 14:30", code="invalid_time")
        return dt.time(hour, minute)


def combine(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=UK)


class PlanEntryForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={
            "required": "Enter a title",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    description = forms.CharField(
        label="Description",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text="What the council expects to buy and who it is for, in plain words.",
        error_messages={"required": "Enter a description"},
    )
    service_area = forms.ModelChoiceField(
        label="Service area",
        queryset=ServiceArea.objects.all(),
        empty_label="Choose a service area",
        error_messages={"required": "Choose a service area"},
    )
    estimated_value = PoundsField(
        label="Estimated value, in pounds",
        help_text="The total over the whole contract. For example, 1,200,000.",
        error_messages={"required": "Enter the estimated value in pounds"},
    )
    expected_tender_on = DateField(
        label="When we expect to publish the tender", help_text="For example, 15 2 2027"
    )
    intended_route = forms.ChoiceField(
        label="How we intend to buy it",
        choices=Route.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you intend to buy it"},
    )
    project = forms.ModelChoiceField(
        label="Commissioning project (optional)",
        queryset=CommissioningProject.objects.order_by("reference"),
        required=False,
        empty_label="None",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="This is shown publicly.",
        error_messages={"required": "Enter a reason"},
    )


class EventForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title"}
    )
    description = forms.CharField(
        label="Description",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Enter a description"},
    )
    plan_entry = forms.ModelChoiceField(
        label="Forward plan entry (optional)",
        queryset=PlanEntry.objects.exclude(status="withdrawn").order_by("expected_tender_on"),
        required=False,
        empty_label="None",
    )
    day = DateField(label="Date", help_text="For example, 12 3 2027")
    starts_at = TimeTextField(
        label="Start time",
        help_text="UK time, for example 10am",
        error_messages={"required": "Enter a start time"},
    )
    ends_at = TimeTextField(
        label="End time",
        help_text="UK time, for example 12:30pm",
        error_messages={"required": "Enter an end time"},
    )
    closes_on = DateField(label="Registration closes on", help_text="For example, 10 3 2027")
    closes_at = TimeTextField(
        label="Registration closes at",
        help_text="UK time, for example 5pm",
        error_messages={"required": "Enter the time registration closes"},
    )
    venue = forms.CharField(label="Venue (optional if online)", max_length=300, required=False)
    online_joining_details = forms.CharField(
        label="Online joining details (optional if in person)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Only people who have registered see these.",
    )
    accessibility = forms.CharField(
        label="Accessibility",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Step-free access, hearing loop, BSL interpreter, quiet room and so on.",
    )
    capacity = forms.IntegerField(
        label="Number of places (optional)",
        required=False,
        min_value=1,
        help_text="Leave empty for no limit.",
        error_messages={
            "invalid": "Enter a whole number of places",
            "min_value": "Enter 1 or more places",
        },
    )


class RegistrationForm(forms.Form):
    name = forms.CharField(
        label="Your name", max_length=200, error_messages={"required": "Enter your name"}
    )
    email = forms.EmailField(
        label="Email address",
        help_text="We send your place, a calendar file and a link to cancel to this address.",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address, like name@example.org",
        },
    )
    organisation_name = forms.CharField(
        label="Organisation (optional)", max_length=200, required=False
    )
    access_needs = forms.CharField(
        label="Access needs (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text="Tell us anything we should arrange for you. Only council staff see this.",
    )
