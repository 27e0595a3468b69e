"""Forms parse input only; the services decide whether it is allowed (and say why not)."""

from __future__ import annotations

from django import forms

from coproduce.foundation.core.forms import DateField

from .models import ActionStatus, Outcome


class StartReviewForm(forms.Form):
    """A confirmation: starting a review moves the project to the review stage."""


class ReviewForm(forms.Form):
    conclusions = forms.CharField(
        label="Conclusions",
        help_text="What the evidence shows: what worked, what did not, for whom. Plain English: "
        "residents and service users read this.",
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20000,
        required=False,
    )
    equality_notes = forms.CharField(
        label="The equality impact, revisited",
        help_text="What changed for people with protected characteristics since the equality "
        "impact assessment: what happened, and what the assessment got right or wrong.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        required=False,
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What did the council decide?",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the council decided"},
    )
    reasons = forms.CharField(
        label="Reasons",
        help_text="Published with the decision. Say which evidence in the review led to it.",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        required=False,
    )
    changes = forms.CharField(
        label="What will change (when recommissioning with changes)",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        required=False,
    )


class NoticeForm(forms.Form):
    contract = forms.TypedChoiceField(
        label="Which contract is ending?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the contract that is ending"},
    )
    notice_months = forms.IntegerField(
        label="Notice period, in months",
        help_text="3 months unless you choose longer. A shorter notice is refused.",
        min_value=0,
        max_value=1000,
        error_messages={
            "required": "Enter the notice period in months",
            "invalid": "Enter the notice period as a whole number of months, like 3",
            "min_value": "Enter a notice period of 0 months or more",
            "max_value": "Enter a notice period of 1,000 months or fewer",
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
    )
    service_ends_on = DateField(
        label="Last day of the service (optional)",
        help_text="Leave empty to end it the day the notice ends. It cannot be earlier.",
        required=False,
    )
    equality_summary = forms.CharField(
        label="What the equality impact assessment found about ending the service",
        help_text="In plain words; the letters link to the full assessment.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        required=False,
    )
    message_to_users = forms.CharField(
        label="What the letter tells the people using the service",
        help_text="Why it is ending, what help they will get, what happens next.",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        required=False,
    )
    easy_read_message = forms.CharField(
        label="Easy read: one or two short sentences (optional)",
        help_text="Short words, one idea a sentence. The easy read letter adds the dates and "
        "pictures itself.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    contact_name = forms.CharField(label="Who people can ask", max_length=200, required=False)
    contact_details = forms.CharField(
        label="How to reach them",
        help_text="A phone number and an email address.",
        max_length=300,
        required=False,
    )

    def __init__(self, *args, contracts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].choices = [
            (c.pk, f"{c.reference} {c.title} ({c.provider.name})") for c in contracts
        ]


class GroupForm(forms.Form):
    who = forms.CharField(
        label="Who are they?",
        help_text="A group of people using the service, e.g. “People who come to the Tuesday "
        "drop-in”.",
        max_length=300,
        required=False,
    )
    people_count = forms.IntegerField(
        label="How many people (optional)",
        min_value=0,
        max_value=10_000_000,
        required=False,
        error_messages={"invalid": "Enter a whole number of people, like 12"},
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-5"}),
    )
    destination = forms.CharField(
        label="Where will they go?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
        required=False,
    )
    by_when = DateField(label="By when?", help_text="For example, 30 6 2027.")
    responsible = forms.CharField(label="Who is responsible?", max_length=200, required=False)


class ActionForm(forms.Form):
    text = forms.CharField(
        label="What needs doing?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20000,
        required=False,
    )
    owner = forms.CharField(label="Who will do it?", max_length=200, required=False)
    due_on = DateField(label="Due by", help_text="For example, 31 5 2027.")


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label="Where is this action?",
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the action is"},
    )
    done_on = DateField(
        label="Day it was done (when done)",
        help_text="Leave empty for today.",
        required=False,
    )
    explanation = forms.CharField(
        label="Why it was not done (when not done)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20000,
        required=False,
    )
