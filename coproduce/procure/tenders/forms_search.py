"""Forms for the opportunity search and saved searches. Parsing only."""

from __future__ import annotations

from django import forms

from coproduce.foundation.core.forms import PoundsField
from coproduce.foundation.core.models import ServiceArea

from .selectors_search import CLOSING_WITHIN_DAYS, Sort, TenderSearch


class SearchForm(forms.Form):
    """The search page's GET form. ``search()`` gives the ``TenderSearch`` it describes."""

    q = forms.CharField(
        label="Search for",
        help_text="Words in the title, description, lots or service area",
        required=False,
        max_length=200,
    )
    status = forms.ChoiceField(
        label="Show",
        choices=[("open", "Open for bids"), ("all", "Open and closed")],
        required=False,
        widget=forms.RadioSelect,
    )
    service_area = forms.MultipleChoiceField(
        label="Service area",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    value_min = PoundsField(label="Lowest value, in pounds", required=False)
    value_max = PoundsField(label="Highest value, in pounds", required=False)
    locality = forms.CharField(
        label="Area",
        help_text="A ward or neighbourhood. Borough-wide opportunities are always included",
        required=False,
        max_length=100,
    )
    closing_within = forms.ChoiceField(
        label="Closing date",
        choices=[("", "Any time")] + [(str(d), f"Within {d} days") for d in CLOSING_WITHIN_DAYS],
        required=False,
        widget=forms.RadioSelect,
    )
    suitable_for_small = forms.BooleanField(
        label="Suitable for small organisations and voluntary groups", required=False
    )
    reserved_only = forms.BooleanField(
        label="Only opportunities reserved for certain organisations",
        help_text="For example supported businesses, small and voluntary organisations, or "
        "local organisations",
        required=False,
    )
    sort = forms.ChoiceField(label="Sort by", choices=Sort.choices, required=False)

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is None:
            areas = ServiceArea.objects.order_by("name").values_list("slug", "name")
        self.fields["service_area"].choices = list(areas)

    def clean_value_min(self):
        return self._not_negative("value_min")

    def clean_value_max(self):
        return self._not_negative("value_max")

    def _not_negative(self, name: str):
        value = self.cleaned_data.get(name)
        if value is not None and value < 0:
            raise forms.ValidationError("Enter an amount of £0 or more", code="negative_amount")
        return value

    def clean(self):
        data = super().clean()
        low, high = data.get("value_min"), data.get("value_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "value_max",
                forms.ValidationError(
                    "The highest value must be the same as or more than the lowest value",
                    code="value_range",
                ),
            )
        return data

    def search(self) -> TenderSearch:
        """The search the valid form describes (call after ``is_valid()``)."""
        d = self.cleaned_data
        within = d.get("closing_within")
        return TenderSearch(
            q=(d.get("q") or "").strip(),
            service_areas=tuple(d.get("service_area") or ()),
            value_min_pence=d.get("value_min"),
            value_max_pence=d.get("value_max"),
            locality=(d.get("locality") or "").strip(),
            closing_within_days=int(within) if within else None,
            suitable_for_small=bool(d.get("suitable_for_small")),
            reserved_only=bool(d.get("reserved_only")),
            include_closed=d.get("status") == "all",
            sort=d.get("sort") or Sort.CLOSING,
        )


class SavedSearchNameForm(forms.Form):
    """A name for a saved search (saving or renaming)."""

    name = forms.CharField(
        label="Name for this search",
        help_text="For example, “Day services in Eastgate”",
        max_length=100,
        error_messages={"required": "Enter a name for the search"},
    )


class SavedSearchAlertsForm(forms.Form):
    """Email alerts on or off for one saved search."""

    alerts = forms.TypedChoiceField(
        choices=[("on", "On"), ("off", "Off")],
        coerce=lambda v: v == "on",
        error_messages={"required": "Choose whether to get emails"},
    )
