"""Who may do what in participatory budgeting. Tallies stay hidden until voting closes."""

import rules

from coproduce.foundation.accounts.rules import is_commissioner


@rules.predicate
def voting_closed(user, round_) -> bool:
    return round_ is not None and round_.phase == "results"


@rules.predicate
def results_published(user, round_) -> bool:
    result = getattr(round_, "result", None) if round_ is not None else None
    return bool(round_ is not None and round_.phase == "results" and result and result.published_at)


rules.add_perm("budgeting.view_round", rules.always_allow)
rules.add_perm("budgeting.add_round", is_commissioner)
rules.add_perm("budgeting.manage_round", is_commissioner)
# Officers see computed results before publication, but only once voting has closed.
rules.add_perm("budgeting.view_results", results_published | (is_commissioner & voting_closed))
rules.add_perm("budgeting.export_round", voting_closed & (results_published | is_commissioner))
