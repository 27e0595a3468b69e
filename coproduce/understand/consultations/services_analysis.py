"""Writes for analysing a consultation: themes, tagging answers, findings and their quotes.

Each service checks the permission (NotFound when refused), validates (ServiceError with
a code), then changes state and writes one audit row inside one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from coproduce.foundation.accounts.models import User
from coproduce.foundation.core.audit import audit_record
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.idempotency import submitted_once
from coproduce.foundation.core.services import counter_next

from . import rules_analysis  # noqa: F401  (declares the permissions checked here)
from .models import Answer, Consultation, Finding, FindingQuote, Theme
from .selectors_analysis import codable_answers, people_tagged

THEME_NAME_MAX = 120
STATEMENT_MAX = 500
DETAIL_MAX = 5000
QUOTE_MAX = 1000
REASON_MAX = 2000
MAX_QUOTES = 5
ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[\.\.\.\]|\[…\])\s*")


def _can(actor: User, perm: str, obj=None) -> None:
    if not actor.has_perm(perm, obj):
        raise NotFound()


# --- Themes --------------------------------------------------------------------------


def _theme_name(consultation: Consultation, name: str, *, exclude: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ServiceError("required", "Enter a name for the theme.", field="name")
    if len(name) > THEME_NAME_MAX:
        raise ServiceError(
            "too_long",
            f"The theme name must be {THEME_NAME_MAX} characters or fewer.",
            field="name",
        )
    taken = Theme.objects.filter(consultation=consultation, name__iexact=name)
    if exclude:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ServiceError(
            "duplicate",
            f"There is already a theme called “{name}”. Choose another name.",
            field="name",
        )
    return name


def theme_create(
    *, actor: User, consultation: Consultation, name: str, description: str = ""
) -> Theme:
    """Add a theme that this consultation's free-text answers can be tagged with."""
    _can(actor, "engagement.code_responses", consultation)
    name = _theme_name(consultation, name)
    description = description.strip()[:500]
    with transaction.atomic():
        theme = Theme.objects.create(consultation=consultation, name=name, description=description)
        audit_record(
            actor=actor,
            verb="engagement.theme.created",
            target=theme,
            changes={"consultation": consultation.reference, "name": name},
        )
    return theme


def theme_rename(*, actor: User, theme: Theme, name: str, description: str | None = None) -> Theme:
    """Rename a theme (and optionally change its description). The audit keeps the old name."""
    _can(actor, "engagement.code_responses", theme.consultation)
    name = _theme_name(theme.consultation, name, exclude=theme.pk)
    with transaction.atomic():
        locked = Theme.objects.select_for_update().get(pk=theme.pk)
        changes = {}
        if locked.name != name:
            changes["name"] = [locked.name, name]
            locked.name = name
        if description is not None and locked.description != description.strip()[:500]:
            changes["description"] = [locked.description, description.strip()[:500]]
            locked.description = description.strip()[:500]
        if not changes:
            return locked
        locked.save()
        audit_record(actor=actor, verb="engagement.theme.renamed", target=locked, changes=changes)
    return locked


def theme_merge(*, actor: User, source: Theme, target: Theme) -> Theme:
    """Merge ``source`` into ``target``: its answers and findings move over, then it goes.

    Answers tagged with both keep one tag. Findings built on the source theme now point at
    the target; published findings keep the count fixed when they were published.
    """
    _can(actor, "engagement.code_responses", source.consultation)
    if source.pk == target.pk:
        raise ServiceError(
            "merge_into_self", "Choose a different theme to merge into.", field="target"
        )
    if source.consultation_id != target.consultation_id:
        raise ServiceError(
            "other_consultation", "Choose a theme from this consultation.", field="target"
        )
    with transaction.atomic():
        locked = list(Theme.objects.select_for_update().filter(pk__in=[source.pk, target.pk]))
        if len(locked) != 2:
            raise NotFound()
        answer_ids = list(source.answers.values_list("pk", flat=True))
        target.answers.add(*answer_ids)
        finding_ids = list(source.findings.values_list("pk", flat=True))
        target.findings.add(*finding_ids)
        audit_record(
            actor=actor,
            verb="engagement.theme.merged",
            target=target,
            changes={
                "merged": {"id": source.pk, "name": source.name},
                "into": {"id": target.pk, "name": target.name},
                "answers_moved": len(answer_ids),
                "findings_moved": len(finding_ids),
            },
        )
        source.delete()
    return target


# --- Tagging -------------------------------------------------------------------------


def _answers_for_tagging(consultation: Consultation, answer_ids: list) -> list[int]:
    try:
        ids = sorted({int(a) for a in answer_ids})
    except (TypeError, ValueError):
        raise ServiceError(
            "invalid_answer", "Choose answers from the list.", field="answers"
        ) from None
    if not ids:
        raise ServiceError("no_answers", "Select at least one answer.", field="answers")
    found = set(
        codable_answers(consultation=consultation).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if found != set(ids):
        raise ServiceError(
            "invalid_answer",
            "One or more of the answers selected are not in this consultation. Nothing was changed.",
            field="answers",
        )
    return ids


def _theme_for_tagging(consultation: Consultation, theme_id) -> Theme:
    try:
        pk = int(theme_id)
    except (TypeError, ValueError):
        raise ServiceError("theme_required", "Choose a theme.", field="theme") from None
    theme = Theme.objects.filter(pk=pk, consultation=consultation).first()
    if theme is None:
        raise ServiceError(
            "theme_required", "Choose a theme from this consultation.", field="theme"
        )
    return theme


def answers_tag(*, actor: User, consultation: Consultation, theme_id, answer_ids: list) -> int:
    """Tag many answers with one theme. One audit row for the whole action; returns how many
    answers newly carry the tag (already tagged ones are left as they are)."""
    _can(actor, "engagement.code_responses", consultation)
    theme = _theme_for_tagging(consultation, theme_id)
    ids = _answers_for_tagging(consultation, answer_ids)
    with transaction.atomic():
        # Tagging with one theme is serialised, so overlapping requests never add a tag twice.
        Theme.objects.select_for_update().filter(pk=theme.pk).first()
        already = set(theme.answers.filter(pk__in=ids).values_list("pk", flat=True))
        new = [i for i in ids if i not in already]
        if not new:
            return 0
        Answer.themes.through.objects.bulk_create(
            [Answer.themes.through(answer_id=i, theme_id=theme.pk) for i in new]
        )
        audit_record(
            actor=actor,
            verb="engagement.answers.tagged",
            target=theme,
            changes={"count": len(new), "answer_ids": new},
        )
    return len(new)


def answers_untag(*, actor: User, consultation: Consultation, theme_id, answer_ids: list) -> int:
    """Remove one theme from many answers; one audit row; returns how many lost the tag."""
    _can(actor, "engagement.code_responses", consultation)
    theme = _theme_for_tagging(consultation, theme_id)
    ids = _answers_for_tagging(consultation, answer_ids)
    with transaction.atomic():
        Theme.objects.select_for_update().filter(pk=theme.pk).first()
        links = Answer.themes.through.objects.filter(theme_id=theme.pk, answer_id__in=ids)
        removed = sorted(links.values_list("answer_id", flat=True))
        if not removed:
            return 0
        links.delete()
        audit_record(
            actor=actor,
            verb="engagement.answers.untagged",
            target=theme,
            changes={"count": len(removed), "answer_ids": removed},
        )
    return len(removed)


# --- Findings ------------------------------------------------------------------------


@dataclass
class FindingData:
    """What the officer writes: the statement, optional detail, and the themes behind it."""

    statement: str
    detail: str = ""
    theme_ids: list[int] = field(default_factory=list)


def _statement(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise ServiceError(
            "required", "Enter what people told you, in one sentence.", field="statement"
        )
    if len(value) > STATEMENT_MAX:
        raise ServiceError(
            "too_long",
            f"The statement must be {STATEMENT_MAX} characters or fewer.",
            field="statement",
        )
    return value


def _validate_finding(consultation: Consultation, data: FindingData) -> dict:
    detail = data.detail.strip()
    if len(detail) > DETAIL_MAX:
        raise ServiceError(
            "too_long", f"The detail must be {DETAIL_MAX:,} characters or fewer.", field="detail"
        )
    ids = sorted({int(i) for i in data.theme_ids})
    themes = list(Theme.objects.filter(consultation=consultation, pk__in=ids))
    if len(themes) != len(ids):
        raise ServiceError("invalid_theme", "Choose themes from this consultation.", field="themes")
    return {"statement": _statement(data.statement), "detail": detail, "themes": themes}


@submitted_once("engagement.finding", within="consultation")
def finding_create(*, actor: User, consultation: Consultation, data: FindingData) -> Finding:
    """Start a draft finding with its permanent reference F-YYYY-NNNN."""
    _can(actor, "engagement.manage_findings", consultation)
    fields = _validate_finding(consultation, data)
    themes = fields.pop("themes")
    with transaction.atomic():
        year = timezone.localdate().year
        number = counter_next(name=f"engagement.finding.{year}")
        finding = Finding.objects.create(
            project=consultation.project,
            consultation=consultation,
            reference=f"F-{year}-{number:04d}",
            created_by=actor,
            **fields,
        )
        finding.themes.set(themes)
        audit_record(
            actor=actor,
            verb="engagement.finding.created",
            target=finding,
            changes={**fields, "themes": [t.name for t in themes]},
        )
    return finding


def _draft(finding: Finding) -> Finding:
    locked = Finding.objects.select_for_update().get(pk=finding.pk)
    if locked.published_at is not None:
        raise ServiceError(
            "already_published",
            "This finding has been published, so it can no longer be edited. You can correct its statement.",
        )
    return locked


def finding_update(*, actor: User, finding: Finding, data: FindingData) -> Finding:
    """Change a draft finding's statement, detail or themes."""
    _can(actor, "engagement.manage_findings", finding)
    fields = _validate_finding(finding.consultation, data)
    themes = fields.pop("themes")
    with transaction.atomic():
        locked = _draft(finding)
        changes = {k: [getattr(locked, k), v] for k, v in fields.items() if getattr(locked, k) != v}
        old_themes = sorted(t.name for t in locked.themes.all())
        new_themes = sorted(t.name for t in themes)
        if old_themes != new_themes:
            changes["themes"] = [old_themes, new_themes]
        if not changes:
            return locked
        for k, v in fields.items():
            setattr(locked, k, v)
        locked.save()
        locked.themes.set(themes)
        audit_record(actor=actor, verb="engagement.finding.updated", target=locked, changes=changes)
    return locked


def quote_fits_answer(quote: str, answer_text: str) -> bool:
    """A quote may only trim the answer: every part between "…" must appear, in order."""
    source = " ".join(answer_text.split()).casefold()
    position = 0
    for part in ELLIPSIS.split(" ".join(quote.split()).casefold()):
        part = part.strip()
        if not part:
            continue
        found = source.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True


def finding_quote_add(*, actor: User, finding: Finding, answer_id, text: str) -> FindingQuote:
    """Add a quote from an answer tagged with one of the finding's themes, as trimmed."""
    _can(actor, "engagement.manage_findings", finding)
    text = " ".join(text.split())
    if not text:
        raise ServiceError("required", "Enter the words to quote.", field="text")
    if len(text) > QUOTE_MAX:
        raise ServiceError(
            "too_long", f"The quote must be {QUOTE_MAX:,} characters or fewer.", field="text"
        )
    try:
        pk = int(answer_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    answer = (
        codable_answers(consultation=finding.consultation)
        .filter(pk=pk, themes__in=finding.themes.all())
        .first()
    )
    if answer is None:
        raise NotFound()
    if not quote_fits_answer(text, answer.text):
        raise ServiceError(
            "not_in_answer",
            "A quote can only leave words out of the answer. Use … where you have removed words.",
            field="text",
        )
    with transaction.atomic():
        locked = _draft(finding)
        count = locked.quotes.count()
        if count >= MAX_QUOTES:
            raise ServiceError(
                "too_many", f"A finding can have up to {MAX_QUOTES} quotes.", field="text"
            )
        quote = FindingQuote.objects.create(
            finding=locked, answer=answer, text=text, position=count + 1
        )
        audit_record(
            actor=actor,
            verb="engagement.finding.quote_added",
            target=locked,
            changes={"answer": answer.pk, "text": text},
        )
    return quote


def finding_quote_remove(*, actor: User, finding: Finding, quote_id) -> None:
    """Take a quote off a draft finding."""
    _can(actor, "engagement.manage_findings", finding)
    with transaction.atomic():
        locked = _draft(finding)
        quote = locked.quotes.filter(pk=quote_id).first()
        if quote is None:
            raise NotFound()
        audit_record(
            actor=actor,
            verb="engagement.finding.quote_removed",
            target=locked,
            changes={"text": quote.text},
        )
        quote.delete()


def finding_publish(*, actor: User, finding: Finding) -> Finding:
    """Publish a finding and fix its count of people. Publishing twice does nothing.

    ``people_count`` is the number of distinct submitted responses with an answer tagged
    with any of the finding's themes, counted now so the statement and the count agree.
    """
    _can(actor, "engagement.manage_findings", finding)
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        if locked.published_at is not None:
            return locked
        if not locked.statement.strip():
            raise ServiceError(
                "required", "Enter what people told you before publishing.", field="statement"
            )
        theme_ids = list(locked.themes.values_list("pk", flat=True))
        if not theme_ids:
            raise ServiceError(
                "no_theme",
                "Choose at least one theme behind the finding before publishing.",
                field="themes",
            )
        locked.people_count = people_tagged(theme_ids=theme_ids)
        if locked.people_count == 0:
            raise ServiceError(
                "no_people", "No answers are tagged with this finding’s themes yet.", field="themes"
            )
        locked.published_at = timezone.now()
        locked.save(update_fields=["people_count", "published_at", "updated_at"])
        audit_record(
            actor=actor,
            verb="engagement.finding.published",
            target=locked,
            changes={
                "published_at": [None, locked.published_at],
                "people_count": locked.people_count,
            },
        )
    return locked


def finding_correct(*, actor: User, finding: Finding, statement: str, reason: str) -> Finding:
    """Correct a published finding's statement. The reason is published with the change."""
    _can(actor, "engagement.manage_findings", finding)
    statement = _statement(statement)
    reason = reason.strip()
    if not reason:
        raise ServiceError(
            "reason_required", "Explain why the statement is being corrected.", field="reason"
        )
    if len(reason) > REASON_MAX:
        raise ServiceError(
            "too_long", f"The reason must be {REASON_MAX:,} characters or fewer.", field="reason"
        )
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        if locked.published_at is None:
            raise ServiceError(
                "not_published", "Edit the draft instead: it has not been published yet."
            )
        if locked.statement == statement:
            raise ServiceError(
                "unchanged", "The statement is the same as before.", field="statement"
            )
        old = locked.statement
        locked.statement = statement
        locked.save(update_fields=["statement", "updated_at"])
        audit_record(
            actor=actor,
            verb="engagement.finding.corrected",
            target=locked,
            changes={"statement": [old, statement]},
            reason=reason,
        )
    return locked
