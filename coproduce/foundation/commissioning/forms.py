"""Forms parse input only; the services decide whether it is allowed."""

from __future__ import annotations

from django import forms

from coproduce.foundation.accounts.models import COUNCIL_ROLES, User
from coproduce.foundation.core.forms import DateField, PoundsField
from coproduce.foundation.core.models import ServiceArea

from .models import Stage
from .services import REASON_MAX


class ProjectForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="Say what the service is, in plain words. For example, “Day opportunities for adults with learning disabilities”.",
        error_messages={
            "required": "Enter a title for the project",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    service_area = forms.ModelChoiceField(
        label="Service area",
        queryset=ServiceArea.objects.all(),
        empty_label="Choose a service area",
        error_messages={
            "required": "Choose a service area",
            "invalid_choice": "Choose a service area from the list",
        },
    )
    summary = forms.CharField(
        label="Summary",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text="What the service is for and who it helps. Residents will read this: avoid jargon.",
        error_messages={
            "required": "Enter a plain English summary of the service",
            "max_length": "The summary must be 5,000 characters or fewer",
        },
    )
    budget = PoundsField(
        label="Budget, in pounds",
        help_text="The estimated total value over the whole term. For example, 1,200,000.",
        error_messages={"required": "Enter the budget in pounds"},
    )
    starts_on = DateField(label="Start date", help_text="For example, 1 4 2027")
    ends_on = DateField(label="End date", help_text="For example, 31 3 2030")
    owner = forms.ModelChoiceField(
        label="Owner",
        queryset=User.objects.filter(role__in=COUNCIL_ROLES, is_active=True),
        empty_label="Choose the officer responsible",
        error_messages={
            "required": "Choose the officer responsible",
            "invalid_choice": "Choose an officer from the list",
        },
    )


class StageChangeForm(forms.Form):
    stage = forms.ChoiceField(
        label="Which stage should the project move to?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the stage to move to",
            "invalid_choice": "Choose one of the stages listed",
        },
    )
    reason = forms.CharField(
        label="Reason for this decision",
        help_text="This is published on the project’s public page. Say what was decided and why.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=REASON_MAX,
        error_messages={
            "required": "Explain why the project is changing stage",
            "max_length": f"The reason must be {REASON_MAX:,} characters or fewer",
        },
    )

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = choices


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    stage = forms.ChoiceField(
        label="Stage", required=False, choices=[("", "Any stage"), *Stage.choices]
    )
    service_area = forms.ChoiceField(label="Service area", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_area"].choices = [
            ("", "Any service area"),
            *ServiceArea.objects.values_list("slug", "name"),
        ]
