"""Nothing twice: a create form (or API call) sent more than once stores one row.

Every form that creates something carries a one-time random key in a hidden input,
``submission_key``, issued when the form is rendered (``{% submission_key %}`` from the
``govuk`` tag library). The API takes the same key from the ``Idempotency-Key`` header.
The service that creates the row is decorated with :func:`submitted_once`: it inserts a
:class:`~coproduce.foundation.core.models.SubmissionKey` for (owner, scope, key) in the
same transaction as the row it creates, and the database's unique constraint
``submission_key_once_per_owner`` lets exactly one request through:

- the first request creates the row and records what it created;
- a repeat with the same key (a double click, a browser retry, twenty identical requests
  at once) gets the first result back, so the view shows the same success message and
  redirect, never a second row and never an error page. Concurrent repeats wait for the
  first to commit (PostgreSQL blocks on the unique index; SQLite transactions start
  ``IMMEDIATE``); if the first fails, nothing is recorded and the next one tries afresh;
- a new render of the form gives a new key, so a deliberate second idea is still possible.

Keys belong to whoever sent them first: ``user:<id>`` for a signed-in person, otherwise
``anonymous``. Another person's key is therefore a different key: it creates that person's
own row and never reveals the first result. (For anonymous visitors the key, 256 random
bits known only to the browser that was shown the form, is the secret.) A request with no
key is not protected; every HTML create form sends one. A repeat returns the first result
even if the other fields differ.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

from .errors import ServiceError
from .models import SubmissionKey

FIELD = "submission_key"
HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"[A-Za-z0-9_.:-]{16,128}")

F = TypeVar("F", bound=Callable[..., Any])


def new_submission_key() -> str:
    """A fresh one-time key for a form about to be rendered."""
    return secrets.token_urlsafe(32)


def posted_key(request: HttpRequest) -> str:
    """The key a form sent (empty when there is none). Checked by the service."""
    return request.POST.get(FIELD, "") if request.method == "POST" else ""


def submission_key_input(context) -> SafeString:
    """The hidden input for a create form. A form shown again after an error keeps its
    key (nothing was stored under it); every fresh render gets a new one."""
    request = context.get("request")
    key = posted_key(request) if request is not None else ""
    if not KEY_PATTERN.fullmatch(key):
        key = new_submission_key()
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, key)


def _owner(actor) -> str:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return f"user:{actor.pk}"
    return "anonymous"


def _record(row: SubmissionKey, result: Any) -> None:
    """Remember what the first use created: model instances by label and pk."""
    items = list(result) if isinstance(result, (list, tuple)) else [result]
    if items and all(isinstance(item, models.Model) for item in items):
        row.model = items[0]._meta.label
        row.result = [item.pk for item in items]
    else:
        row.model = ""
        row.result = result if isinstance(result, (bool, int, str)) else None
    row.many = isinstance(result, (list, tuple))
    row.save(update_fields=["model", "result", "many"])


def _replay(row: SubmissionKey) -> Any:
    """The first use's result, read again."""
    if not row.model:
        return row.result
    model = apps.get_model(row.model)
    found = model._default_manager.in_bulk(row.result)
    items = [found[pk] for pk in row.result if pk in found]
    if row.many:
        return items
    if not items:
        raise ServiceError(
            "already_sent", "This form has already been sent. Go back and start again."
        )
    return items[0]


def submitted_once(scope: str, *, within: str | None = None, actor: str = "actor"):
    """Make a create service idempotent on a ``submission_key`` keyword argument.

    ``scope`` names what is created (``"ideas.idea"``); ``within`` names a keyword argument
    whose primary key narrows it (the idea a comment is on), so one key can never return a
    row that belongs somewhere else. ``actor`` names the keyword argument holding the
    person. The service runs inside the transaction that records the key, so a refused
    request (a ``ServiceError``) records nothing.
    """

    def decorate(service: F) -> F:
        @wraps(service)
        def wrapper(*args, submission_key: str = "", **kwargs):
            if not submission_key:
                return service(*args, **kwargs)
            if not isinstance(submission_key, str) or not KEY_PATTERN.fullmatch(submission_key):
                raise ServiceError(
                    "submission_key_invalid",
                    "This form could not be sent. Go back, reload the page and try again.",
                )
            where = scope
            if within is not None:
                parent = kwargs.get(within)
                where = f"{scope}:{parent.pk if parent is not None else '-'}"
            identity = {
                "owner": _owner(kwargs.get(actor)),
                "scope": where,
                "key_hash": hashlib.sha256(submission_key.encode()).hexdigest(),
            }
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        row = SubmissionKey.objects.create(**identity)
                except IntegrityError:
                    return _replay(SubmissionKey.objects.get(**identity))
                result = service(*args, **kwargs)
                _record(row, result)
                return result

        return wrapper  # type: ignore[return-value]

    return decorate
