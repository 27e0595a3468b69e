"""Who may read and write service specifications.

Published versions of a published project's specification are public; drafts (and
everything of a draft project) are for council staff; writing is for commissioners and
administrators.
"""

import rules

from coproduce.foundation.accounts.rules import is_commissioner, is_council_staff


@rules.predicate
def is_public_specification(user, specification) -> bool:
    return (
        specification is not None
        and specification.status != "draft"
        and specification.project.published_at is not None
    )


rules.add_perm("specifications.view_specification", is_public_specification | is_council_staff)
rules.add_perm("specifications.view_drafts", is_council_staff)
rules.add_perm("specifications.change_specification", is_commissioner)
