"""Who may see and change evaluation models.

A locked model is part of a published tender pack, so anyone may read it. Drafts are for
council staff; commissioners and admins build them.
"""

import rules

from coproduce.foundation.accounts.rules import is_commissioner, is_council_staff


@rules.predicate
def is_locked_model(user, model) -> bool:
    return model is not None and model.is_locked


rules.add_perm("evaluation.view_model", is_locked_model | is_council_staff)
rules.add_perm("evaluation.view_drafts", is_council_staff)
rules.add_perm("evaluation.change_model", is_commissioner)
