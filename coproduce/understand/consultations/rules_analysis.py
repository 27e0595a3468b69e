"""Who may read responses, code them into themes and publish findings.

Loaded from ``urls_analysis`` (rules autodiscovery only imports ``rules.py``).
Reading responses, themes, exports and draft findings is for council staff; coding and
publishing is for commissioners; everyone may read a published finding.
"""

import rules

from coproduce.foundation.accounts.rules import is_commissioner, is_council_staff


@rules.predicate
def is_published_finding(user, finding) -> bool:
    return finding is not None and finding.published_at is not None


rules.add_perm("engagement.analyse_responses", is_council_staff)
rules.add_perm("engagement.code_responses", is_commissioner)
rules.add_perm("engagement.manage_findings", is_commissioner)
rules.add_perm("engagement.view_finding", is_published_finding | is_council_staff)
