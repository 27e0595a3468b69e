"""Writes for monitoring: send, correct, answer, accept and query returns; improvement
plans; annual KPI assessments; reminders of late returns.

Every write checks permission through the contracts rules (``contracts.act_for_provider``
for the provider's side, ``contracts.manage_contract`` for the council's), validates
everything before it touches the database, then locks, changes state and records the
audit event in one transaction. A refused request saves nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coproduce.deliver.contracts.models import Contract, ContractKPI, FrameworkVersion
from coproduce.foundation.accounts.models import Membership
from coproduce.foundation.core.audit import audit_record
from coproduce.foundation.core.errors import ServiceError
from coproduce.foundation.core.formatting import uk_date
from coproduce.foundation.core.idempotency import submitted_once
from coproduce.foundation.core.tasks import send_email
from coproduce.foundation.core.transitions import StateMachine, Transition
from coproduce.foundation.core.validation import clean_text, require_perm
from coproduce.procure.tenders.documents import check_upload, human_size
from coproduce.procure.tenders.selectors import upload_limit_bytes

from . import periods as P
from . import rag as R
from . import selectors as sel
from .figures import parse_figure
from .models import (
    EvidenceFile,
    MessageKind,
    MonitoringReturn,
    ReminderSent,
    ReturnFigure,
    ReturnMessage,
    ReturnStatus,
    ReturnSubmission,
)

TEXT_MAX = 10_000
MAX_FILES = 5
#: A late return is reminded at most once in this many days.
REMINDER_EVERY_DAYS = 7
PROVIDER = "contracts.act_for_provider"
OFFICER = "contracts.manage_contract"

S = ReturnStatus
RETURN_STATES = StateMachine(
    [
        Transition(S.SUBMITTED, S.ACCEPTED, "Accept"),
        Transition(S.SUBMITTED, S.QUERIED, "Ask a question"),
        Transition(S.QUERIED, S.SUBMITTED, "Answer or correct"),
    ],
    labels=dict(S.choices),
)


# --- helpers --------------------------------------------------------------------------


def _read_upload(upload: UploadedFile, max_bytes: int) -> bytes:
    if upload.size is not None and upload.size > max_bytes:
        return b"\0" * (max_bytes + 1)  # refused by size without reading it all
    chunks, total = [], 0
    for chunk in upload.chunks():
        total += len(chunk)
        chunks.append(chunk)
        if total > max_bytes:
            break
    return b"".join(chunks)


@dataclass(frozen=True)
class _CheckedEvidence:
    name: str
    content: bytes
    sha256: str
    content_type: str
    extension: str


def _check_files(files: Sequence[UploadedFile]) -> list[_CheckedEvidence]:
    """Check every evidence file by its content and size (the tender documents' rules)."""
    files = [f for f in files if f is not None]
    if len(files) > MAX_FILES:
        raise ServiceError(
            "too_many_files",
            f"Send at most {MAX_FILES} evidence files with one return.",
            field="evidence",
        )
    max_bytes, label = upload_limit_bytes()
    out = []
    for upload in files:
        data = _read_upload(upload, max_bytes)
        name = (upload.name or "evidence").strip()[:200] or "evidence"
        if len(data) > max_bytes:
            raise ServiceError(
                "file_too_large",
                f"“{name}” is larger than {label}, the limit for evidence files. Make it "
                "smaller, for example by splitting it or compressing its pictures.",
                field="evidence",
            )
        try:
            checked = check_upload(data=data, name=name, max_bytes=max_bytes, limit_label=label)
        except ServiceError as exc:
            raise ServiceError(exc.code, f"“{name}”: {exc.message}", field="evidence") from None
        out.append(
            _CheckedEvidence(
                name=name,
                content=checked.content,
                sha256=checked.sha256,
                content_type=checked.kind.content_type,
                extension=checked.kind.extension,
            )
        )
    return out


def _store_files(
    submission: ReturnSubmission, files: list[_CheckedEvidence], stored: list[str]
) -> None:
    contract = submission.monitoring_return.contract
    for f in files:
        path = default_storage.save(
            f"monitoring-evidence/{contract.reference}/{f.sha256[:32]}.{f.extension}",
            ContentFile(f.content),
        )
        stored.append(path)
        EvidenceFile.objects.create(
            submission=submission,
            name=f.name,
            file=path,
            content_type=f.content_type,
            size_bytes=len(f.content),
            sha256=f.sha256,
        )


def _check_figures(
    kpis: list[ContractKPI], figures: Mapping[int, object]
) -> list[tuple[ContractKPI, object]]:
    """Each asked KPI with its checked value, keyed by KPI position in ``figures``."""
    out = []
    for kpi in kpis:
        raw = figures.get(kpi.position) if isinstance(figures, Mapping) else None
        value = parse_figure(
            raw, kind=kpi.kind, label=f"KPI {kpi.position}", field=f"kpi_{kpi.position}"
        )
        out.append((kpi, value))
    return out


def _commentary(text: str | None) -> str:
    return clean_text(
        text, field="commentary", limit=TEXT_MAX, label="the commentary", required=False
    )


def _add_submission(
    *,
    actor,
    ret: MonitoringReturn,
    version: int,
    commentary: str,
    values: list[tuple[ContractKPI, object]],
    files: list[_CheckedEvidence],
    stored: list[str],
) -> ReturnSubmission:
    submission = ReturnSubmission.objects.create(
        monitoring_return=ret,
        version=version,
        commentary=commentary,
        submitted_by=actor,
        submitted_at=timezone.now(),
    )
    ReturnFigure.objects.bulk_create(
        [
            ReturnFigure(
                submission=submission,
                kpi=kpi,
                value=value,
                rag=R.rag(
                    value,
                    green_from=kpi.green_from,
                    red_beyond=kpi.red_beyond,
                    direction=kpi.direction,
                ),
            )
            for kpi, value in values
        ]
    )
    _store_files(submission, files, stored)
    return submission


def _require_agreed_framework(contract: Contract) -> None:
    """Returns are measured against the framework both sides agreed (seed 001): none is
    taken before a version of it has been agreed by the council and the provider."""
    if not FrameworkVersion.objects.filter(contract=contract, agreed_at__isnull=False).exists():
        raise ServiceError(
            "framework_not_agreed",
            "The monitoring framework must be agreed by both the council and the provider "
            "before a return can be sent: the return is measured against the targets and "
            "thresholds you both agreed. Agree the framework on the contract page first.",
        )


def _period_for_sending(contract: Contract, number: object, today: dt.date):
    """The period a provider may send a return for, or a ServiceError naming the rule."""
    if isinstance(number, bool) or not isinstance(number, int) or not 0 < number < 10_000:
        raise ServiceError("unknown_period", "Choose a reporting period.", field="period")
    kpis = sel.contract_kpis(contract)
    months = sel.contract_months(contract, kpis)
    if months is None:
        raise ServiceError(
            "no_kpis", "This contract has no KPIs yet, so there is nothing to report."
        )
    p = P.period(contract.starts_on, contract.ends_on, months, number)
    if p is None:
        raise ServiceError(
            "after_contract_end",
            f"The contract ends on {uk_date(contract.ends_on)}: there is no reporting period "
            f"{number}, so no return can be sent for it.",
            field="period",
        )
    if p.starts_on > today:
        raise ServiceError(
            "period_not_started",
            f"{sel.period_label(months, number)} starts on {uk_date(p.starts_on)}. A return "
            "can only be sent once its period has started.",
            field="period",
        )
    return p, months, sel.asked_kpis(kpis, months, p)


def _lock_return(ret: MonitoringReturn) -> MonitoringReturn:
    locked = MonitoringReturn.objects.select_for_update().get(pk=ret.pk)
    locked.contract = ret.contract
    return locked


def _move(locked: MonitoringReturn, to: str) -> str:
    old = locked.status
    try:
        RETURN_STATES.check(old, to)
    except ServiceError:
        raise ServiceError(
            "illegal_transition",
            f"This return is “{S(old).label.lower()}”, so it cannot be "
            f"“{S(to).label.lower()}” now.",
        ) from None
    locked.status = to
    return old


def _cleanup_on_error(stored: list[str]) -> None:
    for path in stored:
        default_storage.delete(path)


# --- returns --------------------------------------------------------------------------


@submitted_once("monitoring.return", within="contract")
def return_submit(
    *,
    actor,
    contract: Contract,
    number: int,
    figures: Mapping[int, object],
    commentary: str = "",
    files: Sequence[UploadedFile] = (),
) -> MonitoringReturn:
    """Send the return for period ``number`` (the provider's members only).

    Refused, with a message naming the rule: a contract whose monitoring framework has
    not been agreed by both sides (``framework_not_agreed``), a period not yet started, a
    period after the
    contract's end, a missing figure or one in the wrong unit (``figures.py``), an
    evidence file that is not what its content says or too large, and a second return for
    the same period (the form to use then is the correction after a query). ``figures``
    maps a KPI's position to the typed figure; only the KPIs asked in that period are read.
    Audited as ``monitoring.return.submitted``.
    """
    require_perm(actor, PROVIDER, contract)
    _require_agreed_framework(contract)
    today = timezone.localdate()
    p, months, asked = _period_for_sending(contract, number, today)
    values = _check_figures(asked, figures)
    commentary = _commentary(commentary)
    checked = _check_files(files)
    stored: list[str] = []
    try:
        with transaction.atomic():
            Contract.objects.select_for_update().filter(pk=contract.pk).first()
            if MonitoringReturn.objects.filter(contract=contract, number=p.number).exists():
                raise ServiceError(
                    "return_already_sent",
                    f"The return for {sel.period_label(months, p.number).lower()} has already "
                    "been sent. To change it, answer the council’s question on the return.",
                    field="period",
                )
            ret = MonitoringReturn.objects.create(
                contract=contract,
                number=p.number,
                period_start=p.starts_on,
                period_end=p.ends_on,
                due_on=P.due_on(p, sel.due_days()),
                status=S.SUBMITTED,
                version=1,
                first_submitted_at=timezone.now(),
            )
            _add_submission(
                actor=actor,
                ret=ret,
                version=1,
                commentary=commentary,
                values=values,
                files=checked,
                stored=stored,
            )
            audit_record(
                actor=actor,
                verb="monitoring.return.submitted",
                target=ret,
                changes={
                    "contract": contract.reference,
                    "period": p.number,
                    "figures": {f"KPI {k.position}": v for k, v in values},
                    "evidence": [f"{f.name} ({human_size(len(f.content))})" for f in checked],
                    "late": today > ret.due_on,
                },
            )
    except Exception:
        _cleanup_on_error(stored)
        raise
    return ret


@submitted_once("monitoring.correction", within="monitoring_return")
def return_correct(
    *,
    actor,
    monitoring_return: MonitoringReturn,
    figures: Mapping[int, object],
    answer: str,
    commentary: str = "",
    files: Sequence[UploadedFile] = (),
) -> MonitoringReturn:
    """Answer the council's question with corrected figures (a new version; the earlier
    ones are kept). Only for a queried return. Audited as ``monitoring.return.corrected``."""
    ret = monitoring_return
    require_perm(actor, PROVIDER, ret.contract)
    answer = clean_text(answer, field="answer", limit=TEXT_MAX, label="your answer")
    kpis = sel.contract_kpis(ret.contract)
    months = sel.contract_months(ret.contract, kpis) or 1
    p = P.period(ret.contract.starts_on, ret.contract.ends_on, months, ret.number)
    asked = sel.asked_kpis(kpis, months, p) if p is not None else []
    if not asked:  # the KPIs of the first sending (the contract's KPIs changed since)
        asked = [
            f.kpi
            for f in ReturnFigure.objects.filter(
                submission__monitoring_return=ret, submission__version=ret.version
            ).select_related("kpi")
        ]
    values = _check_figures(asked, figures)
    commentary = _commentary(commentary)
    checked = _check_files(files)
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = _lock_return(ret)
            old = _move(locked, S.SUBMITTED)
            locked.version += 1
            locked.save(update_fields=["status", "version", "updated_at"])
            _add_submission(
                actor=actor,
                ret=locked,
                version=locked.version,
                commentary=commentary,
                values=values,
                files=checked,
                stored=stored,
            )
            ReturnMessage.objects.create(
                monitoring_return=locked,
                kind=MessageKind.ANSWER,
                text=answer,
                version=locked.version,
                author=actor,
                at=timezone.now(),
            )
            audit_record(
                actor=actor,
                verb="monitoring.return.corrected",
                target=locked,
                changes={
                    "status": [old, locked.status],
                    "version": locked.version,
                    "figures": {f"KPI {k.position}": v for k, v in values},
                },
                reason=answer,
            )
    except Exception:
        _cleanup_on_error(stored)
        raise
    return locked


def _message_and_move(actor, ret, *, to: str, kind: str, text: str, verb: str):
    """Inside the caller's transaction: lock the return, move it to ``to``, keep the
    message in its thread and audit ``monitoring.return.<verb>`` with the text as reason."""
    locked = _lock_return(ret)
    old = _move(locked, to)
    locked.save(update_fields=["status", "updated_at"])
    ReturnMessage.objects.create(
        monitoring_return=locked,
        kind=kind,
        text=text,
        version=locked.version,
        author=actor,
        at=timezone.now(),
    )
    audit_record(
        actor=actor,
        verb=f"monitoring.return.{verb}",
        target=locked,
        changes={"status": [old, locked.status]},
        reason=text,
    )
    return locked


def return_answer(*, actor, monitoring_return: MonitoringReturn, answer: str) -> MonitoringReturn:
    """Answer the council's question without changing the figures; the return goes back to
    the officer. Audited as ``monitoring.return.answered``."""
    ret = monitoring_return
    require_perm(actor, PROVIDER, ret.contract)
    answer = clean_text(answer, field="answer", limit=TEXT_MAX, label="your answer")
    with transaction.atomic():
        locked = _message_and_move(
            actor, ret, to=S.SUBMITTED, kind=MessageKind.ANSWER, text=answer, verb="answered"
        )
    return locked


def return_query(*, actor, monitoring_return: MonitoringReturn, question: str) -> MonitoringReturn:
    """Ask the provider a question about a sent return (council officers). The provider
    is emailed. Audited as ``monitoring.return.queried``."""
    ret = monitoring_return
    require_perm(actor, OFFICER, ret.contract)
    question = clean_text(question, field="question", limit=TEXT_MAX, label="your question")
    with transaction.atomic():
        locked = _message_and_move(
            actor, ret, to=S.QUERIED, kind=MessageKind.QUERY, text=question, verb="queried"
        )
        _email_provider(
            locked.contract,
            subject=f"{locked.contract.reference}: a question about your return",
            lines=[
                f"The council has a question about your return for "
                f"{uk_date(locked.period_start)} to {uk_date(locked.period_end)}:",
                "",
                question,
                "",
                "Answer it, or correct the figures, here:",
                settings.SITE_URL
                + reverse(
                    "monitoring:return_detail", args=[locked.contract.reference, locked.number]
                ),
            ],
        )
    return locked


def return_accept(
    *, actor, monitoring_return: MonitoringReturn, note: str = ""
) -> MonitoringReturn:
    """Accept a sent return (council officers); its figures become public on the project
    page. Accepting an accepted return does nothing. Audited as ``monitoring.return.accepted``."""
    ret = monitoring_return
    require_perm(actor, OFFICER, ret.contract)
    note = clean_text(note, field="note", limit=TEXT_MAX, label="the note", required=False)
    with transaction.atomic():
        locked = _lock_return(ret)
        if locked.status == S.ACCEPTED:
            return locked
        old = _move(locked, S.ACCEPTED)
        locked.accepted_at = timezone.now()
        locked.accepted_by = actor
        locked.save(update_fields=["status", "accepted_at", "accepted_by", "updated_at"])
        ReturnMessage.objects.create(
            monitoring_return=locked,
            kind=MessageKind.ACCEPTED,
            text=note,
            version=locked.version,
            author=actor,
            at=locked.accepted_at,
        )
        audit_record(
            actor=actor,
            verb="monitoring.return.accepted",
            target=locked,
            changes={"status": [old, locked.status], "version": locked.version},
            reason=note,
        )
    return locked


# --- emails and reminders -------------------------------------------------------------


def provider_emails(contract: Contract) -> list[str]:
    """Who hears about a contract's returns: the provider's admins (every member when it
    has none) and the organisation's own address."""
    members = Membership.objects.filter(organisation=contract.provider).select_related("user")
    admins = [m.user.email for m in members if m.role == "admin" and m.user.is_active]
    emails = admins or [m.user.email for m in members if m.user.is_active]
    if contract.provider.email:
        emails.append(contract.provider.email)
    return sorted({e.lower() for e in emails if e})


def _email_provider(contract: Contract, *, subject: str, lines: list[str]) -> None:
    to = provider_emails(contract)
    if not to:
        return
    body = "\n".join([f"Dear {contract.provider.name},", "", *lines, "", settings.COUNCIL_NAME])
    transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=to))


def reminders_send_due(*, today: dt.date | None = None) -> list[ReminderSent]:
    """Remind the provider of every late return, at most once a week per return.

    A return is late when its due date has passed and nothing was sent. A contract whose
    framework has not been agreed by both sides gets none (its return would be refused;
    the officer's desk still lists it as late). Each reminder is
    recorded (``ReminderSent``) in the same transaction that queues its email, under a
    lock on the contract, so running this twice (or twice at once) sends nothing twice.
    Audited as ``monitoring.reminder.sent``.
    """
    today = today or timezone.localdate()
    sent = []
    agreed = set(
        FrameworkVersion.objects.filter(agreed_at__isnull=False).values_list(
            "contract_id", flat=True
        )
    )
    for contract, row in sel.late_rows(today=today):
        if contract.pk not in agreed:
            continue  # a return would be refused until the framework is agreed
        with transaction.atomic():
            Contract.objects.select_for_update().filter(pk=contract.pk).first()
            if MonitoringReturn.objects.filter(
                contract=contract, number=row.period.number
            ).exists():
                continue  # sent meanwhile
            recent = ReminderSent.objects.filter(
                contract=contract,
                number=row.period.number,
                sent_on__gt=today - dt.timedelta(days=REMINDER_EVERY_DAYS),
            ).exists()
            if recent:
                continue
            to = provider_emails(contract)
            reminder = ReminderSent.objects.create(
                contract=contract, number=row.period.number, sent_on=today, sent_to=", ".join(to)
            )
            audit_record(
                actor=None,
                verb="monitoring.reminder.sent",
                target=contract,
                changes={"period": row.period.number, "due_on": row.due_on, "to": len(to)},
            )
            _email_provider(
                contract,
                subject=f"{contract.reference}: your return for {row.label.lower()} is late",
                lines=[
                    f"Your monitoring return for {contract.title} ({row.label.lower()}, "
                    f"{uk_date(row.period.starts_on)} to {uk_date(row.period.ends_on)}) "
                    f"was due on {uk_date(row.due_on)} and we have not received it.",
                    "",
                    "Please send it here, or tell your council contact if something is "
                    "stopping you:",
                    settings.SITE_URL
                    + reverse("monitoring:submit", args=[contract.reference, row.period.number]),
                ],
            )
            sent.append(reminder)
    return sent
