"""The social value demo: an example measure table imported through the CSV service, the
peer support contract's promises with delivery verified, not accepted and waiting, and a
published SROI forecast, all on the project's public page."""

import pytest
from django.urls import reverse

from coproduce.deliver.contracts.models import Contract
from coproduce.deliver.social_value import selectors as sel
from coproduce.deliver.social_value.models import (
    CommitmentStatus,
    DeliveryStatus,
    MeasureTable,
    SroiAnalysis,
)
from coproduce.demo import bids as bids_demo
from coproduce.demo import deliver_social_value as demo
from coproduce.foundation.accounts.models import User


@pytest.fixture
def peer_support(demo_world):
    return Contract.objects.get(award__tender__title=bids_demo.TENDER_TITLE)


def test_the_example_table_says_its_values_are_examples(demo_world):
    table = MeasureTable.objects.get(title=demo.TABLE_TITLE)
    assert table.measures.count() == 7
    assert all(m.source.startswith("Example value") for m in table.measures.all())


def test_promises_with_delivery_checked_rejected_and_waiting(peer_support):
    commitments = sel.contract_commitments(peer_support)
    assert {c.code for c in commitments} == {"JOBS", "PLACEMENT", "VOLUNTEER", "LOCAL-SPEND"}
    assert all(c.status == CommitmentStatus.AGREED for c in commitments)
    assert any(c.bid_answer_id for c in commitments)
    statuses = [d.status for c in commitments for d in c.deliveries.all()]
    assert statuses.count(DeliveryStatus.VERIFIED) == 3
    assert statuses.count(DeliveryStatus.REJECTED) == 1
    assert statuses.count(DeliveryStatus.SUBMITTED) == 2
    summary = sel.summarise(commitments)
    # 2 jobs × £15,000 + 24 weeks × £300 + £8,450 × £0.30
    assert summary.delivered_pence == 30_000_00 + 7_200_00 + 2_535_00


def test_a_published_forecast_on_the_public_project_page(client, peer_support):
    analysis = SroiAnalysis.objects.get(contract=peer_support, title=demo.SROI_TITLE)
    assert analysis.is_published and analysis.outcomes.count() == 3
    page = client.get(reverse("commissioning:detail", args=[peer_support.project.reference]))
    html = page.content.decode()
    assert "promised social value worth" in html
    assert "For every £1 spent, about £" in html
    assert "How sure is this? (sensitivity)" in html


def test_loading_again_creates_nothing(demo_world):
    users = {u.email: u for u in User.objects.filter(email__endswith="@riverside.example")}
    assert demo.load(users) == {
        "measure_tables": 0,
        "social_value_promises": 0,
        "sroi_analyses": 0,
    }
