"""Who may read and act on complaints."""

import rules

from coproduce.foundation.accounts.rules import is_commissioner, is_council_staff

# The desk: council staff read (commissioner, finance, admin); commissioners and admins act.
rules.add_perm("complaints.view_desk", is_council_staff)
rules.add_perm("complaints.act", is_commissioner)
