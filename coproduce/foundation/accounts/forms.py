"""Account and organisation forms: parsing only, rules live in the services."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

from coproduce.foundation.core.models import ServiceArea

from .identifiers import SCHEMES, field_name
from .models import LegalForm, MemberRole, SizeBand
from .services import OrganisationData


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct email address and password. Both are case-sensitive.",
        "inactive": "This account has been closed.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "email", "spellcheck": "false"}
        )
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"


class RegisterForm(forms.Form):
    account_type = forms.ChoiceField(
        label="What will you use coproduce for?",
        widget=forms.RadioSelect,
        choices=[
            ("resident", "For myself: to take part as a resident or someone who uses services"),
            (
                "organisation",
                "For an organisation: a charity, group, social enterprise or business",
            ),
        ],
        error_messages={"required": "Choose what you will use coproduce for"},
    )
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={
            "required": "Enter your full name",
            "max_length": "Your name must be 150 characters or fewer",
        },
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    postcode = forms.CharField(
        label="Postcode (optional)",
        required=False,
        max_length=10,
        help_text="This helps us know which parts of the area we are hearing from.",
    )
    password = forms.CharField(
        label="Create a password",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters. Avoid common words and your name.",
        error_messages={"required": "Create a password"},
        max_length=128,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
        self.fields["full_name"].widget.attrs.update(
            {"autocomplete": "name", "spellcheck": "false"}
        )
        self.fields["postcode"].widget.attrs.update({"autocomplete": "postal-code"})


class OrganisationForm(forms.Form):
    name = forms.CharField(
        label="Organisation name",
        max_length=200,
        error_messages={"required": "Enter the organisation’s name"},
    )
    legal_form = forms.ChoiceField(
        label="Legal form",
        choices=[("", "Choose a legal form"), *LegalForm.choices],
        error_messages={
            "required": "Choose a legal form",
            "invalid_choice": "Choose a legal form from the list",
        },
    )
    size_band = forms.ChoiceField(
        label="Size",
        widget=forms.RadioSelect,
        choices=SizeBand.choices,
        help_text="Count paid staff, not volunteers.",
        error_messages={
            "required": "Choose the size of the organisation",
            "invalid_choice": "Choose a size from the list",
        },
    )
    description = forms.CharField(
        label="What the organisation does (optional)",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "The description must be 3,000 characters or fewer"},
    )
    website = forms.URLField(
        label="Website (optional)",
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address, like https://example.org"},
    )
    email = forms.EmailField(
        label="Contact email (optional)",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    postcode = forms.CharField(
        label="Postcode of your main base (optional)",
        required=False,
        max_length=10,
        help_text="We use this to tell whether you are a local organisation.",
    )
    service_areas = forms.ModelMultipleChoiceField(
        label="Service areas you work in",
        required=False,
        queryset=ServiceArea.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. We will tell you about opportunities in these areas.",
    )
    is_vcse = forms.BooleanField(
        label="We are a voluntary, community or social enterprise organisation",
        required=False,
        help_text="For example a charity, community group, CIC, co-operative or social enterprise.",
    )
    is_user_led = forms.BooleanField(
        label="We are a user-led organisation",
        required=False,
        help_text="Run and controlled by the people who use its services, for example a disabled people’s organisation.",
    )
    user_led_description = forms.CharField(
        label="If user-led, whose organisation is it?",
        required=False,
        max_length=200,
        help_text="For example, “run by and for disabled people”.",
    )
    is_supported_business = forms.BooleanField(
        label="We are a supported business",
        required=False,
        help_text="At least 30% of our workforce are disabled or disadvantaged.",
    )
    workforce_disadvantaged_percent = forms.IntegerField(
        label="Percentage of your workforce who are disabled or disadvantaged (optional)",
        required=False,
        min_value=0,
        max_value=100,
        # A text box, not type="number": number inputs change value on scroll and are read
        # out badly by some screen readers (GOV.UK Design System advice).
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter a whole number between 0 and 100",
            "min_value": "Enter a percentage between 0 and 100",
            "max_value": "Enter a percentage between 0 and 100",
        },
    )

    workforce_headcount = forms.IntegerField(
        label="How many people work for you? (optional)",
        required=False,
        min_value=1,
        help_text="Paid staff, counted as people, not full-time equivalents. Needed for "
        "joint bids on contracts reserved for supported businesses.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter the number of people as a whole number, like 12",
            "min_value": "Enter the number of people who work for you, 1 or more",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for scheme in SCHEMES.values():
            self.fields[field_name(scheme.code)] = forms.CharField(
                label=f"{scheme.name} number (optional)",
                required=False,
                max_length=20,
                help_text=f"{scheme.hint[0].upper()}{scheme.hint[1:]}. Shown as {scheme.code}-{scheme.example}.",
            )

    def identifier_fields(self):
        return [self[field_name(code)] for code in SCHEMES]

    def to_data(self) -> OrganisationData:
        d = self.cleaned_data
        return OrganisationData(
            name=d["name"],
            legal_form=d["legal_form"],
            size_band=d["size_band"],
            description=d["description"],
            website=d["website"],
            email=d["email"],
            postcode=d["postcode"],
            is_vcse=d["is_vcse"],
            is_user_led=d["is_user_led"],
            user_led_description=d["user_led_description"],
            is_supported_business=d["is_supported_business"],
            workforce_disadvantaged_percent=d["workforce_disadvantaged_percent"],
            workforce_headcount=d["workforce_headcount"],
            service_area_ids=[a.pk for a in d["service_areas"]],
            identifiers={code: d[field_name(code)] for code in SCHEMES},
        )


def organisation_initial(org) -> dict:
    initial = {
        f: getattr(org, f)
        for f in [
            "name",
            "legal_form",
            "size_band",
            "description",
            "website",
            "email",
            "postcode",
            "is_vcse",
            "is_user_led",
            "user_led_description",
            "is_supported_business",
            "workforce_disadvantaged_percent",
            "workforce_headcount",
        ]
    }
    initial["service_areas"] = list(org.service_areas.all())
    for ident in org.identifiers.all():
        initial[field_name(ident.scheme)] = ident.identifier
    return initial


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Email address of the person to invite",
        max_length=254,
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        widget=forms.RadioSelect,
        choices=MemberRole.choices,
        initial=MemberRole.MEMBER,
        error_messages={"required": "Choose a role"},
    )


class ResetRequestForm(PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages.update(
            {
                "required": "Enter your email address",
                "invalid": "Enter an email address in the correct format, like name@example.com",
            }
        )


class NewPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "new_password1"
        ].help_text = "At least 10 characters. Avoid common words and your name."
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
