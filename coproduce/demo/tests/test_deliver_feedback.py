"""The demo's feedback on the peer support contract: 40 coded responses and one mystery
shopping visit with its report, the provider's reply and a follow-up action."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from coproduce.deliver.feedback import selectors as sel
from coproduce.deliver.feedback.models import FeedbackAnswer, ShoppingVisit
from coproduce.demo import bids as bids_demo
from coproduce.demo import deliver_feedback
from coproduce.foundation.accounts.models import User


def test_peer_support_has_forty_coded_responses_and_a_visit(demo_world):
    contract = deliver_feedback._contract()
    assert contract is not None
    assert contract.project.title == bids_demo.PROJECT_TITLE
    score = sel.contract_score(contract)
    assert score.responses == 40
    assert score.percent == 75
    coded = FeedbackAnswer.objects.filter(response__contract=contract, themes__isnull=False)
    assert coded.distinct().count() >= 30
    visit = ShoppingVisit.objects.get(contract=contract)
    detail = sel.visit_detail(visit)
    assert detail["report"] is not None and len(detail["items"]) == 5
    assert detail["reply_state"] == "replied"
    assert len(detail["actions"]) == 1
    public = Client().get(reverse("feedback:summary", args=[contract.reference])).content.decode()
    assert "75%" in public
    assert "welcome pack now comes in easy read" in public
    assert "Dee Okafor" not in public


def test_loading_the_feedback_demo_again_adds_nothing(demo_world):
    commissioner = User.objects.get(email="commissioner@riverside.example")
    again = deliver_feedback.load({"commissioner@riverside.example": commissioner})
    assert again == {"feedback_responses": 0, "mystery_shopping_visits": 0}
