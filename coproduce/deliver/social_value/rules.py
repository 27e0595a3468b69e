"""Who may do what with social value beyond one contract.

Everything on a contract (commitments, deliveries, evidence, verification) is asked of
the contract's own rules (``contracts.view_contract``, ``contracts.manage_contract``,
``contracts.act_for_provider``). These cover what belongs to no single contract: the
council's measure table and SROI analyses, which may be for a whole project.
"""

import rules

from coproduce.foundation.accounts.rules import is_commissioner, is_council_staff

# Read the measure table's versions, the verification queue and draft SROI analyses.
rules.add_perm("social_value.view_staff", is_council_staff)
# Import a measure table; write, change and publish SROI analyses.
rules.add_perm("social_value.manage", is_commissioner)
