"""Who may read the staff list of contracts (the public sees contracts on project pages)."""

import rules

from coproduce.foundation.accounts.rules import is_council_staff

rules.add_perm("contracts.view_list", is_council_staff)
