"""Writes for social value: import the measure table, promise, report, verify, analyse.

Every write checks who is asking (the contract's rules for anything on a contract,
``social_value.manage`` for the table and SROI), validates with a coded error naming the
rule, and changes the rows and writes the audit event in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from coproduce.deliver.contracts.models import Contract
from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.audit import audit_record
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.idempotency import submitted_once
from coproduce.foundation.core.services import counter_next
from coproduce.foundation.core.validation import clean_text, require_perm
from coproduce.procure.tenders.documents import check_upload
from coproduce.procure.tenders.selectors import upload_limit_bytes

from . import selectors as sel
from .measure_csv import Problem, parse_measures
from .models import (
    AnalysisKind,
    AnalysisStatus,
    Commitment,
    CommitmentStatus,
    Delivery,
    DeliveryStatus,
    Measure,
    MeasureTable,
    SroiAnalysis,
    SroiOutcome,
)

TEXT_MAX = 5000
MAX_QUANTITY = Decimal("1000000000")
MAX_OUTCOMES = 50


class MeasureTableRejected(ServiceError):
    """A measure table CSV with one or more broken rules; ``problems`` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        count = len(problems)
        first = str(problems[0])
        more = "" if count == 1 else f" (and {count - 1} more problem{'s' if count > 2 else ''})"
        super().__init__(
            problems[0].code,
            f"Nothing was saved. {first}{more}",
            field="file",
        )
        self.problems = problems


# --- the measure table -------------------------------------------------------------------


def _read(upload: UploadedFile, max_bytes: int) -> bytes:
    if upload.size is not None and upload.size > max_bytes:
        return b"\0" * (max_bytes + 1)  # refused by size without reading it all
    chunks, total = [], 0
    for chunk in upload.chunks():
        total += len(chunk)
        chunks.append(chunk)
        if total > max_bytes:
            break
    return b"".join(chunks)


def measure_table_import(
    *, actor, data: bytes, file_name: str = "", title: str = ""
) -> MeasureTable:
    """Import a new version of the measure table from CSV; all rows or none.

    Every row is checked (``measure_csv.parse_measures``); any problem raises
    ``MeasureTableRejected`` listing them all, and nothing is saved. The new version
    becomes the current one; earlier versions stay, and commitments keep the proxy they
    were made with. Importing the same file as the current version again changes nothing.
    Audited as ``social_value.measure_table.imported``.
    """
    require_perm(actor, "social_value.manage")
    title = clean_text(title, field="title", limit=200, label="a name for this version")
    rows, problems = parse_measures(data, today=timezone.localdate())
    if problems:
        raise MeasureTableRejected(problems)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        version = counter_next(name="social_value.measure_table")
        current = MeasureTable.objects.order_by("-version").first()
        if current is not None and current.sha256 == digest:
            transaction.set_rollback(True)  # give the counter its number back
            return current
        table = MeasureTable.objects.create(
            version=version,
            title=title,
            file_name=(file_name or "")[-200:],
            sha256=digest,
            imported_by=actor,
            imported_at=timezone.now(),
        )
        Measure.objects.bulk_create(
            Measure(
                table=table,
                code=r.code,
                name=r.name,
                unit=r.unit,
                proxy_pence=r.proxy_pence,
                source=r.source,
                price_year=r.price_year,
            )
            for r in rows
        )
        audit_record(
            actor=actor,
            verb="social_value.measure_table.imported",
            target=table,
            changes={"version": version, "measures": len(rows), "sha256": digest},
        )
    return table


def measure_table_import_upload(*, actor, upload: UploadedFile | None, title: str) -> MeasureTable:
    """``measure_table_import`` for a file sent through a form."""
    if upload is None:
        raise ServiceError("file_missing", "Choose a CSV file to import.", field="file")
    return measure_table_import(
        actor=actor,
        data=_read(upload, 1024 * 1024),
        file_name=(upload.name or "").rsplit("/", 1)[-1],
        title=title,
    )


# --- numbers and dates -------------------------------------------------------------------


def _quantity(value, *, field: str, label: str, allow_zero: bool = False) -> Decimal:
    """A quantity with at most 2 decimal places, above zero (or zero when allowed)."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ServiceError(
            "invalid_number", f"{label} must be a number, like 12 or 2.5.", field=field
        ) from None
    if not number.is_finite():
        raise ServiceError(
            "invalid_number", f"{label} must be a number, like 12 or 2.5.", field=field
        )
    if number < 0 or (number == 0 and not allow_zero):
        lowest = "0 or more" if allow_zero else "more than 0"
        raise ServiceError(
            "not_positive", f"{label} must be {lowest}; it cannot be negative.", field=field
        )
    if number > MAX_QUANTITY:
        raise ServiceError("too_large", f"{label} must be {MAX_QUANTITY:,} or less.", field=field)
    if number != number.quantize(Decimal("0.01")):
        raise ServiceError(
            "too_precise", f"{label} can have at most 2 decimal places.", field=field
        )
    return number.quantize(Decimal("0.01"))


def _percent(value, *, field: str, label: str, meaning: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        number = Decimal("NaN")
    if not number.is_finite():
        raise ServiceError(
            "invalid_number", f"{label} must be a number from 0 to 100.", field=field
        )
    if not 0 <= number <= 100:
        raise ServiceError(
            "percent_out_of_range",
            f"{label} must be between 0% and 100%: it is {meaning}, which cannot be "
            "less than none or more than all of it.",
            field=field,
        )
    if number != number.quantize(Decimal("0.01")):
        raise ServiceError(
            "too_precise", f"{label} can have at most 2 decimal places.", field=field
        )
    return number


def _date(value, *, field: str, label: str) -> dt.date:
    if not isinstance(value, dt.date):
        raise ServiceError("invalid_date", f"Enter {label} as a real date.", field=field)
    return value


# --- commitments ---------------------------------------------------------------------------


@dataclass
class CommitmentData:
    """What the commitment form sends."""

    measure_code: str
    quantity: Decimal | str
    due_by: dt.date | None
    details: str = ""
    bid_answer_id: int | None = None


@submitted_once("social_value.commitment", within="contract")
def commitment_add(*, actor, contract: Contract, data: CommitmentData) -> Commitment:
    """Add a social value promise to a contract, valued with the current measure table.

    A commissioner's entry is agreed at once (usually copied from the winning bid); a
    provider's is a proposal the commissioner agrees or declines. The measure must be in
    the current table; its proxy, source and price year are copied onto the commitment.
    The date must fall within the contract. Audited as ``social_value.commitment.added``.
    """
    if actor is not None and actor.has_perm("contracts.manage_contract", contract):
        status = CommitmentStatus.AGREED
    elif actor is not None and actor.has_perm("contracts.act_for_provider", contract):
        status = CommitmentStatus.PROPOSED
    else:
        raise NotFound()
    table = sel.current_measure_table()
    if table is None:
        raise ServiceError(
            "no_measure_table",
            "There is no measure table yet. A commissioner must import one before promises "
            "can be recorded.",
            field="measure_code",
        )
    measure = table.measures.filter(code=(data.measure_code or "").strip()).first()
    if measure is None:
        raise ServiceError(
            "unknown_measure",
            "Choose a measure from the current measure table.",
            field="measure_code",
        )
    quantity = _quantity(data.quantity, field="quantity", label="The amount promised")
    due_by = _date(data.due_by, field="due_by", label="the date it will be done by")
    if not contract.starts_on <= due_by <= contract.ends_on:
        raise ServiceError(
            "due_outside_contract",
            f"The date must fall within the contract, from {contract.starts_on:%-d %B %Y} "
            f"to {contract.ends_on:%-d %B %Y}.",
            field="due_by",
        )
    details = clean_text(
        data.details, field="details", limit=TEXT_MAX, label="the details", required=False
    )
    answer = None
    if data.bid_answer_id is not None:
        answer = next(
            (a for a in sel.bid_social_value_answers(contract) if a.pk == data.bid_answer_id), None
        )
        if answer is None:
            raise ServiceError(
                "unknown_answer",
                "Choose one of the winning bid's social value answers, or none.",
                field="bid_answer",
            )
    now = timezone.now()
    with transaction.atomic():
        Contract.objects.select_for_update().get(pk=contract.pk)
        commitment = Commitment.objects.create(
            contract=contract,
            measure=measure,
            code=measure.code,
            name=measure.name,
            unit=measure.unit,
            proxy_pence=measure.proxy_pence,
            proxy_source=measure.source,
            price_year=measure.price_year,
            quantity=quantity,
            due_by=due_by,
            details=details,
            bid_answer=answer,
            status=status,
            proposed_by=actor,
            decided_by=actor if status == CommitmentStatus.AGREED else None,
            decided_at=now if status == CommitmentStatus.AGREED else None,
        )
        audit_record(
            actor=actor,
            verb="social_value.commitment.added",
            target=commitment,
            changes={
                "contract": contract.reference,
                "measure": measure.code,
                "table_version": table.version,
                "quantity": str(quantity),
                "proxy_pence": measure.proxy_pence,
                "due_by": due_by,
                "status": status,
            },
        )
    return commitment


def commitment_decide(
    *, actor, commitment: Commitment, agree: bool, reason: str = ""
) -> Commitment:
    """Agree or decline a provider's proposed commitment (commissioners), once.

    Declining needs a reason the provider can read. Deciding the same way again does
    nothing; a commitment already decided the other way is refused. Audited as
    ``social_value.commitment.agreed`` or ``.declined``.
    """
    require_perm(actor, "contracts.manage_contract", commitment.contract)
    reason = clean_text(
        reason,
        field="reason",
        limit=TEXT_MAX,
        label="a reason",
        required=not agree,
        code="reason_required",
        missing="Say why the promise is not agreed.",
    )
    target = CommitmentStatus.AGREED if agree else CommitmentStatus.DECLINED
    with transaction.atomic():
        locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if locked.status == target:
            return locked
        if locked.status != CommitmentStatus.PROPOSED:
            raise ServiceError(
                "already_decided",
                f"This promise has already been decided: {locked.get_status_display().lower()}.",
            )
        locked.status = target
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decline_reason = "" if agree else reason
        locked.save(
            update_fields=["status", "decided_by", "decided_at", "decline_reason", "updated_at"]
        )
        audit_record(
            actor=actor,
            verb=f"social_value.commitment.{target}",
            target=locked,
            changes={"status": [CommitmentStatus.PROPOSED, target]},
            reason=reason,
        )
    return locked


# --- delivery --------------------------------------------------------------------------------


@dataclass
class DeliveryData:
    """What the delivery report form sends."""

    quantity: Decimal | str
    period_start: dt.date | None
    period_end: dt.date | None
    description: str


@submitted_once("social_value.delivery", within="commitment")
def delivery_report(
    *, actor, commitment: Commitment, data: DeliveryData, upload: UploadedFile | None
) -> Delivery:
    """The provider reports what it delivered on an agreed commitment, with evidence.

    The period must have started, lie inside the contract and be in order; the quantity
    is in the commitment's unit, above zero; the evidence file is checked by content with
    the same rules as tender documents (type, macros, size limit ``documents.max_upload_mb``).
    The report waits for an officer to verify it. Audited as ``social_value.delivery.reported``.
    """
    contract = commitment.contract
    require_perm(actor, "contracts.act_for_provider", contract)
    quantity = _quantity(data.quantity, field="quantity", label="The amount delivered")
    start = _date(data.period_start, field="period_start", label="the start of the period")
    end = _date(data.period_end, field="period_end", label="the end of the period")
    today = timezone.localdate()
    if start > today:
        raise ServiceError(
            "period_not_started",
            "The period has not started yet. Report delivery once it has happened.",
            field="period_start",
        )
    if end < start:
        raise ServiceError(
            "period_out_of_order",
            "The end of the period must be on or after its start.",
            field="period_end",
        )
    if start < contract.starts_on or end > contract.ends_on:
        raise ServiceError(
            "period_outside_contract",
            f"The period must fall within the contract, from {contract.starts_on:%-d %B %Y} "
            f"to {contract.ends_on:%-d %B %Y}.",
            field="period_start" if start < contract.starts_on else "period_end",
        )
    description = clean_text(
        data.description,
        field="description",
        limit=TEXT_MAX,
        label="what was done",
        missing="Say what was done and for whom.",
    )
    if upload is None:
        raise ServiceError(
            "evidence_missing",
            "Attach evidence, for example a payroll summary, a list of sessions or invoices.",
            field="evidence",
        )
    max_bytes, label = upload_limit_bytes()
    try:
        checked = check_upload(
            data=_read(upload, max_bytes),
            name=upload.name or "",
            max_bytes=max_bytes,
            limit_label=label,
        )
    except ServiceError as exc:
        raise ServiceError(exc.code, exc.message, field="evidence") from None
    with transaction.atomic():
        locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if locked.status != CommitmentStatus.AGREED:
            raise ServiceError(
                "commitment_not_agreed",
                "Delivery can only be reported on a promise the council has agreed.",
            )
        delivery = Delivery.objects.create(
            commitment=locked,
            quantity=quantity,
            period_start=start,
            period_end=end,
            description=description,
            evidence_name=(upload.name or "evidence").rsplit("/", 1)[-1][-200:],
            evidence_content_type=checked.kind.content_type,
            evidence_size=checked.size_bytes,
            evidence_sha256=checked.sha256,
            evidence=checked.content,
            reported_by=actor,
        )
        audit_record(
            actor=actor,
            verb="social_value.delivery.reported",
            target=delivery,
            changes={
                "contract": contract.reference,
                "commitment": locked.pk,
                "quantity": str(quantity),
                "period": [start, end],
                "evidence_sha256": checked.sha256,
            },
        )
    return delivery


def _decide_delivery(*, actor, delivery: Delivery, to: str, note: str) -> Delivery:
    require_perm(actor, "contracts.manage_contract", delivery.commitment.contract)
    with transaction.atomic():
        locked = Delivery.objects.defer("evidence").select_for_update().get(pk=delivery.pk)
        if locked.status == to:
            return locked  # verifying twice (a double click, two officers) keeps one
        if locked.status != DeliveryStatus.SUBMITTED:
            raise ServiceError(
                "already_decided",
                f"This report has already been checked: {locked.get_status_display().lower()}.",
            )
        locked.status = to
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = note
        locked.save(
            update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"]
        )
        audit_record(
            actor=actor,
            verb=f"social_value.delivery.{to}",
            target=locked,
            changes={"status": [DeliveryStatus.SUBMITTED, to], "quantity": str(locked.quantity)},
            reason=note,
        )
    return locked


def delivery_verify(*, actor, delivery: Delivery, note: str = "") -> Delivery:
    """An officer confirms the evidence shows the delivery; from now on it counts.

    Once only: a repeat (or a second officer at the same moment) returns the same
    verification; a report already rejected cannot be verified. Audited as
    ``social_value.delivery.verified``.
    """
    note = clean_text(note, field="note", limit=TEXT_MAX, label="a note", required=False)
    return _decide_delivery(actor=actor, delivery=delivery, to=DeliveryStatus.VERIFIED, note=note)


def delivery_reject(*, actor, delivery: Delivery, reason: str) -> Delivery:
    """An officer does not accept a report, saying why (the provider reads the reason and
    can report again). Audited as ``social_value.delivery.rejected``."""
    reason = clean_text(
        reason,
        field="note",
        limit=TEXT_MAX,
        label="a reason",
        code="reason_required",
        missing="Say why the evidence does not show this delivery, so the provider can put it right.",
    )
    return _decide_delivery(actor=actor, delivery=delivery, to=DeliveryStatus.REJECTED, note=reason)


# --- SROI ------------------------------------------------------------------------------------


@dataclass
class AnalysisData:
    """What the SROI analysis form sends."""

    title: str
    kind: str
    inputs_pence: int | None
    inputs_description: str
    discount_rate: Decimal | str
    first_year: int | None
    notes: str = ""


def _analysis_fields(data: AnalysisData) -> dict:
    title = clean_text(data.title, field="title", limit=200, label="a title")
    if data.kind not in AnalysisKind.values:
        raise ServiceError("invalid_choice", "Choose a forecast or an evaluation.", field="kind")
    if data.inputs_pence is None:
        raise ServiceError(
            "inputs_missing", "Enter the inputs: the money spent, in pounds.", field="inputs_pence"
        )
    if data.inputs_pence < 0:
        raise ServiceError(
            "inputs_negative",
            "The inputs cannot be negative: enter the money spent.",
            field="inputs_pence",
        )
    inputs_description = clean_text(
        data.inputs_description,
        field="inputs_description",
        limit=TEXT_MAX,
        label="what the inputs are",
    )
    try:
        rate = Decimal(str(data.discount_rate).strip())
    except (InvalidOperation, ValueError, TypeError):
        rate = Decimal("NaN")
    if not rate.is_finite() or not 0 <= rate <= 20 or rate != rate.quantize(Decimal("0.01")):
        raise ServiceError(
            "rate_out_of_range",
            "The discount rate must be a number from 0% to 20% with at most 2 decimal "
            "places (the Green Book rate is 3.5%).",
            field="discount_rate",
        )
    this_year = timezone.localdate().year
    if data.first_year is None or not 2000 <= data.first_year <= this_year + 10:
        raise ServiceError(
            "year_out_of_range",
            f"The first year must be a year from 2000 to {this_year + 10}.",
            field="first_year",
        )
    notes = clean_text(data.notes, field="notes", limit=TEXT_MAX, label="the notes", required=False)
    return {
        "title": title,
        "kind": data.kind,
        "inputs_pence": data.inputs_pence,
        "inputs_description": inputs_description,
        "discount_rate": rate,
        "first_year": data.first_year,
        "notes": notes,
    }


@submitted_once("social_value.sroi", within="project")
def sroi_create(
    *, actor, project: CommissioningProject, contract: Contract | None, data: AnalysisData
) -> SroiAnalysis:
    """Start a draft SROI analysis for a project, or one of its contracts (commissioners).

    Reference S-YYYY-NNNN. Audited as ``social_value.sroi.created``.
    """
    require_perm(actor, "social_value.manage")
    if contract is not None and contract.project_id != project.pk:
        raise ServiceError(
            "contract_not_in_project", "Choose a contract of this project.", field="contract"
        )
    fields = _analysis_fields(data)
    with transaction.atomic():
        year = timezone.localdate().year
        number = counter_next(name=f"social_value.sroi.{year}")
        analysis = SroiAnalysis.objects.create(
            reference=f"S-{year}-{number:04d}",
            project=project,
            contract=contract,
            created_by=actor,
            **fields,
        )
        audit_record(
            actor=actor,
            verb="social_value.sroi.created",
            target=analysis,
            changes={
                "project": project.reference,
                "contract": contract.reference if contract else None,
                **{k: str(v) if isinstance(v, Decimal) else v for k, v in fields.items()},
            },
        )
    return analysis


def _lock_draft(analysis: SroiAnalysis) -> SroiAnalysis:
    locked = SroiAnalysis.objects.select_for_update().get(pk=analysis.pk)
    if locked.status != AnalysisStatus.DRAFT:
        raise ServiceError(
            "analysis_published",
            "A published analysis cannot be changed. Start a new analysis instead.",
        )
    return locked


def sroi_update(*, actor, analysis: SroiAnalysis, data: AnalysisData) -> SroiAnalysis:
    """Change a draft analysis's settings. Audited as ``social_value.sroi.changed``."""
    require_perm(actor, "social_value.manage")
    fields = _analysis_fields(data)
    with transaction.atomic():
        locked = _lock_draft(analysis)
        changes = {
            k: [str(getattr(locked, k)), str(v)]
            for k, v in fields.items()
            if getattr(locked, k) != v
        }
        for k, v in fields.items():
            setattr(locked, k, v)
        locked.save()
        if changes:
            audit_record(
                actor=actor, verb="social_value.sroi.changed", target=locked, changes=changes
            )
    return locked


@dataclass
class OutcomeData:
    """One line of the impact map, as the outcome form sends it."""

    stakeholder: str
    outcome: str
    indicator: str
    quantity: Decimal | str
    proxy_description: str
    proxy_pence: int | None
    proxy_source: str
    deadweight: Decimal | str
    attribution: Decimal | str
    displacement: Decimal | str
    drop_off: Decimal | str
    duration_years: int | None


def _outcome_fields(data: OutcomeData) -> dict:
    fields = {
        "stakeholder": clean_text(
            data.stakeholder, field="stakeholder", limit=200, label="who the outcome is for"
        ),
        "outcome": clean_text(data.outcome, field="outcome", limit=TEXT_MAX, label="the outcome"),
        "indicator": clean_text(
            data.indicator,
            field="indicator",
            limit=TEXT_MAX,
            label="the indicator (how you know the outcome happened)",
        ),
        "quantity": _quantity(
            data.quantity, field="quantity", label="The quantity", allow_zero=True
        ),
        "proxy_description": clean_text(
            data.proxy_description,
            field="proxy_description",
            limit=300,
            label="what the financial proxy is",
        ),
        "proxy_source": clean_text(
            data.proxy_source, field="proxy_source", limit=300, label="the source of the proxy"
        ),
    }
    if data.proxy_pence is None:
        raise ServiceError(
            "proxy_missing",
            "Enter the financial proxy: the £ value of one unit for a year.",
            field="proxy_pence",
        )
    if data.proxy_pence < 0:
        raise ServiceError(
            "proxy_negative", "The financial proxy cannot be negative.", field="proxy_pence"
        )
    fields["proxy_pence"] = data.proxy_pence
    fields["deadweight"] = _percent(
        data.deadweight,
        field="deadweight",
        label="Deadweight",
        meaning="the share of the outcome that would have happened anyway",
    )
    fields["attribution"] = _percent(
        data.attribution,
        field="attribution",
        label="Attribution",
        meaning="the share of the outcome owed to other people or organisations",
    )
    fields["displacement"] = _percent(
        data.displacement,
        field="displacement",
        label="Displacement",
        meaning="the share of the outcome that only moved value from somewhere else",
    )
    fields["drop_off"] = _percent(
        data.drop_off,
        field="drop_off",
        label="Drop-off",
        meaning="how much of the outcome fades each year after the first",
    )
    if data.duration_years is None or not 1 <= data.duration_years <= 50:
        raise ServiceError(
            "duration_out_of_range",
            "The duration must be a whole number of years from 1 to 50.",
            field="duration_years",
        )
    fields["duration_years"] = data.duration_years
    return fields


def _audit_values(fields: dict) -> dict:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in fields.items()}


@submitted_once("social_value.sroi_outcome", within="analysis")
def sroi_outcome_add(*, actor, analysis: SroiAnalysis, data: OutcomeData) -> SroiOutcome:
    """Add an outcome to a draft analysis. Audited as ``social_value.sroi.outcome_added``."""
    require_perm(actor, "social_value.manage")
    fields = _outcome_fields(data)
    with transaction.atomic():
        locked = _lock_draft(analysis)
        if locked.outcomes.count() >= MAX_OUTCOMES:
            raise ServiceError(
                "too_many_outcomes", f"An analysis can have at most {MAX_OUTCOMES} outcomes."
            )
        position = (locked.outcomes.aggregate(m=Max("position"))["m"] or 0) + 1
        outcome = SroiOutcome.objects.create(analysis=locked, position=position, **fields)
        audit_record(
            actor=actor,
            verb="social_value.sroi.outcome_added",
            target=locked,
            changes={"position": position, **_audit_values(fields)},
        )
    return outcome


def sroi_outcome_update(*, actor, outcome: SroiOutcome, data: OutcomeData) -> SroiOutcome:
    """Change an outcome of a draft analysis. Audited as ``social_value.sroi.outcome_changed``."""
    require_perm(actor, "social_value.manage")
    fields = _outcome_fields(data)
    with transaction.atomic():
        locked = _lock_draft(outcome.analysis)
        row = SroiOutcome.objects.select_for_update().get(pk=outcome.pk, analysis=locked)
        changes = {
            k: [str(getattr(row, k)), str(v)] for k, v in fields.items() if getattr(row, k) != v
        }
        for k, v in fields.items():
            setattr(row, k, v)
        row.save()
        if changes:
            audit_record(
                actor=actor,
                verb="social_value.sroi.outcome_changed",
                target=locked,
                changes={"position": row.position, **changes},
            )
    return row


def sroi_outcome_remove(*, actor, outcome: SroiOutcome) -> None:
    """Remove an outcome from a draft analysis (a repeat does nothing)."""
    require_perm(actor, "social_value.manage")
    with transaction.atomic():
        locked = _lock_draft(outcome.analysis)
        deleted, _ = SroiOutcome.objects.filter(pk=outcome.pk, analysis=locked).delete()
        if deleted:
            audit_record(
                actor=actor,
                verb="social_value.sroi.outcome_removed",
                target=locked,
                changes={"position": outcome.position, "outcome": outcome.outcome[:200]},
            )


def sroi_publish(*, actor, analysis: SroiAnalysis) -> SroiAnalysis:
    """Publish a draft analysis: it becomes public (with the project) and fixed.

    Needs at least one outcome and inputs above £0 (a ratio needs both). Publishing
    again does nothing. Audited as ``social_value.sroi.published``.
    """
    require_perm(actor, "social_value.manage")
    with transaction.atomic():
        locked = SroiAnalysis.objects.select_for_update().get(pk=analysis.pk)
        if locked.status == AnalysisStatus.PUBLISHED:
            return locked
        if not locked.outcomes.exists():
            raise ServiceError(
                "no_outcomes", "Add at least one outcome before publishing the analysis."
            )
        if locked.inputs_pence <= 0:
            raise ServiceError(
                "no_inputs",
                "Enter the inputs (the money spent) before publishing: without them there "
                "is no ratio.",
            )
        locked.status = AnalysisStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at", "updated_at"])
        report = sel.sroi_report(locked)
        audit_record(
            actor=actor,
            verb="social_value.sroi.published",
            target=locked,
            changes={
                "status": [AnalysisStatus.DRAFT, AnalysisStatus.PUBLISHED],
                "present_value_pence": round(report.result.present_value * 100),
                "ratio": None if report.result.ratio is None else round(report.result.ratio, 4),
            },
        )
    return locked
