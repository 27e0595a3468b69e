"""Feedback and mystery shopping services: rules, bad input, audit, deadlines."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.utils import timezone
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from coproduce.deliver.feedback import selectors as sel
from coproduce.deliver.feedback import services as svc
from coproduce.deliver.feedback.models import (
    FeedbackAnswer,
    FeedbackResponse,
    ProviderReply,
    ReportEvidence,
    ShoppingReport,
)
from coproduce.foundation.accounts.tests.factories import make_member
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.plan.procurement_rules.models import BankHoliday

from .factories import give, make_contract, make_shopper, plan_visit, send_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(commissioner):
    return make_contract(commissioner)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format="PNG")
    return out.getvalue()


# --- Feedback --------------------------------------------------------------------------


def test_feedback_is_saved_with_its_answers_and_no_person(contract, resident):
    response = svc.feedback_give(
        actor=resident,
        contract=contract,
        data=svc.FeedbackData(
            rating="very_good", what_good=" Kind staff ", what_better="", uses_service="myself"
        ),
    )
    assert response.received_on == timezone.localdate()
    assert [(a.part, a.text) for a in response.answers.all()] == [("good", "Kind staff")]
    event = AuditEvent.objects.get(verb="feedback.response.received")
    assert event.actor_id is None


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"rating": ""}, "rating_required", "rating"),
        ({"rating": "excellent"}, "invalid_rating", "rating"),
        ({"rating": None}, "rating_required", "rating"),
        ({"rating": "good", "what_good": "x" * 2001}, "too_long", "what_good"),
        ({"rating": "good", "what_better": "x" * 2001}, "too_long", "what_better"),
        ({"rating": "good", "uses_service": "my cat"}, "invalid_choice", "uses_service"),
    ],
)
def test_bad_feedback_names_the_rule_and_saves_nothing(contract, data, code, field):
    with pytest.raises(ServiceError) as exc:
        svc.feedback_give(actor=None, contract=contract, data=svc.FeedbackData(**data))
    assert (exc.value.code, exc.value.field) == (code, field)
    assert exc.value.message
    assert FeedbackResponse.objects.count() == 0


def test_too_long_message_says_the_limit(contract):
    with pytest.raises(ServiceError) as exc:
        give(contract, what_better="x" * 2001)
    assert "2,000 characters" in exc.value.message


def test_feedback_for_an_ended_contract_is_refused(commissioner):
    today = timezone.localdate()
    ended = make_contract(
        commissioner, starts_on=today - dt.timedelta(days=400), ends_on=today - dt.timedelta(days=1)
    )
    with pytest.raises(ServiceError) as exc:
        give(ended)
    assert exc.value.code == "contract_not_live"
    assert "ended" in exc.value.message
    assert FeedbackResponse.objects.count() == 0


def test_feedback_before_the_start_says_when_it_opens(commissioner):
    later = make_contract(commissioner, starts_on=timezone.localdate() + dt.timedelta(days=10))
    with pytest.raises(ServiceError) as exc:
        give(later)
    assert exc.value.code == "contract_not_live"
    assert "has not started" in exc.value.message


def test_feedback_for_a_terminated_contract_is_refused(commissioner):
    stopped = make_contract(commissioner, status="terminated")
    with pytest.raises(ServiceError, match="ended"):
        give(stopped)


def test_feedback_under_a_draft_project_is_not_found(commissioner):
    hidden = make_contract(commissioner, published=False)
    with pytest.raises(NotFound):
        give(hidden)


def test_the_same_key_twice_keeps_one_response(contract):
    key = "k" * 32
    first = svc.feedback_give(
        actor=None, contract=contract, data=svc.FeedbackData(rating="good"), submission_key=key
    )
    again = svc.feedback_give(
        actor=None, contract=contract, data=svc.FeedbackData(rating="good"), submission_key=key
    )
    assert first.pk == again.pk
    assert FeedbackResponse.objects.count() == 1


def test_score_and_counts(contract):
    for rating, n in [("very_good", 3), ("good", 1), ("poor", 1), ("dont_know", 1)]:
        for _ in range(n):
            give(contract, rating)
    score = sel.contract_score(contract)
    assert (score.positive, score.responses, score.percent) == (4, 6, 67)
    assert [r["count"] for r in sel.score_rows(score)] == [3, 1, 0, 1, 0, 1]


# --- Themes ----------------------------------------------------------------------------


def test_commissioner_codes_answers_and_sees_counts(contract, commissioner):
    give(contract, "good", what_good="Friendly", what_better="Longer hours")
    give(contract, "good", what_good="Very friendly")
    friendly = svc.theme_create(actor=commissioner, contract=contract, name="Friendly staff")
    hours = svc.theme_create(actor=commissioner, contract=contract, name="Opening hours")
    goods = FeedbackAnswer.objects.filter(part="good").values_list("pk", flat=True)
    better = FeedbackAnswer.objects.filter(part="better").values_list("pk", flat=True)
    assert (
        svc.answers_tag(
            actor=commissioner, contract=contract, theme_id=friendly.pk, answer_ids=list(goods)
        )
        == 2
    )
    assert (
        svc.answers_tag(
            actor=commissioner, contract=contract, theme_id=friendly.pk, answer_ids=list(goods)
        )
        == 0
    )
    svc.answers_tag(
        actor=commissioner, contract=contract, theme_id=hours.pk, answer_ids=list(better)
    )
    counts = {
        t.name: (t.good_count, t.better_count, t.answer_count) for t in sel.theme_list(contract)
    }
    assert counts == {"Friendly staff": (2, 0, 2), "Opening hours": (0, 1, 1)}
    assert [t.name for t in sel.top_themes(contract)] == ["Friendly staff", "Opening hours"]
    assert (
        svc.answers_untag(
            actor=commissioner, contract=contract, theme_id=hours.pk, answer_ids=list(better)
        )
        == 1
    )


def test_theme_names_are_checked(contract, commissioner):
    svc.theme_create(actor=commissioner, contract=contract, name="Friendly staff")
    for name, code in [("", "required"), ("friendly  STAFF", "duplicate"), ("x" * 121, "too_long")]:
        with pytest.raises(ServiceError) as exc:
            svc.theme_create(actor=commissioner, contract=contract, name=name)
        assert exc.value.code == code


def test_answers_of_another_contract_cannot_be_coded(contract, commissioner):
    other = make_contract(commissioner)
    give(other, what_good="Elsewhere")
    theme = svc.theme_create(actor=commissioner, contract=contract, name="T")
    with pytest.raises(ServiceError) as exc:
        svc.answers_tag(
            actor=commissioner,
            contract=contract,
            theme_id=theme.pk,
            answer_ids=[FeedbackAnswer.objects.get().pk],
        )
    assert exc.value.code == "invalid_answer"
    for ids, code in [([], "no_answers"), (["x"], "invalid_answer")]:
        with pytest.raises(ServiceError) as exc:
            svc.answers_tag(
                actor=commissioner, contract=contract, theme_id=theme.pk, answer_ids=ids
            )
        assert exc.value.code == code


def test_the_provider_cannot_code(contract):
    member, _ = make_member(contract.provider)
    with pytest.raises(NotFound):
        svc.theme_create(actor=member, contract=contract, name="Mine")


def test_theme_rename_keeps_old_name_in_the_audit(contract, commissioner):
    theme = svc.theme_create(actor=commissioner, contract=contract, name="Old")
    svc.theme_rename(actor=commissioner, theme=theme, name="New")
    event = AuditEvent.objects.get(verb="feedback.theme.renamed")
    assert event.changes["name"] == ["Old", "New"]


# --- Anonymity -------------------------------------------------------------------------


def test_provider_reads_answers_without_contact_details_or_numbers(contract, commissioner):
    give(contract, "poor", what_better="Call me on 07700 900123, I waited an hour")
    member, _ = make_member(contract.provider)
    provider_rows = sel.response_rows(user=member, contract=contract)
    staff_rows = sel.response_rows(user=commissioner, contract=contract)
    text = provider_rows[0].answers[0].text
    assert "07700" not in text and "I waited an hour" in text
    assert provider_rows[0].number is None and provider_rows[0].answers[0].pk is None
    assert "07700 900123" in staff_rows[0].answers[0].text
    assert staff_rows[0].number is not None


# --- Shoppers and visits ---------------------------------------------------------------


def test_shopper_rules(commissioner, resident):
    shopper = make_shopper(commissioner, user=resident)
    assert shopper.user == resident
    today = timezone.localdate()
    bad = [
        ({"full_name": ""}, "required"),
        ({"trained_on": None}, "date_required"),
        ({"trained_on": today + dt.timedelta(days=1)}, "trained_in_future"),
        ({"trained_by": ""}, "required"),
        ({"email": "nobody@example.org"}, "no_account"),
        ({"email": resident.email}, "already_shopper"),
    ]
    for change, code in bad:
        data = {"full_name": "A", "trained_on": today, "trained_by": "B", "email": "", **change}
        with pytest.raises(ServiceError) as exc:
            svc.shopper_add(actor=commissioner, data=svc.ShopperData(**data))
        assert exc.value.code == code


def test_a_resident_cannot_add_shoppers(resident):
    with pytest.raises(NotFound):
        svc.shopper_add(
            actor=resident,
            data=svc.ShopperData(full_name="A", trained_on=timezone.localdate(), trained_by="B"),
        )


def test_visits_are_numbered_per_contract(contract, commissioner):
    shopper = make_shopper(commissioner)
    assert plan_visit(commissioner, contract, [shopper]).number == 1
    assert plan_visit(commissioner, contract, [shopper]).number == 2
    assert plan_visit(commissioner, make_contract(commissioner), [shopper]).number == 1


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"window_from": None}, "date_required"),
        ({"window_to": "soon"}, "date_required"),
        ({"window_to": dt.date(2000, 1, 1)}, "window_inverted"),
        (
            {"window_from": dt.date(2000, 1, 1), "window_to": dt.date(2000, 1, 2)},
            "outside_contract",
        ),
        ({"focus": ""}, "required"),
        ({"shopper_ids": []}, "shoppers_required"),
        ({"shopper_ids": [999999]}, "invalid_shopper"),
        ({"shopper_ids": ["x"]}, "invalid_shopper"),
        ({"checklist": []}, "checklist_required"),
        ({"checklist": ["q"] * 21}, "checklist_too_long"),
        ({"checklist": ["q" * 301]}, "too_long"),
    ],
)
def test_bad_visit_plans_are_refused(contract, commissioner, change, code):
    shopper = make_shopper(commissioner)
    with pytest.raises(ServiceError) as exc:
        plan_visit(commissioner, contract, [shopper], **change)
    assert exc.value.code == code


def test_checklist_from_text():
    text = "- Were you welcomed?\n\n2. Was it clean?\n  * Could you find it  \n"
    assert svc.checklist_from_text(text) == [
        "Were you welcomed?",
        "Was it clean?",
        "Could you find it",
    ]


# --- Reports, replies, actions ---------------------------------------------------------


@pytest.fixture
def visit(contract, commissioner, resident):
    shopper = make_shopper(commissioner, user=resident)
    return plan_visit(commissioner, contract, [shopper])


def test_a_shopper_sends_a_report_with_evidence(visit, resident):
    report = send_report(resident, visit, evidence=[svc.EvidenceFile(name="door.png", data=_png())])
    assert report.items.count() == 2
    evidence = ReportEvidence.objects.get()
    assert (evidence.content_type, evidence.extension) == ("image/png", "png")
    assert report.reply_due_on > timezone.localdate()
    with pytest.raises(ServiceError) as exc:
        send_report(resident, visit)
    assert exc.value.code == "already_reported"


def test_reply_is_due_20_working_days_later_skipping_bank_holidays(db):
    monday = dt.date(2031, 3, 3)
    assert svc.reply_due_for(monday) == dt.date(2031, 3, 31)
    BankHoliday.objects.create(date=dt.date(2031, 3, 10), name="Test holiday")
    assert svc.reply_due_for(monday) == dt.date(2031, 4, 1)


def test_someone_not_on_the_visit_cannot_report(visit, contract):
    member, _ = make_member(contract.provider)
    with pytest.raises(NotFound):
        send_report(member, visit)


@pytest.mark.parametrize(
    ("evidence", "code"),
    [
        (svc.EvidenceFile(name="virus.pdf", data=b"MZ\x90\x00rest"), "file_type"),
        (svc.EvidenceFile(name="big.png", data=b"\0" * (svc.EVIDENCE_BYTES + 1)), "file_too_large"),
        (svc.EvidenceFile(name="photo.pdf", data=_png()), "file_name_mismatch"),
        (svc.EvidenceFile(name="empty.txt", data=b""), "file_empty"),
    ],
)
def test_evidence_is_checked_by_content(visit, resident, evidence, code):
    with pytest.raises(ServiceError) as exc:
        send_report(resident, visit, evidence=[evidence])
    assert exc.value.code.startswith(code.split("_")[0])
    assert exc.value.field == "evidence"
    assert ShoppingReport.objects.count() == 0


@pytest.mark.parametrize(
    ("items", "code"),
    [
        ({}, "item_rating_required"),
        ("not a dict", "item_rating_required"),
        (None, "item_rating_required"),
    ],
)
def test_every_checklist_item_needs_a_rating(visit, resident, items, code):
    with pytest.raises(ServiceError) as exc:
        svc.report_submit(
            actor=resident,
            visit=visit,
            data=svc.ReportData(visited_on=timezone.localdate(), overall="x", items=items),
        )
    assert exc.value.code == code


def test_report_rating_must_be_in_the_list_and_day_not_in_future(visit, resident):
    item = visit.checklist.first()
    with pytest.raises(ServiceError) as exc:
        svc.report_submit(
            actor=resident,
            visit=visit,
            data=svc.ReportData(
                visited_on=timezone.localdate(), overall="x", items={item.pk: ("brilliant", "")}
            ),
        )
    assert exc.value.code == "invalid_rating"
    with pytest.raises(ServiceError) as exc:
        send_report(resident, visit, visited_on=timezone.localdate() + dt.timedelta(days=1))
    assert exc.value.code == "visit_in_future"


def test_provider_reply_on_time_and_late(visit, resident, contract):
    report = send_report(resident, visit)
    member, _ = make_member(contract.provider)
    reply = svc.reply_submit(actor=member, report=report, text="We will change the sign.")
    assert not reply.late
    assert sel.reply_state(ShoppingReport.objects.get(pk=report.pk)) == "replied"
    with pytest.raises(ServiceError) as exc:
        svc.reply_submit(actor=member, report=report, text="Again")
    assert exc.value.code == "already_replied"


def test_a_reply_after_the_deadline_is_accepted_but_marked_late(visit, resident, contract):
    report = send_report(resident, visit)
    ShoppingReport.objects.filter(pk=report.pk).update(
        reply_due_on=timezone.localdate() - dt.timedelta(days=1)
    )
    report.refresh_from_db()
    assert sel.reply_state(report) == "overdue"
    member, _ = make_member(contract.provider)
    reply = svc.reply_submit(actor=member, report=report, text="Sorry, late.")
    assert reply.late
    assert ProviderReply.objects.get().late
    assert sel.reply_state(ShoppingReport.objects.get(pk=report.pk)) == "replied_late"
    assert AuditEvent.objects.get(verb="feedback.reply.sent").changes["late"] is True


def test_only_the_provider_replies(visit, resident, commissioner):
    report = send_report(resident, visit)
    other, _ = make_member()
    for person in (commissioner, other, resident):
        with pytest.raises(NotFound):
            svc.reply_submit(actor=person, report=report, text="No")


def test_follow_up_actions(visit, commissioner, contract):
    due = timezone.localdate() + dt.timedelta(days=30)
    action = svc.action_add(
        actor=commissioner,
        visit=visit,
        data=svc.ActionData(description="New sign", owner="Jo, provider", due_on=due),
    )
    member, _ = make_member(contract.provider)
    svc.action_update(actor=member, action=action, status="in_progress")
    with pytest.raises(ServiceError) as exc:
        svc.action_update(actor=member, action=action, status="done")
    assert exc.value.code == "required"
    svc.action_update(
        actor=member, action=action, status="done", what_changed="A large-print sign by the door."
    )
    with pytest.raises(ServiceError) as exc:
        svc.action_update(actor=member, action=action, status="open")
    assert exc.value.code == "illegal_transition"
    stranger, _ = make_member()
    with pytest.raises(NotFound):
        svc.action_update(actor=stranger, action=action, status="open")
    with pytest.raises(NotFound):
        svc.action_add(
            actor=member,
            visit=visit,
            data=svc.ActionData(description="x", owner="y", due_on=due),
        )


def test_public_summary_has_no_names_and_only_done_changes(visit, resident, commissioner, contract):
    send_report(resident, visit, overall="Welcoming, but the leaflet was hard to read.")
    action = svc.action_add(
        actor=commissioner,
        visit=visit,
        data=svc.ActionData(
            description="Easy read leaflet", owner="Provider", due_on=timezone.localdate()
        ),
    )
    summary = sel.contract_summary(contract)
    assert summary.visits[0].changes == []
    svc.action_update(
        actor=commissioner, action=action, status="done", what_changed="An easy read leaflet"
    )
    summary = sel.contract_summary(contract)
    assert summary.visits[0].overall.startswith("Welcoming")
    assert summary.visits[0].changes == ["An easy read leaflet"]
    assert not summary.show_score


# --- Evidence keeps no metadata that could name the shopper -----------------------------


def _jpeg_with_metadata() -> bytes:
    image = Image.new("RGB", (40, 20), "red")  # wide; the orientation tag says "turn it"
    exif = Image.Exif()
    exif[0x013B] = "Jane Shopper"  # Artist
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0xA431] = "SERIAL-12345"  # BodySerialNumber
    exif[0x0112] = 6  # Orientation: rotate 90° to show upright
    exif.get_ifd(0x8825)[2] = (51.0, 30.0, 0.0)  # GPS latitude
    out = io.BytesIO()
    image.save(
        out,
        format="JPEG",
        exif=exif,
        comment=b"Taken by Jane Shopper",
        icc_profile=b"\0" * 64,
        xmp=b"<x:xmpmeta><dc:creator>Jane Shopper</dc:creator></x:xmpmeta>",
    )
    return out.getvalue()


def _png_with_metadata() -> bytes:
    info = PngInfo()
    info.add_text("Author", "Jane Shopper")
    info.add_itxt("XML:com.adobe.xmp", "<dc:creator>Jane Shopper</dc:creator>")
    exif = Image.Exif()
    exif[0x013B] = "Jane Shopper"
    out = io.BytesIO()
    Image.new("RGBA", (8, 8), (0, 0, 255, 128)).save(out, format="PNG", pnginfo=info, exif=exif)
    return out.getvalue()


def _stored(evidence: ReportEvidence) -> bytes:
    with evidence.file.open("rb") as f:
        return f.read()


def test_photo_evidence_is_stored_without_its_metadata(visit, resident):
    sent = _jpeg_with_metadata()
    assert b"Jane Shopper" in sent and b"SERIAL-12345" in sent
    send_report(resident, visit, evidence=[svc.EvidenceFile(name="door.jpg", data=sent)])
    evidence = ReportEvidence.objects.get()
    data = _stored(evidence)
    assert b"Jane Shopper" not in data and b"SERIAL" not in data and b"PhoneMaker" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert not image.getexif() and "exif" not in image.info
        assert not {"comment", "icc_profile", "xmp"} & set(image.info)
        assert image.size == (20, 40)  # turned upright as the tag said, then the tag dropped
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.size_bytes == len(data)


def test_png_evidence_is_stored_without_text_chunks_or_exif(visit, resident):
    sent = _png_with_metadata()
    assert b"Jane Shopper" in sent
    send_report(resident, visit, evidence=[svc.EvidenceFile(name="sign.png", data=sent)])
    data = _stored(ReportEvidence.objects.get())
    assert b"Jane Shopper" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.mode, image.size) == ("PNG", "RGBA", (8, 8))
        assert not image.getexif() and not getattr(image, "text", {})
        assert image.getpixel((0, 0)) == (0, 0, 255, 128)  # the picture itself is kept


def test_a_cut_short_picture_is_refused_with_a_message(visit, resident):
    broken = _jpeg_with_metadata()[:-200]
    with pytest.raises(ServiceError) as exc:
        send_report(resident, visit, evidence=[svc.EvidenceFile(name="cut.jpg", data=broken)])
    assert exc.value.code.startswith("file_type") and exc.value.field == "evidence"
    assert "cut.jpg" in exc.value.message
    assert ShoppingReport.objects.count() == ReportEvidence.objects.count() == 0


# --- Ids out of the database's range --------------------------------------------------


HUGE = [str(2**63), str(10**30), "-1", "0", "1e5", "Infinity"]


@pytest.mark.parametrize("bad", HUGE)
def test_out_of_range_answer_ids_are_refused_not_a_server_error(contract, commissioner, bad):
    give(contract, what_good="Friendly")
    theme = svc.theme_create(actor=commissioner, contract=contract, name="Friendly staff")
    answer = FeedbackAnswer.objects.get()
    with pytest.raises(ServiceError) as exc:
        svc.answers_tag(
            actor=commissioner, contract=contract, theme_id=theme.pk, answer_ids=[answer.pk, bad]
        )
    assert (exc.value.code, exc.value.message) == (
        "invalid_answer",
        "Choose answers from the list.",
    )
    with pytest.raises(ServiceError) as exc:
        svc.answers_tag(actor=commissioner, contract=contract, theme_id=bad, answer_ids=[answer.pk])
    assert exc.value.code == "theme_required"
    assert not answer.themes.exists()


def test_out_of_range_shopper_ids_are_refused(contract, commissioner):
    shopper = make_shopper(commissioner)
    with pytest.raises(ServiceError) as exc:
        plan_visit(commissioner, contract, [shopper], shopper_ids=[shopper.pk, 2**64])
    assert exc.value.code == "invalid_shopper"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, 1),
        ("42", 42),
        (sel.ID_MAX, sel.ID_MAX),
        (sel.ID_MAX + 1, None),
        (0, None),
        ("-3", None),
        ("x", None),
        (None, None),
        (float("inf"), None),
        ([], None),
    ],
)
def test_as_id(value, expected):
    assert sel.as_id(value) == expected
