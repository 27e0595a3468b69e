"""Building consultations: officers create, edit, publish and close them through services."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from coproduce.foundation.accounts.tests.factories import UserFactory
from coproduce.foundation.commissioning.tests.factories import make_project
from coproduce.foundation.core.audit import verify_chain
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.understand.consultations.models import Consultation, Option, Question
from coproduce.understand.consultations.services import (
    AnswerValue,
    ConsultationData,
    QuestionData,
    consultation_close,
    consultation_create,
    consultation_publish,
    consultation_update,
    question_add,
    question_remove,
    question_update,
    response_save_answers,
    section_save,
    when_label,
)

pytestmark = pytest.mark.django_db


def data(**overrides) -> ConsultationData:
    now = timezone.now()
    values = {
        "title": "Day opportunities: tell us what matters",
        "intro": "We are planning new day services. Tell us what you want.",
        "easy_read_intro": "We want to know what you like to do in the day.",
        "opens_at": now - dt.timedelta(days=1),
        "closes_at": now + dt.timedelta(days=30),
        "equality_monitoring": True,
    }
    values.update(overrides)
    return ConsultationData(**values)


def build_consultation(
    actor, project=None, *, publish: bool = True, equality: bool = True, **overrides
) -> Consultation:
    """A consultation with two sections and one question of each kind (text is required)."""
    project = project or make_project(actor=actor, published=True)
    c = consultation_create(
        actor=actor, project=project, data=data(equality_monitoring=equality, **overrides)
    )
    first = section_save(
        actor=actor, consultation=c, title="What you do now", easy_read_title="Now"
    )
    second = section_save(
        actor=actor, consultation=c, title="What you want", easy_read_title="Next"
    )
    add = lambda **kw: question_add(actor=actor, consultation=c, data=QuestionData(**kw))  # noqa: E731
    add(
        kind="single",
        text="How do you get to your day service?",
        section_id=first.pk,
        required=True,
        options=["Bus", "Taxi", "Walk"],
        easy_read_text="How do you get there?",
        easy_read_options=["Bus", "Car", "Walk"],
    )
    add(
        kind="rating",
        text="How good is your day service now?",
        section_id=first.pk,
        easy_read_text="Is it good?",
    )
    add(
        kind="multiple",
        text="What would you like to do?",
        section_id=second.pk,
        options=["Art", "Sport", "Cooking"],
    )
    add(
        kind="ranking",
        text="Put these in order of importance",
        section_id=second.pk,
        options=["Evenings", "Weekends", "Holidays"],
    )
    add(
        kind="text",
        text="What would make your days better?",
        section_id=second.pk,
        required=True,
        max_length=200,
        easy_read_text="What would make your days better?",
    )
    if publish:
        c = consultation_publish(actor=actor, consultation=c)
    return c


def qs(c: Consultation) -> dict[str, Question]:
    return {q.kind: q for q in c.questions.all()}


def png_bytes(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


# --- Services --------------------------------------------------------------------------


def test_create_gives_a_reference_and_audits(commissioner, published_project):
    c = consultation_create(actor=commissioner, project=published_project, data=data())
    year = timezone.localdate().year
    assert c.reference == f"CN-{year}-0001"
    assert c.status == "draft"
    event = AuditEvent.objects.get(verb="engagement.consultation.created")
    assert event.target_id == str(c.pk)
    assert event.changes["project"] == published_project.reference
    second = consultation_create(actor=commissioner, project=published_project, data=data())
    assert second.reference == f"CN-{year}-0002"


def test_residents_and_finance_cannot_create(resident, finance, published_project):
    for user in (resident, finance):
        with pytest.raises(NotFound):
            consultation_create(actor=user, project=published_project, data=data())
    assert not Consultation.objects.exists()


def test_closing_before_opening_is_refused(commissioner, published_project):
    now = timezone.now()
    with pytest.raises(ServiceError) as exc:
        consultation_create(
            actor=commissioner,
            project=published_project,
            data=data(opens_at=now, closes_at=now - dt.timedelta(hours=1)),
        )
    assert exc.value.code == "dates_out_of_order"
    assert exc.value.field == "closes_on"
    assert not Consultation.objects.exists()


def test_publish_needs_questions_and_is_idempotent(commissioner, published_project):
    c = consultation_create(actor=commissioner, project=published_project, data=data())
    with pytest.raises(ServiceError) as exc:
        consultation_publish(actor=commissioner, consultation=c)
    assert exc.value.code == "no_questions"
    question_add(
        actor=commissioner, consultation=c, data=QuestionData(kind="rating", text="How good?")
    )
    c = consultation_publish(actor=commissioner, consultation=c)
    c = consultation_publish(actor=commissioner, consultation=c)
    assert c.status == "published"
    assert AuditEvent.objects.filter(verb="engagement.consultation.published").count() == 1


def test_publish_refuses_when_closing_date_has_passed(commissioner, published_project):
    now = timezone.now()
    c = consultation_create(
        actor=commissioner,
        project=published_project,
        data=data(opens_at=now - dt.timedelta(days=3), closes_at=now - dt.timedelta(days=1)),
    )
    question_add(actor=commissioner, consultation=c, data=QuestionData(kind="rating", text="Q"))
    with pytest.raises(ServiceError) as exc:
        consultation_publish(actor=commissioner, consultation=c)
    assert exc.value.code == "already_past"


def test_close_is_audited_and_idempotent(commissioner):
    c = build_consultation(commissioner)
    consultation_close(actor=commissioner, consultation=c)
    c = consultation_close(actor=commissioner, consultation=c)
    assert c.status == "closed"
    assert c.phase() == "closed"
    assert AuditEvent.objects.filter(verb="engagement.consultation.closed").count() == 1


def test_a_published_consultation_closes_by_the_clock(commissioner):
    c = build_consultation(commissioner)
    assert c.phase() == "open"
    assert c.phase(c.closes_at - dt.timedelta(seconds=1)) == "open"
    assert c.phase(c.closes_at) == "closed"
    assert c.status == "published"  # nobody pressed close


def test_question_validation_messages(commissioner, published_project):
    c = consultation_create(actor=commissioner, project=published_project, data=data())
    cases = [
        (
            QuestionData(kind="single", text="Pick", options=["Only one"]),
            "too_few_options",
            "options",
        ),
        (QuestionData(kind="text", text="Tell us"), "required", "max_length"),
        (QuestionData(kind="single", text="", options=["A", "B"]), "required", "text"),
        (QuestionData(kind="single", text="X", options=["A", "a"]), "duplicate_options", "options"),
        (QuestionData(kind="nonsense", text="X"), "invalid_choice", "kind"),
        (QuestionData(kind="rating", text="X", section_id=999999), "invalid_choice", "section"),
    ]
    for question_data, code, field in cases:
        with pytest.raises(ServiceError) as exc:
            question_add(actor=commissioner, consultation=c, data=question_data)
        assert (exc.value.code, exc.value.field) == (code, field)
    assert not Question.objects.exists()


def test_after_publishing_only_wording_changes_and_each_fix_is_audited(commissioner):
    c = build_consultation(commissioner)
    single = qs(c)["single"]
    changed = QuestionData(
        kind="single",
        text="How do you usually get to your day service?",
        section_id=single.section_id,
        required=True,
        options=["Bus", "Taxi", "Walking"],
        easy_read_text="How do you get there?",
        easy_read_options=["Bus", "Car", "Walk"],
    )
    option_ids_before = list(single.options.values_list("pk", flat=True))
    question_update(actor=commissioner, consultation=c, question=single, data=changed)
    event = AuditEvent.objects.filter(verb="engagement.question.updated").latest("seq")
    assert event.changes["text"] == [
        "How do you get to your day service?",
        "How do you usually get to your day service?",
    ]
    assert event.changes["options"][1][2] == ["Walking", "Walk"]
    assert event.reason == "Wording fixed after publishing"
    assert (
        list(Option.objects.filter(question=single).values_list("pk", flat=True))
        == option_ids_before
    )
    for structural in (
        QuestionData(**{**changed.__dict__, "required": False}),
        QuestionData(**{**changed.__dict__, "options": ["Bus", "Taxi"], "easy_read_options": []}),
        QuestionData(**{**changed.__dict__, "kind": "multiple"}),
    ):
        with pytest.raises(ServiceError) as exc:
            question_update(actor=commissioner, consultation=c, question=single, data=structural)
        assert exc.value.code == "published_locked"
    with pytest.raises(ServiceError) as exc:
        consultation_update(
            actor=commissioner,
            consultation=c,
            data=data(
                title=c.title, closes_at=c.closes_at + dt.timedelta(days=5), opens_at=c.opens_at
            ),
        )
    assert exc.value.code == "published_locked"
    consultation_update(
        actor=commissioner,
        consultation=c,
        data=ConsultationData(
            title="Day opportunities: tell us what matters to you",
            intro=c.intro,
            easy_read_intro=c.easy_read_intro,
            opens_at=c.opens_at,
            closes_at=c.closes_at,
            equality_monitoring=True,
        ),
    )
    event = AuditEvent.objects.filter(verb="engagement.consultation.updated").latest("seq")
    assert event.changes == {
        "title": [
            "Day opportunities: tell us what matters",
            "Day opportunities: tell us what matters to you",
        ]
    }
    assert verify_chain()[1] is None


def test_once_answered_questions_cannot_be_removed_or_required_ones_added(commissioner):
    c = build_consultation(commissioner)
    rating = qs(c)["rating"]
    response_save_answers(
        consultation=c, submission_key="k" * 40, answers={rating.pk: AnswerValue(rating=4)}
    )
    with pytest.raises(ServiceError) as exc:
        question_remove(actor=commissioner, consultation=c, question=rating)
    assert exc.value.code == "has_answers"
    assert "cannot be removed" in exc.value.message
    with pytest.raises(ServiceError) as exc:
        question_add(
            actor=commissioner,
            consultation=c,
            data=QuestionData(kind="rating", text="New one", required=True),
        )
    assert exc.value.code == "required_after_answers"
    question_add(
        actor=commissioner, consultation=c, data=QuestionData(kind="rating", text="Optional one")
    )
    assert c.questions.count() == 6


def test_removing_a_question_before_answers_is_audited(commissioner):
    c = build_consultation(commissioner, publish=False)
    text = qs(c)["text"]
    question_remove(actor=commissioner, consultation=c, question=text)
    event = AuditEvent.objects.get(verb="engagement.question.removed")
    assert event.changes["text"] == "What would make your days better?"
    assert not Question.objects.filter(pk=text.pk).exists()


def test_easy_read_image_must_really_be_a_small_image(commissioner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = build_consultation(commissioner, publish=False)
    rating = qs(c)["rating"]
    base = QuestionData(
        kind="rating",
        text=rating.text,
        section_id=rating.section_id,
        easy_read_image_alt="A smiling face",
    )
    fake = SimpleUploadedFile(
        "face.png", b"%PDF-1.4 not really a picture", content_type="image/png"
    )
    with pytest.raises(ServiceError) as exc:
        question_update(
            actor=commissioner,
            consultation=c,
            question=rating,
            data=QuestionData(**{**base.__dict__, "easy_read_image": fake}),
        )
    assert exc.value.code == "not_an_image"
    settings.ENGAGEMENT_IMAGE_MAX_BYTES = 100
    big = SimpleUploadedFile("face.png", png_bytes((300, 300)), content_type="image/png")
    with pytest.raises(ServiceError) as exc:
        question_update(
            actor=commissioner,
            consultation=c,
            question=rating,
            data=QuestionData(**{**base.__dict__, "easy_read_image": big}),
        )
    assert exc.value.code == "image_too_big"
    settings.ENGAGEMENT_IMAGE_MAX_BYTES = 2 * 1024 * 1024
    no_alt = SimpleUploadedFile("face.png", png_bytes(), content_type="image/png")
    with pytest.raises(ServiceError) as exc:
        question_update(
            actor=commissioner,
            consultation=c,
            question=rating,
            data=QuestionData(
                **{**base.__dict__, "easy_read_image_alt": "", "easy_read_image": no_alt}
            ),
        )
    assert exc.value.code == "alt_required"
    rating.refresh_from_db()
    assert not rating.easy_read_image
    good = SimpleUploadedFile("anything.bin", png_bytes(), content_type="application/octet-stream")
    question_update(
        actor=commissioner,
        consultation=c,
        question=rating,
        data=QuestionData(**{**base.__dict__, "easy_read_image": good}),
    )
    rating.refresh_from_db()
    assert rating.easy_read_image.name.endswith(".png")
    assert rating.easy_read_image_alt == "A smiling face"


def test_when_label_uses_uk_time_with_day_of_week():
    winter = dt.datetime(2026, 12, 7, 23, 59, tzinfo=dt.UTC)
    summer = dt.datetime(2026, 6, 29, 16, 30, tzinfo=dt.UTC)
    assert when_label(winter) == "Monday 7 December 2026 at 11:59pm"
    assert when_label(summer) == "Monday 29 June 2026 at 5:30pm"  # BST


# --- Views -----------------------------------------------------------------------------


def test_staff_pages_are_not_found_for_residents_and_anonymous(client, resident, commissioner):
    c = build_consultation(commissioner)
    urls = [
        reverse("engagement:staff_list"),
        reverse("engagement:create"),
        reverse("engagement:manage", args=[c.reference]),
        reverse("engagement:edit", args=[c.reference]),
        reverse("engagement:question_add", args=[c.reference]),
        reverse("engagement:preview", args=[c.reference]),
        reverse("engagement:preview_page", args=[c.reference, 1]),
    ]
    client.force_login(resident)
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("engagement:close", args=[c.reference])).status_code == 404
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302, url  # to sign in
    c.refresh_from_db()
    assert c.status == "published"


def test_finance_can_preview_but_not_change(client, finance, commissioner):
    c = build_consultation(commissioner, publish=False)
    client.force_login(finance)
    assert client.get(reverse("engagement:manage", args=[c.reference])).status_code == 200
    assert client.get(reverse("engagement:preview_page", args=[c.reference, 1])).status_code == 200
    assert client.get(reverse("engagement:edit", args=[c.reference])).status_code == 404
    assert client.post(reverse("engagement:publish", args=[c.reference])).status_code == 404
    c.refresh_from_db()
    assert c.status == "draft"


def test_create_through_the_form(client, commissioner, published_project):
    client.force_login(commissioner)
    url = reverse("engagement:create")
    assert client.get(url, {"project": published_project.reference}).status_code == 200
    year = timezone.localdate().year + 1
    post = {
        "project": published_project.pk,
        "title": "Carers’ breaks",
        "intro": "Tell us about breaks.",
        "easy_read_intro": "",
        "opens_on_0": "1",
        "opens_on_1": "3",
        "opens_on_2": str(year),
        "opens_time": "9am",
        "closes_on_0": "30",
        "closes_on_1": "4",
        "closes_on_2": str(year),
        "closes_time": "11:59pm",
        "equality_monitoring": "on",
    }
    response = client.post(url, post)
    c = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("engagement:manage", args=[c.reference])
    assert timezone.localtime(c.closes_at).strftime("%H:%M") == "23:59"
    assert timezone.localtime(c.closes_at).utcoffset() == dt.timedelta(hours=1)  # BST in April


def test_create_with_bad_input_says_what_to_fix(client, commissioner, published_project):
    client.force_login(commissioner)
    response = client.post(
        reverse("engagement:create"),
        {
            "project": published_project.pk,
            "title": "",
            "intro": "x",
            "opens_on_0": "1",
            "opens_on_1": "3",
            "opens_on_2": "2027",
            "opens_time": "25:00",
            "closes_on_0": "1",
            "closes_on_1": "2",
            "closes_on_2": "2027",
            "closes_time": "9:00",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a title" in body
    assert "Enter a real time" in body
    assert not Consultation.objects.exists()


def test_dates_out_of_order_on_the_form(client, commissioner, published_project):
    client.force_login(commissioner)
    response = client.post(
        reverse("engagement:create"),
        {
            "project": published_project.pk,
            "title": "T",
            "intro": "x",
            "opens_on_0": "1",
            "opens_on_1": "3",
            "opens_on_2": "2027",
            "opens_time": "9:00",
            "closes_on_0": "1",
            "closes_on_1": "2",
            "closes_on_2": "2027",
            "closes_time": "9:00",
        },
    )
    assert response.status_code == 400
    assert "The closing date must be after the opening date" in response.content.decode()
    assert not Consultation.objects.exists()


def test_question_form_adds_and_shows_errors(client, commissioner):
    c = build_consultation(commissioner, publish=False)
    client.force_login(commissioner)
    url = reverse("engagement:question_add", args=[c.reference])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"kind": "single", "text": "Pick one", "options": "Only one"})
    assert bad.status_code == 400
    assert "Enter at least 2 options" in bad.content.decode()
    good = client.post(
        url,
        {
            "kind": "single",
            "text": "Pick one",
            "options": "Yes\nNo\n",
            "required": "on",
            "easy_read_options": "Yes\nNo",
        },
    )
    assert good.status_code == 302
    q = c.questions.get(text="Pick one")
    assert list(q.options.values_list("label", flat=True)) == ["Yes", "No"]


def test_remove_question_after_answers_shows_a_clear_message(client, commissioner):
    c = build_consultation(commissioner)
    rating = qs(c)["rating"]
    response_save_answers(
        consultation=c, submission_key="x" * 40, answers={rating.pk: AnswerValue(rating=2)}
    )
    client.force_login(commissioner)
    response = client.post(reverse("engagement:question_remove", args=[c.reference, rating.pk]))
    assert response.status_code == 400
    assert "questions cannot be removed" in response.content.decode()
    assert Question.objects.filter(pk=rating.pk).exists()


def test_publish_and_close_buttons(client, commissioner):
    c = build_consultation(commissioner, publish=False)
    client.force_login(commissioner)
    client.post(reverse("engagement:publish", args=[c.reference]))
    c.refresh_from_db()
    assert c.status == "published"
    client.post(reverse("engagement:close", args=[c.reference]))
    c.refresh_from_db()
    assert c.status == "closed"


def test_staff_list_filters_by_project_and_query_count_is_flat(client, commissioner):
    client.force_login(commissioner)
    project = make_project(actor=commissioner, published=True)
    other = make_project(actor=commissioner, published=True, title="Other project")
    build_consultation(commissioner, project)
    url = reverse("engagement:staff_list")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(4):
        build_consultation(commissioner, project, publish=False)
    build_consultation(commissioner, other)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["page"].object_list) == 6
    assert len(many) == len(few)
    filtered = client.get(url, {"project": other.reference})
    assert len(filtered.context["page"].object_list) == 1


def test_manage_and_preview_pages_render(client, commissioner):
    c = build_consultation(commissioner, publish=False)
    client.force_login(commissioner)
    manage = client.get(reverse("engagement:manage", args=[c.reference]))
    assert manage.status_code == 200
    assert "What would make your days better?" in manage.content.decode()
    preview = client.get(
        reverse("engagement:preview_page", args=[c.reference, 1]), {"easy_read": "1"}
    )
    body = preview.content.decode()
    assert "How do you get there?" in body  # easy-read wording
    assert "Car" in body
    assert "Nothing you enter here is saved" in body
    assert client.get(reverse("engagement:preview_equality", args=[c.reference])).status_code == 200
    assert client.get(reverse("engagement:preview", args=[c.reference])).status_code == 200


def test_a_second_commissioner_is_a_stranger_only_to_residents(client, commissioner):
    colleague = UserFactory(role="commissioner")
    c = build_consultation(commissioner, publish=False)
    client.force_login(colleague)
    assert client.get(reverse("engagement:edit", args=[c.reference])).status_code == 200


def test_easy_read_picture_is_served_only_once_published(client, commissioner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = build_consultation(commissioner, publish=False)
    rating = qs(c)["rating"]
    question_update(
        actor=commissioner,
        consultation=c,
        question=rating,
        data=QuestionData(
            kind="rating",
            text=rating.text,
            section_id=rating.section_id,
            easy_read_image=SimpleUploadedFile("face.png", png_bytes()),
            easy_read_image_alt="A smiling face",
        ),
    )
    picture = reverse("engagement:image", args=[rating.pk])
    assert client.get(picture).status_code == 404
    client.force_login(commissioner)
    assert client.get(picture)["Content-Type"] == "image/png"
    client.logout()
    consultation_publish(actor=commissioner, consultation=c)
    response = client.get(picture)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client.get(reverse("engagement:image", args=[qs(c)["text"].pk])).status_code == 404
