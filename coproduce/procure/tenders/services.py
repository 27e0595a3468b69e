"""Writes to tenders: drafts, lots, the tender pack, publication and closing.

Each service checks permission (NotFound when the actor may not), validates
(ServiceError with a code and a plain sentence naming the rule), then changes state and
writes the audit row inside one transaction. A published tender changes only through an
amendment (``services_clarifications.tender_amend``); the services here refuse.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from functools import partial

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from coproduce.foundation.accounts.models import User
from coproduce.foundation.commissioning.models import CommissioningProject, Stage
from coproduce.foundation.commissioning.services import project_change_stage
from coproduce.foundation.core.audit import audit_record, diff
from coproduce.foundation.core.errors import IllegalTransition, NotFound, ServiceError
from coproduce.foundation.core.idempotency import submitted_once
from coproduce.foundation.core.models import ServiceArea
from coproduce.foundation.core.services import counter_next
from coproduce.foundation.core.validation import TOO_LONG_THE, clean_text
from coproduce.plan.evaluation_models.models import EvaluationModel
from coproduce.plan.evaluation_models.selectors import evaluation_model_as_html
from coproduce.plan.evaluation_models.services import evaluation_model_lock
from coproduce.plan.forward_plan.selectors import published_plan_entries_for_project
from coproduce.plan.forward_plan.services import plan_entry_mark_tendered
from coproduce.plan.procurement_rules.models import Reservation, Route
from coproduce.plan.specifications.models import Specification
from coproduce.plan.specifications.selectors import published_specifications, specification_as_html
from coproduce.procure.tenders.tasks_alerts import send_new_tender_alerts

from .documents import check_upload, human_size, text_to_html
from .models import DocumentKind, Lot, Tender, TenderDocument, TenderStatus
from .selectors import tender_publication_problems, upload_limit_bytes
from .services_search import tender_search_vectors_refresh

logger = logging.getLogger(__name__)

TEXT_MAX = 5000
LONG_TEXT_MAX = 200_000

# Text fields: stripped, and named with "the" when too long ("The title must be …").
_text = partial(clean_text, limit=TEXT_MAX, too_long=TOO_LONG_THE)
MAX_VALUE_PENCE = 10**13  # £100 billion: anything bigger is a typing mistake
TENDER_STAGES = (Stage.PLAN, Stage.PROCURE)
GENERATED_KINDS = (DocumentKind.SPECIFICATION, DocumentKind.EVALUATION)


@dataclass
class TenderData:
    """The editable facts of a draft tender, as entered on the form or sent to the API.

    ``plan_entry_id`` (a published forward-plan entry of the project) sets
    ``planned_notice_on`` to the day the entry was published, overriding the date given.
    """

    title: str
    summary: str
    service_area_id: int
    value_pence: int
    specification_id: int
    evaluation_model_id: int
    locality: str = ""
    route: str = Route.OPEN
    reserved_for: str = Reservation.NONE
    route_justification: str = ""
    suitable_for_small: bool = False
    planned_notice_on: dt.date | None = None
    plan_entry_id: int | None = None
    deadline: dt.datetime | None = None
    questions_close_at: dt.datetime | None = None


@dataclass
class LotData:
    """One lot as entered on the form."""

    number: int
    title: str
    value_pence: int
    description: str = ""
    client_group: str = ""
    locality: str = ""
    reserved_for: str = Reservation.NONE


def _money(value: int, *, field: str, what: str) -> int:
    if value is None:
        raise ServiceError("required", f"Enter the {what} in pounds.", field=field)
    if value < 0:
        raise ServiceError("negative", f"The {what} cannot be negative.", field=field)
    if value > MAX_VALUE_PENCE:
        raise ServiceError("too_large", f"The {what} is too large. Check the amount.", field=field)
    return int(value)


def _check_project(project: CommissioningProject) -> None:
    if project.stage not in TENDER_STAGES:
        raise ServiceError(
            "project_stage",
            "A tender can only be prepared when the project is at the plan or procure stage. "
            f"This project is at the {project.get_stage_display().lower()} stage.",
        )


def _validate(project: CommissioningProject, data: TenderData) -> dict:
    fields: dict = {
        "title": _text(data.title, field="title", label="a title", limit=200),
        "summary": _text(data.summary, field="summary", label="a plain English summary"),
        "locality": _text(
            data.locality, field="locality", label="the area", required=False, limit=100
        ),
        "value_pence": _money(data.value_pence, field="value", what="value"),
        "route_justification": _text(
            data.route_justification,
            field="route_justification",
            label="the reason for the route",
            required=False,
        ),
        "suitable_for_small": bool(data.suitable_for_small),
    }
    area = ServiceArea.objects.filter(pk=data.service_area_id).first()
    if area is None:
        raise ServiceError(
            "invalid_choice", "Choose a service area from the list.", field="service_area"
        )
    fields["service_area"] = area
    spec = published_specifications(project).filter(pk=data.specification_id).first()
    if spec is None:
        raise ServiceError(
            "specification_not_published",
            "Choose a published version of this project’s specification.",
            field="specification",
        )
    fields["specification"] = spec
    model = EvaluationModel.objects.filter(pk=data.evaluation_model_id, project=project).first()
    if model is None:
        raise ServiceError(
            "invalid_choice",
            "Choose one of this project’s evaluation models (how bids will be scored).",
            field="evaluation_model",
        )
    fields["evaluation_model"] = model
    if data.route not in Route.values:
        raise ServiceError("invalid_choice", "Choose a route from the list.", field="route")
    if data.reserved_for not in Reservation.values:
        raise ServiceError(
            "invalid_choice", "Choose who the tender is reserved for.", field="reserved_for"
        )
    if data.route == Route.RESERVED and not data.reserved_for:
        raise ServiceError(
            "reservation_required",
            "A reserved tender must say who it is reserved for.",
            field="reserved_for",
        )
    if data.reserved_for and data.route != Route.RESERVED:
        raise ServiceError(
            "reservation_needs_reserved_route",
            "Only a tender on the reserved route can be reserved. Choose the reserved route or “Not reserved”.",
            field="reserved_for",
        )
    fields["route"] = data.route
    fields["reserved_for"] = data.reserved_for
    today = timezone.localdate()
    entry = None
    planned = data.planned_notice_on
    if data.plan_entry_id:
        entry = published_plan_entries_for_project(project).filter(pk=data.plan_entry_id).first()
        if entry is None:
            raise ServiceError(
                "invalid_choice",
                "Choose a published forward-plan entry of this project.",
                field="plan_entry",
            )
        planned = timezone.localdate(entry.published_at)
    if planned is not None and planned > today:
        raise ServiceError(
            "planned_notice_in_future",
            "The planned notice date cannot be in the future: enter the day it was published.",
            field="planned_notice_on",
        )
    fields["plan_entry"] = entry
    fields["planned_notice_on"] = planned
    if data.deadline and data.questions_close_at and data.questions_close_at >= data.deadline:
        raise ServiceError(
            "questions_after_deadline",
            "The last day for questions must be before the closing date.",
            field="questions_close_at",
        )
    fields["deadline"] = data.deadline
    fields["questions_close_at"] = data.questions_close_at
    return fields


def _require_draft(tender: Tender) -> None:
    if tender.status != TenderStatus.DRAFT:
        raise IllegalTransition(
            "not_draft",
            "This tender has been published. Change it through an amendment, "
            "which tells everyone following it.",
        )


def _lock(tender: Tender) -> Tender:
    return (
        Tender.objects.select_for_update(of=("self",))
        .select_related("service_area", "project")
        .get(pk=tender.pk)
    )


@submitted_once("tenders.tender", within="project")
def tender_create(*, actor: User, project: CommissioningProject, data: TenderData) -> Tender:
    """Create a draft tender T-YYYY-NNNN for a project at the plan or procure stage.

    A repeated submit (same project and title while still a draft) returns the existing
    draft instead of making a second one.
    """
    if not actor.has_perm("tenders.add_tender"):
        raise NotFound()
    _check_project(project)
    fields = _validate(project, data)
    existing = Tender.objects.filter(
        project=project, title=fields["title"], status=TenderStatus.DRAFT
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            year = timezone.localdate().year
            number = counter_next(name=f"tenders.tender.{year}")
            tender = Tender.objects.create(
                reference=f"T-{year}-{number:04d}", project=project, created_by=actor, **fields
            )
            tender_search_vectors_refresh([tender.pk])
            audit_record(
                actor=actor,
                verb="tenders.tender.created",
                target=tender,
                changes={k: (v.pk if hasattr(v, "pk") else v) for k, v in fields.items()},
            )
    except IntegrityError:
        # Two submits raced: the other one made the draft.
        existing = Tender.objects.filter(
            project=project, title=fields["title"], status=TenderStatus.DRAFT
        ).first()
        if existing is None:
            raise
        return existing
    return tender


def tender_update(*, actor: User, tender: Tender, data: TenderData) -> Tender:
    """Change a draft tender's details; the audit row keeps old and new values."""
    if not actor.has_perm("tenders.change_tender", tender):
        raise NotFound()
    fields = _validate(tender.project, data)
    with transaction.atomic():
        locked = _lock(tender)
        _require_draft(locked)
        if (
            fields["title"] != locked.title
            and Tender.objects.filter(
                project=locked.project, title=fields["title"], status=TenderStatus.DRAFT
            )
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise ServiceError(
                "duplicate_title",
                "This project already has a draft tender with that title.",
                field="title",
            )
        changes = diff(locked, fields)
        if not changes:
            return locked
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        tender_search_vectors_refresh([locked.pk])
        audit_record(actor=actor, verb="tenders.tender.updated", target=locked, changes=changes)
    return locked


def tender_set_no_lots_reason(*, actor: User, tender: Tender, reason: str) -> Tender:
    """Record why a draft tender is not split into lots (published with the notice)."""
    if not actor.has_perm("tenders.change_tender", tender):
        raise NotFound()
    reason = _text(reason, field="no_lots_reason", label="the reason", required=False)
    with transaction.atomic():
        locked = _lock(tender)
        _require_draft(locked)
        if locked.no_lots_reason == reason:
            return locked
        changes = {"no_lots_reason": [locked.no_lots_reason, reason]}
        locked.no_lots_reason = reason
        locked.save(update_fields=["no_lots_reason", "updated_at"])
        audit_record(
            actor=actor, verb="tenders.tender.no_lots_reason_set", target=locked, changes=changes
        )
    return locked


# --- lots ---


def _validate_lot(data: LotData) -> dict:
    if data.number is None or not 1 <= int(data.number) <= 999:
        raise ServiceError("invalid_number", "Enter a lot number from 1 to 999.", field="number")
    if data.reserved_for not in Reservation.values:
        raise ServiceError(
            "invalid_choice", "Choose who the lot is reserved for.", field="reserved_for"
        )
    return {
        "number": int(data.number),
        "title": _text(data.title, field="title", label="a title for the lot", limit=200),
        "description": _text(
            data.description, field="description", label="the description", required=False
        ),
        "client_group": _text(
            data.client_group,
            field="client_group",
            label="the client group",
            required=False,
            limit=200,
        ),
        "locality": _text(
            data.locality, field="locality", label="the area", required=False, limit=100
        ),
        "value_pence": _money(data.value_pence, field="value", what="lot value"),
        "reserved_for": data.reserved_for,
    }


def lot_add(*, actor: User, tender: Tender, data: LotData) -> Lot:
    """Add a lot to a draft tender. Repeating the same submit returns the same lot."""
    if not actor.has_perm("tenders.change_tender", tender):
        raise NotFound()
    fields = _validate_lot(data)
    with transaction.atomic():
        locked = _lock(tender)
        _require_draft(locked)
        existing = locked.lots.filter(number=fields["number"]).first()
        if existing is not None:
            if all(getattr(existing, k) == v for k, v in fields.items()):
                return existing
            raise ServiceError(
                "lot_number_taken",
                f"There is already a lot {fields['number']}. Choose another number.",
                field="number",
            )
        lot = Lot.objects.create(tender=locked, **fields)
        tender_search_vectors_refresh([locked.pk])
        audit_record(actor=actor, verb="tenders.lot.added", target=lot, changes=fields)
    return lot


def lot_update(*, actor: User, lot: Lot, data: LotData) -> Lot:
    """Change a lot of a draft tender."""
    if not actor.has_perm("tenders.change_tender", lot.tender):
        raise NotFound()
    fields = _validate_lot(data)
    with transaction.atomic():
        _require_draft(_lock(lot.tender))
        locked = Lot.objects.select_for_update(of=("self",)).get(pk=lot.pk)
        if (
            fields["number"] != locked.number
            and Lot.objects.filter(tender_id=locked.tender_id, number=fields["number"]).exists()
        ):
            raise ServiceError(
                "lot_number_taken",
                f"There is already a lot {fields['number']}. Choose another number.",
                field="number",
            )
        changes = diff(locked, fields)
        if not changes:
            return locked
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        tender_search_vectors_refresh([locked.tender_id])
        audit_record(actor=actor, verb="tenders.lot.updated", target=locked, changes=changes)
    return locked


def lot_remove(*, actor: User, lot: Lot) -> None:
    """Remove a lot from a draft tender (its documents go with it). Repeats do nothing."""
    if not actor.has_perm("tenders.change_tender", lot.tender):
        raise NotFound()
    with transaction.atomic():
        _require_draft(_lock(lot.tender))
        locked = Lot.objects.select_for_update(of=("self",)).filter(pk=lot.pk).first()
        if locked is None:
            return
        audit_record(
            actor=actor,
            verb="tenders.lot.removed",
            target=locked.tender,
            changes={"lot": [f"{locked.number} {locked.title}", None]},
        )
        paths = [d.file.name for d in locked.documents.all() if d.file]
        locked.delete()
        tender_search_vectors_refresh([locked.tender_id])
        transaction.on_commit(lambda: [default_storage.delete(p) for p in paths])


# --- documents ---


def _read_upload(upload: UploadedFile, max_bytes: int) -> bytes:
    if upload.size is not None and upload.size > max_bytes:
        return b"\0" * (max_bytes + 1)  # refused by size without reading it all
    chunks = []
    total = 0
    for chunk in upload.chunks():
        total += len(chunk)
        chunks.append(chunk)
        if total > max_bytes:
            break
    return b"".join(chunks)


def document_add(
    *,
    actor: User,
    tender: Tender,
    title: str,
    kind: str,
    html_source: str,
    upload: UploadedFile | None = None,
    lot: Lot | None = None,
    via_amendment: bool = False,
) -> TenderDocument:
    """Add a document to the tender pack, with its HTML version.

    The file (optional: a document can be HTML only) is checked on its content and
    size (rule ``documents.max_upload_mb``) before anything is stored; it is saved
    under a name made from its SHA-256, never the uploaded name. Uploading the same
    file again returns the document already there. A published tender's pack changes
    only through an amendment (``via_amendment=True``, used by ``tender_amend``).
    """
    if not actor.has_perm("tenders.change_tender", tender):
        raise NotFound()
    title = _text(title, field="title", label="a title for the document", limit=200)
    if kind not in DocumentKind.values:
        raise ServiceError("invalid_choice", "Choose what kind of document this is.", field="kind")
    html_source = _text(
        html_source,
        field="html_source",
        label="the text of the document for its web page version",
        limit=LONG_TEXT_MAX,
    )
    if lot is not None and lot.tender_id != tender.pk:
        raise ServiceError("invalid_choice", "Choose a lot of this tender.", field="lot")
    checked = None
    if upload is not None:
        max_bytes, label = upload_limit_bytes()
        checked = check_upload(
            data=_read_upload(upload, max_bytes),
            name=upload.name or "",
            max_bytes=max_bytes,
            limit_label=label,
        )
    elif kind in GENERATED_KINDS:
        raise ServiceError(
            "generated_kind",
            "The specification and how bids will be scored are added to the pack "
            "automatically when the tender is published. Upload a file, or choose another kind.",
            field="kind",
        )
    with transaction.atomic():
        locked = _lock(tender)
        if locked.status != TenderStatus.DRAFT and not via_amendment:
            _require_draft(locked)
        if checked is not None:
            same = locked.documents.filter(sha256=checked.sha256, withdrawn_at__isnull=True).first()
            if same is not None:
                return same
        position = locked.documents.count() + 1
        document = TenderDocument(
            tender=locked,
            lot=lot,
            kind=kind,
            title=title,
            html=text_to_html(html_source),
            html_source=html_source,
            position=position,
            uploaded_by=actor,
        )
        stored = ""
        if checked is not None:
            name = f"tender-documents/{locked.reference}/{checked.sha256[:32]}.{checked.kind.extension}"
            stored = default_storage.save(name, ContentFile(checked.content))
            document.file.name = stored
            document.content_type = checked.kind.content_type
            document.size_bytes = checked.size_bytes
            document.sha256 = checked.sha256
        try:
            document.save()
            audit_record(
                actor=actor,
                verb="tenders.document.added",
                target=document,
                changes={
                    "tender": locked.reference,
                    "title": title,
                    "kind": kind,
                    "sha256": document.sha256,
                    "size": human_size(document.size_bytes) if stored else "",
                },
            )
        except Exception:
            if stored:
                default_storage.delete(stored)
            raise
    return document


def document_remove(*, actor: User, document: TenderDocument) -> None:
    """Take a document out of a draft tender's pack (row and stored file). Repeats do nothing."""
    if not actor.has_perm("tenders.change_tender", document.tender):
        raise NotFound()
    with transaction.atomic():
        _require_draft(_lock(document.tender))
        locked = (
            TenderDocument.objects.select_for_update(of=("self",)).filter(pk=document.pk).first()
        )
        if locked is None:
            return
        path = locked.file.name if locked.file else ""
        audit_record(
            actor=actor,
            verb="tenders.document.removed",
            target=locked.tender,
            changes={"document": [locked.title, None], "sha256": locked.sha256},
        )
        locked.delete()
        if path:
            transaction.on_commit(lambda: default_storage.delete(path))


def document_withdraw(
    *, actor: User, document: TenderDocument, via_amendment: bool = False
) -> TenderDocument:
    """Withdraw a document of a published tender (kept, marked withdrawn). For amendments."""
    if not actor.has_perm("tenders.change_tender", document.tender):
        raise NotFound()
    with transaction.atomic():
        locked = TenderDocument.objects.select_for_update(of=("self",)).get(pk=document.pk)
        if locked.withdrawn_at is not None:
            return locked
        if locked.tender.status != TenderStatus.DRAFT and not via_amendment:
            _require_draft(locked.tender)
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=["withdrawn_at", "updated_at"])
        audit_record(
            actor=actor,
            verb="tenders.document.withdrawn",
            target=locked,
            changes={"withdrawn_at": [None, locked.withdrawn_at]},
        )
    return locked


def _add_generated_documents(*, actor: User, tender: Tender) -> None:
    spec: Specification = tender.specification
    generated = [
        (
            DocumentKind.SPECIFICATION,
            f"Service specification (version {spec.version})",
            specification_as_html(spec),
        ),
        (
            DocumentKind.EVALUATION,
            "How bids will be scored",
            evaluation_model_as_html(tender.evaluation_model),
        ),
    ]
    for position, (kind, title, body) in enumerate(generated):
        if tender.documents.filter(kind=kind, sha256="").exists():
            continue
        TenderDocument.objects.create(
            tender=tender, kind=kind, title=title, html=body, position=position, uploaded_by=actor
        )


def tender_publish(*, actor: User, tender: Tender) -> Tender:
    """Publish a draft tender: it opens for bids and appears on the portal.

    Refuses (ServiceError naming the rule) while ``tender_publication_problems`` lists
    anything: the route advisor's breaches for the tender and every lot, the
    specification not published, lots or a reason for none, the closing date in the
    future and at least the minimum tender period away. Then, in one transaction: locks
    the evaluation model, adds the specification and scoring model to the pack as web
    pages, marks the forward-plan entry tendered, sets ``published_at`` and
    ``status=open``, audits; after commit, queues the new-tender alerts. Publishing a
    tender that is already published does nothing.
    """
    if not actor.has_perm("tenders.change_tender", tender):
        raise NotFound()
    with transaction.atomic():
        locked = (
            Tender.objects.select_for_update(of=("self",))
            .select_related(
                "service_area", "project", "specification", "evaluation_model", "plan_entry"
            )
            .get(pk=tender.pk)
        )
        if locked.status != TenderStatus.DRAFT:
            return locked
        now = timezone.now()
        problems = tender_publication_problems(locked, now=now)
        if problems:
            raise problems[0]

        evaluation_model_lock(actor=actor, model=locked.evaluation_model)
        _add_generated_documents(actor=actor, tender=locked)
        if locked.plan_entry is not None:
            plan_entry_mark_tendered(actor=actor, entry=locked.plan_entry, tender=locked)
        locked.published_at = now
        locked.status = TenderStatus.OPEN
        locked.save(update_fields=["published_at", "status", "updated_at"])
        tender_search_vectors_refresh([locked.pk])  # in case a row was written another way
        audit_record(
            actor=actor,
            verb="tenders.tender.published",
            target=locked,
            changes={
                "status": [TenderStatus.DRAFT, TenderStatus.OPEN],
                "published_at": [None, now],
                "deadline": locked.deadline,
                "specification": locked.specification_id,
                "evaluation_model": locked.evaluation_model_id,
            },
        )
        # The golden thread: the project moves to procure with the tender (skipped when
        # the stage rules do not allow it, e.g. a second tender of a project in deliver).
        project_change_stage(
            actor=actor,
            project=locked.project,
            to_stage=Stage.PROCURE,
            reason=f"Tender {locked.reference} was published on {_day(timezone.localdate(now))}.",
            link=reverse("tenders:detail", args=[locked.reference]),
            follows_event=True,
        )
        tender_id = locked.pk
        transaction.on_commit(lambda: _enqueue_alerts(tender_id))
    return locked


def _day(day: dt.date) -> str:
    """7 December 2026."""
    return f"{day.day} {day:%B %Y}"


def _enqueue_alerts(tender_id: int) -> None:
    send_new_tender_alerts.enqueue(tender_id=tender_id)


def tender_close(*, actor: User | None, tender: Tender, now: dt.datetime | None = None) -> Tender:
    """Close an open tender for bids once its deadline has passed.

    ``actor`` None means the system (a scheduled job). Closing a closed tender does
    nothing; closing before the deadline or a tender that was never opened is refused.
    """
    if actor is not None and not actor.has_perm("tenders.change_tender", tender):
        raise NotFound()
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(tender)
        if locked.status == TenderStatus.CLOSED:
            return locked
        if locked.status != TenderStatus.OPEN:
            raise IllegalTransition(
                "not_open",
                f"Only an open tender can be closed; this one is {locked.get_status_display().lower()}.",
            )
        if locked.deadline is None or locked.deadline > now:
            raise ServiceError(
                "deadline_not_passed",
                "The tender cannot close before its closing date. Change the closing date "
                "through an amendment instead.",
            )
        locked.status = TenderStatus.CLOSED
        locked.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            verb="tenders.tender.closed",
            target=locked,
            changes={"status": [TenderStatus.OPEN, TenderStatus.CLOSED]},
        )
    return locked


def tenders_close_due(*, now: dt.datetime | None = None) -> list[Tender]:
    """Close every open tender whose deadline has passed by ``now`` (the server clock).

    The scheduled job behind ``manage.py close_tenders`` and the task
    ``tasks_close.close_due_tenders``. Each tender is closed by ``tender_close`` (actor
    None: the system) in its own transaction, with its audit event. Idempotent: a tender
    already closed is not open, so running again closes nothing; one changed meanwhile
    (an amendment moved its deadline, or it was cancelled) is skipped and logged.
    Returns the tenders closed by this run, earliest deadline first.
    """
    now = now or timezone.now()
    due = Tender.objects.filter(status=TenderStatus.OPEN, deadline__lte=now).order_by(
        "deadline", "pk"
    )
    closed = []
    for tender in due:
        with transaction.atomic():
            # Locked and checked again: another run may have closed it meanwhile.
            current = Tender.objects.select_for_update().filter(pk=tender.pk).first()
            if current is None or current.status != TenderStatus.OPEN:
                continue
            try:
                done = tender_close(actor=None, tender=current, now=now)
            except ServiceError as exc:  # e.g. an amendment moved the deadline
                logger.info("Not closing %s: %s", tender.reference, exc.message)
                continue
        closed.append(done)
    return closed
