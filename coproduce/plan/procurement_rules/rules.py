"""Who may do what with the procurement rules and the route advisor."""

import rules

from coproduce.foundation.accounts.rules import is_council_staff, is_platform_admin

# The rules in force are public (the rules page and GET /api/procurement-rules).
rules.add_perm("routes.use_advisor", is_council_staff)
rules.add_perm("routes.add_rule", is_platform_admin)
rules.add_perm("routes.view_bankholidays", is_platform_admin)
rules.add_perm("routes.add_bankholiday", is_platform_admin)
