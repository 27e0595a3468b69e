"""Builders for the bidder tests (no tests here).

Tenders are made straight in the database in the state a test needs (open or closed),
with an evaluation model that has questions, a word limit and a scale, so these tests do
not depend on the publication rules tested elsewhere.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from coproduce.foundation.accounts.tests.factories import make_member
from coproduce.foundation.commissioning.tests.factories import make_project
from coproduce.plan.evaluation_models.models import Criterion, EvaluationModel, ScaleLevel
from coproduce.procure.tenders.models import Tender, TenderStatus
from coproduce.procure.tenders.tests.factories import make_tender

from ..models import RequiredDocument
from ..services_draft import answerable_questions, bid_file_add, bid_start, consortium_member_add

_counter = {"n": 0}
WORD_LIMIT = 5
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def make_open_tender(
    *,
    actor,
    lots: int = 0,
    deadline: dt.datetime | None = None,
    status: str = TenderStatus.OPEN,
    reserved_for: str = "",
) -> Tender:
    """An open tender with two quality questions (one limited to 5 words), one social
    value question, a price criterion, a 0–4 scale and two required documents."""
    _counter["n"] += 1
    project = make_project(actor=actor, published=True, title=f"Bidder project {_counter['n']}")
    model = EvaluationModel.objects.create(project=project, title="Scoring", created_by=actor)
    for score, label in enumerate(["Unacceptable", "Poor", "Fair", "Good", "Excellent"]):
        ScaleLevel.objects.create(model=model, score=score, label=label, descriptor=f"{label}.")
    quality = Criterion.objects.create(
        model=model, kind="quality", position=1, title="Quality", weight_percent=Decimal(60)
    )
    Criterion.objects.create(
        model=model,
        parent=quality,
        kind="quality",
        position=1,
        title="Involving people",
        question="How will people who use the service shape it?",
        guidance="Show how people are involved from the start.",
        word_limit=WORD_LIMIT,
        weight_percent=Decimal(30),
    )
    Criterion.objects.create(
        model=model,
        parent=quality,
        kind="quality",
        position=2,
        title="Staffing",
        question="How will you staff the service?",
        word_limit=500,
        weight_percent=Decimal(30),
    )
    social = Criterion.objects.create(
        model=model, kind="social_value", position=2, title="Social value", weight_percent=20
    )
    Criterion.objects.create(
        model=model,
        parent=social,
        kind="social_value",
        position=1,
        title="Local jobs",
        question="How many local people will you employ?",
        weight_percent=Decimal(20),
    )
    Criterion.objects.create(
        model=model, kind="price", position=3, title="Price", weight_percent=Decimal(20)
    )
    tender = make_tender(
        actor=actor,
        status=status,
        project=project,
        evaluation_model=model,
        reserved_for=reserved_for,
        lots=lots,
        **({"deadline": deadline} if deadline else {}),
    )
    RequiredDocument.objects.create(tender=tender, name="Insurance certificate", mandatory=True)
    RequiredDocument.objects.create(tender=tender, name="Safeguarding policy", mandatory=False)
    return tender


def questions(tender: Tender) -> list[Criterion]:
    return answerable_questions(tender)


def pdf_upload(name: str = "insurance.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def bid_with_partner_and_document(tender: Tender) -> dict:
    """A draft bid by "Lead Org" on ``tender`` with one consortium partner ("Partner Org",
    Transport, 30%) and one document: the rows whose bidder URLs must not count others'."""
    lead_user, lead_org = make_member(name="Lead Org")
    bid = bid_start(actor=lead_user, tender=tender, organisation=lead_org)
    partner_user, partner_org = make_member(name="Partner Org")
    seat = consortium_member_add(
        actor=lead_user, bid=bid, organisation=partner_org, role="Transport", share_percent=30
    )
    bid_file = bid_file_add(
        actor=lead_user, bid=bid, upload=pdf_upload(), title="Insurance", requirement=""
    )
    return {"bid": bid, "lead": lead_user, "partner": partner_user, "seat": seat, "file": bid_file}
