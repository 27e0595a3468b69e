"""Forms parse input only; the services decide whether it is allowed."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils import timezone

from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.forms import DateField

from . import equality
from .models import Question, QuestionKind
from .services import AnswerValue

RATING_LABELS = {1: "Very poor", 2: "Poor", 3: "Okay", 4: "Good", 5: "Very good"}
EASY_RATING_LABELS = {1: "Very bad", 2: "Bad", 3: "OK", 4: "Good", 5: "Very good"}
TIME_RE = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


def parse_time(value: str) -> dt.time:
    """A time typed as 17:30, 9:00, 5pm, 5:30pm, midday or midnight."""
    value = (value or "").strip().lower().replace(" ", "")
    if value == "midday":
        return dt.time(12, 0)
    if value == "midnight":
        return dt.time(0, 0)
    match = TIME_RE.match(value)
    if not match:
        raise forms.ValidationError("Enter a time like 9:00 or 5:30pm", code="invalid_time")
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            raise forms.ValidationError(
                "Enter a real time, like 9:00am or 5:30pm", code="invalid_time"
            )
        hour = hour % 12 + (12 if half == "pm" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise forms.ValidationError("Enter a real time, like 9:00 or 17:30", code="invalid_time")
    return dt.time(hour, minute)


class TimeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"class": "govuk-input govuk-input--width-5", "spellcheck": "false"}
        )

    def clean(self, value):
        value = super().clean(value)
        return parse_time(value) if value else None


def local_datetime(day: dt.date, time: dt.time) -> dt.datetime:
    """A date and time as read on a clock in the UK, as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, time))


class ConsultationForm(forms.Form):
    project = forms.ModelChoiceField(
        label="Which project is this consultation for?",
        queryset=CommissioningProject.objects.order_by("title"),
        empty_label="Choose a project",
        error_messages={
            "required": "Choose the project this consultation is for",
            "invalid_choice": "Choose a project from the list",
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="Residents see this first. Say what you are asking about in plain words.",
        error_messages={
            "required": "Enter a title",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    intro = forms.CharField(
        label="Introduction",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10_000,
        help_text="What the consultation is about, why you are asking and how answers will be used.",
        error_messages={
            "required": "Enter an introduction",
            "max_length": "The introduction must be 10,000 characters or fewer",
        },
    )
    easy_read_intro = forms.CharField(
        label="Easy-read introduction (optional)",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10_000,
        required=False,
        help_text="Short sentences and everyday words. One idea in each sentence.",
        error_messages={
            "max_length": "The easy-read introduction must be 10,000 characters or fewer"
        },
    )
    opens_on = DateField(label="Opening date", help_text="For example, 4 5 2026")
    opens_time = TimeField(
        label="Opening time",
        help_text="UK time. For example, 9:00am",
        error_messages={"required": "Enter the opening time"},
    )
    closes_on = DateField(label="Closing date", help_text="For example, 29 6 2026")
    closes_time = TimeField(
        label="Closing time",
        help_text="UK time. For example, 11:59pm",
        error_messages={"required": "Enter the closing time"},
    )
    equality_monitoring = forms.BooleanField(
        label="Ask the optional equality monitoring questions at the end",
        required=False,
        help_text="The nine protected characteristics. Answers are kept apart from responses.",
    )

    def __init__(self, *args, with_project: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_project:
            del self.fields["project"]

    def times(self) -> tuple[dt.datetime, dt.datetime]:
        d = self.cleaned_data
        return local_datetime(d["opens_on"], d["opens_time"]), local_datetime(
            d["closes_on"], d["closes_time"]
        )


class ConsultationFilterForm(forms.Form):
    project = forms.ChoiceField(label="Project", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [
            ("", "All projects"),
            *CommissioningProject.objects.order_by("title").values_list("reference", "title"),
        ]


class SectionForm(forms.Form):
    title = forms.CharField(
        label="Section title",
        max_length=200,
        help_text="Each section is one page. For example, “Getting there”.",
        error_messages={
            "required": "Enter a title for the section",
            "max_length": "The section title must be 200 characters or fewer",
        },
    )
    easy_read_title = forms.CharField(
        label="Easy-read section title (optional)",
        max_length=200,
        required=False,
        error_messages={"max_length": "The easy-read title must be 200 characters or fewer"},
    )


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines()]


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type of question",
        widget=forms.RadioSelect,
        choices=QuestionKind.choices,
        error_messages={
            "required": "Choose the type of question",
            "invalid_choice": "Choose one of the types listed",
        },
    )
    section = forms.TypedChoiceField(label="Section", required=False, coerce=int, empty_value=None)
    text = forms.CharField(
        label="Question",
        max_length=500,
        error_messages={
            "required": "Enter the question",
            "max_length": "The question must be 500 characters or fewer",
        },
    )
    hint = forms.CharField(
        label="Hint (optional)",
        max_length=500,
        required=False,
        help_text="Extra help shown under the question.",
        error_messages={"max_length": "The hint must be 500 characters or fewer"},
    )
    required = forms.BooleanField(label="Answer needed", required=False)
    max_length = forms.IntegerField(
        label="Most characters allowed (free text only)",
        required=False,
        min_value=1,
        max_value=10_000,
        error_messages={
            "invalid": "Enter the limit as a whole number, like 1000",
            "min_value": "The limit must be at least 1 character",
            "max_value": "The limit must be 10,000 characters or fewer",
        },
    )
    options = forms.CharField(
        label="Options (choose one, choose any and put in order)",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=8000,
        help_text="One option on each line.",
    )
    easy_read_text = forms.CharField(
        label="Easy-read question (optional)",
        max_length=500,
        required=False,
        help_text="Plain words and short sentences.",
        error_messages={"max_length": "The easy-read question must be 500 characters or fewer"},
    )
    easy_read_options = forms.CharField(
        label="Easy-read options (optional)",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=8000,
        help_text="One on each line, in the same order as the options.",
    )
    easy_read_image = forms.FileField(
        label="Easy-read picture (optional)",
        required=False,
        help_text="A PNG, JPEG, GIF or WebP picture, smaller than 2 MB.",
    )
    easy_read_image_alt = forms.CharField(
        label="Describe the picture (needed if you add one)",
        max_length=300,
        required=False,
        help_text="For people who cannot see it. For example, “A minibus at a bus stop”.",
        error_messages={"max_length": "The description must be 300 characters or fewer"},
    )
    remove_image = forms.BooleanField(label="Remove the current picture", required=False)

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", "No section"), *[(s.pk, s.title) for s in sections]]
        self.fields["easy_read_image"].widget.attrs["accept"] = (
            "image/png,image/jpeg,image/gif,image/webp"
        )

    @staticmethod
    def initial_for(question: Question) -> dict:
        options = list(question.options.all())
        return {
            "kind": question.kind,
            "section": question.section_id,
            "text": question.text,
            "hint": question.hint,
            "required": question.required,
            "max_length": question.max_length,
            "options": "\n".join(o.label for o in options),
            "easy_read_text": question.easy_read_text,
            "easy_read_options": "\n".join(o.easy_read_label for o in options),
            "easy_read_image_alt": question.easy_read_image_alt,
        }

    def data_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "kind": d["kind"],
            "text": d["text"],
            "section_id": d["section"],
            "hint": d["hint"],
            "required": d["required"],
            "max_length": d["max_length"],
            "options": [line for line in _lines(d["options"]) if line],
            "easy_read_text": d["easy_read_text"],
            "easy_read_options": _lines(d["easy_read_options"]),
            "easy_read_image": d["easy_read_image"] or None,
            "easy_read_image_alt": d["easy_read_image_alt"],
            "remove_image": d["remove_image"],
        }


class ConfirmForm(forms.Form):
    """Nothing to fill in; used for POST-only buttons."""


# --- Answering -----------------------------------------------------------------------

FIELD_RE = re.compile(r"^q(\d+)(?:_o(\d+))?$")


class Forged(Exception):
    """The request named a question or option that is not on this page."""


def field_name(question: Question) -> str:
    return f"q{question.pk}"


def parse_answers(
    questions: list[Question], data, *, check_required: bool
) -> tuple[dict[int, AnswerValue], dict[int, str]]:
    """Read the answers to ``questions`` from POST ``data``.

    Returns (answers by question id, error message by question id). Raises ``Forged`` when
    the request carries a question or option that does not belong to this page: a person
    cannot do that with the form, so it is refused outright.
    """
    expected = set()
    for q in questions:
        expected.add(f"q{q.pk}")
        if q.kind == QuestionKind.RANKING:
            expected.update(f"q{q.pk}_o{o.pk}" for o in q.options.all())
    for key in data:
        if FIELD_RE.match(key) and key not in expected:
            raise Forged(key)

    answers: dict[int, AnswerValue] = {}
    errors: dict[int, str] = {}
    for q in questions:
        name = f"q{q.pk}"
        option_ids = {str(o.pk): o.pk for o in q.options.all()}
        value = AnswerValue()
        if q.kind == QuestionKind.SINGLE:
            raw = data.get(name, "")
            if raw:
                if raw not in option_ids:
                    raise Forged(name)
                value.option_ids = [option_ids[raw]]
            elif check_required and q.required:
                errors[q.pk] = f"Select an answer to “{q.text}”"
        elif q.kind == QuestionKind.MULTIPLE:
            raws = [r for r in data.getlist(name) if r]
            if any(r not in option_ids for r in raws):
                raise Forged(name)
            value.option_ids = sorted({option_ids[r] for r in raws})
            if not raws and check_required and q.required:
                errors[q.pk] = f"Select at least one answer to “{q.text}”"
        elif q.kind == QuestionKind.TEXT:
            raw = (data.get(name, "") or "").replace("\r\n", "\n").strip()
            limit = q.max_length or 0
            if len(raw) > limit:
                errors[q.pk] = (
                    f"Your answer to “{q.text}” must be {limit:,} characters or fewer "
                    f"(you have written {len(raw):,})"
                )
            elif not raw and check_required and q.required:
                errors[q.pk] = f"Enter your answer to “{q.text}”"
            value.text = raw
        elif q.kind == QuestionKind.RATING:
            raw = data.get(name, "")
            if raw:
                if raw not in {"1", "2", "3", "4", "5"}:
                    raise Forged(name)
                value.rating = int(raw)
            elif check_required and q.required:
                errors[q.pk] = "Choose a rating (1 to 5) for “%s”" % q.text  # noqa: UP031
        elif q.kind == QuestionKind.RANKING:
            options = list(q.options.all())
            n = len(options)
            ranks = {}
            for o in options:
                raw = (data.get(f"q{q.pk}_o{o.pk}", "") or "").strip()
                if raw:
                    if not raw.isdigit() or not 1 <= int(raw) <= n:
                        raise Forged(f"q{q.pk}_o{o.pk}")
                    ranks[o.pk] = int(raw)
            if ranks and sorted(ranks.values()) != list(range(1, n + 1)):
                errors[q.pk] = (
                    f"Give each option a different number from 1 to {n} for “{q.text}”. "
                    "Use each number once."
                )
            elif not ranks and check_required and q.required:
                errors[q.pk] = f"Put the options in order for “{q.text}”"
            value.ranks = ranks
        answers[q.pk] = value
    return answers, errors


class EqualityForm(forms.Form):
    """The nine optional equality monitoring questions, each with "Prefer not to say"."""

    def __init__(self, *args, easy_read: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for c in equality.CHARACTERISTICS:
            self.fields[c.key] = forms.ChoiceField(
                label=c.easy_read if easy_read else c.question,
                choices=list(c.options),
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": f"Choose one of the answers listed for “{c.label}”"
                },
            )


class ResumeEmailForm(forms.Form):
    email = forms.EmailField(
        label="Email address (optional)",
        help_text="We will send the link to this address. We do not keep the address.",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
