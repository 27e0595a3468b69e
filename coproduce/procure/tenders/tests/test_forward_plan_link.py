"""The forward plan and the tenders that come from it (the plan app cannot make tenders).

Tests of ``plan_entry_mark_tendered`` and of the plan page's link to the opportunity live
here, above both apps, so the plan app's tests never import a tender factory.
"""

from __future__ import annotations

import pytest

from coproduce.foundation.core.errors import IllegalTransition
from coproduce.foundation.core.models import AuditEvent
from coproduce.plan.forward_plan import services as svc
from coproduce.plan.forward_plan.tests.factories import make_entry
from coproduce.procure.tenders.tests.factories import make_tender

pytestmark = pytest.mark.django_db


def verbs() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("verb", flat=True))


def test_mark_tendered_links_the_tender_and_is_idempotent(commissioner):
    entry = make_entry(actor=commissioner, published=True)
    tender = make_tender(actor=commissioner)
    svc.plan_entry_mark_tendered(actor=commissioner, entry=entry, tender=tender)
    again = svc.plan_entry_mark_tendered(actor=commissioner, entry=entry, tender=tender)
    assert (again.status, again.tender_id) == ("tendered", tender.pk)
    assert verbs().count("pipeline.plan_entry.tendered") == 1


def test_a_draft_entry_cannot_be_marked_tendered(commissioner):
    entry = make_entry(actor=commissioner)
    with pytest.raises(IllegalTransition):
        svc.plan_entry_mark_tendered(
            actor=commissioner, entry=entry, tender=make_tender(actor=commissioner)
        )


def test_a_tendered_entry_links_to_its_opportunity(client, commissioner):
    entry = make_entry(actor=commissioner, published=True)
    tender = make_tender(actor=commissioner)
    svc.plan_entry_mark_tendered(actor=commissioner, entry=entry, tender=tender)
    body = client.get("/forward-plan/").content.decode()
    assert f"/opportunities/{tender.reference}/" in body
    assert "Search opportunities open now" in body
