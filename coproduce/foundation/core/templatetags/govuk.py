"""Template helpers for GOV.UK Frontend markup. Presentation only: no permission logic."""

from __future__ import annotations

import datetime as dt

from django import forms, template
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from coproduce.foundation.core.formatting import uk_clock, uk_date
from coproduce.foundation.core.idempotency import submission_key_input

register = template.Library()

# ``{% submission_key %}`` inside a create form: the hidden one-time key (nothing twice).
register.simple_tag(takes_context=True, name="submission_key")(submission_key_input)

DATE_PART_LABELS = (_("Day"), _("Month"), _("Year"))


def _kind(field: forms.BoundField) -> str:
    widget = field.field.widget
    # CheckboxSelectMultiple subclasses RadioSelect, so it must be tested first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.MultiWidget):
        return "date"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    return "input"


@register.filter
def govuk_anchor(field: forms.BoundField) -> str:
    """The id the error summary should link to: the first input of the field."""
    kind = _kind(field)
    if kind in {"radios", "checkboxes"}:
        return f"{field.auto_id}_0"
    if kind == "date":
        return f"{field.auto_id}_0"
    return field.auto_id


@register.inclusion_tag("includes/field.html")
def govuk_field(
    field: forms.BoundField,
    label_class: str = "govuk-label--s",
    heading: bool = False,
    width: str = "",
):
    """Render a form field as a GOV.UK form group with label, hint and error message."""
    kind = _kind(field)
    widget = field.field.widget
    classes = {
        "input": "govuk-input",
        "textarea": "govuk-textarea",
        "select": "govuk-select",
        "file": "govuk-file-upload",
    }.get(kind, "")
    if width and kind == "input":
        classes += f" govuk-input--width-{width}"
    if field.errors and classes:
        classes += f" {classes.split()[0]}--error"
    describedby = []
    if field.help_text:
        describedby.append(f"{field.auto_id}-hint")
    if field.errors:
        describedby.append(f"{field.auto_id}-error")
    attrs = {}
    if classes:
        attrs["class"] = classes
    if describedby and kind not in {"radios", "checkboxes", "date"}:
        attrs["aria-describedby"] = " ".join(describedby)
    date_parts = []
    if kind == "date":
        # One labelled box per part. (Iterating ``field.subwidgets`` would give a single
        # widget that renders all three inputs after the first label, leaving the month and
        # year without labels and the day's label pointing at no input.)
        parts = widget.get_context(field.html_name, field.value(), {"id": field.auto_id})
        for i, (sub, label) in enumerate(
            zip(parts["widget"]["subwidgets"], DATE_PART_LABELS, strict=True)
        ):
            date_parts.append(
                {
                    "id": sub["attrs"]["id"],
                    "name": sub["name"],
                    "value": sub["value"] or "",
                    "label": label,
                    "class": "govuk-input govuk-date-input__input "
                    + ("govuk-input--width-4" if i == 2 else "govuk-input--width-2")
                    + (" govuk-input--error" if field.errors else ""),
                }
            )
    return {
        "field": field,
        "kind": kind,
        "attrs": attrs,
        "label_class": label_class,
        "heading": heading,
        "describedby": " ".join(describedby),
        "date_parts": date_parts,
        "widget_html": field.as_widget(attrs=attrs)
        if kind not in {"radios", "checkboxes", "date", "checkbox"}
        else "",
    }


@register.filter
def pounds(pence: int | None) -> str:
    """Format an amount held in pence as pounds: 123456 → £1,234.56; whole pounds drop .00."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(int(pence)), 100)
    body = number_format(whole, force_grouping=True)
    return f"{sign}£{body}" if part == 0 else f"{sign}£{body}.{part:02d}"


@register.filter
def uk_datetime(value) -> str:
    """A moment in UK time with the day of the week: "5:00pm on Tuesday 3 March 2026 (UK time)".

    Deadlines are shown like this everywhere, so nobody has to work out the time zone or
    the day. Naive values are taken as UK time already.
    """
    if not value:
        return ""
    if not isinstance(value, dt.datetime):
        return str(value)
    return f"{uk_clock(value)} on {uk_date(value)} (UK time)"
