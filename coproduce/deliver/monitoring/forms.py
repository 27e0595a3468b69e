"""Forms parse input only; the services decide whether it is allowed (and say why not)."""

from __future__ import annotations

from django import forms

from coproduce.foundation.core.forms import DateField

from .figures import format_figure
from .models import Rating

TEXT_MAX = 10_000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (each is checked by the service)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _text(
    label: str, *, required: bool = True, rows: int = 5, help_text: str = "", message: str = ""
):
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": message or f"Enter {label[:1].lower()}{label[1:]}",
            "max_length": f"This must be {TEXT_MAX:,} characters or fewer",
        },
    )


def kpi_field_name(kpi) -> str:
    return f"kpi_{kpi.position}"


class ReturnForm(forms.Form):
    """A figure for each KPI asked in the period, commentary and evidence files."""

    commentary = _text(
        "Commentary (optional)",
        required=False,
        rows=6,
        help_text="What the figures mean, what went well, what got in the way.",
    )
    evidence = MultipleFileField(
        label="Evidence (optional)",
        required=False,
        help_text="Up to 5 files: PDF, Word, OpenDocument, Excel, CSV or plain text.",
    )

    def __init__(self, *args, kpis=(), **kwargs):
        super().__init__(*args, **kwargs)
        figure_fields = {}
        for kpi in kpis:
            why = f" Why we ask: {kpi.why_asked}" if kpi.why_asked else ""
            figure_fields[kpi_field_name(kpi)] = forms.CharField(
                label=f"KPI {kpi.position}: {kpi.text} ({kpi.unit})",
                max_length=40,
                required=False,  # the service names the KPI in its message
                help_text=f"{kpi.get_kind_display()}. Target: "
                f"{format_figure(kpi.target, kpi.kind)}.{why}",
                widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
                error_messages={"max_length": "Enter a figure of 40 characters or fewer"},
            )
        self.fields = {**figure_fields, **self.fields}
        self.kpis = list(kpis)

    def figures(self) -> dict[int, str]:
        return {k.position: self.cleaned_data.get(kpi_field_name(k), "") for k in self.kpis}

    def figure_fields(self):
        return [self[kpi_field_name(k)] for k in self.kpis]


class CorrectionForm(ReturnForm):
    answer = _text(
        "Your answer to the council’s question",
        rows=4,
        message="Enter your answer to the council’s question",
    )


class AnswerForm(forms.Form):
    answer = _text(
        "Your answer",
        rows=4,
        help_text="Use this when the figures are right. To change them, correct the return instead.",
        message="Enter your answer",
    )


class QueryForm(forms.Form):
    question = _text(
        "Your question to the provider",
        rows=4,
        help_text="The provider sees this and is emailed.",
        message="Enter your question to the provider",
    )


class AcceptForm(forms.Form):
    note = _text("Note (optional)", required=False, rows=2)


class PlanForm(forms.Form):
    actions = _text(
        "What you will do to get back on target",
        rows=8,
        help_text="The actions, in the order you will take them.",
    )
    owner = forms.CharField(
        label="Who is responsible",
        max_length=200,
        help_text="A name and role, for example “Amira Hussain, service manager”.",
        error_messages={
            "required": "Enter who is responsible for the plan",
            "max_length": "This must be 200 characters or fewer",
        },
    )
    by_when = DateField(label="Done by", help_text="For example, 27 3 2027")


class PlanChangesForm(forms.Form):
    note = _text("What needs to change", rows=4, message="Say what needs to change")


class PlanAgreeForm(forms.Form):
    note = _text("Note (optional)", required=False, rows=2)


class AssessmentForm(forms.Form):
    rating = forms.ChoiceField(
        label="Rating",
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a rating"},
    )
    reasons = _text(
        "Reasons for the rating",
        rows=6,
        help_text="These are published with the rating on the project page.",
    )
