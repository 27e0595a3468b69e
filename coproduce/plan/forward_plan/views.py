"""Forward plan and forum event pages. Views parse input, call a selector or service, render."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.foundation.core.errors import ServiceError
from coproduce.foundation.core.formatting import UK
from coproduce.foundation.core.forms import apply_service_error
from coproduce.foundation.core.http import form_page, not_found_as_404, post_action, render_form
from coproduce.foundation.core.idempotency import posted_key
from coproduce.foundation.core.ratelimit import hit

from . import selectors as sel
from . import services as svc
from .forms import EventForm, PlanEntryForm, ReasonForm, RegistrationForm, combine

ANON_REGISTRATIONS_PER_HOUR = 20


def _site(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")[:-1]


# ------------------------------------------------------------------ forward plan


@require_GET
def plan(request: HttpRequest) -> HttpResponse:
    entries = list(sel.public_plan_entries())
    return render(
        request,
        "pipeline/plan.html",
        {
            "quarters": sel.plan_by_quarter(entries),
            "can_manage": request.user.has_perm("pipeline.view_plan_drafts"),
        },
    )


@login_required
@require_GET
@not_found_as_404
def plan_manage(request: HttpRequest) -> HttpResponse:
    entries = list(sel.plan_staff_list(user=request.user))
    return render(
        request,
        "pipeline/plan_manage.html",
        {"entries": entries, "can_change": request.user.has_perm("pipeline.change_plan")},
    )


def _plan_data(form: PlanEntryForm) -> svc.PlanEntryData:
    d = form.cleaned_data
    return svc.PlanEntryData(
        title=d["title"],
        description=d["description"],
        service_area_id=d["service_area"].pk,
        estimated_value_pence=d["estimated_value"],
        expected_tender_on=d["expected_tender_on"],
        intended_route=d["intended_route"],
        project_id=d["project"].pk if d["project"] else None,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("pipeline.change_plan"):
        raise Http404
    return form_page(
        request,
        PlanEntryForm(request.POST or None, initial={"intended_route": "open"}),
        "pipeline/plan_form.html",
        {"entry": None},
        save=lambda form: svc.plan_entry_create(
            actor=request.user, data=_plan_data(form), submission_key=posted_key(request)
        ),
        success="Forward plan entry saved as a draft.",
        redirect_to=lambda entry: ("pipeline:plan_detail", entry.pk),
    )


@require_GET
@not_found_as_404
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = sel.access_plan_entry_by_id(user=request.user, entry_id=pk)
    return render(
        request,
        "pipeline/plan_detail.html",
        {"entry": entry, "can_change": request.user.has_perm("pipeline.change_plan")},
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = sel.access_plan_entry_by_id(user=request.user, entry_id=pk, perm="pipeline.change_plan")
    initial = {
        "title": entry.title,
        "description": entry.description,
        "service_area": entry.service_area_id,
        "estimated_value": entry.estimated_value_pence,
        "expected_tender_on": entry.expected_tender_on,
        "intended_route": entry.intended_route,
        "project": entry.project_id,
    }
    return form_page(
        request,
        PlanEntryForm(request.POST or None, initial=initial),
        "pipeline/plan_form.html",
        {"entry": entry},
        save=lambda form: svc.plan_entry_update(
            actor=request.user, entry=entry, data=_plan_data(form)
        ),
        success="Forward plan entry saved.",
        redirect_to=("pipeline:plan_detail", entry.pk),
    )


@login_required
@require_POST
@not_found_as_404
def plan_publish(request: HttpRequest, pk: int) -> HttpResponse:
    entry = sel.access_plan_entry_by_id(user=request.user, entry_id=pk, perm="pipeline.change_plan")
    return post_action(
        request,
        lambda: svc.plan_entry_publish(actor=request.user, entry=entry),
        success="Published on the forward plan.",
        redirect_to=("pipeline:plan_detail", entry.pk),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def plan_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    entry = sel.access_plan_entry_by_id(user=request.user, entry_id=pk, perm="pipeline.change_plan")
    return form_page(
        request,
        ReasonForm(request.POST or None),
        "pipeline/plan_withdraw.html",
        {"entry": entry},
        save=lambda form: svc.plan_entry_withdraw(
            actor=request.user, entry=entry, reason=form.cleaned_data["reason"]
        ),
        success="The entry is marked as no longer planned.",
        redirect_to=("pipeline:plan_detail", entry.pk),
    )


# ------------------------------------------------------------------ events


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    events = list(sel.upcoming_events())
    for event in events:
        event.left = sel.places_left(event)
    return render(
        request,
        "pipeline/event_list.html",
        {"events": events, "can_manage": request.user.has_perm("pipeline.view_plan_drafts")},
    )


@login_required
@require_GET
@not_found_as_404
def event_manage(request: HttpRequest) -> HttpResponse:
    events = list(sel.event_staff_list(user=request.user))
    return render(
        request,
        "pipeline/event_manage.html",
        {"events": events, "can_change": request.user.has_perm("pipeline.change_plan")},
    )


def _event_context(request: HttpRequest, event, form, **extra) -> dict:
    registered = sel.user_is_registered(event, request.user)
    is_staff = request.user.has_perm("pipeline.view_registrations")
    return {
        "event": event,
        "form": form,
        "left": sel.places_left(event),
        "registration_open": sel.registration_is_open(event),
        "registered": registered,
        "show_online_details": bool(registered or is_staff or extra.get("just_registered")),
        "can_change": request.user.has_perm("pipeline.change_plan"),
        "can_see_registrations": is_staff,
        **extra,
    }


@require_http_methods(["GET", "POST"])
@not_found_as_404
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = sel.access_event_by_id(user=request.user, event_id=pk)
    initial = {}
    if request.user.is_authenticated:
        initial = {"name": request.user.full_name, "email": request.user.email}
    form = RegistrationForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not request.user.is_authenticated and not hit(
            request, scope="pipeline.register", limit=ANON_REGISTRATIONS_PER_HOUR, period=3600
        ):
            return render(request, "pipeline/rate_limited.html", {"event": event}, status=429)
        if form.is_valid():
            try:
                registration, created = svc.registration_create(
                    actor=request.user,
                    event=event,
                    data=svc.RegistrationData(**form.cleaned_data),
                    site_url=_site(request),
                )
            except ServiceError as exc:
                apply_service_error(form, exc)
            else:
                event = sel.access_event_by_id(user=request.user, event_id=pk)
                return render(
                    request,
                    "pipeline/registered.html",
                    _event_context(
                        request,
                        event,
                        None,
                        created=created,
                        registration=registration,
                        just_registered=True,
                    ),
                )
    return render_form(request, "pipeline/event_detail.html", _event_context(request, event, form))


def _event_data(form: EventForm) -> svc.EventData:
    d = form.cleaned_data
    return svc.EventData(
        title=d["title"],
        description=d["description"],
        starts_at=combine(d["day"], d["starts_at"]),
        ends_at=combine(d["day"], d["ends_at"]),
        registration_closes_at=combine(d["closes_on"], d["closes_at"]),
        venue=d["venue"],
        online_joining_details=d["online_joining_details"],
        accessibility=d["accessibility"],
        capacity=d["capacity"],
        plan_entry_id=d["plan_entry"].pk if d["plan_entry"] else None,
    )


def _time_text(value) -> str:
    local = value.astimezone(UK)
    return f"{local:%H:%M}"


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("pipeline.change_plan"):
        raise Http404
    return form_page(
        request,
        EventForm(request.POST or None),
        "pipeline/event_form.html",
        {"event": None},
        save=lambda form: svc.event_create(
            actor=request.user, data=_event_data(form), submission_key=posted_key(request)
        ),
        success="Event saved. Publish it when it is ready.",
        redirect_to=lambda event: ("pipeline:event_detail", event.pk),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = sel.access_event_by_id(user=request.user, event_id=pk, perm="pipeline.change_plan")
    initial = {
        "title": event.title,
        "description": event.description,
        "plan_entry": event.plan_entry_id,
        "day": event.starts_at.astimezone(UK).date(),
        "starts_at": _time_text(event.starts_at),
        "ends_at": _time_text(event.ends_at),
        "closes_on": event.registration_closes_at.astimezone(UK).date(),
        "closes_at": _time_text(event.registration_closes_at),
        "venue": event.venue,
        "online_joining_details": event.online_joining_details,
        "accessibility": event.accessibility,
        "capacity": event.capacity,
    }
    return form_page(
        request,
        EventForm(request.POST or None, initial=initial),
        "pipeline/event_form.html",
        {"event": event},
        save=lambda form: svc.event_update(actor=request.user, event=event, data=_event_data(form)),
        success="Event saved.",
        redirect_to=("pipeline:event_detail", event.pk),
    )


@login_required
@require_POST
@not_found_as_404
def event_publish(request: HttpRequest, pk: int) -> HttpResponse:
    event = sel.access_event_by_id(user=request.user, event_id=pk, perm="pipeline.change_plan")
    return post_action(
        request,
        lambda: svc.event_publish(actor=request.user, event=event),
        success="Event published.",
        redirect_to=("pipeline:event_detail", event.pk),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = sel.access_event_by_id(user=request.user, event_id=pk, perm="pipeline.change_plan")
    form = ReasonForm(request.POST or None)
    form.fields["reason"].help_text = "Everyone registered is emailed this reason."
    return form_page(
        request,
        form,
        "pipeline/event_cancel.html",
        {"event": event},
        save=lambda form: svc.event_cancel(
            actor=request.user,
            event=event,
            reason=form.cleaned_data["reason"],
            site_url=_site(request),
        ),
        success="Event cancelled. Everyone registered has been emailed.",
        redirect_to=("pipeline:event_detail", event.pk),
    )


@login_required
@require_GET
@not_found_as_404
def event_registrations(request: HttpRequest, pk: int) -> HttpResponse:
    event = sel.access_event_by_id(user=request.user, event_id=pk)
    registrations = list(sel.event_registrations(user=request.user, event=event))
    return render(
        request,
        "pipeline/event_registrations.html",
        {"event": event, "registrations": registrations, "left": sel.places_left(event)},
    )


@login_required
@require_GET
@not_found_as_404
def event_registrations_csv(request: HttpRequest, pk: int) -> HttpResponse:
    event = sel.access_event_by_id(user=request.user, event_id=pk)
    registrations = sel.event_registrations(user=request.user, event=event)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}-registrations.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["Name", "Email", "Organisation", "Access needs", "Registered at", "Cancelled at"]
    )
    for r in registrations:
        row = [
            r.name,
            r.email,
            r.organisation_name,
            r.access_needs,
            r.created_at.astimezone(UK).isoformat(timespec="minutes"),
            r.cancelled_at.astimezone(UK).isoformat(timespec="minutes") if r.cancelled_at else "",
        ]
        # Defuse spreadsheet formulas in free text typed by the public.
        writer.writerow(["'" + v if v[:1] in "=+-@\t\r" else v for v in row])
    return response


@require_http_methods(["GET", "POST"])
@not_found_as_404
def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    registration = svc.registration_from_token(token)
    if request.method == "POST":
        svc.registration_cancel(actor=request.user, registration=registration)
        return render(
            request, "pipeline/registration_cancelled.html", {"registration": registration}
        )
    return render(
        request, "pipeline/registration_cancel.html", {"registration": registration, "token": token}
    )
