"""Who may do what with reviews and decommissioning.

* Commissioners start reviews, write and publish them, decide, and run decommissioning.
* Council staff read drafts and plans before they are public.
* Everyone reads a published review, its decision, and a decommissioning once notice is
  given (the reasons, the letter to people using the service, the transition plan).
* The letter to the provider is for the contract's provider and council staff: its
  access goes through ``contracts.view_contract`` (see ``selectors``).
"""

import rules

from coproduce.foundation.accounts.rules import is_commissioner, is_council_staff


@rules.predicate
def is_published_review(user, review) -> bool:
    return review is not None and review.published_at is not None


@rules.predicate
def is_notice_given(user, decommissioning) -> bool:
    return decommissioning is not None and decommissioning.notice_given


rules.add_perm("review.manage", is_commissioner)
rules.add_perm("review.view_review", is_published_review | is_council_staff)
rules.add_perm("review.view_decommissioning", is_notice_given | is_council_staff)
