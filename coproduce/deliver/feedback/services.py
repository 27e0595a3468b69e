"""Writes for feedback and mystery shopping.

Every service checks who is asking (NotFound when refused, so a forbidden contract looks
like a missing one), validates its input (``ServiceError`` with a code naming the rule,
nothing saved), then writes and records one audit row inside one transaction. Creating
services are once-only on a ``submission_key`` (``@submitted_once``): a double click, a
retry or twenty simultaneous repeats store one row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from PIL import Image

from coproduce.deliver.contracts.models import Contract
from coproduce.foundation.accounts.models import User
from coproduce.foundation.core.audit import audit_record
from coproduce.foundation.core.errors import IllegalTransition, NotFound, ServiceError
from coproduce.foundation.core.formatting import uk_date
from coproduce.foundation.core.idempotency import submitted_once
from coproduce.foundation.core.images import NotAnImage, identify_image
from coproduce.foundation.core.transitions import StateMachine, Transition
from coproduce.foundation.core.validation import clean_text, require_perm
from coproduce.plan.procurement_rules.selectors import add_working_days
from coproduce.procure.tenders.documents import ALLOWED_NAMES, detect_kind

from . import rules  # noqa: F401  (declares the permissions checked here)
from .metadata import strip_image_metadata
from .models import (
    ActionStatus,
    AnswerPart,
    ChecklistItem,
    FeedbackAnswer,
    FeedbackResponse,
    FeedbackTheme,
    FollowUpAction,
    ItemRating,
    MysteryShopper,
    ProviderReply,
    Rating,
    ReportEvidence,
    ReportItem,
    ShoppingReport,
    ShoppingVisit,
    UsesService,
)
from .selectors import as_id, is_live

ANSWER_MAX = 2000
THEME_NAME_MAX = 120
FOCUS_MAX = 2000
QUESTION_MAX = 300
CHECKLIST_MAX = 20
NOTES_MAX = 2000
OVERALL_MAX = 5000
REPLY_MAX = 5000
ACTION_MAX = 500
OWNER_MAX = 200
NAME_MAX = 200
EVIDENCE_MAX = 5
EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_LIMIT = "10 MB"
#: The provider replies to a mystery shopping report within this many working days.
REPLY_WORKING_DAYS = 20
IMAGE_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}


def _can(actor, perm: str, obj=None) -> None:
    require_perm(actor if getattr(actor, "is_authenticated", False) else None, perm, obj)


# --- Feedback --------------------------------------------------------------------------


@dataclass
class FeedbackData:
    """What the feedback form (or the API) sends. Only ``rating`` is required."""

    rating: str
    what_good: str = ""
    what_better: str = ""
    uses_service: str = ""
    easy_read: bool = False


NOT_LIVE = {
    "not_started": "This service has not started yet, so we cannot take feedback on it. "
    "You can give feedback from {starts}.",
    "ended": "This service has ended, so we no longer take feedback on it.",
}


def check_live(contract: Contract, today: dt.date | None = None) -> None:
    """Refuse feedback on a contract that is not running (``contract_not_live``)."""
    today = today or timezone.localdate()
    if is_live(contract, today):
        return
    if today < contract.starts_on:
        message = NOT_LIVE["not_started"].format(starts=uk_date(contract.starts_on))
    else:
        message = NOT_LIVE["ended"]
    raise ServiceError("contract_not_live", message)


# The once-only key is kept as "anonymous" even for a signed-in person (``actor`` names
# an argument nobody passes), so that not even the key table links a person to an answer.
@submitted_once("feedback.response", within="contract", actor="key_owner_never_recorded")
def feedback_give(*, actor, contract: Contract, data: FeedbackData) -> FeedbackResponse:
    """Record one person's feedback on a running service (anyone, no account needed).

    Nothing that names the person is kept: not the account of a signed-in person (the
    audit row has no actor either), not the time of day. Refused with a message naming
    the rule when the rating is missing or not one of the answers, a text is too long,
    the "who uses it" answer is not one offered, or the contract is not running.
    """
    if contract.project.published_at is None:
        raise NotFound()
    rating = data.rating if isinstance(data.rating, str) else ""
    if not rating:
        raise ServiceError(
            "rating_required",
            "Choose how your experience of the service was, or “Don’t know”.",
            field="rating",
        )
    if rating not in Rating.values:
        raise ServiceError(
            "invalid_rating",
            "Choose one of the answers: very good, good, neither good nor poor, poor, "
            "very poor or don’t know.",
            field="rating",
        )
    texts = {}
    for name, part, label in (
        ("what_good", AnswerPart.GOOD, "what was good"),
        ("what_better", AnswerPart.BETTER, "what could be better"),
    ):
        value = getattr(data, name)
        texts[part] = clean_text(
            value if isinstance(value, str) else "",
            field=name,
            limit=ANSWER_MAX,
            required=False,
            too_long=f"Your answer to {label} must be {{limit:,}} characters or fewer.",
        )
    uses = data.uses_service if isinstance(data.uses_service, str) else ""
    if uses and uses not in UsesService.values:
        raise ServiceError(
            "invalid_choice",
            "Choose whether you use the service yourself or for someone else, or leave it.",
            field="uses_service",
        )
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        check_live(locked)
        response = FeedbackResponse.objects.create(
            contract=locked,
            rating=rating,
            uses_service=uses,
            received_on=timezone.localdate(),
            easy_read=bool(data.easy_read),
        )
        FeedbackAnswer.objects.bulk_create(
            [
                FeedbackAnswer(response=response, part=part, text=text)
                for part, text in texts.items()
                if text
            ]
        )
        audit_record(
            actor=None,
            verb="feedback.response.received",
            target=response,
            changes={"contract": locked.reference, "rating": rating},
        )
    return response


# --- Themes ----------------------------------------------------------------------------


def _theme_name(contract: Contract, name: str, *, exclude: int | None = None) -> str:
    name = " ".join((name or "").split())
    name = clean_text(
        name,
        field="name",
        limit=THEME_NAME_MAX,
        missing="Enter a name for the theme.",
        too_long="The theme name must be {limit:,} characters or fewer.",
    )
    taken = FeedbackTheme.objects.filter(contract=contract, name__iexact=name)
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
    *, actor: User, contract: Contract, name: str, description: str = ""
) -> FeedbackTheme:
    """Add a theme that this contract's written answers can be coded with."""
    _can(actor, "contracts.manage_contract", contract)
    name = _theme_name(contract, name)
    description = clean_text(
        description, field="description", limit=500, required=False, label="the description"
    )
    with transaction.atomic():
        theme = FeedbackTheme.objects.create(contract=contract, name=name, description=description)
        audit_record(
            actor=actor,
            verb="feedback.theme.created",
            target=theme,
            changes={"contract": contract.reference, "name": name},
        )
    return theme


def theme_rename(
    *, actor: User, theme: FeedbackTheme, name: str, description: str = ""
) -> FeedbackTheme:
    """Rename a theme or change its description; the audit keeps the old values."""
    _can(actor, "contracts.manage_contract", theme.contract)
    name = _theme_name(theme.contract, name, exclude=theme.pk)
    description = clean_text(
        description, field="description", limit=500, required=False, label="the description"
    )
    with transaction.atomic():
        locked = FeedbackTheme.objects.select_for_update().get(pk=theme.pk)
        changes = {}
        if locked.name != name:
            changes["name"] = [locked.name, name]
        if locked.description != description:
            changes["description"] = [locked.description, description]
        if not changes:
            return locked
        locked.name, locked.description = name, description
        locked.save()
        audit_record(actor=actor, verb="feedback.theme.renamed", target=locked, changes=changes)
    return locked


def _ids(values) -> list[int] | None:
    """Row ids chosen in a form, sorted and each once; None if any is not a whole number
    from 1 to ``selectors.ID_MAX`` (a bigger one would break the query on SQLite)."""
    if isinstance(values, str | bytes | int):
        values = [values]
    try:
        ids = {as_id(v) for v in values}
    except TypeError:  # not a list of values
        return None
    return None if None in ids else sorted(ids)


def _answer_ids(contract: Contract, answer_ids: Sequence) -> list[int]:
    ids = _ids(answer_ids)
    if ids is None:  # not whole numbers, or beyond the range of ids
        raise ServiceError("invalid_answer", "Choose answers from the list.", field="answers")
    if not ids:
        raise ServiceError("no_answers", "Select at least one answer.", field="answers")
    found = set(
        FeedbackAnswer.objects.filter(response__contract=contract, pk__in=ids).values_list(
            "pk", flat=True
        )
    )
    if found != set(ids):
        raise ServiceError(
            "invalid_answer",
            "One or more of the answers selected are not about this service. Nothing was changed.",
            field="answers",
        )
    return ids


def _theme_for(contract: Contract, theme_id) -> FeedbackTheme:
    pk = as_id(theme_id)
    if pk is None:
        raise ServiceError("theme_required", "Choose a theme.", field="theme")
    theme = FeedbackTheme.objects.filter(pk=pk, contract=contract).first()
    if theme is None:
        raise ServiceError("theme_required", "Choose a theme of this service.", field="theme")
    return theme


def answers_tag(*, actor: User, contract: Contract, theme_id, answer_ids: Sequence) -> int:
    """Code many answers with one theme; returns how many newly carry it. One audit row."""
    _can(actor, "contracts.manage_contract", contract)
    theme = _theme_for(contract, theme_id)
    ids = _answer_ids(contract, answer_ids)
    with transaction.atomic():
        # Serialised per theme, so overlapping requests never add a tag twice.
        FeedbackTheme.objects.select_for_update().filter(pk=theme.pk).first()
        already = set(theme.answers.filter(pk__in=ids).values_list("pk", flat=True))
        new = [i for i in ids if i not in already]
        if not new:
            return 0
        through = FeedbackAnswer.themes.through
        through.objects.bulk_create(
            [through(feedbackanswer_id=i, feedbacktheme_id=theme.pk) for i in new]
        )
        audit_record(
            actor=actor,
            verb="feedback.answers.tagged",
            target=theme,
            changes={"count": len(new), "answer_ids": new},
        )
    return len(new)


def answers_untag(*, actor: User, contract: Contract, theme_id, answer_ids: Sequence) -> int:
    """Take one theme off many answers; returns how many lost it. One audit row."""
    _can(actor, "contracts.manage_contract", contract)
    theme = _theme_for(contract, theme_id)
    ids = _answer_ids(contract, answer_ids)
    with transaction.atomic():
        FeedbackTheme.objects.select_for_update().filter(pk=theme.pk).first()
        links = FeedbackAnswer.themes.through.objects.filter(
            feedbacktheme_id=theme.pk, feedbackanswer_id__in=ids
        )
        removed = sorted(links.values_list("feedbackanswer_id", flat=True))
        if not removed:
            return 0
        links.delete()
        audit_record(
            actor=actor,
            verb="feedback.answers.untagged",
            target=theme,
            changes={"count": len(removed), "answer_ids": removed},
        )
    return len(removed)


# --- Mystery shoppers ------------------------------------------------------------------


@dataclass
class ShopperData:
    full_name: str
    trained_on: dt.date | None
    trained_by: str
    email: str = ""


@submitted_once("feedback.shopper")
def shopper_add(*, actor: User, data: ShopperData) -> MysteryShopper:
    """Add a trained mystery shopper to the register (commissioners). ``email`` links the
    shopper's own account, so that they can see their visits and write their reports."""
    _can(actor, "feedback.manage_shoppers")
    name = clean_text(data.full_name, field="full_name", limit=NAME_MAX, label="the shopper’s name")
    trained_by = clean_text(
        data.trained_by,
        field="trained_by",
        limit=NAME_MAX,
        missing="Enter who trained them.",
        label="who trained them",
    )
    if not isinstance(data.trained_on, dt.date):
        raise ServiceError("date_required", "Enter the date they were trained.", field="trained_on")
    if data.trained_on > timezone.localdate():
        raise ServiceError(
            "trained_in_future",
            "The training date must be today or in the past: record a shopper once trained.",
            field="trained_on",
        )
    user = None
    email = (data.email or "").strip().lower()
    if email:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise ServiceError(
                "no_account",
                "No account uses this email address. Leave it empty, or ask them to register first.",
                field="email",
            )
        if MysteryShopper.objects.filter(user=user).exists():
            raise ServiceError(
                "already_shopper",
                "This account is already linked to a mystery shopper.",
                field="email",
            )
    with transaction.atomic():
        shopper = MysteryShopper.objects.create(
            full_name=name,
            user=user,
            trained_on=data.trained_on,
            trained_by=trained_by,
            added_by=actor,
        )
        audit_record(
            actor=actor,
            verb="feedback.shopper.added",
            target=shopper,
            changes={
                "trained_on": data.trained_on,
                "trained_by": trained_by,
                "account": bool(user),
            },
        )
    return shopper


# --- Visits ----------------------------------------------------------------------------


@dataclass
class VisitData:
    window_from: dt.date | None
    window_to: dt.date | None
    focus: str
    shopper_ids: list = field(default_factory=list)
    checklist: list = field(default_factory=list)


def checklist_from_text(text: str) -> list[str]:
    """One question per line; blank lines and list markers ("- ", "1. ") are dropped."""
    out = []
    for line in (text or "").splitlines():
        line = line.strip().lstrip("-*•").strip()
        head, dot, rest = line.partition(".")
        if dot and head.isdigit():
            line = rest.strip()
        if line:
            out.append(line)
    return out


@submitted_once("feedback.visit", within="contract")
def visit_plan(*, actor: User, contract: Contract, data: VisitData) -> ShoppingVisit:
    """Plan a mystery shopping visit to a contract's service (commissioners): the day or
    window, the trained shoppers going, what to look at and the checklist of questions.
    The window must fall within the contract's term."""
    _can(actor, "contracts.manage_contract", contract)
    start, end = data.window_from, data.window_to
    if not isinstance(start, dt.date):
        raise ServiceError(
            "date_required", "Enter the first day of the visit window.", field="window_from"
        )
    if end is None:
        end = start
    if not isinstance(end, dt.date):
        raise ServiceError(
            "date_required", "Enter the last day of the visit window.", field="window_to"
        )
    if end < start:
        raise ServiceError(
            "window_inverted",
            "The last day of the window must be the same as or after the first day.",
            field="window_to",
        )
    if start > contract.ends_on or end < contract.starts_on:
        raise ServiceError(
            "outside_contract",
            f"The visit must be while the contract runs, from {uk_date(contract.starts_on)} "
            f"to {uk_date(contract.ends_on)}.",
            field="window_from",
        )
    focus = clean_text(
        data.focus, field="focus", limit=FOCUS_MAX, label="what the visit should look at"
    )
    shopper_ids = _ids(data.shopper_ids)
    if shopper_ids is None:  # not whole numbers, or beyond the range of ids
        raise ServiceError("invalid_shopper", "Choose shoppers from the list.", field="shoppers")
    if not shopper_ids:
        raise ServiceError(
            "shoppers_required", "Choose at least one trained shopper.", field="shoppers"
        )
    shoppers = list(MysteryShopper.objects.filter(pk__in=shopper_ids))
    if len(shoppers) != len(shopper_ids):
        raise ServiceError("invalid_shopper", "Choose shoppers from the list.", field="shoppers")
    questions = [q for q in (str(q).strip() for q in data.checklist) if q]
    if not questions:
        raise ServiceError(
            "checklist_required",
            "Add at least one question for the shoppers to answer.",
            field="checklist",
        )
    if len(questions) > CHECKLIST_MAX:
        raise ServiceError(
            "checklist_too_long",
            f"A checklist can have at most {CHECKLIST_MAX} questions.",
            field="checklist",
        )
    for q in questions:
        if len(q) > QUESTION_MAX:
            raise ServiceError(
                "too_long",
                f"Each question must be {QUESTION_MAX} characters or fewer.",
                field="checklist",
            )
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        last = ShoppingVisit.objects.filter(contract=locked).aggregate(n=Max("number"))["n"]
        visit = ShoppingVisit.objects.create(
            contract=locked,
            number=(last or 0) + 1,
            window_from=start,
            window_to=end,
            focus=focus,
            planned_by=actor,
        )
        visit.shoppers.set(shoppers)
        ChecklistItem.objects.bulk_create(
            [ChecklistItem(visit=visit, position=i, question=q) for i, q in enumerate(questions, 1)]
        )
        audit_record(
            actor=actor,
            verb="feedback.visit.planned",
            target=visit,
            changes={
                "contract": locked.reference,
                "number": visit.number,
                "window": [start, end],
                "shoppers": len(shoppers),
                "checklist": len(questions),
            },
        )
    return visit


# --- Reports ---------------------------------------------------------------------------


@dataclass
class EvidenceFile:
    """One file sent with a report: the name it came with and its bytes."""

    name: str
    data: bytes
    title: str = ""


@dataclass
class ReportData:
    visited_on: dt.date | None
    overall: str
    #: checklist item id → (rating, notes)
    items: dict = field(default_factory=dict)
    evidence: list[EvidenceFile] = field(default_factory=list)


@dataclass(frozen=True)
class CheckedEvidence:
    title: str
    content_type: str
    extension: str
    data: bytes
    sha256: str


def check_evidence(file: EvidenceFile) -> CheckedEvidence:
    """Check one evidence file by its content: a JPEG or PNG photo, or a document of the
    kinds tender packs allow (``tenders.documents``), at most ``EVIDENCE_LIMIT``. A photo
    is kept without its metadata (``metadata.strip_image_metadata``); documents are kept
    as sent (see docs/feedback.md)."""
    name = (file.name or "").strip()[:200] or "evidence"
    if len(file.data) > EVIDENCE_BYTES:
        raise ServiceError(
            "file_too_large",
            f"“{name}” is larger than {EVIDENCE_LIMIT}, the limit for evidence. Make it "
            "smaller, for example by taking the photo at a lower size.",
            field="evidence",
        )
    if not file.data:
        raise ServiceError("file_empty", f"“{name}” is empty.", field="evidence")
    data = file.data
    try:
        info = identify_image(file.data, formats=set(IMAGE_FORMATS))
    except NotAnImage:
        try:
            kind = detect_kind(file.data, name)
        except ServiceError as exc:
            raise ServiceError(
                exc.code,
                f"“{name}”: {exc.message} Photos can be JPEG or PNG; documents {ALLOWED_NAMES}.",
                field="evidence",
            ) from None
        content_type, extension = kind.content_type, kind.extension
    else:
        content_type, extension = IMAGE_FORMATS[info.format]
        stated = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if stated and stated not in {extension, "jpeg" if extension == "jpg" else extension}:
            raise ServiceError(
                "file_name_mismatch",
                f"“{name}” ends in .{stated} but it is a {info.format} picture. Rename it or "
                "upload the right file.",
                field="evidence",
            )
        try:  # nothing in the photo but its pixels: it must not name the shopper
            data = strip_image_metadata(data, info.format)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            raise ServiceError(
                "file_type",
                f"“{name}” could not be read as a {info.format} picture. Photos can be JPEG "
                f"or PNG; documents {ALLOWED_NAMES}.",
                field="evidence",
            ) from None
    title = clean_text(file.title or name, field="evidence", limit=200, label="the file’s title")
    return CheckedEvidence(
        title=title,
        content_type=content_type,
        extension=extension,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def reply_due_for(sent_on: dt.date) -> dt.date:
    """The day the provider's reply is due: ``REPLY_WORKING_DAYS`` working days after."""
    return add_working_days(sent_on, REPLY_WORKING_DAYS)


@submitted_once("feedback.report", within="visit")
def report_submit(*, actor: User, visit: ShoppingVisit, data: ReportData) -> ShoppingReport:
    """Send the shopper's report on a visit: the day of the visit, a rating and notes for
    every checklist item, what they found overall, and evidence files checked by content.

    Written by one of the visit's shoppers (with an account) or by a commissioner for
    them; one report per visit. The provider's reply is due ``REPLY_WORKING_DAYS`` working
    days after the day it is sent.
    """
    _can(actor, "feedback.write_report", visit)
    today = timezone.localdate()
    visited_on = data.visited_on
    if not isinstance(visited_on, dt.date):
        raise ServiceError("date_required", "Enter the day of the visit.", field="visited_on")
    if visited_on > today:
        raise ServiceError(
            "visit_in_future",
            "The day of the visit must be today or in the past.",
            field="visited_on",
        )
    if visited_on < visit.contract.starts_on:
        raise ServiceError(
            "before_contract",
            f"The visit must be on or after the day the contract started, "
            f"{uk_date(visit.contract.starts_on)}.",
            field="visited_on",
        )
    overall = clean_text(
        data.overall,
        field="overall",
        limit=OVERALL_MAX,
        label="what you found overall",
        missing="Write what you found overall.",
    )
    checklist = list(visit.checklist.all())
    items = data.items if isinstance(data.items, dict) else {}
    rows = []
    for item in checklist:
        rating, notes = items.get(item.pk, ("", ""))
        if not rating:
            raise ServiceError(
                "item_rating_required",
                f"Choose a rating for “{item.question}”, or “Could not check”.",
                field=f"item_{item.pk}",
            )
        if rating not in ItemRating.values:
            raise ServiceError(
                "invalid_rating",
                f"Choose one of the ratings for “{item.question}”.",
                field=f"item_{item.pk}",
            )
        notes = clean_text(
            notes if isinstance(notes, str) else "",
            field=f"notes_{item.pk}",
            limit=NOTES_MAX,
            required=False,
            too_long="Notes must be {limit:,} characters or fewer.",
        )
        rows.append((item, rating, notes))
    if len(data.evidence) > EVIDENCE_MAX:
        raise ServiceError(
            "too_many_files",
            f"Send at most {EVIDENCE_MAX} files with a report.",
            field="evidence",
        )
    checked = [check_evidence(f) for f in data.evidence]
    with transaction.atomic():
        locked = ShoppingVisit.objects.select_for_update().get(pk=visit.pk)
        if ShoppingReport.objects.filter(visit=locked).exists():
            raise ServiceError(
                "already_reported",
                "The report on this visit has already been sent.",
            )
        report = ShoppingReport.objects.create(
            visit=locked,
            visited_on=visited_on,
            overall=overall,
            submitted_by=actor,
            submitted_at=timezone.now(),
            reply_due_on=reply_due_for(today),
        )
        ReportItem.objects.bulk_create(
            [ReportItem(report=report, item=item, rating=r, notes=n) for item, r, n in rows]
        )
        stored_names = []
        try:
            for position, ev in enumerate(checked, 1):
                path = default_storage.save(
                    f"mystery-shopping/{locked.contract.reference}/{ev.sha256[:32]}.{ev.extension}",
                    ContentFile(ev.data),
                )
                stored_names.append(path)
                ReportEvidence.objects.create(
                    report=report,
                    position=position,
                    title=ev.title,
                    file=path,
                    content_type=ev.content_type,
                    extension=ev.extension,
                    size_bytes=len(ev.data),
                    sha256=ev.sha256,
                )
            audit_record(
                actor=actor,
                verb="feedback.report.sent",
                target=report,
                changes={
                    "visit": str(locked),
                    "visited_on": visited_on,
                    "reply_due_on": report.reply_due_on,
                    "evidence": len(checked),
                    "ratings": {str(item.position): r for item, r, _ in rows},
                },
            )
        except BaseException:
            for path in stored_names:
                default_storage.delete(path)
            raise
    return report


@submitted_once("feedback.reply", within="report")
def reply_submit(*, actor: User, report: ShoppingReport, text: str) -> ProviderReply:
    """The provider's reply to a report (members of the provider). Due within
    ``REPLY_WORKING_DAYS`` working days; a later reply is accepted and marked late."""
    contract = report.visit.contract
    _can(actor, "contracts.act_for_provider", contract)
    text = clean_text(
        text,
        field="text",
        limit=REPLY_MAX,
        label="your reply",
        missing="Write your reply to the report.",
    )
    with transaction.atomic():
        ShoppingReport.objects.select_for_update().filter(pk=report.pk).first()
        if ProviderReply.objects.filter(report=report).exists():
            raise ServiceError(
                "already_replied", "Your organisation has already replied to this report."
            )
        now = timezone.now()
        today = timezone.localdate(now)
        reply = ProviderReply.objects.create(
            report=report,
            text=text,
            replied_by=actor,
            replied_at=now,
            replied_on=today,
            late=today > report.reply_due_on,
        )
        audit_record(
            actor=actor,
            verb="feedback.reply.sent",
            target=reply,
            changes={"visit": str(report.visit), "due_on": report.reply_due_on, "late": reply.late},
        )
    return reply


# --- Follow-up actions -----------------------------------------------------------------


@dataclass
class ActionData:
    description: str
    owner: str
    due_on: dt.date | None


ACTION_STATES = StateMachine(
    [
        Transition(ActionStatus.OPEN, ActionStatus.IN_PROGRESS, "Start"),
        Transition(ActionStatus.OPEN, ActionStatus.DONE, "Done"),
        Transition(ActionStatus.IN_PROGRESS, ActionStatus.DONE, "Done"),
        Transition(ActionStatus.IN_PROGRESS, ActionStatus.OPEN, "Not started after all"),
    ],
    labels=dict(ActionStatus.choices),
)


@submitted_once("feedback.action", within="visit")
def action_add(*, actor: User, visit: ShoppingVisit, data: ActionData) -> FollowUpAction:
    """Add a follow-up action to a visit (commissioners): what, who owns it, by when."""
    _can(actor, "contracts.manage_contract", visit.contract)
    description = clean_text(
        data.description, field="description", limit=ACTION_MAX, label="what needs to happen"
    )
    owner = clean_text(
        data.owner,
        field="owner",
        limit=OWNER_MAX,
        label="who will do it",
        missing="Enter who will do it.",
    )
    if not isinstance(data.due_on, dt.date):
        raise ServiceError("date_required", "Enter the date it is due.", field="due_on")
    with transaction.atomic():
        action = FollowUpAction.objects.create(
            visit=visit,
            description=description,
            owner=owner,
            due_on=data.due_on,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            verb="feedback.action.added",
            target=action,
            changes={"visit": str(visit), "owner": owner, "due_on": data.due_on},
        )
    return action


def action_update(
    *, actor: User, action: FollowUpAction, status: str, what_changed: str = ""
) -> FollowUpAction:
    """Move an action on (the commissioner or the provider). Marking it done needs a
    sentence on what changed, which the public summary shows; a repeat does nothing."""
    contract = action.visit.contract
    if not (
        getattr(actor, "is_authenticated", False)
        and (
            actor.has_perm("contracts.manage_contract", contract)
            or actor.has_perm("contracts.act_for_provider", contract)
        )
    ):
        raise NotFound()
    if status not in ActionStatus.values:
        raise ServiceError("invalid_choice", "Choose where the action is now.", field="status")
    what_changed = clean_text(
        what_changed,
        field="what_changed",
        limit=ACTION_MAX,
        required=status == ActionStatus.DONE,
        label="what changed",
        missing="Say in a sentence what changed, for the public page.",
    )
    with transaction.atomic():
        locked = FollowUpAction.objects.select_for_update().get(pk=action.pk)
        if locked.status == status:
            return locked
        try:
            ACTION_STATES.check(locked.status, status)
        except IllegalTransition:
            raise IllegalTransition(
                "illegal_transition",
                f"An action that is “{ActionStatus(locked.status).label.lower()}” cannot be "
                f"moved to “{ActionStatus(status).label.lower()}”.",
                field="status",
            ) from None
        old = locked.status
        locked.status = status
        if status == ActionStatus.DONE:
            locked.what_changed = what_changed
        locked.save()
        audit_record(
            actor=actor,
            verb=f"feedback.action.{status}",
            target=locked,
            changes={
                "status": [old, status],
                **({"what_changed": what_changed} if what_changed else {}),
            },
        )
    return locked
