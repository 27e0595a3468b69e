"""Forms parse input only; the services decide whether it is allowed."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from .models import CriterionKind, PanelRoleKind, PriceFormula
from .services import SCALE_MAX_LEVELS, TEXT_MAX, TITLE_MAX, WORD_LIMIT_MAX, LevelData

TITLE_ERRORS = {
    "required": "Enter a title",
    "max_length": f"The title must be {TITLE_MAX} characters or fewer",
}


class ModelCreateForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=TITLE_MAX,
        help_text="For example, “Day opportunities 2027: how bids will be scored”.",
        error_messages=TITLE_ERRORS,
    )
    price_formula = forms.ChoiceField(
        label="How will price be scored?",
        widget=forms.RadioSelect,
        choices=PriceFormula.choices,
        initial=PriceFormula.LOWEST_RATIO,
        error_messages={"required": "Choose how price will be scored"},
    )


class ModelEditForm(ModelCreateForm):
    social_value_reason = forms.CharField(
        label="Why social value is worth less than the usual minimum (if it is)",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only needed if social value is below the minimum in the procurement rules. "
        "This reason is shown to the public.",
        error_messages={"max_length": f"The reason must be {TEXT_MAX:,} characters or fewer"},
    )


class CriterionForm(forms.Form):
    title = forms.CharField(label="Title", max_length=TITLE_MAX, error_messages=TITLE_ERRORS)
    question = forms.CharField(
        label="Question to bidders",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter the question bidders answer",
            "max_length": f"The question must be {TEXT_MAX:,} characters or fewer",
        },
    )
    guidance = forms.CharField(
        label="What a good answer shows",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Guidance for bidders and the panel.",
        error_messages={"max_length": f"The guidance must be {TEXT_MAX:,} characters or fewer"},
    )
    word_limit = forms.IntegerField(
        label="Word limit",
        min_value=1,
        max_value=WORD_LIMIT_MAX,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter a word limit",
            "invalid": "Enter the word limit as a whole number, like 500",
            "min_value": f"Enter a word limit between 1 and {WORD_LIMIT_MAX:,}",
            "max_value": f"Enter a word limit between 1 and {WORD_LIMIT_MAX:,}",
        },
    )
    weight_percent = forms.DecimalField(
        label="Weight (% of the whole score)",
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        help_text="All weights together must add up to 100%. For example, 15 or 7.5",
        error_messages={
            "required": "Enter a weight",
            "invalid": "Enter the weight as a number, like 15 or 7.5",
            "min_value": "Enter a weight between 0.01%% and 100%%",
            "max_value": "Enter a weight between 0.01%% and 100%%",
            "max_digits": "Enter a weight between 0.01%% and 100%%",
            "max_decimal_places": "Enter the weight to 2 decimal places at most",
            "max_whole_digits": "Enter a weight between 0.01%% and 100%%",
        },
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        if kind == CriterionKind.PRICE:
            for name in ("question", "guidance", "word_limit"):
                del self.fields[name]
            self.fields[
                "weight_percent"
            ].help_text = (
                "The points the lowest price earns. All weights together must add up to 100%."
            )


class RoleForm(forms.Form):
    name = forms.CharField(
        label="Name of the seat",
        max_length=100,
        help_text="For example, “Service-user member 1” or “Commissioning officer”.",
        error_messages={
            "required": "Enter a name for the panel role",
            "max_length": "The name must be 100 characters or fewer",
        },
    )
    kind = forms.ChoiceField(
        label="Kind of panel member",
        widget=forms.RadioSelect,
        choices=PanelRoleKind.choices,
        error_messages={"required": "Choose the kind of panel member"},
    )
    criteria = forms.MultipleChoiceField(
        label="Questions this role scores",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Price is scored by the formula, not by the panel.",
        error_messages={"invalid_choice": "Choose questions from this evaluation model"},
    )

    def __init__(self, *args, criterion_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].choices = criterion_choices


class CopyForm(forms.Form):
    title = forms.CharField(
        label="Title of the new draft", max_length=TITLE_MAX, error_messages=TITLE_ERRORS
    )
    project = forms.CharField(
        label="Project reference",
        max_length=30,
        help_text="The project the new tender belongs to, for example P-2026-0001.",
        error_messages={"required": "Enter a project reference"},
    )


class ScaleForm(forms.Form):
    """One row (score, label, descriptor) per level; fully blank rows are left out."""

    def __init__(self, *args, rows: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for i in range(rows):
            self.fields[f"score_{i}"] = forms.IntegerField(
                label="Score",
                required=False,
                min_value=0,
                max_value=100,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
                error_messages={
                    "invalid": "Enter the score as a whole number, like 3",
                    "min_value": "Enter a score from 0 to 100",
                    "max_value": "Enter a score from 0 to 100",
                },
            )
            self.fields[f"label_{i}"] = forms.CharField(
                label="Label",
                required=False,
                max_length=50,
                error_messages={"max_length": "The label must be 50 characters or fewer"},
            )
            self.fields[f"descriptor_{i}"] = forms.CharField(
                label="Descriptor",
                required=False,
                max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="What an answer must show to earn this score.",
                error_messages={
                    "max_length": f"The descriptor must be {TEXT_MAX:,} characters or fewer"
                },
            )

    def row_fields(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"score_{i}"], self[f"label_{i}"], self[f"descriptor_{i}"]]
            for i in range(self.rows)
        ]

    def clean(self):
        data = super().clean()
        levels = []
        for i in range(self.rows):
            score = data.get(f"score_{i}")
            label = (data.get(f"label_{i}") or "").strip()
            descriptor = (data.get(f"descriptor_{i}") or "").strip()
            if f"score_{i}" in self.errors:
                continue
            if score is None and not label and not descriptor:
                continue
            if score is None:
                self.add_error(f"score_{i}", "Enter a score for this level")
                continue
            if not label:
                self.add_error(f"label_{i}", f"Enter a label for score {score}")
            if not descriptor:
                self.add_error(f"descriptor_{i}", f"Enter a descriptor for score {score}")
            levels.append(LevelData(score, label, descriptor))
        data["levels"] = levels
        return data


SCALE_ROWS_MAX = SCALE_MAX_LEVELS
