"""Who may do what with consultations. Services and views ask these; templates do not."""

import rules

from coproduce.foundation.accounts.rules import is_commissioner, is_council_staff


@rules.predicate
def is_public(user, consultation) -> bool:
    """Published and closed consultations can be read by anyone; drafts cannot."""
    return consultation is not None and consultation.status != "draft"


# Officers who run consultations: create, edit, publish, close.
rules.add_perm("engagement.add_consultation", is_commissioner)
rules.add_perm("engagement.change_consultation", is_commissioner)
# Any council officer can see the list of consultations (drafts too) and preview them.
rules.add_perm("engagement.view_consultations_staff", is_council_staff)
rules.add_perm("engagement.preview_consultation", is_council_staff)
# Residents see a consultation once it is published.
rules.add_perm("engagement.view_consultation", is_public | is_council_staff)
