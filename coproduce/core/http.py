"""Small view helpers."""

from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import NotFound


def render_form(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """Render a page with a form; answer 400 when a submitted form has errors."""
    form = context.get("form")
    status = 400 if request.method == "POST" and form is not None and form.errors else 200
    return render(request, template, context, status=status)


def not_found_as_404(view):
    """Turn a selector's or service's NotFound into a 404 page (missing and forbidden alike)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except NotFound:
            raise Http404 from None

    return wrapper
