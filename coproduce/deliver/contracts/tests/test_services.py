"""Contract services: the framework and its agreed versions, variations, extensions, early
ends, contacts, contracts let before coproduce; bad input refused with the rule named."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from coproduce.deliver.contracts import services as svc
from coproduce.deliver.contracts.models import (
    ContactChange,
    Contract,
    ContractChange,
    ContractKPI,
    ContractStatus,
    FrameworkVersion,
)
from coproduce.foundation.accounts.tests.factories import OrganisationFactory, make_member
from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.commissioning.tests.factories import make_project
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent

from .factories import contract_with_kpis

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract():
    return contract_with_kpis(2)


@pytest.fixture
def member(contract):
    user, _ = make_member(contract.provider)
    return user


def _framework(**kw) -> svc.KPIFrameworkData:
    values = {
        "direction": "higher",
        "green_from": "85",
        "red_beyond": "70",
        "why_asked": "People told us it matters.",
        "how_used": "Looked at every quarter.",
    }
    values.update(kw)
    return svc.KPIFrameworkData(**values)


def _ready(commissioner, contract):
    for kpi in contract.kpis.all():
        svc.kpi_framework_update(actor=commissioner, kpi=kpi, data=_framework())


def test_inverted_thresholds_are_refused_naming_the_rule(commissioner, contract):
    kpi = contract.kpis.first()
    with pytest.raises(ServiceError) as info:
        svc.kpi_framework_update(
            actor=commissioner, kpi=kpi, data=_framework(green_from="60", red_beyond="70")
        )
    assert info.value.code == "thresholds_inverted"
    assert "higher is better" in info.value.message
    with pytest.raises(ServiceError) as info:
        svc.kpi_framework_update(
            actor=commissioner, kpi=kpi, data=_framework(direction="lower", green_from="80")
        )
    assert info.value.code == "thresholds_inverted"
    kpi.refresh_from_db()
    assert kpi.green_from == Decimal("85") and kpi.why_asked == ""


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("green_from", "eighty", "not_a_number"),
        ("red_beyond", "", "required"),
        ("green_from", "1e400", "too_large"),
        ("red_beyond", "70.123", "too_precise"),
        ("target", "-5", "negative"),
        ("green_from", "120", "percent_over_100"),
        ("direction", "sideways", "invalid_choice"),
    ],
)
def test_bad_figures_are_refused_and_nothing_saved(commissioner, contract, field, value, code):
    kpi = contract.kpis.first()
    with pytest.raises(ServiceError) as info:
        svc.kpi_framework_update(actor=commissioner, kpi=kpi, data=_framework(**{field: value}))
    assert info.value.code == code
    assert not AuditEvent.objects.filter(verb="contracts.kpi.updated").exists()


def test_only_commissioners_edit_the_framework(provider, member, contract):
    with pytest.raises(NotFound):
        svc.kpi_framework_update(actor=member, kpi=contract.kpis.first(), data=_framework())


def test_agreeing_needs_why_and_how_and_answered_proposals(commissioner, member, contract):
    with pytest.raises(ServiceError) as info:
        svc.framework_agree(actor=commissioner, contract=contract, side="council")
    assert info.value.code == "why_and_how_required"
    _ready(commissioner, contract)
    proposal = svc.framework_propose(
        actor=member, kpi=contract.kpis.first(), text="Ask every six months instead."
    )
    with pytest.raises(ServiceError) as info:
        svc.framework_agree(actor=member, contract=contract, side="provider")
    assert info.value.code == "proposals_open"
    with pytest.raises(ServiceError) as info:
        svc.framework_proposal_decide(
            actor=commissioner, proposal=proposal, accept=False, reason="  "
        )
    assert info.value.code == "required"
    svc.framework_proposal_decide(
        actor=commissioner, proposal=proposal, accept=False, reason="Quarterly is needed."
    )
    with pytest.raises(ServiceError):
        svc.framework_proposal_decide(
            actor=commissioner, proposal=proposal, accept=True, reason="Changed my mind."
        )
    half = svc.framework_agree(actor=member, contract=contract, side="provider")
    assert not half.is_agreed
    version = svc.framework_agree(actor=commissioner, contract=contract, side="council")
    assert version.is_agreed and version.number == 1
    assert version.provider_agreed_by == member and version.council_agreed_by == commissioner
    assert [k["position"] for k in version.kpis] == [1, 2]
    # Agreeing again with nothing changed does nothing.
    assert svc.framework_agree(actor=member, contract=contract, side="provider") == version


def test_an_edit_after_agreement_needs_a_new_version_and_the_old_one_stays(
    commissioner, member, contract
):
    _ready(commissioner, contract)
    svc.framework_agree(actor=member, contract=contract, side="provider")
    first = svc.framework_agree(actor=commissioner, contract=contract, side="council")
    kpi = contract.kpis.first()
    svc.kpi_framework_update(actor=commissioner, kpi=kpi, data=_framework(green_from="90"))
    first.refresh_from_db()
    assert first.kpis[0]["green_from"] == "85.00"  # fixed
    half = svc.framework_agree(actor=commissioner, contract=contract, side="council")
    assert half.number == 2 and not half.is_agreed
    # A change before the provider agrees clears the council's signature.
    svc.kpi_framework_update(actor=commissioner, kpi=kpi, data=_framework(green_from="88"))
    assert not FrameworkVersion.objects.filter(contract=contract, number=2).exists()
    svc.framework_agree(actor=member, contract=contract, side="provider")
    second = svc.framework_agree(actor=commissioner, contract=contract, side="council")
    assert second.number == 2 and second.is_agreed
    assert second.kpis[0]["green_from"] == "88.00"


def test_a_provider_of_another_organisation_cannot_propose_or_agree(commissioner, contract):
    stranger, _ = make_member()
    with pytest.raises(NotFound):
        svc.framework_propose(actor=stranger, kpi=contract.kpis.first(), text="Change it.")
    with pytest.raises(NotFound):
        svc.framework_agree(actor=stranger, contract=contract, side="provider")
    with pytest.raises(NotFound):
        svc.framework_agree(actor=stranger, contract=contract, side="council")


def _change(**kw) -> svc.ChangeData:
    values = {
        "kind": "variation",
        "reason": "More people were referred than planned.",
        "value_change_pence": 50_000_00,
        "effective_on": dt.date(2027, 10, 1),
        "approved_by": "Cabinet member for adult social care",
    }
    values.update(kw)
    return svc.ChangeData(**values)


def test_variation_changes_the_value_and_is_flagged_above_the_rule(commissioner, contract):
    first = svc.contract_change_record(actor=commissioner, contract=contract, data=_change())
    assert not first.flagged
    contract.refresh_from_db()
    assert contract.value_pence == 350_000_00
    # 50,000 + 110,000 = 160,000 on 300,000 let: 53% > 50%.
    second = svc.contract_change_record(
        actor=commissioner, contract=contract, data=_change(value_change_pence=110_000_00)
    )
    assert second.flagged
    assert "50%" in second.flag_text and "Procurement Act 2023" in second.flag_text
    down = svc.contract_change_record(
        actor=commissioner, contract=contract, data=_change(value_change_pence=-20_000_00)
    )
    assert down.value_change_pence == -20_000_00
    contract.refresh_from_db()
    assert svc.original_value_pence(contract) == 300_000_00


def test_extension_moves_the_end_and_cannot_exceed_the_months_available(commissioner, contract):
    change = svc.contract_change_record(
        actor=commissioner,
        contract=contract,
        data=_change(kind="extension", extension_months=6, value_change_pence=0),
    )
    assert change.ends_on_after == dt.date(2030, 9, 30)
    with pytest.raises(ServiceError) as info:
        svc.contract_change_record(
            actor=commissioner,
            contract=contract,
            data=_change(kind="extension", extension_months=7, value_change_pence=0),
        )
    assert info.value.code == "extension_beyond_available"
    assert "6 more months" in info.value.message
    contract.refresh_from_db()
    assert contract.ends_on == dt.date(2030, 9, 30)
    assert ContractChange.objects.filter(contract=contract).count() == 1


def test_termination_ends_the_contract_early_and_then_nothing_changes(commissioner, contract):
    svc.contract_change_record(
        actor=commissioner,
        contract=contract,
        data=_change(kind="termination", value_change_pence=0, effective_on=dt.date(2028, 3, 31)),
    )
    contract.refresh_from_db()
    assert contract.status == ContractStatus.TERMINATED
    assert contract.ends_on == dt.date(2028, 3, 31)
    with pytest.raises(ServiceError) as info:
        svc.contract_change_record(actor=commissioner, contract=contract, data=_change())
    assert info.value.code == "contract_ended_early"


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"kind": "termination", "value_change_pence": 0}, "ended early"),
        (
            {"kind": "termination", "value_change_pence": 0, "effective_on": dt.date(2029, 3, 31)},
            "ended early",
        ),
        ({"kind": "extension", "extension_months": 3, "value_change_pence": 0}, "extended"),
    ],
)
def test_while_notice_runs_nothing_ends_early_and_the_end_date_stays(
    commissioner, contract, overrides, words
):
    # Notice given by a decommissioning: the contract ends on the service's last day.
    Contract.objects.filter(pk=contract.pk).update(
        status=ContractStatus.ENDING, ends_on=dt.date(2029, 6, 30)
    )
    with pytest.raises(ServiceError) as info:
        svc.contract_change_record(actor=commissioner, contract=contract, data=_change(**overrides))
    assert info.value.code == "notice_given"
    assert "Notice has been given that this contract ends on 30 June 2029" in info.value.message
    assert "Nothing may end before the notice period" in info.value.message
    assert words in info.value.message
    assert not ContractChange.objects.exists()
    contract.refresh_from_db()
    assert (contract.status, contract.ends_on) == (ContractStatus.ENDING, dt.date(2029, 6, 30))


def test_while_notice_runs_a_variation_can_still_be_recorded(commissioner, contract):
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.ENDING)
    svc.contract_change_record(actor=commissioner, contract=contract, data=_change())
    contract.refresh_from_db()
    assert contract.value_pence == 350_000_00 and contract.status == ContractStatus.ENDING


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"reason": ""}, "required"),
        ({"approved_by": "  "}, "required"),
        ({"kind": "merger"}, "invalid_choice"),
        ({"value_change_pence": "lots"}, "not_a_number"),
        ({"value_change_pence": -400_000_00}, "value_below_zero"),
        ({"effective_on": dt.date(2026, 1, 1)}, "before_start"),
        (
            {"kind": "extension", "extension_months": 0, "value_change_pence": 0},
            "extension_months_required",
        ),
        ({"kind": "extension", "extension_months": 3, "value_change_pence": -1}, "negative"),
        (
            {"kind": "termination", "effective_on": dt.date(2031, 1, 1), "value_change_pence": 0},
            "after_end",
        ),
    ],
)
def test_bad_changes_are_refused_and_nothing_saved(commissioner, contract, overrides, code):
    with pytest.raises(ServiceError) as info:
        svc.contract_change_record(actor=commissioner, contract=contract, data=_change(**overrides))
    assert info.value.code == code
    assert not ContractChange.objects.exists()
    contract.refresh_from_db()
    assert contract.value_pence == 300_000_00


def test_a_double_submitted_change_is_recorded_once(commissioner, contract):
    key = "change-key-0123456789abcdef"
    one = svc.contract_change_record(
        actor=commissioner, contract=contract, data=_change(), submission_key=key
    )
    two = svc.contract_change_record(
        actor=commissioner, contract=contract, data=_change(), submission_key=key
    )
    assert one == two
    assert ContractChange.objects.count() == 1


def test_contact_change_needs_a_reason_and_an_officer(commissioner, finance, provider, contract):
    with pytest.raises(ServiceError) as info:
        svc.contract_contact_change(
            actor=commissioner, contract=contract, contact_id=finance.pk, reason=""
        )
    assert info.value.code == "required"
    with pytest.raises(ServiceError) as info:
        svc.contract_contact_change(
            actor=commissioner, contract=contract, contact_id=provider.pk, reason="New team."
        )
    assert info.value.code == "invalid_contact"
    svc.contract_contact_change(
        actor=commissioner, contract=contract, contact_id=finance.pk, reason="New team."
    )
    contract.refresh_from_db()
    assert contract.council_contact == finance
    assert ContactChange.objects.get(contract=contract).reason == "New team."


@pytest.mark.parametrize(
    ("status", "code"),
    [(ContractStatus.TERMINATED, "contract_ended_early"), (ContractStatus.ENDED, "contract_ended")],
)
def test_nothing_can_be_changed_after_an_early_end_or_the_end(
    commissioner, member, finance, contract, status, code
):
    kpi = contract.kpis.order_by("position").first()
    proposal = svc.framework_propose(actor=member, kpi=kpi, text="Ask every six months.")
    Contract.objects.filter(pk=contract.pk).update(status=status)
    contract.refresh_from_db()
    attempts = [
        lambda: svc.kpi_framework_update(actor=commissioner, kpi=kpi, data=_framework()),
        lambda: svc.framework_propose(actor=member, kpi=kpi, text="Another change."),
        lambda: svc.framework_proposal_decide(
            actor=commissioner, proposal=proposal, accept=True, reason="Fine."
        ),
        lambda: svc.framework_agree(actor=commissioner, contract=contract, side="council"),
        lambda: svc.contract_change_record(actor=commissioner, contract=contract, data=_change()),
        lambda: svc.contract_contact_change(
            actor=commissioner, contract=contract, contact_id=finance.pk, reason="New team."
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ServiceError) as info:
            attempt()
        assert info.value.code == code
        assert "it cannot be changed" in info.value.message
    kpi.refresh_from_db()
    assert not kpi.why_asked
    assert contract.proposals.get().status == "open"
    assert not FrameworkVersion.objects.exists() and not ContractChange.objects.exists()
    assert not ContactChange.objects.filter(contract=contract).exists()


def _project_in_deliver(commissioner) -> CommissioningProject:
    project = make_project(actor=commissioner, published=True)
    CommissioningProject.objects.filter(pk=project.pk).update(stage="deliver")
    project.refresh_from_db()
    return project


def _existing(provider_id, **kw) -> svc.ExistingContractData:
    values = {
        "provider_id": provider_id,
        "title": "Day services",
        "value_pence": 900_000_00,
        "starts_on": dt.date(2024, 4, 1),
        "ends_on": dt.date(2027, 3, 31),
        "kpis": [
            svc.KPIData(text="Places used", target="85", unit="% of places", frequency="monthly"),
            svc.KPIData(
                text="Wait for a place",
                target="20",
                unit="days",
                frequency="quarterly",
                direction="lower",
            ),
        ],
    }
    values.update(kw)
    return svc.ExistingContractData(**values)


def test_record_a_contract_let_before_coproduce(commissioner):
    project = _project_in_deliver(commissioner)
    org = OrganisationFactory()
    contract = svc.contract_record_existing(
        actor=commissioner, project=project, data=_existing(org.pk)
    )
    assert contract.award is None and contract.status == ContractStatus.LIVE
    assert contract.council_contact == project.owner
    kpis = list(contract.kpis.order_by("position"))
    assert [k.kind for k in kpis] == ["percent", "days"]
    assert (kpis[1].green_from, kpis[1].red_beyond) == (Decimal("20"), Decimal("24"))
    assert ContactChange.objects.filter(contract=contract).count() == 1


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"kpis": []}, "kpis_required"),
        (
            {"kpis": [svc.KPIData(text="x", target="lots", unit="people", frequency="monthly")]},
            "not_a_number",
        ),
        (
            {"kpis": [svc.KPIData(text="x", target="5", unit="people", frequency="weekly")]},
            "invalid_choice",
        ),
        ({"ends_on": dt.date(2023, 1, 1)}, "dates_out_of_order"),
        ({"title": ""}, "required"),
        ({"value_pence": -1}, "negative"),
        ({"provider_id": 0}, "invalid_choice"),
    ],
)
def test_bad_existing_contracts_are_refused(commissioner, overrides, code):
    project = _project_in_deliver(commissioner)
    org = OrganisationFactory()
    with pytest.raises(ServiceError) as info:
        svc.contract_record_existing(
            actor=commissioner,
            project=project,
            data=_existing(**{"provider_id": org.pk, **overrides}),
        )
    assert info.value.code == code
    assert not Contract.objects.exists() and not ContractKPI.objects.exists()


def test_existing_contracts_only_for_projects_in_deliver(commissioner, provider):
    project = make_project(actor=commissioner)
    with pytest.raises(ServiceError) as info:
        svc.contract_record_existing(
            actor=commissioner, project=project, data=_existing(OrganisationFactory().pk)
        )
    assert info.value.code == "project_not_in_deliver"
    with pytest.raises(NotFound):
        svc.contract_record_existing(
            actor=provider, project=project, data=_existing(OrganisationFactory().pk)
        )


def test_contracts_go_live_on_their_start_date(contract):
    assert svc.contracts_go_live(today=dt.date(2027, 3, 31)) == 0
    assert svc.contracts_go_live(today=dt.date(2027, 4, 1)) == 1
    contract.refresh_from_db()
    assert contract.status == ContractStatus.LIVE


def test_the_daily_command_moves_each_contract_once(contract):
    out = io.StringIO()
    call_command("contracts_go_live", "--today", "2027-03-31", stdout=out)
    assert "0 contracts started running." in out.getvalue()
    call_command("contracts_go_live", "--today", "2027-04-01", stdout=out)
    assert "1 contract started running." in out.getvalue()
    contract.refresh_from_db()
    assert contract.status == ContractStatus.LIVE
    call_command("contracts_go_live", stdout=out)  # today, long after: nothing left to move
    assert out.getvalue().endswith("0 contracts started running.\n")
    assert AuditEvent.objects.filter(verb="contracts.contract.started").count() == 1


@pytest.mark.parametrize("day", ["31/03/2027", "2027-02-30", "tomorrow"])
def test_the_daily_command_refuses_a_date_it_cannot_read(contract, day):
    with pytest.raises(CommandError, match="Give --today as a date like 2027-03-31"):
        call_command("contracts_go_live", "--today", day, stdout=io.StringIO())
    contract.refresh_from_db()
    assert contract.status == ContractStatus.MOBILISING
