"""Who may do what with commissioning projects."""

import rules

from coproduce.foundation.accounts.rules import is_commissioner, is_council_staff


@rules.predicate
def is_published(user, project) -> bool:
    return project is not None and project.published_at is not None


rules.add_perm("commissioning.view_project", is_published | is_council_staff)
rules.add_perm("commissioning.view_draft_projects", is_council_staff)
rules.add_perm("commissioning.add_project", is_commissioner)
rules.add_perm("commissioning.change_project", is_commissioner)
