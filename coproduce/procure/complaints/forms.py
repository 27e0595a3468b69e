"""Forms parse input only; the services decide whether it is allowed."""

from __future__ import annotations

from django import forms

from .models import ComplaintSubject


class ComplaintForm(forms.Form):
    subject = forms.ChoiceField(
        label="What is your complaint about?",
        choices=ComplaintSubject.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what your complaint is about"},
    )
    details = forms.CharField(
        label="What went wrong?",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10000,
        error_messages={"required": "Tell us what went wrong"},
    )
    outcome_wanted = forms.CharField(
        label="What would you like to happen? (optional)",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        required=False,
    )
    contact_name = forms.CharField(
        label="Your name", max_length=200, error_messages={"required": "Enter your name"}
    )
    contact_email = forms.EmailField(
        label="Email address",
        help_text="We send the reference, the date we will respond by and a private link here.",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address, like name@example.org",
        },
    )
    organisation = forms.TypedChoiceField(
        label="Are you complaining for an organisation?",
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        if organisations:
            self.fields["organisation"].choices = [("", "No, for myself")] + [
                (o.pk, o.name) for o in organisations
            ]
        else:
            del self.fields["organisation"]


class NoteForm(forms.Form):
    note = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
        help_text="The complainant sees this note.",
        error_messages={"required": "Add a note"},
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("upheld", "Upheld"), ("not_upheld", "Not upheld")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a decision"},
    )
    response = forms.CharField(
        label="Response to the complainant",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        error_messages={"required": "Write the response to the complainant"},
    )
    published_outcome = forms.CharField(
        label="Outcome summary for the public page",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        help_text="Anyone can read this. Do not include names of people or organisations.",
        error_messages={"required": "Write the outcome summary"},
    )


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label="Why are you withdrawing? (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
        required=False,
    )
