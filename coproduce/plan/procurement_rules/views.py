"""Procurement rules pages and the route advisor. Views parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from coproduce.foundation.core.errors import ServiceError
from coproduce.foundation.core.forms import apply_service_error
from coproduce.foundation.core.http import form_page, not_found_as_404, render_form

from .forms import AdvisorForm, BankHolidayForm, RuleVersionForm
from .models import Unit
from .selectors import (
    Case,
    access_rule_for_new_version,
    advice_for,
    bank_holiday_list,
    rules_in_force_grouped,
)
from .services import bank_holiday_add, rule_add


@require_GET
def rules_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "routes/rules.html",
        {
            "groups": rules_in_force_grouped(today),
            "today": today,
            "can_edit": request.user.has_perm("routes.add_rule"),
            "can_use_advisor": request.user.has_perm("routes.use_advisor"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def new_version(request: HttpRequest, key: str) -> HttpResponse:
    current = access_rule_for_new_version(request.user, key)
    initial = {
        "route": current.route,
        "unit": current.unit,
        "value": (
            f"{current.value / 100:.2f}".removesuffix(".00")
            if current.unit == Unit.PENCE
            else str(current.value)
        ),
        "label": current.label,
        "source_title": current.source_title,
        "source_url": current.source_url,
    }
    form = RuleVersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and "value_int" in form.cleaned_data:
        d = form.cleaned_data
        try:
            rule_add(
                actor=request.user,
                key=key,
                route=d["route"],
                value=d["value_int"],
                unit=d["unit"],
                effective_from=d["effective_from"],
                label=d["label"],
                source_title=d["source_title"],
                source_url=d["source_url"],
                note=d["note"],
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, f"New version of “{d['label']}” added.")
            return redirect("routes:rules")
    return render_form(request, "routes/new_version.html", {"form": form, "current": current})


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def bank_holidays(request: HttpRequest) -> HttpResponse:
    holidays = bank_holiday_list(request.user)
    return form_page(
        request,
        BankHolidayForm(request.POST or None),
        "routes/bank_holidays.html",
        {"holidays": holidays},
        save=lambda form: bank_holiday_add(
            actor=request.user, date=form.cleaned_data["date"], name=form.cleaned_data["name"]
        ),
        success=lambda holiday: f"{holiday.name} added.",
        redirect_to="routes:bank_holidays",
    )


@login_required
@require_http_methods(["GET", "POST"])
def advisor_page(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("routes.use_advisor"):
        raise Http404
    form = AdvisorForm(request.POST or None, initial={"light_touch": "no"})
    advice = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        case = Case(
            value_pence=d["value"],
            light_touch=d["light_touch"] == "yes",
            route=d["route"],
            reserved_for=d["reserved_for"],
            route_justification=d["route_justification"],
            publish_on=d["publish_on"] or timezone.localdate(),
            planned_notice_on=d["planned_notice_on"],
            deadline_on=d["deadline_on"],
            workforce_percent=d["workforce_percent"],
        )
        try:
            advice = advice_for(case, decision_on=d["decision_on"])
        except ServiceError as exc:
            apply_service_error(form, exc)
    return render_form(request, "routes/advisor.html", {"form": form, "advice": advice})
