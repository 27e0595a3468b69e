"""Who may do what with feedback and mystery shopping.

Everything hung on a contract is decided by the contracts app's rules
(``contracts.view_contract``, ``contracts.manage_contract``,
``contracts.act_for_provider``). Two things are not about one contract:

* the register of trained mystery shoppers, kept by commissioners;
* a shopper with an account writes the report on a visit they are named on.
"""

import rules

from coproduce.foundation.accounts.rules import is_commissioner


@rules.predicate
def is_visit_shopper(user, visit) -> bool:
    """A signed-in person who is one of ``visit``'s shoppers."""
    if visit is None or not user.is_authenticated:
        return False
    return visit.shoppers.filter(user=user).exists()


rules.add_perm("feedback.manage_shoppers", is_commissioner)
rules.add_perm("feedback.write_report", is_commissioner | is_visit_shopper)
