"""Who may do what with the forward plan and forum events."""

import rules

from coproduce.foundation.accounts.rules import is_commissioner, is_council_staff

# Writing plan entries and events: commissioners and admins. Registrations (with access
# needs) are visible to council staff only.
rules.add_perm("pipeline.change_plan", is_commissioner)
rules.add_perm("pipeline.view_plan_drafts", is_council_staff)
rules.add_perm("pipeline.view_registrations", is_council_staff)
