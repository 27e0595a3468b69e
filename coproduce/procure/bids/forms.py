"""Forms for the bidder's pages: parsing only; the services check the rules."""

from __future__ import annotations

from django import forms

from coproduce.foundation.core.forms import PoundsField


class StartForm(forms.Form):
    """Which of the user's organisations is bidding (shown only when there is a choice)."""

    organisation = forms.ChoiceField(
        label="Which organisation is bidding?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the organisation that is bidding"},
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.slug, o.name) for o in organisations]


class LotsForm(forms.Form):
    lots = forms.MultipleChoiceField(
        label="Which lots are you bidding for?",
        help_text="Select all that apply. You give a price for each lot you choose.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one lot to bid for"},
    )

    def __init__(self, *args, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lots"].choices = [(str(lot.pk), str(lot)) for lot in lots]


class AnswerForm(forms.Form):
    """One answer. Empty is allowed while drafting (the check page lists missing answers)."""

    answer = forms.CharField(required=False, strip=False, widget=forms.Textarea(attrs={"rows": 12}))


class PricesForm(forms.Form):
    """One price field per chosen lot (``price_<lot id>``), or ``price_whole``."""

    def __init__(self, *args, rows: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in rows:
            self.fields[f"price_{key}"] = PoundsField(
                label=label,
                required=False,
                help_text="In pounds, including VAT, for the whole length of the contract.",
            )


class PartnerSearchForm(forms.Form):
    q = forms.CharField(
        label="Search for a partner organisation by name",
        help_text="The organisation must be registered on this site.",
        required=False,
        max_length=100,
    )


class PartnerForm(forms.Form):
    """A partner's role and share of the work (also used to add one, with ``organisation``)."""

    organisation = forms.ChoiceField(
        label="Organisation",
        widget=forms.RadioSelect,
        required=False,
        error_messages={"required": "Choose the organisation to add"},
    )
    role = forms.CharField(
        label="Their role in the bid",
        help_text="For example: delivers the service in the north of the borough",
        max_length=200,
        error_messages={"required": "Enter the partner’s role"},
    )
    share_percent = forms.DecimalField(
        label="Their share of the work, in %",
        help_text="For example 25. It is taken from your organisation’s share.",
        max_digits=5,
        decimal_places=2,
        error_messages={
            "required": "Enter the partner’s share of the work",
            "invalid": "Enter the share of the work as a number, like 25",
            "max_decimal_places": "Use at most 2 decimal places for the share",
        },
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["share_percent"].widget.attrs.update(
            {"inputmode": "decimal", "spellcheck": "false"}
        )
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].required = True
            self.fields["organisation"].choices = [(o.slug, o.name) for o in organisations]


class SharesForm(forms.Form):
    """Every member's share at once (``share_<member public id>``): they must add up to 100."""

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        for member in members:
            field = forms.DecimalField(
                label=f"{member.organisation.name} share of the work, in %",
                max_digits=5,
                decimal_places=2,
                error_messages={
                    "required": f"Enter the share of {member.organisation.name}",
                    "invalid": "Enter the share of the work as a number, like 25",
                },
            )
            field.widget.attrs.update({"inputmode": "decimal", "spellcheck": "false"})
            field.initial = member.share_percent
            self.fields[f"share_{member.public_id}"] = field


class FileForm(forms.Form):
    requirement = forms.ChoiceField(label="Which document is this?", widget=forms.RadioSelect)
    title = forms.CharField(
        label="Title",
        help_text="Leave blank to use the file’s name.",
        required=False,
        max_length=200,
    )
    file = forms.FileField(
        label="Upload a file",
        error_messages={
            "required": "Select a file to upload",
            "empty": "The selected file is empty",
        },
    )

    def __init__(self, *args, required_documents, limit_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].choices = [
            *[(d.name, d.name) for d in required_documents],
            ("", "Another document"),
        ]
        self.fields["requirement"].required = False
        self.fields[
            "file"
        ].help_text = f"PDF, Word, OpenDocument, Excel, CSV or plain text, up to {limit_label}."


class ConfirmForm(forms.Form):
    """A button-only form (withdraw, confirm again): nothing to parse but the CSRF token."""
