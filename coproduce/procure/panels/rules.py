"""Panel permissions (django-rules). Views, services and the API ask these; templates do not.

Panel members who have no council account are not users at all: their access comes from
the panel-only session (``panel_member_id``) and is checked by
``coproduce.procure.panels.selectors.access_panel_member``.
"""

import rules

from coproduce.foundation.accounts.rules import is_commissioner, is_council_staff

from .models import PanelMember


@rules.predicate
def is_chair_of(user, tender) -> bool:
    """The user sits as the (not removed) chair of this tender's panel."""
    if not user.is_authenticated or tender is None:
        return False
    return PanelMember.objects.filter(
        tender=tender, user=user, is_chair=True, removed_at__isnull=True
    ).exists()


# Appoint, re-send and remove members: commissioners and admins.
rules.add_perm("panels.manage_panel", is_commissioner)
# Start moderation, agree scores, decide price explanations: the chair or a commissioner.
rules.add_perm("panels.moderate", is_commissioner | is_chair_of)
# See the panel's page (members, progress counts, never scores): council staff and the chair.
rules.add_perm("panels.view_panel", is_council_staff | is_chair_of)
# The final ranking (after moderation is complete): council staff.
rules.add_perm("panels.view_ranking", is_council_staff)
