"""Writes for contracts: the record made at award (or for a contract let before coproduce),
the monitoring framework and its agreed versions, variations, extensions, early ends and
the named council contact. Each write is one transaction with its audit row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coproduce.foundation.accounts.models import Organisation, User
from coproduce.foundation.commissioning.models import CommissioningProject, Stage
from coproduce.foundation.commissioning.services import project_change_stage
from coproduce.foundation.core.audit import audit_record
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.idempotency import submitted_once
from coproduce.foundation.core.services import counter_next
from coproduce.foundation.core.validation import clean_text, require_perm
from coproduce.plan.procurement_rules import keys
from coproduce.plan.procurement_rules.selectors import rulebook_on
from coproduce.plan.specifications.models import Frequency, RequirementKind
from coproduce.procure.awards.hooks import AwardConfirmation

from . import kpi_terms
from .models import (
    ChangeKind,
    ContactChange,
    Contract,
    ContractChange,
    ContractKPI,
    ContractStatus,
    Direction,
    FrameworkProposal,
    FrameworkVersion,
    MeasureKind,
    ProposalStatus,
)

TEXT_MAX = 5000
TITLE_MAX = 200
MAX_VALUE_PENCE = 10**13  # £100 billion: anything bigger is a typing mistake
MAX_KPIS = 30
MAX_TERM_YEARS = 15
VARIATION_FLAG_RULE = keys.CONTRACT_VARIATION_FLAG_PERCENT


def _day(day: dt.date) -> str:
    """7 December 2026."""
    return f"{day.day} {day:%B %Y}"


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, on the same day of the month or the month's last day."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 always exists


def _add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def _lock(contract: Contract) -> Contract:
    return Contract.objects.select_for_update().get(pk=contract.pk)


def _refuse_if_over(contract: Contract) -> None:
    """Nothing can be changed on a contract that has ended early or ended (call under the
    lock): not its KPIs, framework, proposals, value, dates or contact."""
    if contract.status == ContractStatus.TERMINATED:
        raise ServiceError(
            "contract_ended_early", "This contract has ended early: it cannot be changed."
        )
    if contract.status == ContractStatus.ENDED:
        raise ServiceError("contract_ended", "This contract has ended: it cannot be changed.")


# --- KPIs: reading and checking them ----------------------------------------------------


def figure(value, *, field_name: str, label: str, allow_negative: bool = False) -> Decimal:
    """A KPI figure from a form or the API: a Decimal, or a ServiceError naming the rule."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            number = None
    elif isinstance(value, str) and value.strip():
        text = value.strip().replace(",", "").removeprefix("£").removesuffix("%").strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
    else:
        raise ServiceError("required", f"Enter {label}, as a number.", field=field_name)
    if number is None or not number.is_finite():
        raise ServiceError(
            "not_a_number",
            f"{label[:1].upper()}{label[1:]} must be a number, like 85 or 12.5.",
            field=field_name,
        )
    if abs(number) > kpi_terms.MAX_FIGURE:
        raise ServiceError(
            "too_large", f"{label[:1].upper()}{label[1:]} is too large.", field=field_name
        )
    if number < 0 and not allow_negative:
        raise ServiceError(
            "negative", f"{label[:1].upper()}{label[1:]} cannot be negative.", field=field_name
        )
    if number != number.quantize(Decimal("0.01")):
        raise ServiceError(
            "too_precise",
            f"{label[:1].upper()}{label[1:]} can have at most 2 decimal places.",
            field=field_name,
        )
    return number.quantize(Decimal("0.01"))


def check_thresholds(direction: str, green_from: Decimal, red_beyond: Decimal) -> None:
    """Refuse inverted thresholds, naming the rule (the database refuses them too)."""
    if direction == Direction.HIGHER_IS_BETTER and green_from < red_beyond:
        raise ServiceError(
            "thresholds_inverted",
            "When higher is better, the figure that is green must be at or above the "
            "figure below which a result is red.",
            field="green_from",
        )
    if direction == Direction.LOWER_IS_BETTER and green_from > red_beyond:
        raise ServiceError(
            "thresholds_inverted",
            "When lower is better, the figure that is green must be at or below the "
            "figure above which a result is red.",
            field="green_from",
        )


def _check_percent(kind: str, *values: Decimal) -> None:
    if kind == MeasureKind.PERCENT and any(v > 100 for v in values):
        raise ServiceError(
            "percent_over_100",
            "A percentage cannot be more than 100.",
            field="target",
        )


@dataclass
class KPIData:
    """A KPI as a commissioner enters it for a contract let before coproduce."""

    text: str
    target: object
    unit: str
    frequency: str
    direction: str = Direction.HIGHER_IS_BETTER
    kind: str = ""  # empty: worked out from the unit words


def _kpi_values(data: KPIData, position: int) -> dict:
    where = f"KPI {position}"
    text = clean_text(data.text, field="kpis", limit=TEXT_MAX, label=f"what {where} measures")
    unit = clean_text(
        data.unit, field="kpis", limit=100, label=f"the unit of {where}, for example “% of people”"
    )
    target = figure(data.target, field_name="kpis", label=f"the target of {where}")
    if data.frequency not in Frequency.values:
        raise ServiceError("invalid_choice", f"Choose how often {where} is reported.", field="kpis")
    if data.direction not in Direction.values:
        raise ServiceError(
            "invalid_choice", f"Choose whether higher or lower is better for {where}.", field="kpis"
        )
    kind = data.kind or kpi_terms.infer_kind(unit)
    if kind not in MeasureKind.values:
        raise ServiceError("invalid_choice", f"Choose the kind of figure {where} is.", field="kpis")
    _check_percent(kind, target)
    green, red = kpi_terms.default_thresholds(target, data.direction)
    return {
        "position": position,
        "text": text,
        "target": target,
        "unit": unit,
        "kind": kind,
        "frequency": data.frequency,
        "direction": data.direction,
        "green_from": green,
        "red_beyond": red,
    }


def _kpis_from_specification(contract: Contract) -> list[ContractKPI]:
    """Copy the specification's KPIs into the contract (target parsed, kind and direction
    inferred from the words, default thresholds for that direction).

    Never refuses: a tender keeps the specification version it was published with, so an
    award must be confirmable whatever its KPI targets say. A target with no figure in it
    (a version published before specifications refused one) is copied with its words kept
    in the KPI's text and a note that the council sets the target; the target and
    thresholds start at 0 and the framework cannot be agreed until the council has set
    the target (``framework_problems``).
    """
    spec = contract.award.tender.specification
    made = []
    requirements = spec.requirements.filter(kind=RequirementKind.KPI).order_by("position")
    for position, requirement in enumerate(requirements, start=1):
        target = kpi_terms.parse_figure(requirement.target)
        text = requirement.text
        if target is None:
            target = Decimal("0")
            text = kpi_terms.with_target_to_set(text, requirement.target)
        kind = kpi_terms.infer_kind(requirement.unit)
        # "Days to a first meeting", "complaints": smaller is better, thresholds mirrored.
        direction = kpi_terms.infer_direction(requirement.text, requirement.unit)
        green, red = kpi_terms.default_thresholds(target, direction)
        made.append(
            ContractKPI(
                contract=contract,
                requirement=requirement,
                position=position,
                text=text,
                target=target,
                unit=requirement.unit,
                kind=kind,
                frequency=requirement.frequency or Frequency.QUARTERLY,
                direction=direction,
                green_from=green,
                red_beyond=red,
            )
        )
    return ContractKPI.objects.bulk_create(made)


def _first_contact(*, actor, contract: Contract, contact: User) -> None:
    ContactChange.objects.create(
        contract=contract,
        contact=contact,
        changed_by=actor,
        changed_at=timezone.now(),
        reason="Named when the contract was recorded: the project's responsible officer.",
    )


# --- the contract record -------------------------------------------------------------------


def contract_create_for_award(confirmation: AwardConfirmation) -> Contract:
    """Create the contract for a just-confirmed award (the ``on_award_confirmed`` hook).

    Runs inside ``award_confirm``'s transaction, so the award and its contract are saved
    together or not at all. Reference K-YYYY-NNNN (the year the award was confirmed),
    provider = the winning bid's lead organisation, value = the winning price for the lot,
    from ``starts_on`` for the specification's contract length, extension options from
    the specification. The specification's KPIs are copied (target parsed, kind from the
    unit words, default thresholds; why asked and how used left for the framework), the
    project's owner is the named council contact, and the project moves to deliver (a
    recorded stage decision; skipped when the stage rules do not allow it). Audited as
    ``contracts.contract.created``.
    """
    decision = confirmation.decision
    tender = decision.tender
    spec = tender.specification
    starts_on = confirmation.starts_on
    ends_on = _add_years(starts_on, spec.contract_years) - dt.timedelta(days=1)
    year = timezone.localdate(decision.confirmed_at).year
    number = counter_next(name=f"contracts.contract.{year}")
    title = tender.title + (f": {decision.lot.title}" if decision.lot else "")
    project = tender.project
    extension_months = 12 * spec.extension_years
    contract = Contract.objects.create(
        reference=f"K-{year}-{number:04d}",
        project=project,
        cycle=project.cycle,
        award=decision,
        provider=decision.winning_bid.lead_organisation,
        title=title[:200],
        value_pence=confirmation.value_pence,
        starts_on=starts_on,
        ends_on=ends_on,
        # Running at once when it starts today or started already (confirmed late);
        # otherwise ``contracts_go_live`` moves it on its start date.
        status=(
            ContractStatus.LIVE if starts_on <= timezone.localdate() else ContractStatus.MOBILISING
        ),
        extension_months_available=extension_months,
        extension_terms=(
            f"The council may extend the contract by up to {spec.extension_years} "
            f"year{'s' if spec.extension_years != 1 else ''}, as the specification said."
            if extension_months
            else ""
        ),
        council_contact=project.owner,
    )
    kpis = _kpis_from_specification(contract)
    _first_contact(actor=confirmation.actor, contract=contract, contact=project.owner)
    audit_record(
        actor=confirmation.actor,
        verb="contracts.contract.created",
        target=contract,
        changes={
            "reference": contract.reference,
            "provider": contract.provider.name,
            "value_pence": confirmation.value_pence,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "status": contract.status,
            "kpis": len(kpis),
            "council_contact": project.owner.pk,
        },
    )
    confirmed_on = timezone.localdate(decision.confirmed_at)
    project_change_stage(
        actor=confirmation.actor,
        project=project,
        to_stage=Stage.DELIVER,
        reason=(
            f"The award of tender {tender.reference} to {contract.provider.name} was "
            f"confirmed on {_day(confirmed_on)}: contract {contract.reference} runs from "
            f"{_day(starts_on)} to {_day(ends_on)}."
        ),
        link=reverse("tenders:detail", args=[tender.reference]),
        follows_event=True,
    )
    return contract


@dataclass
class ExistingContractData:
    """A contract let before the council used coproduce, as a commissioner enters it."""

    provider_id: int
    title: str
    value_pence: int
    starts_on: dt.date
    ends_on: dt.date
    extension_months_available: int = 0
    extension_terms: str = ""
    kpis: list[KPIData] = field(default_factory=list)


@submitted_once("contracts.contract", within="project")
def contract_record_existing(
    *, actor, project: CommissioningProject, data: ExistingContractData
) -> Contract:
    """Record a contract let before coproduce, for a project in deliver (no award).

    The commissioner enters the provider, title, value, dates, extension options and
    KPIs (thresholds start at their defaults and are set in the framework). The project's
    owner becomes the named council contact. Audited as ``contracts.contract.recorded``.
    """
    require_perm(actor, "contracts.manage_contract")
    if project.stage != Stage.DELIVER:
        raise ServiceError(
            "project_not_in_deliver",
            "A contract let before coproduce can only be recorded for a project in the "
            "deliver stage.",
        )
    title = clean_text(data.title, field="title", limit=TITLE_MAX, label="a title")
    provider = Organisation.objects.filter(pk=data.provider_id).first()
    if provider is None:
        raise ServiceError(
            "invalid_choice",
            "Choose the organisation that provides the service.",
            field="provider",
        )
    value = _pence(data.value_pence, field_name="value", label="The contract value")
    if value < 0:
        raise ServiceError("negative", "The contract value cannot be negative.", field="value")
    if not isinstance(data.starts_on, dt.date) or not isinstance(data.ends_on, dt.date):
        raise ServiceError("required", "Enter the start and end dates.", field="starts_on")
    if data.ends_on < data.starts_on:
        raise ServiceError(
            "dates_out_of_order",
            "The end date must be on or after the start date.",
            field="ends_on",
        )
    if data.ends_on > _add_years(data.starts_on, MAX_TERM_YEARS):
        raise ServiceError(
            "term_too_long",
            f"A contract cannot run for more than {MAX_TERM_YEARS} years.",
            field="ends_on",
        )
    months = data.extension_months_available
    if not isinstance(months, int) or isinstance(months, bool) or not 0 <= months <= 120:
        raise ServiceError(
            "invalid_extension",
            "Extension options must be between 0 and 120 months.",
            field="extension_months_available",
        )
    terms = clean_text(
        data.extension_terms,
        field="extension_terms",
        limit=300,
        label="the extension terms",
        required=False,
    )
    if not data.kpis:
        raise ServiceError(
            "kpis_required", "Enter at least one KPI the provider reports on.", field="kpis"
        )
    if len(data.kpis) > MAX_KPIS:
        raise ServiceError(
            "too_many", f"A contract can have at most {MAX_KPIS} KPIs.", field="kpis"
        )
    kpi_values = [_kpi_values(k, n) for n, k in enumerate(data.kpis, start=1)]
    today = timezone.localdate()
    with transaction.atomic():
        number = counter_next(name=f"contracts.contract.{today.year}")
        contract = Contract.objects.create(
            reference=f"K-{today.year}-{number:04d}",
            project=project,
            cycle=project.cycle,
            provider=provider,
            title=title,
            value_pence=value,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            status=ContractStatus.LIVE if data.starts_on <= today else ContractStatus.MOBILISING,
            extension_months_available=months,
            extension_terms=terms,
            council_contact=project.owner,
        )
        ContractKPI.objects.bulk_create(ContractKPI(contract=contract, **v) for v in kpi_values)
        _first_contact(actor=actor, contract=contract, contact=project.owner)
        audit_record(
            actor=actor,
            verb="contracts.contract.recorded",
            target=contract,
            changes={
                "reference": contract.reference,
                "provider": provider.name,
                "value_pence": value,
                "starts_on": data.starts_on,
                "ends_on": data.ends_on,
                "kpis": len(kpi_values),
            },
        )
    return contract


def _pence(value, *, field_name: str, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ServiceError("not_a_number", f"{label} must be a number.", field=field_name)
    if abs(value) > MAX_VALUE_PENCE:
        raise ServiceError("too_large", f"{label} is too large. Check it.", field=field_name)
    return value


def contracts_go_live(*, today: dt.date | None = None) -> int:
    """Mark contracts whose start date has come as running (``manage.py contracts_go_live``,
    daily). Returns how many were moved; each is moved once."""
    today = today or timezone.localdate()
    moved = 0
    with transaction.atomic():
        for contract in Contract.objects.select_for_update().filter(
            status=ContractStatus.MOBILISING, starts_on__lte=today
        ):
            contract.status = ContractStatus.LIVE
            contract.save(update_fields=["status", "updated_at"])
            audit_record(
                actor=None,
                verb="contracts.contract.started",
                target=contract,
                changes={"status": [ContractStatus.MOBILISING, ContractStatus.LIVE]},
            )
            moved += 1
    return moved


# --- the monitoring framework -------------------------------------------------------------


@dataclass
class KPIFrameworkData:
    """What the commissioner sets for one KPI in the framework."""

    direction: str
    green_from: object
    red_beyond: object
    why_asked: str
    how_used: str
    target: object = None  # None: unchanged


def framework_snapshot(contract: Contract) -> list[dict]:
    return [
        k.snapshot() for k in ContractKPI.objects.filter(contract=contract).order_by("position")
    ]


def kpi_framework_update(*, actor, kpi: ContractKPI, data: KPIFrameworkData) -> ContractKPI:
    """Set one KPI's direction, thresholds, why it is asked and how it will be used.

    Inverted thresholds are refused with the rule named. Setting the target of a KPI
    whose specification target had no figure clears the "target to be set" note (the
    specification's words stay in its text). Once a version is agreed, an
    edit makes the framework "changed since agreed": a new version needs both sides.
    A half-agreed version (one signature) is cleared, since what was agreed has changed.
    Audited as ``contracts.kpi.updated`` with old and new values.
    """
    require_perm(actor, "contracts.manage_contract", kpi.contract)
    if data.direction not in Direction.values:
        raise ServiceError(
            "invalid_choice", "Choose whether higher or lower is better.", field="direction"
        )
    green = figure(
        data.green_from,
        field_name="green_from",
        label="the figure that is green",
        allow_negative=True,
    )
    red = figure(
        data.red_beyond,
        field_name="red_beyond",
        label="the figure that is red",
        allow_negative=True,
    )
    target_given = not (data.target is None or data.target == "")
    target = (
        figure(data.target, field_name="target", label="the target") if target_given else kpi.target
    )
    check_thresholds(data.direction, green, red)
    _check_percent(kpi.kind, target, green, red)
    why = clean_text(
        data.why_asked,
        field="why_asked",
        limit=TEXT_MAX,
        label="why the measure is asked",
        required=False,
    )
    how = clean_text(
        data.how_used,
        field="how_used",
        limit=TEXT_MAX,
        label="how the measure will be used",
        required=False,
    )
    with transaction.atomic():
        _refuse_if_over(_lock(kpi.contract))
        locked = ContractKPI.objects.select_for_update().get(pk=kpi.pk)
        new = {
            # Setting the target of a KPI whose specification target had no figure keeps
            # the specification's words but drops the note that it is still to be set.
            "text": kpi_terms.with_target_set(locked.text) if target_given else locked.text,
            "direction": data.direction,
            "green_from": green,
            "red_beyond": red,
            "target": target,
            "why_asked": why,
            "how_used": how,
        }
        changes = {
            name: [str(getattr(locked, name)), str(value)]
            for name, value in new.items()
            if getattr(locked, name) != value
        }
        if not changes:
            return locked
        for name, value in new.items():
            setattr(locked, name, value)
        locked.save()
        _clear_half_agreement(locked.contract_id)
        audit_record(actor=actor, verb="contracts.kpi.updated", target=locked, changes=changes)
    return locked


def _clear_half_agreement(contract_id: int) -> None:
    FrameworkVersion.objects.filter(contract_id=contract_id, agreed_at__isnull=True).delete()


@submitted_once("contracts.proposal", within="kpi")
def framework_propose(*, actor, kpi: ContractKPI, text: str) -> FrameworkProposal:
    """The provider proposes a change to one KPI (kept; the council answers it)."""
    require_perm(actor, "contracts.act_for_provider", kpi.contract)
    text = clean_text(text, field="text", limit=TEXT_MAX, label="the change you propose")
    with transaction.atomic():
        _refuse_if_over(_lock(kpi.contract))
        proposal = FrameworkProposal.objects.create(
            contract=kpi.contract,
            kpi=kpi,
            text=text,
            proposed_by=actor,
            proposed_at=timezone.now(),
        )
        _clear_half_agreement(kpi.contract_id)
        audit_record(
            actor=actor,
            verb="contracts.proposal.made",
            target=proposal,
            changes={"kpi": kpi.position, "text": text},
        )
    return proposal


def framework_proposal_decide(
    *, actor, proposal: FrameworkProposal, accept: bool, reason: str
) -> FrameworkProposal:
    """The commissioner accepts or declines a proposal, with a reason (both kept)."""
    require_perm(actor, "contracts.manage_contract", proposal.contract)
    reason = clean_text(reason, field="reason", limit=TEXT_MAX, label="the reason for your answer")
    with transaction.atomic():
        _refuse_if_over(_lock(proposal.contract))
        locked = FrameworkProposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status != ProposalStatus.OPEN:
            raise ServiceError("already_answered", "This proposal has already been answered.")
        locked.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.DECLINED
        locked.decision_reason = reason
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save()
        audit_record(
            actor=actor,
            verb="contracts.proposal.decided",
            target=locked,
            changes={"status": [ProposalStatus.OPEN, locked.status]},
            reason=reason,
        )
    return locked


def framework_problems(contract: Contract) -> list[ServiceError]:
    """What stops the framework being agreed now (empty when it can be)."""
    problems = []
    kpis = list(ContractKPI.objects.filter(contract=contract).order_by("position"))
    if not kpis:
        problems.append(ServiceError("no_kpis", "The contract has no KPIs to agree."))
    for kpi in kpis:
        words = kpi_terms.target_to_set(kpi.text)
        if words is not None:
            problems.append(
                ServiceError(
                    "kpi_target_to_set",
                    f"KPI {kpi.position} has no target yet: the specification said “{words}”, "
                    "which is not a figure. Set its target before the framework is agreed.",
                )
            )
        if not kpi.why_asked.strip() or not kpi.how_used.strip():
            problems.append(
                ServiceError(
                    "why_and_how_required",
                    f"KPI {kpi.position} needs both why it is asked and how it will be used "
                    "before the framework can be agreed.",
                )
            )
    open_count = FrameworkProposal.objects.filter(
        contract=contract, status=ProposalStatus.OPEN
    ).count()
    if open_count:
        problems.append(
            ServiceError(
                "proposals_open",
                f"{open_count} proposed change{'s' if open_count != 1 else ''} from the "
                "provider must be accepted or declined before the framework can be agreed.",
            )
        )
    return problems


def framework_agree(*, actor, contract: Contract, side: str) -> FrameworkVersion:
    """One side agrees the framework as it stands (``side`` "council" or "provider").

    Refused while a KPI has no target yet (its specification target had no figure), lacks
    why it is asked or how it is used, or a proposal is open.
    The version waiting for signatures is the current snapshot; when both sides have
    agreed the same snapshot it is fixed (``agreed_at``). Agreeing again when nothing has
    changed since the last fixed version does nothing. Audited as
    ``contracts.framework.agreed`` (and ``contracts.framework.fixed`` when both have).
    """
    if side == "council":
        require_perm(actor, "contracts.manage_contract", contract)
    elif side == "provider":
        require_perm(actor, "contracts.act_for_provider", contract)
    else:
        raise NotFound()
    with transaction.atomic():
        locked = _lock(contract)
        _refuse_if_over(locked)
        problems = framework_problems(locked)
        if problems:
            raise problems[0]
        snapshot = framework_snapshot(locked)
        versions = FrameworkVersion.objects.select_for_update().filter(contract=locked)
        latest = versions.order_by("-number").first()
        if latest is not None and latest.is_agreed and latest.kpis == snapshot:
            return latest
        now = timezone.now()
        if latest is None or latest.is_agreed or latest.kpis != snapshot:
            if latest is not None and not latest.is_agreed:
                latest.delete()
                number = latest.number
            else:
                number = (latest.number + 1) if latest else 1
            latest = FrameworkVersion.objects.create(contract=locked, number=number, kpis=snapshot)
        if side == "council":
            latest.council_agreed_by, latest.council_agreed_at = actor, now
        else:
            latest.provider_agreed_by, latest.provider_agreed_at = actor, now
        fixed = latest.council_agreed_at is not None and latest.provider_agreed_at is not None
        if fixed:
            latest.agreed_at = now
        latest.save()
        audit_record(
            actor=actor,
            verb="contracts.framework.agreed",
            target=locked,
            changes={"version": latest.number, "side": side},
        )
        if fixed:
            audit_record(
                actor=actor,
                verb="contracts.framework.fixed",
                target=locked,
                changes={"version": latest.number, "kpis": len(snapshot)},
            )
    return latest


# --- variations, extensions, termination ----------------------------------------------------


@dataclass
class ChangeData:
    kind: str
    reason: str
    value_change_pence: int
    effective_on: dt.date
    approved_by: str
    extension_months: int = 0


def variation_limit(day: dt.date):
    """The procurement rule that flags variations (its value is a percentage)."""
    return rulebook_on(day).rule(VARIATION_FLAG_RULE)


def original_value_pence(contract: Contract) -> int:
    """The value when the contract was let: today's value less every recorded change."""
    total = sum(
        ContractChange.objects.filter(contract=contract).values_list(
            "value_change_pence", flat=True
        )
    )
    return contract.value_pence - total


@submitted_once("contracts.change", within="contract")
def contract_change_record(*, actor, contract: Contract, data: ChangeData) -> ContractChange:
    """Record a variation, extension or early end, with its reason, value change, date and
    who approved it.

    * variation: the value changes (may go down); flagged when the running total of
      variations is above the rules table's percentage of the original value;
    * extension: moves the end date by whole months, never beyond the months still
      available;
    * termination: the contract ends early on the effective date (status "ended early").

    Nothing can be changed on a contract that has ended early or ended. While notice runs
    (status "ending", given by a decommissioning) only a variation can be recorded: no
    early end and no extension, so nothing ends before the notice period. Audited as
    ``contracts.contract.<kind>``.
    """
    require_perm(actor, "contracts.manage_contract", contract)
    if data.kind not in ChangeKind.values:
        raise ServiceError("invalid_choice", "Choose the kind of change.", field="kind")
    reason = clean_text(
        data.reason, field="reason", limit=TEXT_MAX, label="the reason for the change"
    )
    approved_by = clean_text(
        data.approved_by, field="approved_by", limit=200, label="who approved the change"
    )
    change = _pence(data.value_change_pence, field_name="value_change", label="The change in value")
    if not isinstance(data.effective_on, dt.date):
        raise ServiceError(
            "required", "Enter the date the change takes effect.", field="effective_on"
        )
    months = data.extension_months if data.kind == ChangeKind.EXTENSION else 0
    if data.kind == ChangeKind.EXTENSION and (
        isinstance(months, bool) or not isinstance(months, int) or months < 1
    ):
        raise ServiceError(
            "extension_months_required",
            "Enter how many months the contract is extended by (at least 1).",
            field="extension_months",
        )
    if data.kind != ChangeKind.VARIATION and change < 0:
        raise ServiceError(
            "negative",
            "Only a variation can lower the contract value.",
            field="value_change",
        )
    with transaction.atomic():
        locked = _lock(contract)
        _refuse_if_over(locked)
        if locked.status == ContractStatus.ENDING and data.kind != ChangeKind.VARIATION:
            # Notice was given (a decommissioning): the end date is the service's last day,
            # on or after the day the notice ends, and nothing may end before the notice.
            raise ServiceError(
                "notice_given",
                f"Notice has been given that this contract ends on {_day(locked.ends_on)}. "
                "Nothing may end before the notice period, and the end date cannot be "
                "changed while the notice runs, so it cannot be "
                + ("ended early." if data.kind == ChangeKind.TERMINATION else "extended."),
                field="kind",
            )
        if data.effective_on < locked.starts_on:
            raise ServiceError(
                "before_start",
                f"The change cannot take effect before the contract starts "
                f"({_day(locked.starts_on)}).",
                field="effective_on",
            )
        if locked.value_pence + change < 0:
            raise ServiceError(
                "value_below_zero",
                "The change would make the contract value less than zero.",
                field="value_change",
            )
        ends_before = locked.ends_on
        ends_after = locked.ends_on
        flagged, flag_text = False, ""
        if data.kind == ChangeKind.EXTENSION:
            used = sum(
                locked.changes.filter(kind=ChangeKind.EXTENSION).values_list(
                    "extension_months", flat=True
                )
            )
            left = locked.extension_months_available - used
            if months > left:
                raise ServiceError(
                    "extension_beyond_available",
                    f"The contract can be extended by {left} more month"
                    f"{'s' if left != 1 else ''} at most (the extension options were "
                    f"{locked.extension_months_available} months in all).",
                    field="extension_months",
                )
            ends_after = add_months(locked.ends_on + dt.timedelta(days=1), months) - dt.timedelta(
                days=1
            )
        elif data.kind == ChangeKind.TERMINATION:
            if data.effective_on > locked.ends_on:
                raise ServiceError(
                    "after_end",
                    f"An early end must be on or before the current end date "
                    f"({_day(locked.ends_on)}).",
                    field="effective_on",
                )
            ends_after = data.effective_on
        else:
            original = original_value_pence(locked)
            rule = variation_limit(data.effective_on)
            running = change + sum(
                locked.changes.filter(kind=ChangeKind.VARIATION).values_list(
                    "value_change_pence", flat=True
                )
            )
            if original > 0 and running * 100 > rule.value * original:
                flagged = True
                flag_text = (
                    f"Variations so far add {running * 100 / original:.0f}% to the value the "
                    f"contract was let at, above the {rule.value}% limit: {rule.label} "
                    f"({rule.source_title})."
                )
        row = ContractChange.objects.create(
            contract=locked,
            kind=data.kind,
            reason=reason,
            value_change_pence=change,
            effective_on=data.effective_on,
            approved_by=approved_by,
            extension_months=months,
            ends_on_before=ends_before,
            ends_on_after=ends_after,
            flagged=flagged,
            flag_text=flag_text,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        old = {
            "value_pence": locked.value_pence,
            "ends_on": locked.ends_on,
            "status": locked.status,
        }
        locked.value_pence += change
        locked.ends_on = ends_after
        if data.kind == ChangeKind.TERMINATION:
            locked.status = ContractStatus.TERMINATED
        locked.save(update_fields=["value_pence", "ends_on", "status", "updated_at"])
        audit_record(
            actor=actor,
            verb=f"contracts.contract.{data.kind}",
            target=locked,
            changes={
                name: [value, getattr(locked, name)]
                for name, value in old.items()
                if getattr(locked, name) != value
            }
            | {"approved_by": approved_by, "flagged": flagged},
            reason=reason,
        )
    return row


# --- the named council contact ---------------------------------------------------------------


def contract_contact_change(*, actor, contract: Contract, contact_id: int, reason: str) -> Contract:
    """Name a new council contact for the contract, with a reason (kept as a record).
    Refused once the contract has ended early or ended."""
    require_perm(actor, "contracts.manage_contract", contract)
    reason = clean_text(
        reason, field="reason", limit=TEXT_MAX, label="the reason for the change of contact"
    )
    contact = (
        User.objects.filter(pk=contact_id, is_active=True).first()
        if isinstance(contact_id, int) and not isinstance(contact_id, bool)
        else None
    )
    if contact is None or not contact.is_council_staff:
        raise ServiceError(
            "invalid_contact", "Choose a council officer as the contact.", field="contact"
        )
    with transaction.atomic():
        locked = _lock(contract)
        _refuse_if_over(locked)
        if locked.council_contact_id == contact.pk:
            raise ServiceError(
                "same_contact", f"{contact.full_name} is already the contact.", field="contact"
            )
        before = locked.council_contact_id
        locked.council_contact = contact
        locked.save(update_fields=["council_contact", "updated_at"])
        ContactChange.objects.create(
            contract=locked,
            contact=contact,
            changed_by=actor,
            changed_at=timezone.now(),
            reason=reason,
        )
        audit_record(
            actor=actor,
            verb="contracts.contract.contact_changed",
            target=locked,
            changes={"council_contact": [before, contact.pk]},
            reason=reason,
        )
    return locked
