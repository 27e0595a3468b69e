"""Writes for contracts: the contract record created when an award is confirmed."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from coproduce.foundation.core.audit import audit_record
from coproduce.foundation.core.services import counter_next
from coproduce.procure.awards.hooks import AwardConfirmation

from .models import Contract


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February → 28 February
        return day.replace(year=day.year + years, day=28)


def contract_create_for_award(confirmation: AwardConfirmation) -> Contract:
    """Create the contract for a just-confirmed award (the ``on_award_confirmed`` hook).

    Runs inside ``award_confirm``'s transaction, so the award and its contract are saved
    together or not at all. Reference K-YYYY-NNNN (the year the award was confirmed),
    provider = the winning bid's lead organisation, value = the winning price for the lot,
    from ``starts_on`` for the specification's contract length. Audited as
    ``contracts.contract.created``.
    """
    decision = confirmation.decision
    tender = decision.tender
    starts_on = confirmation.starts_on
    ends_on = _add_years(starts_on, tender.specification.contract_years) - dt.timedelta(days=1)
    year = timezone.localdate(decision.confirmed_at).year
    number = counter_next(name=f"contracts.contract.{year}")
    title = tender.title + (f": {decision.lot.title}" if decision.lot else "")
    contract = Contract.objects.create(
        reference=f"K-{year}-{number:04d}",
        project=tender.project,
        award=decision,
        provider=decision.winning_bid.lead_organisation,
        title=title[:200],
        value_pence=confirmation.value_pence,
        starts_on=starts_on,
        ends_on=ends_on,
    )
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
        },
    )
    return contract
