"""Site-wide pages: statements, branding stylesheet, health check, audit trail."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .checkpoints import checkpoints_document, known_public_keys, published_checkpoints
from .errors import NotFound
from .selectors import (
    AuditFilters,
    audit_event_list,
    audit_target_types,
    audit_verbs,
    may_read_audit,
)

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


@require_GET
def branding_css(request: HttpRequest) -> HttpResponse:
    """Council colours from settings as a stylesheet (CSP forbids inline styles)."""
    brand = settings.BRAND_COLOUR if HEX_COLOUR.match(settings.BRAND_COLOUR) else "#0b5b52"
    text = settings.BRAND_TEXT_COLOUR if HEX_COLOUR.match(settings.BRAND_TEXT_COLOUR) else "#ffffff"
    css = (
        f":root{{--govuk-brand-colour:{brand};}}\n"
        f".app-header.govuk-generic-header{{background:{brand};border-bottom:8px solid {brand};}}\n"
        f".app-header .app-header__logo-text,.app-header .app-header__council{{color:{text};}}\n"
    )
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness check and the minimal-view reference for benchmarks: no database, no template."""
    return HttpResponse("ok", content_type="text/plain")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "core/csrf_failure.html", status=403)


class AuditFilterForm(forms.Form):
    verb = forms.ChoiceField(label="Action", required=False)
    target_type = forms.ChoiceField(label="Type of record", required=False)
    target_id = forms.CharField(label="Record number", required=False, max_length=64)
    actor = forms.CharField(label="Person (email contains)", required=False, max_length=254)
    since = forms.DateField(label="From (YYYY-MM-DD)", required=False, input_formats=["%Y-%m-%d"])
    until = forms.DateField(label="To (YYYY-MM-DD)", required=False, input_formats=["%Y-%m-%d"])

    def __init__(self, *args, verbs: list[str], target_types: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verb"].choices = [("", "Any action")] + [(v, v) for v in verbs]
        self.fields["target_type"].choices = [("", "Any type")] + [(t, t) for t in target_types]


@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    if not may_read_audit(request.user):
        raise Http404
    form = AuditFilterForm(
        request.GET or None, verbs=audit_verbs(), target_types=audit_target_types()
    )
    filters = (
        AuditFilters(**form.cleaned_data) if form.is_bound and form.is_valid() else AuditFilters()
    )
    try:
        events = audit_event_list(user=request.user, filters=filters)
    except NotFound:
        raise Http404 from None
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@require_GET
def audit_checkpoints(request: HttpRequest) -> HttpResponse:
    """Public: every signed checkpoint of the audit chain, newest first."""
    page = Paginator(published_checkpoints(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit_checkpoints.html",
        {"page": page, "public_keys": known_public_keys()},
    )


@require_GET
def audit_checkpoints_file(request: HttpRequest) -> HttpResponse:
    """Public: every checkpoint as one JSON file, to keep and check later."""
    response = JsonResponse(checkpoints_document(), json_dumps_params={"indent": 1})
    response["Content-Disposition"] = 'attachment; filename="audit-checkpoints.json"'
    response["Cache-Control"] = "public, max-age=60"
    return response
