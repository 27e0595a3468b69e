"""Who may do what with a contract. Every deliver app asks these (through ``has_perm``).

* council staff read every contract; commissioners (and platform admins) manage them;
* the provider's members read their own contracts and act for them (monitoring returns,
  replies, proposals); they never see anyone else's;
* the public sees what the project page publishes, through selectors, not these rules.
"""

import rules

from coproduce.foundation.accounts.rules import (
    is_commissioner,
    is_council_staff,
    is_org_admin,
    is_org_member,
)


@rules.predicate
def is_contract_provider(user, contract) -> bool:
    """A member of the organisation that holds ``contract``."""
    return contract is not None and is_org_member(user, contract.provider)


@rules.predicate
def is_contract_provider_admin(user, contract) -> bool:
    """An admin of the organisation that holds ``contract`` (agrees frameworks, replies)."""
    return contract is not None and is_org_admin(user, contract.provider)


rules.add_perm("contracts.view_list", is_council_staff)
# Read one contract and everything hung on it (returns, feedback summaries, plans).
rules.add_perm("contracts.view_contract", is_council_staff | is_contract_provider)
# Council side: set up KPIs and thresholds, accept or query returns, record changes,
# verify social value, run reviews and decommissioning.
rules.add_perm("contracts.manage_contract", is_commissioner)
# Provider side: submit returns, propose framework changes, answer queries and reports.
rules.add_perm("contracts.act_for_provider", is_contract_provider)
