"""Who may do what with equality impact assessments, population figures and the gap view."""

import rules

from coproduce.foundation.accounts.rules import is_commissioner, is_council_staff


@rules.predicate
def is_public_assessment(user, assessment) -> bool:
    return (
        assessment is not None
        and assessment.is_published
        and assessment.project.published_at is not None
    )


# Drafts and the working pages are for council staff; changes are for commissioners.
rules.add_perm("equality.view_assessment", is_public_assessment | is_council_staff)
rules.add_perm("equality.view_assessment_draft", is_council_staff)
rules.add_perm("equality.change_assessment", is_commissioner)
rules.add_perm("equality.upload_population", is_commissioner)
rules.add_perm("equality.view_population", is_council_staff)
rules.add_perm("equality.view_participation_gap", is_council_staff)
