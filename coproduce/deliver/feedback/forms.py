"""Forms parse input only; the services decide whether it is allowed."""

from __future__ import annotations

from django import forms

from coproduce.foundation.core.forms import DateField

from .models import ActionStatus, ItemRating, Rating, UsesService
from .services import (
    ACTION_MAX,
    ANSWER_MAX,
    FOCUS_MAX,
    NAME_MAX,
    NOTES_MAX,
    OVERALL_MAX,
    OWNER_MAX,
    REPLY_MAX,
    THEME_NAME_MAX,
)

RATING_REQUIRED = "Choose how your experience of the service was, or “Don’t know”"


def _too_long(what: str, limit: int) -> dict:
    return {"max_length": f"{what} must be {limit:,} characters or fewer"}


class FeedbackForm(forms.Form):
    """The feedback form, plain and easy read (the templates word it differently)."""

    rating = forms.ChoiceField(
        label="Overall, how was your experience of the service?",
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": RATING_REQUIRED,
            "invalid_choice": "Choose one of the answers in the list",
        },
    )
    what_good = forms.CharField(
        label="What was good? (optional)",
        required=False,
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages=_too_long("Your answer to what was good", ANSWER_MAX),
    )
    what_better = forms.CharField(
        label="What could be better? (optional)",
        required=False,
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages=_too_long("Your answer to what could be better", ANSWER_MAX),
    )
    uses_service = forms.ChoiceField(
        label="Do you use the service yourself, or for someone else? (optional)",
        choices=UsesService.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the answers in the list"},
    )


class ThemeForm(forms.Form):
    name = forms.CharField(
        label="Theme name",
        max_length=THEME_NAME_MAX,
        help_text="A few plain words, for example “Friendly peer supporters”.",
        error_messages={
            "required": "Enter a name for the theme",
            **_too_long("The theme name", THEME_NAME_MAX),
        },
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=500,
        help_text="What kind of answer belongs in this theme.",
        error_messages=_too_long("The description", 500),
    )


class CodingFilterForm(forms.Form):
    part = forms.ChoiceField(
        label="Question",
        required=False,
        choices=[
            ("", "Both questions"),
            ("good", "What was good?"),
            ("better", "What could be better?"),
        ],
    )
    show = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("", "All answers"),
            ("uncoded", "Answers with no theme"),
            ("theme", "Answers with a theme"),
        ],
    )
    theme = forms.TypedChoiceField(label="Theme", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", "Any theme"), *themes]


class TagForm(forms.Form):
    """The bulk action on the coding page; the ticked answers are checked by the service."""

    action = forms.ChoiceField(
        choices=[("tag", "Tag"), ("untag", "Untag")],
        error_messages={"required": "Choose what to do", "invalid_choice": "Choose what to do"},
    )
    theme = forms.CharField(label="Theme", required=False)

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].widget = forms.Select(choices=[("", "Choose a theme"), *themes])


class ShopperForm(forms.Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=NAME_MAX,
        error_messages={"required": "Enter the shopper’s name", **_too_long("The name", NAME_MAX)},
    )
    trained_on = DateField(label="Date trained", help_text="For example, 14 3 2026")
    trained_by = forms.CharField(
        label="Trained by",
        max_length=NAME_MAX,
        help_text="The person or organisation that ran the training.",
        error_messages={"required": "Enter who trained them", **_too_long("Trained by", NAME_MAX)},
    )
    email = forms.EmailField(
        label="Their account email (optional)",
        required=False,
        help_text="If they have an account, they can see their visits and write their own reports.",
        error_messages={"invalid": "Enter an email address, like name@example.org"},
    )


class VisitForm(forms.Form):
    window_from = DateField(
        label="First day of the visit window", help_text="For example, 14 3 2026"
    )
    window_to = DateField(
        label="Last day of the visit window (optional)",
        required=False,
        help_text="Leave empty for a visit on one fixed day.",
    )
    shoppers = forms.TypedMultipleChoiceField(
        label="Who will visit",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one trained shopper",
            "invalid_choice": "Choose shoppers from the list",
        },
    )
    focus = forms.CharField(
        label="What should the visit look at?",
        max_length=FOCUS_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter what the visit should look at",
            **_too_long("What the visit should look at", FOCUS_MAX),
        },
    )
    checklist = forms.CharField(
        label="Checklist of questions",
        help_text="One question per line, for example “Were you welcomed when you arrived?”.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
        error_messages={
            "required": "Add at least one question for the shoppers to answer",
            **_too_long("The checklist", 20_000),
        },
    )

    def __init__(self, *args, shoppers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shoppers"].choices = shoppers


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class ReportForm(forms.Form):
    """The shopper's report: one rating and notes per checklist item, made from the visit."""

    visited_on = DateField(label="Day of the visit", help_text="For example, 14 3 2026")
    overall = forms.CharField(
        label="What did you find overall?",
        help_text="The public sees this summary, without your name.",
        max_length=OVERALL_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Write what you found overall",
            **_too_long("What you found overall", OVERALL_MAX),
        },
    )
    evidence = MultipleFileField(
        label="Evidence (optional)",
        required=False,
        help_text="Up to 5 photos (JPEG or PNG) or documents (PDF, Word, OpenDocument, "
        "Excel, CSV or text), 10 MB each at most. We remove the hidden details from photos "
        "(where and when they were taken, the camera and its owner), but not from "
        "documents: a document may hold your name as its author, so send a photo, or remove "
        "the document’s properties first (in Word: File, Info, Inspect document).",
    )

    def __init__(self, *args, checklist, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = []
        for item in checklist:
            rating = forms.ChoiceField(
                label=item.question,
                choices=ItemRating.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Choose a rating for “{item.question}”, or “Could not check”",
                    "invalid_choice": f"Choose one of the ratings for “{item.question}”",
                },
            )
            notes = forms.CharField(
                label="Notes (optional)",
                required=False,
                max_length=NOTES_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages=_too_long("Notes", NOTES_MAX),
            )
            self.fields[f"item_{item.pk}"] = rating
            self.fields[f"notes_{item.pk}"] = notes
            self.items.append((item, f"item_{item.pk}", f"notes_{item.pk}"))

    def item_fields(self):
        return [(item, self[r], self[n]) for item, r, n in self.items]

    def item_answers(self) -> dict:
        d = self.cleaned_data
        return {item.pk: (d.get(r, ""), d.get(n, "")) for item, r, n in self.items}


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="Your reply",
        help_text="What you make of the findings and what you will change.",
        max_length=REPLY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Write your reply to the report",
            **_too_long("Your reply", REPLY_MAX),
        },
    )


class ActionForm(forms.Form):
    description = forms.CharField(
        label="What needs to happen",
        max_length=ACTION_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Enter what needs to happen",
            **_too_long("What needs to happen", ACTION_MAX),
        },
    )
    owner = forms.CharField(
        label="Who will do it",
        max_length=OWNER_MAX,
        help_text="A named person and their organisation.",
        error_messages={
            "required": "Enter who will do it",
            **_too_long("Who will do it", OWNER_MAX),
        },
    )
    due_on = DateField(label="Due by", help_text="For example, 14 3 2026")


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label="Where is this action now?",
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose where the action is now",
            "invalid_choice": "Choose where the action is now",
        },
    )
    what_changed = forms.CharField(
        label="What changed (needed when it is done)",
        required=False,
        max_length=ACTION_MAX,
        help_text="One sentence for the public page, for example “Reception now has a hearing loop”.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=_too_long("What changed", ACTION_MAX),
    )
