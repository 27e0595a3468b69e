"""Forms parse input only; the services decide whether it is allowed."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms

from coproduce.foundation.core.forms import DateField, PoundsField

from .models import BallotType, Rule
from .services import MAX_PHOTO_BYTES

AREA_LINE = re.compile(r"^(?P<name>[^:]+):\s*£?\s*(?P<amount>[\d,]+(?:\.\d{1,2})?)\s*$")


class RoundForm(forms.Form):
    title = forms.CharField(
        label="Name of the round",
        max_length=200,
        error_messages={"required": "Enter a name for the round"},
    )
    description = forms.CharField(
        label="What the money is for",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text="Residents will read this. Say who can suggest ideas and what kind of projects can be funded.",
        error_messages={"required": "Enter a description of the round"},
    )
    budget = PoundsField(
        label="Total budget, in pounds",
        help_text="For example, 100,000.",
        error_messages={"required": "Enter the total budget"},
    )
    areas = forms.CharField(
        label="Areas with their own budgets (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One area a line, as name: amount. For example, “North ward: 30,000”. Leave empty for one budget for everywhere.",
    )
    proposals_open_on = DateField(label="Ideas open on", help_text="For example, 1 2 2027")
    review_starts_on = DateField(label="Checking ideas starts on")
    voting_opens_on = DateField(label="Voting opens on")
    voting_closes_on = DateField(label="Voting closes on")
    results_on = DateField(label="Results announced on")
    ballot_type = forms.ChoiceField(
        label="Type of ballot",
        choices=BallotType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a type of ballot"},
    )
    min_choices = forms.IntegerField(
        label="Approval ballot: fewest projects a voter must choose",
        required=False,
        min_value=0,
        max_value=100,
    )
    max_choices = forms.IntegerField(
        label="Approval ballot: most projects a voter may choose (optional)",
        required=False,
        min_value=1,
        max_value=100,
    )
    points = forms.IntegerField(
        label="Points ballot: points each voter can spread",
        required=False,
        min_value=0,
        max_value=1000,
    )
    rule = forms.ChoiceField(
        label="How votes are counted",
        choices=Rule.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how votes are counted"},
    )
    min_age = forms.IntegerField(
        label="Youngest age that can vote",
        min_value=0,
        max_value=120,
        initial=16,
        error_messages={"required": "Enter the youngest age that can vote"},
    )
    allow_codes = forms.BooleanField(
        label="Voters can use a printed voting code sent by the council",
        required=False,
        initial=True,
    )
    allow_residency = forms.BooleanField(
        label="Voters can give their postcode and date of birth instead", required=False
    )
    postcode_areas = forms.CharField(
        label="Postcode districts of the area",
        required=False,
        max_length=200,
        help_text="Needed for the postcode check. Separate them with spaces, for example RV1 RV2 RV3.",
    )

    def clean_areas(self) -> list[tuple[str, int]]:
        parsed = []
        for n, line in enumerate(self.cleaned_data["areas"].splitlines(), 1):
            if not line.strip():
                continue
            match = AREA_LINE.match(line.strip())
            if not match:
                raise forms.ValidationError(
                    f"Line {n}: write each area as name: amount, for example “North ward: 30,000”"
                )
            pence = int(Decimal(match["amount"].replace(",", "")) * 100)
            parsed.append((match["name"].strip(), pence))
        return parsed


class ProposalForm(forms.Form):
    title = forms.CharField(
        label="Name of your idea",
        max_length=120,
        help_text="For example, “Benches along the riverside path”.",
        error_messages={"required": "Enter a name for your idea"},
    )
    description = forms.CharField(
        label="Describe your idea",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=3000,
        help_text="What would be done, where, and who it would help.",
        error_messages={
            "required": "Describe your idea",
            "max_length": "The description must be 3,000 characters or fewer",
        },
    )
    area = forms.ModelChoiceField(
        label="Area", queryset=None, required=False, empty_label="Choose an area"
    )
    estimated_cost = PoundsField(
        label="Roughly how much would it cost, in pounds?",
        help_text="Your best guess. Council officers will check it.",
        error_messages={"required": "Enter a rough cost"},
    )
    photo = forms.FileField(
        label="A photo (optional)",
        required=False,
        help_text="A JPG, PNG or WebP image, smaller than 5 MB.",
    )
    photo_alt = forms.CharField(
        label="Describe the photo for people who cannot see it",
        required=False,
        max_length=250,
        help_text="Needed if you add a photo. For example, “A broken bench by the river”.",
    )

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        if areas is None or not areas.exists():
            del self.fields["area"]

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError("The photo must be smaller than 5 MB")
        return photo.read() if photo else None


class FeasibilityForm(forms.Form):
    decision = forms.ChoiceField(
        label="Can this idea go ahead?",
        widget=forms.RadioSelect,
        choices=[
            ("feasible", "Yes, put it on the ballot"),
            ("not_feasible", "No, it cannot go ahead"),
        ],
        error_messages={"required": "Choose whether the idea can go ahead"},
    )
    costed = PoundsField(
        label="Costed amount, in pounds",
        required=False,
        help_text="Needed if it goes on the ballot. This is the cost voters will see.",
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        help_text="Published with the idea. Explain the decision in plain words.",
        error_messages={"required": "Enter the reason for your decision"},
    )


class PhaseForm(forms.Form):
    phase = forms.CharField(widget=forms.HiddenInput)


class CodesForm(forms.Form):
    count = forms.IntegerField(
        label="How many codes to print",
        min_value=1,
        max_value=5000,
        help_text="The codes are shown once, as a spreadsheet to download for printing letters. Only a scrambled form of each is kept.",
        error_messages={
            "required": "Enter how many codes to make",
            "min_value": "Enter a number from 1 to 5,000",
            "max_value": "Enter a number from 1 to 5,000",
            "invalid": "Enter a whole number, like 250",
        },
    )


class BatchForm(forms.Form):
    ballots = forms.CharField(
        label="Paper ballots",
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text="One ballot a line: the project references chosen, separated by commas. For points ballots write reference:points, for example “PBP-2027-0003:4, PBP-2027-0007:6”.",
        error_messages={"required": "Enter at least one paper ballot, one a line"},
    )

    def __init__(self, *args, register: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if register:
            self.fields["ballots"].help_text += (
                " This round has a register: start each line with the voter’s postcode and "
                "date of birth, each followed by |, for example “RV4 2AB | 14/03/1980 | "
                "PBP-2027-0003”. A line without them is flagged as not on the register, and "
                "counts only if the confirming officer accepts it."
            )


MAX_REGISTER_BYTES = 20 * 1024 * 1024


class RegisterForm(forms.Form):
    file = forms.FileField(
        label="Register (CSV file)",
        help_text="A CSV file with a first line naming the columns: reference (or name), postcode and date of birth (DD/MM/YYYY). Up to 20 MB.",
        error_messages={"required": "Choose a CSV file"},
    )
    make_codes = forms.BooleanField(
        label="Make a printed voting code for each person on the register who does not have one yet, and download them",
        required=False,
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_REGISTER_BYTES:
            raise forms.ValidationError("The file must be smaller than 20 MB")
        return upload.read()


class VerifyForm(forms.Form):
    code = forms.CharField(
        label="Voting code",
        required=False,
        max_length=40,
        help_text="The code printed on your letter, for example ABCD-EFGH-JKLM.",
    )
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=10,
        help_text="Where you live. We do not keep it.",
    )
    date_of_birth = DateField(
        label="Date of birth",
        required=False,
        help_text="For example, 27 3 1990. We do not keep it.",
    )
    previous_receipt = forms.CharField(
        label="Receipt code from your earlier vote (only if you are changing your vote)",
        required=False,
        max_length=40,
    )


class OverrideForm(forms.Form):
    funded = forms.ChoiceField(
        label="Should this project be funded?",
        widget=forms.RadioSelect,
        choices=[("yes", "Yes, fund it"), ("no", "No, do not fund it")],
        error_messages={"required": "Choose whether to fund the project"},
    )
    reason = forms.CharField(
        label="Public reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="Shown on the results page. Needed when you go against the counting rule.",
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Pabulib file (.pb)",
        help_text="A file in the pabulib format, up to 20 MB.",
        error_messages={"required": "Choose a .pb file"},
    )
    title = forms.CharField(label="Name of the round (optional)", required=False, max_length=200)

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError("The file must be smaller than 20 MB")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file must be text in UTF-8") from None


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label="Your receipt code",
        max_length=40,
        help_text="For example, ABCD-EFGH-JKLM.",
        error_messages={"required": "Enter your receipt code"},
    )
