"""Who may do what on the ideas boards."""

import rules

from coproduce.foundation.accounts.rules import is_commissioner, is_council_staff


@rules.predicate
def board_is_public(user, project) -> bool:
    """The council-wide board (no project) is public; a project's board once it is published."""
    return project is None or project.published_at is not None


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


can_see_board = board_is_public | is_council_staff

rules.add_perm("ideas.view_board", can_see_board)
rules.add_perm("ideas.submit_idea", can_see_board)
rules.add_perm("ideas.support_idea", is_signed_in & can_see_board)
rules.add_perm("ideas.comment_idea", is_signed_in & can_see_board)
rules.add_perm("ideas.report_comment", can_see_board)
rules.add_perm("ideas.manage_ideas", is_commissioner)
rules.add_perm("ideas.moderate_comments", is_commissioner)
