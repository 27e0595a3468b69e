"""The permission-matrix scenario: one tender taken, with the real services, to a stage.

``build(stage)`` makes a tender with a consortium bid (lead + partner organisation) and a
rival bid, both submitted and sealed through ``bid_submit``; then, stage by stage, passes
the deadline, opens the bids (``bids_open``), appoints a panel (chair, an officer with no
conflict, an officer who declares a conflict on the consortium bid, a service-user
member), scores, starts and completes moderation, decides the award (standstill) and
finally confirms it (contract). A second tender has its own service-user member.

Every secret is unique, so a response body can be searched for it: the consortium bid's
answer text and price (``£12,345.67`` / ``1234567``), the rival's answer and price, and a
panel member's justification (secret from everyone else until moderation starts).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

from django.core import mail
from django.test import TestCase
from django.utils import timezone

from coproduce.foundation.accounts.models import Membership
from coproduce.foundation.accounts.tests.factories import OrganisationFactory, UserFactory
from coproduce.procure.awards import services as award_services
from coproduce.procure.awards.models import AssessmentLetter
from coproduce.procure.bids import sealing
from coproduce.procure.bids.models import Bid, BidDraft, BidFile, ConsortiumMember
from coproduce.procure.bids.services_open import bids_open
from coproduce.procure.bids.services_submit import bid_submit, question_criteria
from coproduce.procure.bids.tests.factories import make_submitted_bid
from coproduce.procure.panels import selectors as panel_selectors
from coproduce.procure.panels import services as panel_services
from coproduce.procure.panels.models import Moderation, PriceExplanation
from coproduce.procure.panels.tests import helpers as panel_helpers

# Stages, in order. ``build(stage)`` runs every step up to and including ``stage``.
SEALED = "sealed"  # submitted, before the deadline
CLOSED = "closed"  # deadline passed, bids not opened
OPENED = "opened"  # opened, panel declared, scoring under way
MODERATING = "moderating"  # moderation started (scores visible to the chair and staff)
MODERATED = "moderated"  # moderation complete (ranking)
AWARDED = "awarded"  # award decided, standstill, letters written
CONTRACTED = "contracted"  # award confirmed, contract created
STAGES = [SEALED, CLOSED, OPENED, MODERATING, MODERATED, AWARDED, CONTRACTED]

ANSWER = "Quokka-lantern answer: people choose their own day"
RIVAL_ANSWER = "Heron-teapot answer from the rival bidder"
PRICE = 12_345_67
RIVAL_PRICE = 7_013_59  # abnormally low next to 12,345.67: needs an explanation
JUSTIFICATION = "Officer's private marmoset justification"
FILE_BYTES = b"%PDF-1.4 platypus secret file"

#: Role names (the matrix's rows). ``None`` is nobody signed in.
ROLES = [
    "anonymous",
    "resident",
    "unrelated_provider",
    "lead_member",
    "partner_member",
    "other_bidder",
    "commissioner",
    "finance",
    "platform_admin",
    "chair",
    "officer",
    "officer_conflicted",
    "service_user",
    "service_user_other_tender",
]
BIDDERS = {"lead_member", "partner_member"}
STAFF = {
    "commissioner",
    "finance",
    "platform_admin",
    "chair",
    "officer",
    "officer_conflicted",
}
NO_ACCOUNT = {"anonymous", "service_user", "service_user_other_tender"}
COMMISSIONERS = STAFF - {"finance"}  # role commissioner or admin (panel officers are commissioners)


def at_least(stage: str, than: str) -> bool:
    return STAGES.index(stage) >= STAGES.index(than)


@dataclass
class World:
    stage: str
    users: dict
    tender: object
    bid: Bid
    rival: Bid
    file: BidFile
    partner_seat: ConsortiumMember
    criteria: list
    other_tender: object = None
    members: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    moderation: Moderation | None = None
    explanation: PriceExplanation | None = None
    decision: object = None
    letter: AssessmentLetter | None = None
    rival_letter: AssessmentLetter | None = None
    contract: object = None


def _draft(bid: Bid, user, answer: str, price: int) -> None:
    answers = {str(c.pk): f"{answer} ({c.title})" for c in question_criteria(bid.tender)}
    content = {"answers": answers, "prices": {"whole": price}, "lots": [], "members": []}
    wrapped, ciphertext = sealing.encrypt_for_bid(json.dumps(content).encode())
    BidDraft.objects.update_or_create(
        bid=bid,
        defaults={"wrapped_data_key": wrapped, "ciphertext": ciphertext, "updated_by": user},
    )


def _bid(tender, reference: str, org, user, answer: str, price: int) -> Bid:
    bid = Bid.objects.create(
        reference=reference, tender=tender, lead_organisation=org, created_by=user
    )
    ConsortiumMember.objects.create(
        bid=bid,
        organisation=org,
        role="Lead",
        share_percent=100,
        is_lead=True,
        confirmed_at=timezone.now(),
        confirmed_by=user,
    )
    _draft(bid, user, answer, price)
    return bid


def _user(role: str, org=None, **kw):
    user = UserFactory(role=role, **kw)
    if org is not None:
        Membership.objects.create(user=user, organisation=org, role="admin")
    return user


def _token() -> str:
    return re.search(r"/panel/join/([^/\s]+)/", mail.outbox[-1].body).group(1)


def build(stage: str) -> World:
    commissioner = _user("commissioner", full_name="Priya Commissioner")
    lead_org = OrganisationFactory(name="Lead Quokka Collective")
    partner_org = OrganisationFactory(name="Partner Lantern Trust")
    rival_org = OrganisationFactory(name="Rival Heron Services")
    users = {
        "anonymous": None,
        "resident": _user("resident"),
        "unrelated_provider": _user("provider", OrganisationFactory(name="Unrelated Org")),
        "lead_member": _user("provider", lead_org),
        "partner_member": _user("provider", partner_org),
        "other_bidder": _user("provider", rival_org),
        "commissioner": commissioner,
        "finance": _user("finance"),
        "platform_admin": _user("admin", is_staff=True, is_superuser=True),
        "chair": _user("commissioner", full_name="Chris Chair"),
        "officer": _user("commissioner", full_name="Olu Officer"),
        "officer_conflicted": _user("commissioner", full_name="Cat Conflicted"),
        "service_user": None,  # panel-only session, set up by the test
        "service_user_other_tender": None,
    }
    tender, criteria, roles = panel_helpers.make_closed_tender(actor=commissioner)
    # Open it for bids: deadline in the future.
    tender.status = "open"
    tender.deadline = timezone.now() + dt.timedelta(days=5)
    tender.save(update_fields=["status", "deadline"])
    lead = users["lead_member"]
    bid = _bid(tender, "B-2026-7001", lead_org, lead, ANSWER, PRICE)
    bid.is_consortium = True
    bid.save(update_fields=["is_consortium"])
    bid.members.filter(is_lead=True).update(share_percent=60)
    partner_seat = ConsortiumMember.objects.create(
        bid=bid,
        organisation=partner_org,
        role="Delivery",
        share_percent=40,
        is_lead=False,
        confirmed_at=timezone.now(),
        confirmed_by=users["partner_member"],
    )
    f = BidFile.objects.create(
        bid=bid,
        content_type="application/pdf",
        size_bytes=len(FILE_BYTES),
        uploaded_by=lead,
        **sealing.file_fields(bid_id=bid.pk, title="Platypus policy", data=FILE_BYTES),
    )
    rival = _bid(tender, "B-2026-7002", rival_org, users["other_bidder"], RIVAL_ANSWER, RIVAL_PRICE)
    with TestCase.captureOnCommitCallbacks(execute=True):
        bid_submit(actor=lead, bid=bid)
        bid_submit(actor=users["other_bidder"], bid=rival)
    bid.refresh_from_db()
    rival.refresh_from_db()
    w = World(
        stage=stage,
        users=users,
        tender=tender,
        bid=bid,
        rival=rival,
        file=f,
        partner_seat=partner_seat,
        criteria=list(criteria.values()),
    )
    # A second tender with its own service-user member (opened, declared).
    other, _c, other_roles = panel_helpers.make_closed_tender(actor=commissioner)
    make_submitted_bid(other, price_pence=50_000_00)
    panel_helpers.open_tender(other, commissioner)
    w.other_tender = other
    su_other = panel_helpers.appoint(
        commissioner, other, other_roles["service_user"], name="Sol Other", email="sol@example.org"
    )
    w.tokens["service_user_other_tender"] = _token()
    panel_helpers.declare_none(su_other)
    w.members["service_user_other_tender"] = su_other
    if stage == SEALED:
        return w

    tender.deadline = timezone.now() - dt.timedelta(minutes=5)
    tender.status = "closed"
    tender.save(update_fields=["deadline", "status"])
    if stage == CLOSED:
        return w

    with TestCase.captureOnCommitCallbacks(execute=True):
        bids_open(actor=commissioner, tender=tender)
    for name, role, kw in [
        ("chair", roles["officer"], {"user": users["chair"], "chair": True}),
        ("officer", roles["officer"], {"user": users["officer"]}),
        ("officer_conflicted", roles["officer"], {"user": users["officer_conflicted"]}),
        ("service_user", roles["service_user"], {"name": "Sam Service", "email": "sam@x.org"}),
    ]:
        w.members[name] = panel_helpers.appoint(commissioner, tender, role, **kw)
        w.tokens[name] = _token()
    for name in ("chair", "officer", "service_user"):
        panel_helpers.declare_none(w.members[name])
    panel_services.declaration_make(
        member=w.members["officer_conflicted"],
        data=panel_services.DeclarationData(
            no_conflicts=False, bid_ids=(bid.pk,), details="I used to work there."
        ),
    )
    # The officer scores the consortium bid (submitted, with a secret justification).
    panel_services.scores_save(
        member=w.members["officer"],
        bid=bid,
        entries=[
            panel_services.ScoreInput(c.pk, 3, JUSTIFICATION)
            for c in panel_selectors.member_criteria(w.members["officer"])
        ],
        submit=True,
    )
    if stage == OPENED:
        return w

    for name in ("chair", "officer", "officer_conflicted", "service_user"):
        member = w.members[name]
        for b in panel_selectors.member_bids(member):
            if panel_selectors.member_scores(member, b) and name == "officer" and b == bid:
                continue
            panel_helpers.score_all(member, b, 3)
    with TestCase.captureOnCommitCallbacks(execute=True):
        w.moderation = panel_services.moderation_start(
            actor=users["chair"], tender=tender, lot=None
        )
    w.explanation = PriceExplanation.objects.filter(bid=rival).first()
    if stage == MODERATING:
        return w

    for b in (bid, rival):
        for c in panel_selectors.scored_criteria(tender):
            panel_services.moderated_score_agree(
                actor=users["chair"],
                moderation=w.moderation,
                bid=b,
                criterion=c,
                score=4 if b == bid else 2,
                reason=f"Agreed {c.title}",
            )
    if w.explanation is not None:
        panel_services.price_explanation_answer(
            actor=users["other_bidder"], explanation=w.explanation, text="We own the building."
        )
        panel_services.price_explanation_decide(
            actor=users["chair"], explanation=w.explanation, accepted=True, reason="Credible."
        )
    w.moderation = panel_services.moderation_complete(actor=users["chair"], moderation=w.moderation)
    if stage == MODERATED:
        return w

    with TestCase.captureOnCommitCallbacks(execute=True):
        w.decision = award_services.award_decide(
            actor=commissioner, tender=tender, lot=None, bid=bid, reasons="Best value overall."
        )
    w.letter = AssessmentLetter.objects.get(decision=w.decision, bid=bid)
    w.rival_letter = AssessmentLetter.objects.get(decision=w.decision, bid=rival)
    if stage == AWARDED:
        return w

    type(w.decision).objects.filter(pk=w.decision.pk).update(
        standstill_ends_on=timezone.localdate() - dt.timedelta(days=1)
    )
    w.decision.refresh_from_db()
    with TestCase.captureOnCommitCallbacks(execute=True):
        w.contract = award_services.award_confirm(
            actor=commissioner, decision=w.decision, starts_on=timezone.localdate()
        )
    return w
