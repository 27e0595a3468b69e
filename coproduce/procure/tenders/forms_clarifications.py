"""Forms for questions, answers, changes, following and process feedback (parsing only)."""

from __future__ import annotations

from django import forms

from coproduce.foundation.core.forms import DateField

from .services_clarifications import ANSWER_MAX, COMMENTS_MAX, QUESTION_MAX, REASON_MAX

WHOLE_TENDER = ""


def _org_field(organisations) -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Which organisation are you asking for?",
        help_text="Other organisations will not see its name.",
        choices=[(o.slug, o.name) for o in organisations],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an organisation"},
    )


class AskForm(forms.Form):
    """A question about the whole tender or one lot, asked for one of the user's organisations."""

    organisation = forms.ChoiceField()
    lot = forms.ChoiceField(
        label="What is your question about?",
        required=False,
        widget=forms.RadioSelect,
    )
    question = forms.CharField(
        label="Your question",
        help_text="Do not include your organisation’s name or anything that identifies it: "
        "the question and answer are published to everyone.",
        max_length=QUESTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Enter your question",
            "max_length": f"Your question must be {QUESTION_MAX:,} characters or fewer",
        },
    )

    def __init__(self, *args, organisations, lots, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = list(organisations)
        if len(organisations) == 1:
            self.fields["organisation"] = forms.ChoiceField(
                choices=[(organisations[0].slug, organisations[0].name)],
                widget=forms.HiddenInput,
                initial=organisations[0].slug,
            )
        else:
            self.fields["organisation"] = _org_field(organisations)
        lots = list(lots)
        if lots:
            self.fields["lot"].choices = [(WHOLE_TENDER, "The whole tender")] + [
                (str(lot.number), f"Lot {lot.number}: {lot.title}") for lot in lots
            ]
            self.fields["lot"].initial = WHOLE_TENDER
        else:
            del self.fields["lot"]


class AnswerForm(forms.Form):
    """The question as it will be published (reworded if needed) and the council's answer."""

    question = forms.CharField(
        label="Question as it will be published",
        help_text="Remove anything that could identify who asked. The original wording is kept "
        "in the audit trail.",
        max_length=QUESTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the question as it will be published"},
    )
    answer = forms.CharField(
        label="Answer",
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter the answer"},
    )


class DeclineForm(forms.Form):
    """Why a question will not be published (the asking organisation sees this)."""

    reason = forms.CharField(
        label="Why will this question not be published?",
        help_text="Only the organisation that asked will see this.",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the question will not be published"},
    )


class AmendForm(forms.Form):
    """What changed in a published tender, why, and optionally a new closing date."""

    summary = forms.CharField(
        label="What changed",
        help_text="In plain English, for example “The pricing schedule now asks for a price "
        "per day, not per hour.”",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what changed"},
    )
    reason = forms.CharField(
        label="Why it changed",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the tender changed"},
    )
    new_deadline_date = DateField(
        label="New closing date (optional)",
        help_text="Leave blank to keep the current closing date. If the change leaves less time "
        "than the rules allow, the closing date moves later automatically. For example, 27 3 2027.",
        required=False,
    )
    new_deadline_time = forms.TimeField(
        label="Closing time (optional)",
        help_text="24-hour clock, UK time, for example 17:00. Leave blank to keep the current time.",
        required=False,
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        error_messages={"invalid": "Enter a time like 17:00"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("new_deadline_time") and not data.get("new_deadline_date"):
            self.add_error("new_deadline_date", "Enter the new closing date for the new time")
        return data


class FollowForm(forms.Form):
    """Follow or stop following a tender as one of the user's organisations."""

    organisation = forms.ChoiceField()
    action = forms.ChoiceField(
        choices=[("follow", "Follow"), ("unfollow", "Stop following")],
        widget=forms.HiddenInput,
        initial="follow",
        required=False,  # blank means follow
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = list(organisations)
        if len(organisations) == 1:
            self.fields["organisation"] = forms.ChoiceField(
                choices=[(organisations[0].slug, organisations[0].name)],
                widget=forms.HiddenInput,
                initial=organisations[0].slug,
            )
        else:
            self.fields["organisation"] = forms.ChoiceField(
                label="Which organisation?",
                choices=[(o.slug, o.name) for o in organisations],
                widget=forms.RadioSelect,
                error_messages={"required": "Choose an organisation"},
            )


SCORES = [(str(n), str(n)) for n in range(1, 6)]


class FeedbackForm(forms.Form):
    """Feedback on how the tender process was run; anonymous unless a contact is given."""

    rating = forms.TypedChoiceField(
        label="Overall, how well was this tender run?",
        help_text="1 is very poorly, 5 is very well.",
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a score from 1 to 5"},
    )
    clarity = forms.TypedChoiceField(
        label="How clear were the documents?",
        help_text="1 is very unclear, 5 is very clear.",
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a score from 1 to 5"},
    )
    time_enough = forms.TypedChoiceField(
        label="Was there enough time to prepare a bid?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label="What could we do better? (optional)",
        help_text="Do not include personal information about other people.",
        required=False,
        max_length=COMMENTS_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    contact_email = forms.EmailField(
        label="Email address (optional)",
        help_text="Only if you are happy for us to contact you about your feedback.",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.org"},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
