"""Small view helpers.

Most pages that change something follow one of two shapes, and the two helpers below
write them once so that a view only says what differs (the form, the service call, the
message and where to go next):

- ``form_page``: a GET shows the form; a valid POST calls the service; a service error
  is shown on the form (status 400); success adds a message and redirects.
- ``post_action``: a POST-only button calls the service; success or the service's
  error becomes a message; either way the browser is redirected.

Views stay plain functions: these are ordinary calls, not a class-based framework.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .errors import NotFound, ServiceError
from .forms import apply_service_error

# Where to go: a URL, a URL name, or a tuple of arguments for ``redirect`` such as
# ``("pipeline:plan_detail", entry.pk)``.
Target = str | tuple


def render_form(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """Render a page with a form; answer 400 when a submitted form has errors."""
    form = context.get("form")
    status = 400 if request.method == "POST" and form is not None and form.errors else 200
    return render(request, template, context, status=status)


def _redirect(target: Target) -> HttpResponse:
    return redirect(*target) if isinstance(target, tuple) else redirect(target)


def save_form(
    request: HttpRequest,
    form: Form,
    save: Callable[[Form], Any],
    *,
    raise_not_found: bool = False,
) -> tuple[bool, Any]:
    """On a valid POST call ``save(form)``: ``(True, what it returned)`` when it worked.
    Otherwise ``(False, None)``; a ``ServiceError`` it raised is shown on the form. The
    first half of ``form_page``, for pages that decide themselves what comes next."""
    if request.method != "POST" or not form.is_valid():
        return False, None
    try:
        return True, save(form)
    except ServiceError as exc:
        if raise_not_found and isinstance(exc, NotFound):
            raise
        apply_service_error(form, exc)
        return False, None


def form_page(
    request: HttpRequest,
    form: Form,
    template: str,
    context: dict | Callable[[], dict] | None = None,
    *,
    save: Callable[[Form], Any],
    success: str | Callable[[Any], str],
    redirect_to: Target | Callable[[Any], Target],
    raise_not_found: bool = False,
) -> HttpResponse:
    """Show ``form``; on a valid POST save it, say so and redirect.

    ``save(form)`` is called once with the valid form and calls the service; it returns
    the saved object (or None). A ``ServiceError`` it raises is shown on the form (next
    to its field, or in the error summary) and the page is shown again with status 400.
    On success, ``success`` (a message, or a function of the saved object giving one) is
    flashed and the browser goes to ``redirect_to`` (a target, or a function of the
    saved object giving one). The template gets ``{"form": form, **context}``; pass a
    function as ``context`` when it must be worked out after the form is validated.
    With ``raise_not_found``, a ``NotFound`` is raised rather than shown on the form (for
    ``not_found_as_404`` to answer 404).
    """
    ok, saved = save_form(request, form, save, raise_not_found=raise_not_found)
    if ok:
        messages.success(request, success(saved) if callable(success) else success)
        return _redirect(redirect_to(saved) if callable(redirect_to) else redirect_to)
    extra = context() if callable(context) else context
    return render_form(request, template, {"form": form, **(extra or {})})


def post_action(
    request: HttpRequest,
    action: Callable[[], Any],
    *,
    success: str | Callable[[Any], str],
    redirect_to: Target,
    raise_not_found: bool = False,
) -> HttpResponse:
    """Call ``action()`` for a POST-only button, flash the outcome and redirect.

    A ``ServiceError`` becomes an error message; otherwise ``success`` (a message, or a
    function of what ``action`` returned) becomes a success message. Either way the
    browser goes to ``redirect_to``. Guard the view with ``require_POST``. With
    ``raise_not_found``, a ``NotFound`` is raised rather than shown as a message.
    """
    try:
        result = action()
    except ServiceError as exc:
        if raise_not_found and isinstance(exc, NotFound):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, success(result) if callable(success) else success)
    return _redirect(redirect_to)


def not_found_as_404(view):
    """Turn a selector's or service's NotFound into a 404 page (missing and forbidden alike)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except NotFound:
            raise Http404 from None

    return wrapper
