"""Who may decide, confirm and cancel awards, and who may read assessment letters."""

import rules

from coproduce.foundation.accounts.rules import is_commissioner, is_council_staff

# Deciding, confirming, pausing, resuming, withdrawing and cancelling: commissioners and
# admins. Reading the award pages and every letter: council staff (finance too).
rules.add_perm("awards.decide", is_commissioner)
rules.add_perm("awards.view_staff", is_council_staff)
