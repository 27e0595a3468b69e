"""Forms parse input only; the services decide whether it is allowed."""

from __future__ import annotations

from django import forms

from . import bulk
from .models import Area, Decision, Status
from .selectors import SORTS
from .services import COMMENT_MAX, EVENT_MAX, NAME_MAX, REASON_MAX


class IdeaForm(forms.Form):
    title = forms.CharField(
        label="Your idea in a few words",
        max_length=bulk.TITLE_MAX,
        help_text="For example, “An evening club for young adults”.",
        error_messages={
            "required": "Enter a title for your idea",
            "max_length": f"The title must be {bulk.TITLE_MAX} characters or fewer",
        },
    )
    description = forms.CharField(
        label="Tell us more",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=bulk.DESCRIPTION_MAX,
        help_text="What would happen, who it would help and why it matters to you.",
        error_messages={
            "required": "Enter a description of your idea",
            "max_length": f"The description must be {bulk.DESCRIPTION_MAX:,} characters or fewer",
        },
    )
    area = forms.ModelChoiceField(
        label="Which area is your idea about?",
        queryset=Area.objects.all(),
        empty_label="Choose an area",
        error_messages={
            "required": "Choose the area your idea is about",
            "invalid_choice": "Choose the area your idea is about",
        },
    )
    author_name = forms.CharField(
        label="Your name (optional)",
        required=False,
        max_length=NAME_MAX,
        help_text="Shown with your idea. Leave it empty to stay anonymous.",
        error_messages={"max_length": f"Your name must be {NAME_MAX} characters or fewer"},
    )
    author_email = forms.CharField(
        label="Your email address (optional)",
        required=False,
        max_length=254,
        help_text="Only the council sees this, to tell you what happens to your idea.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"max_length": "Your email address must be 254 characters or fewer"},
    )
    # A honeypot: hidden from people (and from screen readers), filled in by spam robots.
    website = forms.CharField(required=False, label="Leave this empty")

    def __init__(self, *args, anonymous: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not anonymous:
            del self.fields["author_name"]
            del self.fields["author_email"]
            del self.fields["website"]


class IdeaFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status (not merged)"), *Status.choices]
    )
    area = forms.ChoiceField(label="Area", required=False)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=list(SORTS.items()))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "Any area"), *Area.objects.values_list("slug", "name")]


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Add a comment",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=COMMENT_MAX,
        help_text="Be kind and stay on the subject. Comments are public.",
        error_messages={
            "required": "Enter your comment",
            "max_length": f"Your comment must be {COMMENT_MAX:,} characters or fewer",
        },
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="What is wrong with this comment?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=REASON_MAX,
        help_text="For example, it is rude, shares someone’s private details, or is advertising.",
        error_messages={
            "required": "Tell us what is wrong with this comment",
            "max_length": f"The reason must be {REASON_MAX:,} characters or fewer",
        },
    )


def _reason_field(label: str, help_text: str, required_message: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=REASON_MAX,
        error_messages={
            "required": required_message,
            "max_length": f"The reason must be {REASON_MAX:,} characters or fewer",
        },
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label="What has been decided?",
        widget=forms.RadioSelect,
        choices=[
            (Status.UNDER_CONSIDERATION, Status.UNDER_CONSIDERATION.label),
            (Status.TAKEN_FORWARD, Status.TAKEN_FORWARD.label),
            (Status.NOT_TAKEN_FORWARD, Status.NOT_TAKEN_FORWARD.label),
        ],
        error_messages={
            "required": "Choose what has been decided",
            "invalid_choice": "Choose one of the decisions listed",
        },
    )
    reason = _reason_field(
        "Reason",
        "Published on the idea’s page. Say what will happen and why, in plain words.",
        "Explain the decision. People will read this on the idea’s page",
    )


class MergeForm(forms.Form):
    target = forms.CharField(
        label="Reference of the idea to keep",
        max_length=20,
        help_text="For example, ID-2026-0042. This idea will point to it, and its supporters move there.",
        error_messages={"required": "Enter the reference of the idea to merge into"},
    )
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX,
        help_text="If you leave this empty, the page says it is the same idea as the one you chose.",
        error_messages={"max_length": f"The reason must be {REASON_MAX:,} characters or fewer"},
    )


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label="What should happen to this comment?",
        widget=forms.RadioSelect,
        choices=Decision.choices,
        error_messages={
            "required": "Choose whether to remove or keep the comment",
            "invalid_choice": "Choose whether to remove or keep the comment",
        },
    )
    reason = _reason_field(
        "Reason",
        "If you remove the comment, this reason is shown publicly in its place.",
        "Explain your decision",
    )


class BulkForm(forms.Form):
    event_name = forms.CharField(
        label="Where were these ideas gathered? (optional)",
        required=False,
        max_length=EVENT_MAX,
        help_text="For example, “Kick-off workshop, 3 March”. Shown with each idea.",
        error_messages={"max_length": f"The event name must be {EVENT_MAX} characters or fewer"},
    )
    lines = forms.CharField(
        label="Ideas, one per line",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=bulk.MAX_TEXT_CHARS,
        help_text="Write each idea on its own line as “Title: description”. The description is optional.",
        error_messages={
            "max_length": f"The text must be {bulk.MAX_TEXT_CHARS:,} characters or fewer"
        },
    )
    csv_file = forms.FileField(
        label="Or upload a CSV file",
        required=False,
        help_text="A spreadsheet saved as CSV (UTF-8), with the columns title, description and area. Up to 1 MB.",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean(self):
        data = super().clean()
        upload = data.get("csv_file")
        text = data.get("lines") or ""
        if upload and text.strip():
            raise forms.ValidationError(
                "Type the ideas or upload a file, not both", code="both_given"
            )
        if not upload and not text.strip() and not self.errors:
            self.add_error(
                "lines",
                forms.ValidationError(
                    "Type at least one idea, or choose a CSV file", code="required"
                ),
            )
        if upload:
            if not upload.name.lower().endswith(".csv"):
                self.add_error(
                    "csv_file",
                    forms.ValidationError(
                        "The file must be a CSV file (ending .csv)", code="not_csv"
                    ),
                )
            elif upload.size > bulk.MAX_FILE_BYTES:
                self.add_error(
                    "csv_file",
                    forms.ValidationError("The file must be smaller than 1 MB", code="too_big"),
                )
        return data
