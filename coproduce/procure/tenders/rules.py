"""Who may do what with tenders (django-rules). Views, services and the API ask these."""

import rules

from coproduce.foundation.accounts.rules import is_commissioner, is_council_staff


@rules.predicate
def is_published_tender(user, tender) -> bool:
    return tender is not None and tender.published_at is not None


rules.add_perm("tenders.view_tender", is_published_tender | is_council_staff)
rules.add_perm("tenders.view_draft_tenders", is_council_staff)
rules.add_perm("tenders.add_tender", is_commissioner)
rules.add_perm("tenders.change_tender", is_commissioner)
