"""Demo data for feedback (issue 13): what users say about the peer support contract.

Forty feedback responses (the Friends and Family Test question, what was good, what could
be better), coded with five themes; two trained mystery shoppers (one of them the demo
resident, who can sign in and see the visit); one visit with its report, the provider's
reply within 20 working days and one follow-up action, done. Everything goes through the
services; dates are then moved back relative to the day of loading, as the contracts
demo does, so the story reads as months of a running service. Loading twice adds nothing.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from coproduce.deliver.contracts.models import Contract
from coproduce.deliver.feedback import services as svc
from coproduce.deliver.feedback.models import (
    FeedbackAnswer,
    FeedbackResponse,
    FeedbackTheme,
    MysteryShopper,
    ShoppingReport,
    ShoppingVisit,
)
from coproduce.foundation.accounts.models import Membership, User
from coproduce.plan.procurement_rules.selectors import add_working_days

from . import bids as bids_demo

COMMISSIONER = "commissioner@riverside.example"
RESIDENT = "resident@riverside.example"

THEMES = {
    "peers": (
        "Peer supporters who have been there",
        "Being helped by disabled people who found work",
    ),
    "jobs": ("Help to find and keep a job", "CVs, interviews, talking to employers"),
    "wait": ("Waiting to start", "Time from first contact to the first meeting"),
    "access": ("Getting there and access", "Travel, buildings, hearing loops, quiet rooms"),
    "info": ("Clear information", "Letters, leaflets and easy read"),
}

# (rating, what was good, its themes, what could be better, its themes, who uses it)
R = [
    (
        "very_good",
        "My peer supporter knew what it is like to be turned down for jobs.",
        ["peers"],
        "",
        [],
        "myself",
    ),
    (
        "very_good",
        "They helped me write my CV and practise for interviews.",
        ["jobs"],
        "",
        [],
        "myself",
    ),
    (
        "good",
        "Friendly people who listen.",
        ["peers"],
        "I waited six weeks for my first meeting.",
        ["wait"],
        "myself",
    ),
    ("very_good", "I got a job at the library after four months.", ["jobs"], "", [], "myself"),
    (
        "good",
        "The supporter came with me to my first day at work.",
        ["jobs", "peers"],
        "The office has no quiet room.",
        ["access"],
        "myself",
    ),
    ("very_good", "Someone who understands autism.", ["peers"], "", [], "someone_else"),
    ("neither", "", [], "The letters were hard to understand.", ["info"], "myself"),
    ("very_good", "They talked to my employer about adjustments.", ["jobs"], "", [], "myself"),
    (
        "good",
        "Good help with forms.",
        ["jobs"],
        "Meetings only in the town centre.",
        ["access"],
        "myself",
    ),
    ("poor", "", [], "Nobody called me back for a month.", ["wait"], "myself"),
    ("very_good", "My supporter has a visual impairment like me.", ["peers"], "", [], "myself"),
    (
        "good",
        "Easy read leaflet was helpful.",
        ["info"],
        "More evening sessions please.",
        ["access"],
        "someone_else",
    ),
    ("very_good", "They never gave up on me.", ["peers"], "", [], "myself"),
    ("dont_know", "", [], "I have only been once.", [], ""),
    ("very_good", "Practice interviews made me less nervous.", ["jobs"], "", [], "myself"),
    ("good", "", [], "The lift was broken twice.", ["access"], "myself"),
    ("very_good", "I feel more confident.", ["peers"], "", [], "myself"),
    (
        "very_poor",
        "",
        [],
        "I waited two months and then my supporter left.",
        ["wait"],
        "someone_else",
    ),
    ("good", "They helped my son apply for an apprenticeship.", ["jobs"], "", [], "someone_else"),
    ("very_good", "Being with people like me.", ["peers"], "", [], "myself"),
    (
        "neither",
        "Nice staff.",
        ["peers"],
        "I did not know what would happen next.",
        ["info"],
        "myself",
    ),
    ("very_good", "Job club on Tuesdays is great.", ["jobs"], "", [], "myself"),
    ("good", "", [], "Bus fare is a problem for me.", ["access"], "myself"),
    ("very_good", "They explained Access to Work and helped me apply.", ["jobs"], "", [], "myself"),
    ("poor", "", [], "Too long to get started.", ["wait"], "myself"),
    ("very_good", "My peer mentor is brilliant.", ["peers"], "", [], "myself"),
    ("good", "Clear plan for the next three months.", ["info"], "", [], "myself"),
    ("very_good", "I started a paid job in March.", ["jobs"], "", [], "myself"),
    (
        "neither",
        "",
        [],
        "The website is hard to use with my screen reader.",
        ["access", "info"],
        "myself",
    ),
    ("very_good", "They believed in me.", ["peers"], "", [], "myself"),
    ("good", "Helpful with benefits questions.", [], "", [], "someone_else"),
    ("very_good", "Meeting at the community centre near me.", ["access"], "", [], "myself"),
    ("poor", "", [], "I was passed between three people.", ["wait"], "myself"),
    ("very_good", "The work trial was set up quickly.", ["jobs"], "", [], "myself"),
    (
        "good",
        "Friendly and patient.",
        ["peers"],
        "Hearing loop did not work.",
        ["access"],
        "myself",
    ),
    ("dont_know", "", [], "", [], "someone_else"),
    ("very_good", "Someone to talk to when work got hard.", ["peers"], "", [], "myself"),
    ("good", "", [], "A text before appointments would help.", ["info"], "myself"),
    ("very_good", "I have kept my job for six months with their help.", ["jobs"], "", [], "myself"),
    ("neither", "OK so far.", [], "", [], ""),
]


def _contract() -> Contract | None:
    return (
        Contract.objects.filter(project__title=bids_demo.PROJECT_TITLE)
        .select_related("project", "provider")
        .order_by("pk")
        .first()
    )


def _responses(contract: Contract, commissioner: User) -> int:
    if FeedbackResponse.objects.filter(contract=contract).exists():
        return 0
    today = timezone.localdate()
    days = max(1, (today - contract.starts_on).days)
    themes = {
        key: svc.theme_create(actor=commissioner, contract=contract, name=name, description=desc)
        for key, (name, desc) in THEMES.items()
        if not FeedbackTheme.objects.filter(contract=contract, name=name).exists()
    }
    codes: dict[str, list[int]] = {key: [] for key in themes}
    for i, (rating, good, good_themes, better, better_themes, uses) in enumerate(R):
        response = svc.feedback_give(
            actor=None,
            contract=contract,
            data=svc.FeedbackData(
                rating=rating,
                what_good=good,
                what_better=better,
                uses_service=uses,
                easy_read=i % 4 == 0,
            ),
        )
        # Spread over the months the service has run, oldest first.
        received = contract.starts_on + dt.timedelta(days=(days * (i + 1)) // (len(R) + 1))
        FeedbackResponse.objects.filter(pk=response.pk).update(received_on=received)
        for part, keys in (("good", good_themes), ("better", better_themes)):
            answer = FeedbackAnswer.objects.filter(response=response, part=part).first()
            for key in keys if answer else []:
                if key in codes:
                    codes[key].append(answer.pk)
    for key, ids in codes.items():
        if ids:
            svc.answers_tag(
                actor=commissioner, contract=contract, theme_id=themes[key].pk, answer_ids=ids
            )
    return len(R)


def _shoppers(users: dict[str, User], commissioner: User) -> list[MysteryShopper]:
    today = timezone.localdate()
    wanted = [
        ("Dee Okafor", users.get(RESIDENT), "Speak Up Riverside"),
        ("Marcus Bell", None, "Speak Up Riverside"),
    ]
    out = []
    for name, user, by in wanted:
        found = MysteryShopper.objects.filter(full_name=name).first()
        if found is None:
            if user is not None and MysteryShopper.objects.filter(user=user).exists():
                user = None
            found = svc.shopper_add(
                actor=commissioner,
                data=svc.ShopperData(
                    full_name=name,
                    trained_on=today - dt.timedelta(days=200),
                    trained_by=by,
                    email=user.email if user else "",
                ),
            )
        out.append(found)
    return out


def _visit(users: dict[str, User], contract: Contract, commissioner: User) -> int:
    if ShoppingVisit.objects.filter(contract=contract).exists():
        return 0
    today = timezone.localdate()
    shoppers = _shoppers(users, commissioner)
    start = max(contract.starts_on, today - dt.timedelta(days=30))
    visit = svc.visit_plan(
        actor=commissioner,
        contract=contract,
        data=svc.VisitData(
            window_from=start,
            window_to=start + dt.timedelta(days=14),
            focus="Getting started: asking for help for the first time, by phone and in person.",
            shopper_ids=[s.pk for s in shoppers],
            checklist=[
                "Did someone answer the phone or call back within two working days?",
                "Were you welcomed when you arrived?",
                "Was the information you were given easy to understand?",
                "Could you get into the building and move around easily?",
                "Did you leave knowing what would happen next?",
            ],
        ),
    )
    items = visit.checklist.all()
    ratings = ["mixed", "good", "poor", "good", "good"]
    notes = [
        "The first call went to voicemail; someone rang back three days later.",
        "A peer supporter met us at the door and offered a drink.",
        "The welcome pack is long and in small print; there is no easy read version.",
        "Step-free entrance and a working lift.",
        "We were given a date for the first meeting before we left.",
    ]
    visited_on = min(today, start + dt.timedelta(days=9))
    report = svc.report_submit(
        actor=commissioner,
        visit=visit,
        data=svc.ReportData(
            visited_on=visited_on,
            overall="A warm welcome from people who have been there, but the first phone call "
            "was not returned for three days and the welcome pack is hard to read.",
            items={item.pk: (r, n) for item, r, n in zip(items, ratings, notes, strict=True)},
            evidence=[
                svc.EvidenceFile(
                    name="visit-notes.txt",
                    title="Shoppers' notes on the day",
                    data=(
                        b"Notes written on the day of the visit.\n"
                        b"Phone: voicemail at 10:05, call back three days later.\n"
                        b"Welcome pack: 14 pages, 10 point print, no pictures.\n"
                    ),
                )
            ],
        ),
    )
    # Sent two days after the visit; the reply (today) is then well within its 20 days.
    sent_on = min(today, visited_on + dt.timedelta(days=2))
    ShoppingReport.objects.filter(pk=report.pk).update(
        submitted_at=timezone.make_aware(dt.datetime.combine(sent_on, dt.time(16))),
        reply_due_on=add_working_days(sent_on, svc.REPLY_WORKING_DAYS),
    )
    report.refresh_from_db()
    member = (
        Membership.objects.filter(organisation=contract.provider, role="admin")
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if member is not None:
        svc.reply_submit(
            actor=member.user,
            report=report,
            text="Thank you to the shoppers. We have added a second person to answer the "
            "phone on Mondays and Tuesdays, our busiest days, and our easy read group is "
            "rewriting the welcome pack with pictures.",
        )
    action = svc.action_add(
        actor=commissioner,
        visit=visit,
        data=svc.ActionData(
            description="An easy read welcome pack, written with the service-user reference group.",
            owner="Peer support lead, provider",
            due_on=sent_on + dt.timedelta(days=60),
        ),
    )
    svc.action_update(
        actor=commissioner,
        action=action,
        status="done",
        what_changed="The welcome pack now comes in easy read, with pictures, written with "
        "people who use the service.",
    )
    return 1


def load(users) -> dict[str, int]:
    """Create whatever part of the feedback demo is missing. Returns counts created."""
    created = {"feedback_responses": 0, "mystery_shopping_visits": 0}
    commissioner = users.get(COMMISSIONER) if users else None
    contract = _contract()
    if commissioner is None or contract is None:
        return created
    created["feedback_responses"] = _responses(contract, commissioner)
    created["mystery_shopping_visits"] = _visit(users, contract, commissioner)
    return created
