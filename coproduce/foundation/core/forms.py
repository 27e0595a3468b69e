"""Form pieces shared by every app: GOV.UK date input, money in pounds, service errors."""

from __future__ import annotations

import datetime as dt
import re

from django import forms

from .errors import ServiceError


def apply_service_error(form: forms.Form, exc: ServiceError) -> None:
    """Show a service's coded error next to the field it concerns (or at the top)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, forms.ValidationError(exc.message, code=exc.code))


_DATE_PART = re.compile(r"[0-9]{1,4}")
# An amount in pounds: an optional minus sign and £, whole pounds either as plain digits or
# with commas between groups of three (1,234,567), then up to two decimal places. "1,2,3"
# and "12,34" are refused rather than read as £123 and £1,234.
_POUNDS = re.compile(
    r"(?P<minus>-?)£?(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.(?P<pence>[0-9]*))?"
)
MAX_POUNDS_DIGITS = 13  # up to £9,999,999,999,999.99: fits a 64-bit column in pence


class DateInputWidget(forms.MultiWidget):
    """Three text boxes (day, month, year), the GOV.UK date input pattern."""

    def __init__(self, attrs=None):
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateField(forms.MultiValueField):
    """A date typed as day, month and year, with GOV.UK error messages."""

    widget = DateInputWidget

    def __init__(self, **kwargs):
        error_messages = {"required": "Enter a date", "incomplete": "Enter a full date"}
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(
            fields=fields, error_messages=error_messages, require_all_fields=False, **kwargs
        )

    def compress(self, data_list):
        if not data_list:
            return None
        day, month, year = (str(v or "").strip() for v in data_list)
        if not (day and month and year):
            raise forms.ValidationError(
                "Enter a full date, with day, month and year", code="incomplete"
            )
        # Digits only, and no more than a date can have: twenty digits of "day" must be a
        # form error, not an OverflowError from ``dt.date``.
        if not all(_DATE_PART.fullmatch(part) for part in (day, month, year)):
            raise forms.ValidationError(
                "Enter a real date, for example 27 3 2027", code="invalid_date"
            )
        try:
            value = dt.date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            raise forms.ValidationError(
                "Enter a real date, for example 27 3 2027", code="invalid_date"
            ) from None
        if not 1900 <= value.year <= 2200:
            raise forms.ValidationError(
                "Enter a year with 4 digits, for example 2027", code="invalid_date"
            )
        return value


class PoundsField(forms.Field):
    """An amount of money typed in pounds (commas and £ allowed), returned in pence."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "spellcheck": "false"})

    def to_python(self, value):
        value = str(value or "").strip()
        if value in self.empty_values:
            return None
        match = _POUNDS.fullmatch(value.replace(" ", ""))
        if match is None or not (match["whole"] or match["pence"]):
            if re.fullmatch(r"-?£?[0-9,]+(\.[0-9]*)?", value.replace(" ", "")):
                raise forms.ValidationError(
                    "Put commas only between groups of three digits, like 1,234,567.50, "
                    "or leave them out",
                    code="invalid_amount",
                )
            raise forms.ValidationError(
                "Enter an amount in pounds, like 250000 or 250,000.50", code="invalid_amount"
            )
        whole = match["whole"].replace(",", "")
        pence = match["pence"] or ""
        if len(whole.lstrip("0")) > MAX_POUNDS_DIGITS:
            raise forms.ValidationError("Enter a smaller amount", code="invalid_amount")
        if len(pence.rstrip("0")) > 2:
            raise forms.ValidationError(
                "Enter an amount to the nearest penny", code="invalid_amount"
            )
        amount = int(whole or "0") * 100 + int((pence + "00")[:2])
        return -amount if match["minus"] else amount

    def prepare_value(self, value):
        if isinstance(value, int):
            return f"{value / 100:.2f}".removesuffix(".00")
        return value
