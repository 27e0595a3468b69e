"""Ballot events go to the round's sealed audit stream: while voting is open nobody can
count ballots, see their channel or replacements through the audit trail or the Django
admin; once the results are published the stream shows whole."""

from __future__ import annotations

import pytest

from coproduce.foundation.core.models import AuditEvent
from coproduce.foundation.core.selectors import audit_verbs
from coproduce.understand.participatory_budgeting.models import Phase
from coproduce.understand.participatory_budgeting.services import (
    Verification,
    ballot_cast,
    results_compute,
    results_publish,
    round_change_phase,
)

from .factories import codes, make_round, refs

pytestmark = pytest.mark.django_db


@pytest.fixture
def voted(commissioner):
    round_ = make_round(commissioner)
    a, b, _ = refs(round_)
    for code in codes(commissioner, round_, 3):
        ballot_cast(round_=round_, choices={a: 1, b: 1}, verification=Verification(code=code))
    return round_


def test_ballots_are_invisible_to_every_audit_reader_until_results_are_published(
    client, commissioner, voted, finance, platform_admin
):
    round_ = voted
    stream = f"budgeting.round:{round_.pk}"
    assert AuditEvent.objects.filter(stream=stream, verb="budgeting.ballot.cast").count() == 3
    assert "budgeting.ballot.cast" not in audit_verbs()
    client.force_login(finance)
    for url in ("/audit/", "/audit/?verb=budgeting.ballot.cast"):
        assert "budgeting.ballot" not in client.get(url).content.decode().replace(
            "budgeting.ballot.cast is not one of", ""
        )
    client.force_login(platform_admin)
    admin = "/django-admin/core/auditevent/"
    assert "budgeting.ballot" not in client.get(admin).content.decode()
    assert "0 audit events" in client.get(f"{admin}?verb=budgeting.ballot.cast").content.decode()
    assert client.get(f"{admin}{stream}.1/change/").status_code == 302

    round_ = round_change_phase(actor=commissioner, round_=round_, to_phase=Phase.RESULTS)
    results_compute(actor=commissioner, round_=round_)
    assert "budgeting.ballot.cast" not in audit_verbs()  # computed is not published
    results_publish(actor=commissioner, round_=round_)
    assert "budgeting.ballot.cast" in audit_verbs()
    assert client.get(f"{admin}{stream}.3/change/").status_code == 200
    client.force_login(finance)
    page = client.get("/audit/?verb=budgeting.ballot.cast").content.decode()
    assert f"{stream} #3" in page and f"{stream} #1" in page
