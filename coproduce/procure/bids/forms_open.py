"""Staff forms for opening bids: compliance decisions, the rectification window, documents asked for.

Parsing only; the rules are in ``services_open``.
"""

from __future__ import annotations

from django import forms

from coproduce.foundation.core.forms import DateField
from coproduce.procure.tenders.forms import TimeOfDayField, uk_moment

from .models import ComplianceStatus


class ComplianceForm(forms.Form):
    status = forms.ChoiceField(
        label="Does the bid meet the requirements?",
        choices=[(v, label) for v, label in ComplianceStatus.choices if v],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a compliance decision"},
    )
    notes = forms.CharField(
        label="Notes for the record",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Say why if documents are missing or the bid does not meet the requirements.",
        max_length=5000,
    )


class RectificationForm(forms.Form):
    closes_date = DateField(
        label="Date the window closes",
        help_text="The same for every bidder. For example, 3 3 2027",
    )
    closes_time = TimeOfDayField(
        label="Time the window closes (UK time)",
        help_text="For example, 17:00 or 5pm",
        error_messages={"required": "Enter the time the window closes"},
    )
    note = forms.CharField(
        label="What bidders may add",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Say what bidders may add"},
    )

    @property
    def closes_at(self):
        return uk_moment(self.cleaned_data.get("closes_date"), self.cleaned_data.get("closes_time"))


class RequiredDocumentForm(forms.Form):
    name = forms.CharField(
        label="Document name",
        max_length=100,
        help_text="For example, Insurance certificate",
        error_messages={"required": "Enter the document's name"},
    )
    description = forms.CharField(
        label="What it must show (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    mandatory = forms.BooleanField(label="Every bid must include it", required=False, initial=True)
