"""Who may ask, answer, amend and read feedback on tenders (django-rules).

Imported by ``selectors_clarifications`` so the permissions exist whenever the questions
code is loaded (django-rules only autodiscovers modules named ``rules.py``).
"""

import rules

from coproduce.foundation.accounts.rules import is_commissioner, is_council_staff, is_org_member

# Answering questions and recording changes: commissioners and admins.
rules.add_perm("tenders.answer_clarification", is_commissioner)
rules.add_perm("tenders.amend_tender", is_commissioner)
# Reading the process feedback summary: any council staff.
rules.add_perm("tenders.view_process_feedback", is_council_staff)
# Asking and following as an organisation: its members (object = the organisation).
rules.add_perm("tenders.act_for_organisation", is_org_member)
