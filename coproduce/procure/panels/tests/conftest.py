"""Fixtures: a closed tender with three opened bids and a panel of a chair and a service user."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from coproduce.foundation.accounts.tests.factories import UserFactory
from coproduce.procure.bids.tests.factories import make_submitted_bid

from .helpers import appoint, last_token, make_closed_tender, open_tender


@pytest.fixture
def chair_user(db):
    return UserFactory(role="commissioner", full_name="Chris Chair")


@pytest.fixture
def panel(commissioner, chair_user):
    """Tender T (no lots), bids A £100,000, B £95,000, C £60,000 (abnormally low),
    chair (officer seat), Sam (service-user seat, no account)."""
    tender, criteria, roles = make_closed_tender(actor=commissioner)
    a = make_submitted_bid(tender, price_pence=100_000_00)
    b = make_submitted_bid(tender, price_pence=95_000_00)
    c = make_submitted_bid(tender, price_pence=60_000_00)
    open_tender(tender, commissioner)
    chair = appoint(commissioner, tender, roles["officer"], user=chair_user, chair=True)
    sam = appoint(
        commissioner, tender, roles["service_user"], name="Sam Service", email="sam@example.org"
    )
    sam_token = last_token()
    return SimpleNamespace(
        tender=tender,
        criteria=criteria,
        roles=roles,
        bids=[a, b, c],
        chair=chair,
        sam=sam,
        sam_token=sam_token,
    )
