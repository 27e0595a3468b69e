"""Refuse a NUL character anywhere in an API request, before any operation runs.

PostgreSQL text cannot hold U+0000: a NUL in a JSON string or a query parameter reached
the database and came back as a server error. Django's form fields refuse it
(``ProhibitNullCharactersValidator``); the API's schemas do not, so this refuses it for
every API operation at once, with the usual error body and status 400.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

from django.http import HttpRequest, HttpResponse, JsonResponse

PREFIX = "/api/"
MESSAGE = "Remove the null character (\\u0000): text cannot contain it."


def _nul_paths(value: object, path: tuple[str, ...] = ()) -> Iterator[str]:
    """The dotted paths of every string (or key) in a parsed JSON value holding a NUL."""
    if isinstance(value, str):
        if "\x00" in value:
            yield ".".join(path)
    elif isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in str(key):
                yield ".".join((*path, "key"))
            yield from _nul_paths(item, (*path, str(key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _nul_paths(item, (*path, str(i)))


def null_character_field(request: HttpRequest) -> str | None:
    """The first query parameter or body field holding a NUL (``""`` for the body as a
    whole), or None when there is none."""
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in v for v in values):
            return key.replace("\x00", "")
    body = request.body
    if b"\x00" in body:
        return ""
    if b"\\u0000" in body.lower():
        try:
            parsed = json.loads(body)
        except ValueError:
            return None  # not JSON: the operation refuses it with its own message
        return next(_nul_paths(parsed), None)
    return None


class RefuseNullCharactersMiddleware:
    """Answers 400 ``{"code": "null_character", ...}`` to an API request with a NUL."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(PREFIX):
            field = null_character_field(request)
            if field is not None:
                return JsonResponse(
                    {"code": "null_character", "message": MESSAGE, "field": field or None},
                    status=400,
                )
        return self.get_response(request)
