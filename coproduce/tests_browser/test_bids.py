"""Bids, panels, moderation and awards in Chromium: axe-core on every page and state, and
the keyboard-only scoring journey of a service-user panel member (desktop and phone).

The demo council includes "Peer support into work for disabled adults", closed, opened,
scored, moderated and awarded (``coproduce/demo/bids.py``); the award is confirmed and its
contract is in its ninth month (``coproduce/demo/deliver_contracts.py``). Pages in other
states are made here through the same services: a bid in progress on the open flagship
tender, and second tenders of the same project whose bids are opened and whose panel has
not scored yet (``scoring``), one of them taken on to an award in standstill, which is
then confirmed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from coproduce.deliver.contracts.models import Contract
from coproduce.demo import bids as bids_demo
from coproduce.foundation.accounts.models import Organisation, User
from coproduce.foundation.commissioning.models import CommissioningProject, Stage
from coproduce.foundation.commissioning.services import (
    ProjectData,
    project_change_stage,
    project_create,
    project_publish,
)
from coproduce.foundation.core.models import ServiceArea
from coproduce.plan.evaluation_models.models import Criterion
from coproduce.procure.awards.models import AssessmentLetter, AwardDecision, AwardStatus
from coproduce.procure.awards.services import award_confirm, award_decide
from coproduce.procure.bids.models import Bid
from coproduce.procure.bids.services_draft import (
    answerable_questions,
    bid_draft_save,
    consortium_member_add,
)
from coproduce.procure.bids.services_open import bids_open
from coproduce.procure.panels.models import PriceExplanation, Score
from coproduce.procure.panels.selectors import member_criteria
from coproduce.procure.panels.services import (
    DeclarationData,
    declaration_make,
    moderation_start,
    price_explanation_decide,
)
from coproduce.procure.tenders.models import Tender

from . import screenshots
from .conftest import focused, tab_to

pytestmark = pytest.mark.browser

FLAGSHIP = "Day opportunities for adults with learning disabilities"
PHONE = {"width": 390, "height": 844}


def _go(page, path: str, status: int = 200):
    response = page.goto(path)
    assert response.status == status, (path, response.status)
    return response


def _users() -> dict:
    return {u.email: u for u in User.objects.all()}


@pytest.fixture
def page_for(new_context, live_server):
    """``page_for(user)``: a page signed in as any user (not only the conftest's roles)."""

    def make(user, **options):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        context = new_context(**options)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        return context.new_page()

    return make


@dataclass
class Scoring:
    """A tender whose bids are opened and whose panel has not declared or scored yet."""

    tender: object
    bids: dict
    members: list
    links: dict  # member email → invitation path (/panel/join/<token>/)


def _another_round(users: dict, title: str) -> CommissioningProject:
    """A new project like the demo's peer support project, through the services, at plan.

    The demo's own project is in deliver (its award is confirmed), where no tender can be
    prepared, so each further round of bidding gets a project of its own.
    """
    actor = users[bids_demo.COMMISSIONER2]
    area = ServiceArea.objects.get(slug=bids_demo.AREA)
    fields = {"title": title, "service_area_id": area.pk, "owner_id": actor.pk}
    data = ProjectData(**{**bids_demo.PROJECT.__dict__, **fields})
    project = project_publish(actor=actor, project=project_create(actor=actor, data=data))
    return project_change_stage(
        actor=actor,
        project=project,
        to_stage=Stage.PLAN,
        reason="Another round of bidding for peer support into work.",
    )


def make_scoring_tender(*, title: str, low_price: bool = False) -> Scoring:
    """A tender like the demo's, for a new project, through the services, up to the panel.

    With ``low_price`` the national provider's price is abnormally low, so starting
    moderation asks it for an explanation.
    """
    users = _users()
    project = _another_round(users, title)
    tender = bids_demo._tender(users, project, title=title)
    for lead in bids_demo.BIDS:
        price = 300_000 if (low_price and lead == bids_demo.NATIONAL) else None
        bids_demo._bid(users, tender, lead, price_pounds=price)
    tender = bids_demo._close_in_the_past(users, tender)
    bids_open(actor=users[bids_demo.COMMISSIONER], tender=tender)
    mail.outbox = []
    members = bids_demo._panel(users, tender)
    links = {}
    for message in mail.outbox:
        match = re.search(r"/panel/join/[^/\s]+/", message.body)
        if match:
            links[message.to[0]] = match.group(0)
    bids = {b.lead_organisation.name: b for b in tender.bids.select_related("lead_organisation")}
    return Scoring(tender=tender, bids=bids, members=members, links=links)


@pytest.fixture
def scoring(demo) -> Scoring:
    return make_scoring_tender(title="Peer support into work for disabled adults: second round")


def _demo_tender():
    return Tender.objects.get(title=bids_demo.TENDER_TITLE)


def _flagship():
    return Tender.objects.filter(title=FLAGSHIP, status="open").order_by("pk").first()


# --- Bidders ---------------------------------------------------------------------------


def test_bidder_pages_have_no_serious_accessibility_problems(demo, provider_page, page_for, axe):
    tender = _flagship()
    p = provider_page
    _go(p, f"/bids/start/{tender.reference}/")
    axe.check(p, "provider:start a bid")
    p.get_by_label(bids_demo.FORUM).check()
    p.get_by_role("button", name="Start or continue the bid").click()
    p.wait_for_load_state()
    bid = Bid.objects.get(tender=tender, lead_organisation__name=bids_demo.FORUM)
    assert p.url.endswith(f"/bids/{bid.reference}/")
    axe.check(p, "provider:bid overview")

    number, question = next(
        (n, q) for n, q in enumerate(answerable_questions(tender), start=1) if q.word_limit
    )
    _go(p, f"/bids/{bid.reference}/questions/{number}/")
    axe.check(p, "provider:answer a question")
    p.locator("textarea").fill("word " * (question.word_limit + 1))
    p.get_by_role("button", name="Save and continue").click()
    p.wait_for_load_state()
    assert p.title().startswith("Error: ")
    assert p.locator(".govuk-error-summary").is_visible()
    axe.check(p, "provider:answer over the word limit")

    lot = tender.lots.order_by("number").first()
    bid_draft_save(actor=demo.users["provider"], bid=bid, lots=[lot.pk])
    _go(p, f"/bids/{bid.reference}/lots/")
    axe.check(p, "provider:choose lots")
    _go(p, f"/bids/{bid.reference}/prices/")
    axe.check(p, "provider:prices")

    _go(p, f"/bids/{bid.reference}/documents/")
    axe.check(p, "provider:documents")
    p.get_by_label("Title", exact=False).first.fill("Insurance")
    p.locator('input[type="file"]').set_input_files(
        files=[
            {"name": "insurance.pdf", "mimeType": "application/pdf", "buffer": b"<html>no</html>"}
        ]
    )
    p.get_by_role("button", name="Upload", exact=True).click()
    p.wait_for_load_state()
    assert p.title().startswith("Error: ")
    axe.check(p, "provider:documents with an error")

    speak_up = Organisation.objects.get(name=bids_demo.SPEAK_UP)
    consortium_member_add(
        actor=demo.users["provider"],
        bid=bid,
        organisation=speak_up,
        role="Peer support",
        share_percent="30",
    )
    _go(p, f"/bids/{bid.reference}/partners/")
    axe.check(p, "provider:consortium")
    _go(p, f"/bids/{bid.reference}/partners/shares/")
    axe.check(p, "provider:consortium shares")
    _go(p, f"/bids/{bid.reference}/check/")
    axe.check(p, "provider:check your bid")
    _go(p, "/bids/")
    axe.check(p, "provider:your bids")

    demo_bid = Bid.objects.get(tender=_demo_tender(), lead_organisation__name=bids_demo.FORUM)
    _go(p, f"/bids/{demo_bid.reference}/")
    axe.check(p, "provider:submitted bid after the closing date")
    _go(p, f"/bids/{demo_bid.reference}/receipts/1/")
    assert demo_bid.receipt_hash in p.locator("#main-content").inner_text()
    axe.check(p, "provider:receipt")

    partner = page_for(_users()[bids_demo.PARTNER])
    _go(partner, "/bids/partner-invitations/")
    assert bids_demo.FORUM in partner.locator("#main-content").inner_text()
    axe.check(partner, "partner:partner invitations")


# --- Council staff: opening, compliance, panel, moderation, award ------------------------


def test_staff_bid_and_panel_pages_have_no_serious_accessibility_problems(
    demo, commissioner_page, axe
):
    cp = commissioner_page
    flagship = _flagship()
    _go(cp, f"/manage/tenders/{flagship.reference}/bids/")
    axe.check(cp, "commissioner:bids before the closing date")
    _go(cp, f"/manage/tenders/{flagship.reference}/panel/")
    axe.check(cp, "commissioner:panel before opening")

    tender = _demo_tender()
    ref = tender.reference
    _go(cp, f"/manage/tenders/{ref}/bids/")
    axe.check(cp, "commissioner:bids after opening")
    bid = Bid.objects.filter(tender=tender).order_by("reference").first()
    _go(cp, f"/manage/tenders/{ref}/bids/{bid.reference}/")
    axe.check(cp, "commissioner:opened bid and compliance")
    _go(cp, f"/manage/tenders/{ref}/bids/rectification/")
    axe.check(cp, "commissioner:rectification window")
    _go(cp, f"/manage/tenders/{ref}/required-documents/")
    axe.check(cp, "commissioner:required documents")
    _go(cp, f"/manage/tenders/{ref}/panel/")
    axe.check(cp, "commissioner:panel management")
    _go(cp, f"/manage/tenders/{ref}/panel/appoint/")
    axe.check(cp, "commissioner:appoint a panel member")
    cp.get_by_role("button", name=re.compile("Appoint")).click()
    cp.wait_for_load_state()
    assert cp.title().startswith("Error: ")
    axe.check(cp, "commissioner:appoint with errors")
    _go(cp, f"/manage/tenders/{ref}/moderation/whole/")
    axe.check(cp, "commissioner:moderation complete")
    # The demo confirmed this award: its contract is running.
    contract = Contract.objects.get(award__tender=tender)
    _go(cp, f"/manage/tenders/{ref}/award/")
    award = cp.locator("#main-content").inner_text()
    assert "Confirmed" in award and "Confirm the award" not in award, award
    axe.check(cp, "commissioner:award confirmed")
    _go(cp, f"/contracts/{contract.reference}/")
    axe.check(cp, "commissioner:contract of the award")
    _go(cp, f"/manage/tenders/{ref}/cancel/")
    axe.check(cp, "commissioner:cancel a tender")


def test_moderation_and_price_explanation_pages_have_no_serious_accessibility_problems(
    demo, commissioner_page, page_for, axe
):
    s = make_scoring_tender(title="Peer support into work: price check round", low_price=True)
    cp = commissioner_page
    ref = s.tender.reference
    _go(cp, f"/manage/tenders/{ref}/moderation/whole/")
    axe.check(cp, "commissioner:moderation while members score")
    # Every member scores through the service, then moderation starts.
    bids_demo._score(s.members, s.bids)
    moderation = moderation_start(actor=demo.users["commissioner"], tender=s.tender, lot=None)
    _go(cp, f"/manage/tenders/{ref}/moderation/whole/")
    axe.check(cp, "commissioner:moderation with the spread of scores")
    bid = s.bids[bids_demo.FORUM]
    criterion = Criterion.objects.filter(
        model_id=s.tender.evaluation_model_id, title="Peer support"
    ).get()
    _go(
        cp, f"/manage/tenders/{ref}/moderation/whole/bids/{bid.reference}/questions/{criterion.pk}/"
    )
    axe.check(cp, "commissioner:agree a score")
    cp.get_by_role("button", name="Record the agreed score").click()
    cp.wait_for_load_state()
    assert cp.title().startswith("Error: ")
    axe.check(cp, "commissioner:agree a score with errors")

    explanation = PriceExplanation.objects.get(bid__tender=s.tender)
    assert moderation.status == "moderating"
    national = page_for(_users()[bids_demo.PROVIDER2])
    _go(national, f"/price-explanations/{explanation.pk}/")
    axe.check(national, "national provider:explain a low price")
    _go(cp, f"/manage/tenders/{ref}/moderation/whole/price-explanations/{explanation.pk}/")
    axe.check(cp, "commissioner:decide on a price explanation")
    _go(cp, f"/manage/tenders/{ref}/award/")
    axe.check(cp, "commissioner:award blocked")
    _go(cp, f"/manage/tenders/{ref}/award/whole/decide/")
    axe.check(cp, "commissioner:decide the award (blocked)")

    # The panel rejects the unexplained price and completes moderation: the award can be
    # decided, and the form shows its errors.
    price_explanation_decide(
        actor=demo.users["commissioner"],
        explanation=explanation,
        accepted=False,
        reason="No explanation was received in time.",
    )
    bids_demo._moderate(_users(), s.tender, s.bids)
    _go(cp, f"/manage/tenders/{ref}/award/whole/decide/")
    axe.check(cp, "commissioner:decide the award")
    cp.get_by_role("button", name="Decide and send the letters").click()
    cp.wait_for_load_state()
    assert cp.title().startswith("Error: ")
    axe.check(cp, "commissioner:decide the award with errors")

    # Decided through the service: the award waits in its standstill and cannot be
    # confirmed yet.
    decision = award_decide(
        actor=demo.users["commissioner"],
        tender=s.tender,
        lot=None,
        bid=s.bids[bids_demo.FORUM],
        reasons=bids_demo.AWARD_REASONS,
    )
    assert decision.status == AwardStatus.STANDSTILL and decision.standstill_ends_on
    _go(cp, f"/manage/tenders/{ref}/award/")
    award = cp.locator("#main-content").inner_text()
    assert "Standstill" in award and "Confirm the award" not in award, award
    axe.check(cp, "commissioner:award in standstill")

    # The standstill ends; move it back to confirm the award and see its contract.
    AwardDecision.objects.filter(pk=decision.pk).update(
        standstill_ends_on=timezone.localdate() - dt.timedelta(days=1)
    )
    _go(cp, f"/manage/tenders/{ref}/award/")
    assert "Confirm the award" in cp.locator("#main-content").inner_text()
    axe.check(cp, "commissioner:award that can be confirmed")
    decision.refresh_from_db()
    contract = award_confirm(
        actor=demo.users["commissioner"],
        decision=decision,
        starts_on=timezone.localdate() + dt.timedelta(days=30),
    )
    assert contract.award_id == decision.pk
    _go(cp, "/contracts/")
    assert contract.reference in cp.locator("#main-content").inner_text()
    axe.check(cp, "commissioner:contracts")
    _go(cp, f"/contracts/{contract.reference}/")
    axe.check(cp, "commissioner:contract")


def test_pages_seen_by_an_officer_with_a_conflict_have_no_serious_accessibility_problems(
    demo, page_for, axe
):
    s = make_scoring_tender(title="Peer support into work: conflict check round")
    officer = next(m for m in s.members if m.user_id == _users()[bids_demo.COMMISSIONER2].pk)
    forum = s.bids[bids_demo.FORUM]
    declaration_make(
        member=officer,
        data=DeclarationData(no_conflicts=False, bid_ids=(forum.pk,), details="Former trustee"),
    )
    ref = s.tender.reference
    hidden = "You declared a conflict of interest with this bid, so it is hidden from you."
    p = page_for(_users()[bids_demo.COMMISSIONER2])
    _go(p, f"/manage/tenders/{ref}/bids/{forum.reference}/")
    assert hidden in p.locator("#main-content").inner_text()
    axe.check(p, "conflicted officer:bid hidden")
    _go(p, f"/manage/tenders/{ref}/bids/")
    axe.check(p, "conflicted officer:opened bids")
    _go(p, f"/manage/tenders/{ref}/moderation/whole/")
    axe.check(p, "conflicted officer:moderation")
    _go(p, f"/panel/{officer.pk}/")
    axe.check(p, "conflicted officer:panel pages")
    _go(p, f"/panel/{officer.pk}/declare/new/")
    axe.check(p, "conflicted officer:declare a new conflict")


def test_award_letter_contract_and_market_pages_have_no_serious_accessibility_problems(
    demo, commissioner_page, provider_page, page, axe
):
    tender = _demo_tender()
    decision = AwardDecision.objects.get(tender=tender, lot=None)
    letter = AssessmentLetter.objects.get(decision=decision, bid=decision.winning_bid)
    p = provider_page
    _go(p, "/awards/letters/")
    axe.check(p, "provider:your assessment letters")
    _go(p, f"/awards/letters/{letter.pk}/")
    assert bids_demo.FORUM in p.locator("#main-content").inner_text()
    axe.check(p, "provider:assessment letter (HTML)")
    pdf = p.request.get(f"/awards/letters/{letter.pk}/pdf/")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    _go(p, f"/awards/letters/{letter.pk}/easy-read/")
    assert "You won this contract" in p.locator("#main-content").inner_text()
    axe.check(p, "provider:assessment letter (easy read)")

    _go(page, f"/opportunities/{tender.reference}/")
    axe.check(page, "anonymous:awarded tender")
    _go(page, "/market/")
    axe.check(page, "anonymous:market diversity")
    _go(page, f"/opportunities/{tender.reference}/market/")
    axe.check(page, "anonymous:market diversity of a tender")

    # The demo confirmed the award: the winner's contract is listed for the commissioner.
    assert decision.status == AwardStatus.CONFIRMED
    contract = Contract.objects.get(award=decision)
    cp = commissioner_page
    _go(cp, "/contracts/")
    assert contract.reference in cp.locator("#main-content").inner_text()
    axe.check(cp, "commissioner:contracts with the demo's contracts")


# --- The service-user member's journey ---------------------------------------------------


def _press_enter_on(page, matches, **kwargs) -> None:
    tab_to(page, matches, **kwargs)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _link(text: str):
    return lambda f: f["tag"] == "a" and text in f["text"]


def _button(text: str):
    return lambda f: f["tag"] == "button" and text in f["text"]


def test_guides_have_no_serious_accessibility_problems(demo, page, axe):
    _go(page, "/panel/guide/")
    axe.check(page, "anonymous:scoring guide")
    _go(page, "/panel/guide/easy-read/")
    axe.check(page, "anonymous:easy read scoring guide")


def _score_with_keyboard(page, axe, criteria, name: str) -> None:
    """Fill the scoring form with the keyboard: first submit with a justification missing.

    Tab reaches each radio group (one tab stop); Space chooses its first score and the
    arrow keys move within the group, as in every browser; typing fills the text boxes.
    """
    for index, criterion in enumerate(criteria):
        first = tab_to(page, lambda f, c=criterion: f["name"] == f"score_{c.pk}", limit=200)
        assert first["type"] == "radio"
        page.keyboard.press("Space")  # the first score in the group
        for _ in range(3):  # move to score 3 with the arrow keys (radios are one tab stop)
            page.keyboard.press("ArrowDown")
        assert focused(page)["value"] == "3"
        tab_to(page, lambda f, c=criterion: f["name"] == f"justification_{c.pk}")
        if index > 0:  # leave the first justification empty to see the error
            page.keyboard.type("A clear answer, with examples from their own work.")
    _press_enter_on(page, _button("Submit my scores"))
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert "Write why you gave this score" in summary.inner_text()
    axe.check(page, f"{name}:scoring with a missing justification")
    # The error summary's link takes focus to the empty justification.
    _press_enter_on_link_in_summary(page)
    page.keyboard.type("They explain how peer supporters are trained, paid and supervised.")
    _press_enter_on(page, _button("Submit my scores"))


def _press_enter_on_link_in_summary(page) -> None:
    # GOV.UK Frontend moves focus to the error summary; Tab reaches its first link.
    tab_to(page, lambda f: f["tag"] == "a" and "Write why" in f["text"])
    page.keyboard.press("Enter")
    assert focused(page)["name"].startswith("justification_")


def _journey(page, axe, scoring: Scoring, name: str, *, shot=None) -> None:
    member = next(m for m in scoring.members if m.email == "marcus.bell@example.org")
    assert member.kind == "service_user" and member.user_id is None
    _go(page, scoring.links[member.email])
    axe.check(page, f"{name}:invitation")
    _press_enter_on(page, _button("Start"))
    assert page.url.endswith(f"/panel/{member.pk}/")
    axe.check(page, f"{name}:member home before declaring")
    # Read the plain-words guide, then the easy read one, and come back to the panel pages.
    _press_enter_on(page, _link("how scoring works"))
    assert page.url.endswith("/panel/guide/")
    axe.check(page, f"{name}:guide")
    _press_enter_on(page, _link("easy read version"))
    assert page.url.endswith("/panel/guide/easy-read/")
    axe.check(page, f"{name}:easy read guide")
    _press_enter_on(page, _link("Back to your panel pages"))
    assert page.url.endswith(f"/panel/{member.pk}/")

    _press_enter_on(page, _link("Tell us about your interests"))
    axe.check(page, f"{name}:declaration")
    tab_to(page, lambda f: f["name"] == "no_conflicts")
    page.keyboard.press("Space")
    assert page.locator('input[name="no_conflicts"][value="no"]').is_checked()
    _press_enter_on(page, _button("Send"))
    assert page.url.endswith(f"/panel/{member.pk}/")
    axe.check(page, f"{name}:member home after declaring")

    bid = scoring.bids[bids_demo.FORUM]
    _press_enter_on(page, _link(bids_demo.FORUM))
    assert page.url.endswith(f"/panel/{member.pk}/bids/{bid.reference}/")
    axe.check(page, f"{name}:scoring")
    if shot is not None:
        shot(page)
    criteria = member_criteria(member)
    assert len(criteria) == 2
    _score_with_keyboard(page, axe, criteria, name)
    assert page.url.endswith(f"/panel/{member.pk}/")
    axe.check(page, f"{name}:member home after scoring")
    saved = Score.objects.filter(member=member, bid=bid, submitted_at__isnull=False)
    assert sorted(s.score for s in saved) == [3, 3]
    assert all(s.justification for s in saved)

    # A conflict found after scoring: the member declares it from their panel pages.
    _press_enter_on(page, _link("declare a new conflict"))
    assert page.url.endswith(f"/panel/{member.pk}/declare/new/")
    axe.check(page, f"{name}:declare a new conflict")
    _press_enter_on(page, _button("Declare the conflict"))
    assert page.title().startswith("Error: ")
    axe.check(page, f"{name}:declare a new conflict with errors")


def test_service_user_scores_a_bid_with_the_keyboard_only(demo, scoring, new_context, axe):
    page = new_context().new_page()
    _journey(page, axe, scoring, "service user")


def test_service_user_scoring_journey_on_a_phone(demo, scoring, new_context, axe, tmp_path):
    page = new_context(
        viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True
    ).new_page()

    def shot(p):
        # Nothing may be wider than the screen.
        assert p.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshots.save_panel_scoring_phone(p, tmp_path)

    _journey(page, axe, scoring, "service user (phone)", shot=shot)
