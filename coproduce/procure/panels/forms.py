"""Panel forms parse input only; the services decide whether it is allowed."""

from __future__ import annotations

from django import forms

from coproduce.foundation.accounts.models import COUNCIL_ROLES, User

TEXT_MAX = 5000


class AppointForm(forms.Form):
    role = forms.TypedChoiceField(
        label="Seat on the panel",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a seat on the panel"},
    )
    user = forms.TypedChoiceField(
        label="Council officer",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="For officer seats and the chair.",
    )
    name = forms.CharField(
        label="Full name",
        required=False,
        max_length=200,
        help_text="For people without a council account, such as service-user members.",
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        help_text="We will email a link that signs them in to their panel pages only.",
        error_messages={"invalid": "Enter an email address, like name@example.org"},
    )
    is_chair = forms.BooleanField(
        label="Chair of the panel (leads moderation; must be a council officer)", required=False
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.pk, f"{r.name} ({r.get_kind_display()})") for r in roles]
        officers = User.objects.filter(role__in=COUNCIL_ROLES, is_active=True).order_by("full_name")
        self.fields["user"].choices = [("", "Choose an officer")] + [
            (u.pk, f"{u.full_name} ({u.email})") for u in officers
        ]


class RemoveForm(forms.Form):
    reason = forms.CharField(
        label="Why is this person leaving the panel?",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why this person is leaving the panel"},
    )


class DeclarationForm(forms.Form):
    no_conflicts = forms.TypedChoiceField(
        label="Do you have a conflict of interest with any of these organisations or lots?",
        coerce=lambda v: v == "no",
        choices=[
            ("no", "No, I do not know any of them in a way that could affect my scores"),
            ("yes", "Yes, I have a conflict"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you have a conflict of interest"},
    )
    bids = forms.TypedMultipleChoiceField(
        label="Organisations you have a conflict with",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose organisations from the list"},
    )
    lots = forms.TypedMultipleChoiceField(
        label="Whole lots you have a conflict with",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose lots from the list"},
    )
    details = forms.CharField(
        label="Tell us about the conflict",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: I volunteer there, or a family member works there.",
    )

    def __init__(self, *args, bids, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bids"].choices = [(b.pk, b.lead_organisation.name) for b in bids]
        self.fields["lots"].choices = [(lot.pk, str(lot)) for lot in lots]
        if not lots:
            del self.fields["lots"]


class LateConflictForm(forms.Form):
    """A new conflict after the first declaration: one bidder or one whole lot."""

    target = forms.ChoiceField(
        label="Who is the conflict with?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the organisation or lot you have a conflict with",
            "invalid_choice": "Choose an organisation or lot from the list",
        },
    )
    details = forms.CharField(
        label="Tell us about the conflict",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: I found out a family member works there.",
        error_messages={
            "required": "Tell us about the conflict, for example how you know the organisation"
        },
    )

    def __init__(self, *args, bids, lots, already: set[str] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(f"bid:{b.pk}", b.lead_organisation.name) for b in bids] + [
            (f"lot:{lot.pk}", f"The whole of {lot}") for lot in lots
        ]
        self.fields["target"].choices = [
            (key, f"{label} (already declared)" if key in already else label)
            for key, label in choices
        ]

    def target_ids(self) -> tuple[int | None, int | None]:
        """(bid id, lot id) of the chosen target."""
        kind, _, pk = self.cleaned_data["target"].partition(":")
        return (int(pk), None) if kind == "bid" else (None, int(pk))


class ScoreForm(forms.Form):
    """One score (radio buttons of the scale) and one justification per allotted question."""

    def __init__(self, *args, criteria, levels, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(lvl.score, f"{lvl.score} – {lvl.label}: {lvl.descriptor}") for lvl in levels]
        self.criteria = criteria
        for c in criteria:
            self.fields[f"score_{c.pk}"] = forms.TypedChoiceField(
                label=f"Your score for “{c.title}”",
                coerce=int,
                required=False,
                empty_value=None,
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": f"Choose a score from the scale for “{c.title}”"},
            )
            self.fields[f"justification_{c.pk}"] = forms.CharField(
                label=f"Why did you give this score for “{c.title}”?",
                required=False,
                max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text="Say what in the answer made you choose this score.",
            )

    answers: dict[int, str] = {}

    def pairs(self):
        """(criterion, bid's answer, score field, justification field) for the template."""
        return [
            (c, self.answers.get(c.pk, ""), self[f"score_{c.pk}"], self[f"justification_{c.pk}"])
            for c in self.criteria
        ]


class AgreeForm(forms.Form):
    score = forms.TypedChoiceField(
        label="Agreed score",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the agreed score",
            "invalid_choice": "Choose a score from the scale",
        },
    )
    reason = forms.CharField(
        label="Why the panel agreed this score",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write the reason the panel agreed this score"},
    )

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].choices = [(lvl.score, f"{lvl.score} – {lvl.label}") for lvl in levels]


class ExplanationForm(forms.Form):
    explanation = forms.CharField(
        label="How can you deliver the service for this price?",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="For example: how you will staff it, what you already have, any funding you bring.",
        error_messages={"required": "Explain how you can deliver the service for this price"},
    )


class DecideForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label="Does the panel accept the explanation?",
        coerce=lambda v: v == "yes",
        choices=[("yes", "Yes, accept it"), ("no", "No, reject it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the panel accepts the explanation"},
    )
    reason = forms.CharField(
        label="Reason for the decision",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Give the reason for the decision"},
    )
