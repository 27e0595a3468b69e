"""Checks that many services share, so the same input gets the same coded error.

Services call these before any write: on who is asking (:func:`require_perm`) and on
what a form or the API hands them. A failed input check raises
:class:`~coproduce.foundation.core.errors.ServiceError` with a stable ``code`` and the
``field`` it concerns, so a view can show the sentence by that field.
"""

from __future__ import annotations

from .errors import NotFound, ServiceError

# Templates for the "too long" sentence, filled with ``label`` as given ("a title for the
# lot"), ``Label`` (the same with a capital letter), ``noun`` (the label without its
# article: "title for the lot") and ``limit``.
TOO_LONG = "{Label} must be {limit:,} characters or fewer."
TOO_LONG_THE = "The {noun} must be {limit:,} characters or fewer."


def clean_text(
    value: str | None,
    *,
    field: str,
    limit: int,
    label: str = "",
    required: bool = True,
    code: str = "required",
    missing: str = "",
    too_long: str = TOO_LONG,
) -> str:
    """``value`` without surrounding space; refused when required and blank, or too long.

    ``label`` names the text as the sentences use it, with its article: "a title", "the
    reason for the route". A blank required value raises ``ServiceError(code, missing)``,
    where ``missing`` defaults to "Enter <label>."; a value longer than ``limit``
    characters raises ``ServiceError("too_long", ...)`` with ``too_long`` filled in (see
    :data:`TOO_LONG`). An optional blank value comes back as ``""``.
    """
    value = (value or "").strip()
    if required and not value:
        raise ServiceError(code, missing or f"Enter {label}.", field=field)
    if len(value) > limit:
        noun = label.removeprefix("a ").removeprefix("an ").removeprefix("the ")
        message = too_long.format(
            label=label, Label=label[:1].upper() + label[1:], noun=noun, limit=limit
        )
        raise ServiceError("too_long", message, field=field)
    return value


def word_count(text: str | None) -> int:
    """Words as people count them: runs of non-space characters.

    The same rule as the GOV.UK character count component (``/\\S+/g``), so the live
    count in the browser and the server agree.
    """
    return len((text or "").split())


def require_perm(actor, perm: str, obj=None) -> None:
    """Raise :class:`NotFound` unless ``actor`` holds ``perm`` (on ``obj``, if given).

    "Not found" rather than "forbidden", so a refusal does not confirm that ``obj``
    exists. No actor at all (a task, a bad session) is refused the same way.
    """
    if actor is None or not actor.has_perm(perm, obj):
        raise NotFound()
