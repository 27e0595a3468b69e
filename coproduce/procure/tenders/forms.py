"""Forms for the tender pages. They parse input only; the services decide what is allowed."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from django import forms

from coproduce.foundation.core.errors import ServiceError
from coproduce.foundation.core.forms import DateField, PoundsField
from coproduce.foundation.core.models import ServiceArea
from coproduce.plan.evaluation_models.models import EvaluationModel
from coproduce.plan.forward_plan.selectors import published_plan_entries_for_project
from coproduce.plan.procurement_rules.models import Reservation, Route
from coproduce.plan.specifications.selectors import published_specifications

from .models import DocumentKind, TenderStatus

UK = zoneinfo.ZoneInfo("Europe/London")
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")

# Service errors name model fields; on the form some are split into date + time boxes.
FIELD_FOR_ERROR = {
    "deadline": "deadline_date",
    "questions_close_at": "questions_date",
    "service_area": "service_area",
    "specification": "specification",
    "evaluation_model": "evaluation_model",
    "value_pence": "value",
}


def apply_error(form: forms.Form, exc: ServiceError) -> None:
    """Show a service's coded error next to the field it concerns (or at the top)."""
    field = FIELD_FOR_ERROR.get(exc.field or "", exc.field)
    if field not in form.fields:
        field = None
    form.add_error(field, forms.ValidationError(exc.message, code=exc.code))


class TimeOfDayField(forms.Field):
    """A time typed as people write it: 17:00, 5pm, 5:30pm, 9.15am or midday."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update({"spellcheck": "false", "autocomplete": "off", "maxlength": "10"})

    def to_python(self, value):
        text = str(value or "").strip().lower().replace(" ", "")
        if not text:
            return None
        if text in {"midday", "noon", "12noon"}:
            return dt.time(12, 0)
        match = _TIME.match(text)
        if not match:
            raise forms.ValidationError("Enter a time like 17:00 or 5pm", code="invalid_time")
        hour, minute, suffix = int(match.group(1)), int(match.group(2) or 0), match.group(3)
        if suffix:
            if not 1 <= hour <= 12:
                raise forms.ValidationError("Enter a time like 17:00 or 5pm", code="invalid_time")
            hour = hour % 12 + (12 if suffix == "pm" else 0)
        if hour > 23 or minute > 59:
            raise forms.ValidationError("Enter a real time, like 17:00 or 5pm", code="invalid_time")
        return dt.time(hour, minute)

    def prepare_value(self, value):
        if isinstance(value, dt.time):
            return value.strftime("%H:%M")
        return value


def uk_moment(day: dt.date | None, time: dt.time | None) -> dt.datetime | None:
    """The aware moment for a date and time on UK clocks (GMT or BST as the day requires)."""
    if day is None or time is None:
        return None
    return dt.datetime.combine(day, time).replace(tzinfo=UK)


def split_uk(moment: dt.datetime | None) -> tuple[dt.date | None, dt.time | None]:
    if moment is None:
        return None, None
    local = moment.astimezone(UK)
    return local.date(), local.time().replace(second=0, microsecond=0)


class TenderForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="What the council is buying, in plain words.",
        error_messages={"required": "Enter a title for the tender"},
    )
    summary = forms.CharField(
        label="Summary",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text="What the service is and who it is for. Small organisations and residents "
        "read this: avoid jargon.",
        error_messages={"required": "Enter a plain English summary"},
    )
    service_area = forms.ModelChoiceField(
        label="Service area",
        queryset=ServiceArea.objects.all(),
        empty_label="Choose a service area",
        error_messages={"required": "Choose a service area"},
    )
    locality = forms.CharField(
        label="Area (optional)",
        required=False,
        max_length=100,
        help_text="Where the service is delivered. Leave blank if it covers the whole borough.",
    )
    value = PoundsField(
        label="Estimated value, in pounds",
        help_text="The total over the whole contract, including VAT. For example, 1,200,000.",
        error_messages={"required": "Enter the estimated value in pounds"},
    )
    specification = forms.ModelChoiceField(
        label="Specification",
        queryset=None,
        empty_label="Choose a published specification",
        help_text="Only published versions can be used.",
        error_messages={"required": "Choose a published specification"},
    )
    evaluation_model = forms.ModelChoiceField(
        label="How bids will be scored (evaluation model)",
        queryset=None,
        empty_label="Choose an evaluation model",
        help_text="It is locked when the tender is published.",
        error_messages={"required": "Choose an evaluation model"},
    )
    route = forms.ChoiceField(
        label="Route",
        choices=Route.choices,
        widget=forms.RadioSelect,
        initial=Route.OPEN,
        error_messages={"required": "Choose a route"},
    )
    reserved_for = forms.ChoiceField(
        label="Reserved for",
        choices=Reservation.choices,
        widget=forms.RadioSelect,
        required=False,
        initial=Reservation.NONE,
        help_text="Only for the reserved route.",
    )
    route_justification = forms.CharField(
        label="Reason for the route (published)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="Needed for a single-source or reserved route. It is shown on the public notice.",
    )
    suitable_for_small = forms.BooleanField(
        label="Suitable for small organisations and voluntary groups",
        required=False,
        help_text="Tick if a small charity or community group could realistically deliver "
        "this (or one of its lots). The portal lets organisations search for these.",
    )
    plan_entry = forms.ModelChoiceField(
        label="Forward plan entry (optional)",
        queryset=None,
        required=False,
        empty_label="None",
        help_text="If this tender was on the published forward plan, choose it: the date it "
        "was published counts as the planned notice date.",
    )
    planned_notice_on = DateField(
        label="Planned notice date (optional)",
        required=False,
        help_text="The day a planned procurement notice was published, if one was. For example, 14 3 2026",
    )
    deadline_date = DateField(
        label="Closing date",
        required=False,
        help_text="The last day bids can be sent. For example, 3 3 2027",
    )
    deadline_time = TimeOfDayField(
        label="Closing time (UK time)",
        required=False,
        help_text="For example, 17:00 or 5pm",
    )
    questions_date = DateField(
        label="Last day for questions (optional)",
        required=False,
        help_text="For example, 24 2 2027",
    )
    questions_time = TimeOfDayField(label="Time questions close (UK time)", required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specification"].queryset = published_specifications(project)
        self.fields["specification"].label_from_instance = lambda s: (
            f"Version {s.version}: {s.title} ({s.get_status_display().lower()})"
        )
        self.fields["evaluation_model"].queryset = EvaluationModel.objects.filter(project=project)
        self.fields["evaluation_model"].label_from_instance = lambda m: (
            f"{m.title} ({m.get_status_display().lower()})"
        )
        self.fields["plan_entry"].queryset = published_plan_entries_for_project(project)

    def clean(self):
        data = super().clean()
        for date_name, time_name, what in (
            ("deadline_date", "deadline_time", "closing"),
            ("questions_date", "questions_time", "question"),
        ):
            day, time = data.get(date_name), data.get(time_name)
            if day and not time and time_name not in self.errors:
                self.add_error(time_name, f"Enter the {what} time")
            if time and not day and date_name not in self.errors:
                self.add_error(date_name, f"Enter the {what} date")
        return data

    @property
    def deadline(self) -> dt.datetime | None:
        return uk_moment(
            self.cleaned_data.get("deadline_date"), self.cleaned_data.get("deadline_time")
        )

    @property
    def questions_close_at(self) -> dt.datetime | None:
        return uk_moment(
            self.cleaned_data.get("questions_date"), self.cleaned_data.get("questions_time")
        )


class LotForm(forms.Form):
    number = forms.IntegerField(
        label="Lot number",
        min_value=1,
        max_value=999,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter the lot number",
            "invalid": "Enter the lot number as a whole number, like 2",
            "min_value": "Enter a lot number from 1 to 999",
            "max_value": "Enter a lot number from 1 to 999",
        },
    )
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title for the lot"}
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    client_group = forms.CharField(
        label="Client group (optional)",
        required=False,
        max_length=200,
        help_text="Who this lot serves, for example “adults with complex needs”.",
    )
    locality = forms.CharField(label="Area (optional)", required=False, max_length=100)
    value = PoundsField(
        label="Estimated value of the lot, in pounds",
        help_text="Including VAT.",
        error_messages={"required": "Enter the value of the lot in pounds"},
    )
    reserved_for = forms.ChoiceField(
        label="Is this lot reserved?",
        choices=Reservation.choices,
        widget=forms.RadioSelect,
        required=False,
        initial=Reservation.NONE,
        help_text="A lot can be reserved even when the rest of the tender is open. "
        "The rules on who it may be reserved for depend on its value.",
    )


class NoLotsReasonForm(forms.Form):
    no_lots_reason = forms.CharField(
        label="Why is this tender not split into lots?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="Published with the notice. For example, “The service is small and has to "
        "be run as one team.”",
    )


class DocumentForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title for the document"}
    )
    kind = forms.ChoiceField(
        label="What kind of document is it?",
        choices=[(v, label) for v, label in DocumentKind.choices],
        error_messages={"required": "Choose what kind of document it is"},
    )
    lot = forms.ModelChoiceField(
        label="Lot (optional)", queryset=None, required=False, empty_label="The whole tender"
    )
    file = forms.FileField(
        label="File (optional)",
        required=False,
        help_text="PDF, Word (DOCX), OpenDocument (ODT, ODS), Excel (XLSX), CSV or plain text. "
        "Leave out to publish the document as a web page only.",
    )
    html_source = forms.CharField(
        label="Text of the document, for its web page version",
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=200_000,
        help_text="Paste the text. Start a line with # for a heading, - for a bullet point or "
        "1. for a numbered list; leave a blank line between paragraphs.",
        error_messages={
            "required": "Enter the text of the document, so it can be read as a web page"
        },
    )

    def __init__(self, *args, tender, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = tender.lots.order_by("number")
        self.fields["lot"].label_from_instance = lambda lot: f"Lot {lot.number}: {lot.title}"


class StaffFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *TenderStatus.choices]
    )
