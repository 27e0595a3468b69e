"""Forms for analysing responses. They parse input only; the services decide what is allowed."""

from __future__ import annotations

from django import forms

from .services_analysis import QUOTE_MAX, REASON_MAX, STATEMENT_MAX, THEME_NAME_MAX


class ThemeForm(forms.Form):
    name = forms.CharField(
        label="Theme name",
        max_length=THEME_NAME_MAX,
        help_text="A few plain words, for example “Activities in the evenings and at weekends”.",
        error_messages={
            "required": "Enter a name for the theme",
            "max_length": f"The theme name must be {THEME_NAME_MAX} characters or fewer",
        },
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=500,
        help_text="What kind of answer belongs in this theme.",
        error_messages={"max_length": "The description must be 500 characters or fewer"},
    )


class ThemeMergeForm(forms.Form):
    target = forms.TypedChoiceField(
        label="Merge into which theme?",
        coerce=int,
        widget=forms.RadioSelect,
        help_text="Every answer tagged with this theme will be tagged with the one you choose. This theme will then be removed.",
        error_messages={
            "required": "Choose the theme to merge into",
            "invalid_choice": "Choose one of the themes listed",
        },
    )

    def __init__(self, *args, choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = choices


class AnswerFilterForm(forms.Form):
    question = forms.TypedChoiceField(
        label="Question", required=False, coerce=int, empty_value=None
    )
    show = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("", "All answers"),
            ("untagged", "Answers with no theme"),
            ("theme", "Answers with the theme below"),
        ],
    )
    theme = forms.TypedChoiceField(label="Theme", required=False, coerce=int, empty_value=None)
    q = forms.CharField(label="Words in the answer", required=False, max_length=100)

    def __init__(self, *args, questions, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = [("", "All free-text questions"), *questions]
        self.fields["theme"].choices = [("", "Any theme"), *themes]


class TagForm(forms.Form):
    """The bulk action on the coding page. The ticked answers are read from the request and
    checked by the service (which refuses any not in this consultation)."""

    action = forms.ChoiceField(
        choices=[("tag", "Tag"), ("untag", "Untag")],
        error_messages={"required": "Choose what to do", "invalid_choice": "Choose what to do"},
    )
    theme = forms.CharField(
        label="Theme",
        required=False,
        error_messages={"required": "Choose a theme"},
    )

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].widget = forms.Select(choices=[("", "Choose a theme"), *themes])


class FindingForm(forms.Form):
    statement = forms.CharField(
        label="What did people tell you?",
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One plain sentence, for example “People want activities in the evenings and at weekends”.",
        error_messages={
            "required": "Enter what people told you, in one sentence",
            "max_length": f"The statement must be {STATEMENT_MAX} characters or fewer",
        },
    )
    detail = forms.CharField(
        label="More detail (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"max_length": "The detail must be 5,000 characters or fewer"},
    )
    themes = forms.TypedMultipleChoiceField(
        label="Themes behind this finding",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The count of people is everyone whose answers are tagged with any of these themes.",
        error_messages={"invalid_choice": "Choose themes from the list"},
    )

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = themes


class QuoteForm(forms.Form):
    text = forms.CharField(
        label="Words to quote",
        max_length=QUOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="You can leave words out: put … where you do. Remove anything that could identify the person. Quotes are published without names.",
        error_messages={
            "required": "Enter the words to quote",
            "max_length": f"The quote must be {QUOTE_MAX:,} characters or fewer",
        },
    )


class CorrectionForm(forms.Form):
    statement = forms.CharField(
        label="Corrected statement",
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Enter the corrected statement",
            "max_length": f"The statement must be {STATEMENT_MAX} characters or fewer",
        },
    )
    reason = forms.CharField(
        label="Why are you correcting it?",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="This is published with the finding.",
        error_messages={
            "required": "Explain why the statement is being corrected",
            "max_length": f"The reason must be {REASON_MAX:,} characters or fewer",
        },
    )
