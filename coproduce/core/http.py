"""Small view helpers."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_form(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """Render a page with a form; answer 400 when a submitted form has errors."""
    form = context.get("form")
    status = 400 if request.method == "POST" and form is not None and form.errors else 200
    return render(request, template, context, status=status)
