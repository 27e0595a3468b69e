"""Equality pages: who sees what, forms with clear errors, and query counts."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coproduce.foundation.commissioning.tests.factories import make_project
from coproduce.understand.consultations.tests.factories import ConsultationFactory, make_finding
from coproduce.understand.equality.models import EqualityImpactAssessment, PopulationProfile
from coproduce.understand.equality.services import (
    EntryData,
    assessment_publish,
    assessment_start,
    assessment_update_entry,
)

from .conftest import POPULATION, add_returns

STAFF = ["commissioner", "finance", "platform_admin"]
OUTSIDERS = [None, "resident", "provider"]


def _login(client, request, who):
    if who:
        client.force_login(request.getfixturevalue(who))


@pytest.fixture
def published_eqia(commissioner, published_project):
    assessment = assessment_start(actor=commissioner, project=published_project)
    assessment_update_entry(
        actor=commissioner,
        entry=assessment.entries.get(characteristic="sexual_orientation"),
        data=EntryData(impact="negative", evidence="People told us they do not feel safe."),
    )
    return assessment_publish(actor=commissioner, assessment=assessment)


# --- Public page ------------------------------------------------------------------------


@pytest.mark.parametrize("who", [None, "resident", "provider", *STAFF])
def test_anyone_can_read_a_published_assessment_of_a_published_project(
    client, request, who, published_eqia
):
    _login(client, request, who)
    response = client.get(f"/equality-impact/{published_eqia.project.reference}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Equality impact assessment" in body
    assert "needs a mitigation" in body
    assert "1 negative impact needs a mitigation" in body
    assert "Last updated" in body
    assert "Draft:" not in body


@pytest.mark.parametrize("who", OUTSIDERS)
def test_a_draft_assessment_is_not_found_for_the_public(
    client, request, who, commissioner, published_project
):
    assessment_start(actor=commissioner, project=published_project)
    _login(client, request, who)
    assert client.get(f"/equality-impact/{published_project.reference}/").status_code == 404


@pytest.mark.parametrize("who", OUTSIDERS)
def test_a_published_assessment_of_a_draft_project_is_not_found_for_the_public(
    client, request, who, commissioner, draft_project
):
    assessment_publish(
        actor=commissioner, assessment=assessment_start(actor=commissioner, project=draft_project)
    )
    _login(client, request, who)
    assert client.get(f"/equality-impact/{draft_project.reference}/").status_code == 404


@pytest.mark.parametrize("who", STAFF)
def test_council_staff_see_draft_assessments_marked_as_drafts(
    client, request, who, commissioner, draft_project
):
    assessment_start(actor=commissioner, project=draft_project)
    _login(client, request, who)
    response = client.get(f"/equality-impact/{draft_project.reference}/")
    assert response.status_code == 200
    assert "Draft: only council staff" in response.content.decode()


def test_a_project_without_an_assessment_is_not_found(client, platform_admin, published_project):
    client.force_login(platform_admin)
    assert client.get(f"/equality-impact/{published_project.reference}/").status_code == 404
    assert client.get("/equality-impact/CP-1999-0001/").status_code == 404


def test_project_page_links_to_the_assessment_for_the_public_and_for_staff(
    client, commissioner, published_eqia
):
    ref = published_eqia.project.reference
    public = client.get(f"/projects/{ref}/").content.decode()
    assert f"/equality-impact/{ref}/" in public
    assert f"/manage/projects/{ref}/equality/" not in public
    client.force_login(commissioner)
    staff = client.get(f"/projects/{ref}/").content.decode()
    assert f"/manage/projects/{ref}/equality/" in staff


def test_project_page_has_no_public_link_while_the_assessment_is_a_draft(
    client, commissioner, published_project
):
    assessment_start(actor=commissioner, project=published_project)
    assert (
        "/equality-impact/"
        not in client.get(f"/projects/{published_project.reference}/").content.decode()
    )


# --- Working pages -------------------------------------------------------------------------


@pytest.mark.parametrize("who", OUTSIDERS)
def test_working_pages_are_not_found_for_anyone_outside_the_council(
    client, request, who, published_eqia
):
    ref = published_eqia.project.reference
    _login(client, request, who)
    for url in (
        f"/manage/projects/{ref}/equality/",
        f"/manage/projects/{ref}/equality/age/",
        f"/manage/projects/{ref}/participation-gap/",
        "/manage/population/",
        "/manage/population/upload/",
    ):
        assert client.get(url).status_code in {302, 404}, url
        if who:
            assert client.get(url).status_code == 404, url
    for url in (
        f"/manage/projects/{ref}/equality/start/",
        f"/manage/projects/{ref}/equality/publish/",
    ):
        assert client.post(url).status_code in ({302, 404} if not who else {404})


def test_finance_can_read_the_working_page_but_not_change_anything(
    client, finance, commissioner, draft_project
):
    client.force_login(finance)
    ref = draft_project.reference
    page = client.get(f"/manage/projects/{ref}/equality/")
    assert page.status_code == 200
    assert "Start the assessment" not in page.content.decode()
    assert client.post(f"/manage/projects/{ref}/equality/start/").status_code == 404
    assert not EqualityImpactAssessment.objects.exists()
    assessment_start(actor=commissioner, project=draft_project)
    assert client.get(f"/manage/projects/{ref}/equality/age/").status_code == 404
    assert (
        client.post(f"/manage/projects/{ref}/equality/age/", {"impact": "positive"}).status_code
        == 404
    )
    assert client.post(f"/manage/projects/{ref}/equality/publish/").status_code == 404
    assert client.get("/manage/population/").status_code == 200
    assert client.get("/manage/population/upload/").status_code == 404


def test_commissioner_starts_fills_in_and_publishes_an_assessment(
    client, commissioner, published_project
):
    finding = make_finding(
        published_project, commissioner, statement="Carers want evening sessions."
    )
    client.force_login(commissioner)
    ref = published_project.reference
    assert (
        "Start the assessment" in client.get(f"/manage/projects/{ref}/equality/").content.decode()
    )
    assert client.post(f"/manage/projects/{ref}/equality/start/").status_code == 302
    form = client.get(f"/manage/projects/{ref}/equality/race/").content.decode()
    assert "Carers want evening sessions." in form
    response = client.post(
        f"/manage/projects/{ref}/equality/race/",
        {
            "impact": "unknown",
            "evidence": "Few Asian families answered.",
            "findings": [str(finding.pk)],
            "mitigation": "Outreach with the Riverside Asian Carers group",
            "owner": "Engagement officer",
            "review_on_0": "31",
            "review_on_1": "3",
            "review_on_2": "2027",
        },
    )
    assert response.status_code == 302
    entry = EqualityImpactAssessment.objects.get().entries.get(characteristic="race")
    assert entry.owner == "Engagement officer"
    assert str(entry.review_on) == "2027-03-31"
    assert list(entry.findings.all()) == [finding]
    assert client.post(f"/manage/projects/{ref}/equality/publish/").status_code == 302
    assert client.get(f"/equality-impact/{ref}/").status_code == 200
    client.logout()
    public = client.get(f"/equality-impact/{ref}/").content.decode()
    assert "Outreach with the Riverside Asian Carers group" in public
    assert finding.reference in public


def test_entry_form_without_published_findings_says_so(client, commissioner, draft_project):
    assessment_start(actor=commissioner, project=draft_project)
    client.force_login(commissioner)
    body = client.get(f"/manage/projects/{draft_project.reference}/equality/age/").content.decode()
    assert "no published findings to cite yet" in body


@pytest.mark.parametrize(
    ("change", "anchor", "message"),
    [
        ({"impact": ""}, "id_impact_0", "Choose the expected impact"),
        ({"impact": "terrible"}, "id_impact_0", "Choose one of the impacts listed"),
        ({"review_on_1": "13"}, "id_review_on_0", "Enter a real date"),
        ({"review_on_0": ""}, "id_review_on_0", "Enter a full date"),
        ({"owner": ""}, "id_owner", "Enter who is responsible for the mitigation"),
        ({"evidence": "x" * 5001}, "id_evidence", "5,000 characters or fewer"),
        ({"findings": ["999999"]}, "id_findings_0", "Choose findings from this project"),
    ],
)
def test_entry_form_errors_are_clear_and_nothing_is_saved(
    client, commissioner, draft_project, change, anchor, message
):
    make_finding(draft_project, commissioner)
    assessment_start(actor=commissioner, project=draft_project)
    client.force_login(commissioner)
    form = {
        "impact": "negative",
        "evidence": "",
        "mitigation": "Evening sessions",
        "owner": "Provider",
        "review_on_0": "1",
        "review_on_1": "4",
        "review_on_2": "2027",
        **change,
    }
    response = client.post(f"/manage/projects/{draft_project.reference}/equality/age/", form)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert f'href="#{anchor}"' in body
    assert (
        EqualityImpactAssessment.objects.get().entries.get(characteristic="age").impact == "unknown"
    )


def test_unknown_characteristic_is_not_found(client, commissioner, draft_project):
    assessment_start(actor=commissioner, project=draft_project)
    client.force_login(commissioner)
    assert (
        client.get(f"/manage/projects/{draft_project.reference}/equality/height/").status_code
        == 404
    )


# --- Population upload --------------------------------------------------------------------


def _upload(client, content: bytes, name="figures.csv", **fields):
    data = {"name": "Riverside 2024", "source": "ONS", "year": "2024", **fields}
    data["file"] = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post("/manage/population/upload/", data)


@pytest.mark.parametrize("who", ["commissioner", "platform_admin"])
def test_commissioners_and_admins_upload_population_figures(db, client, request, who):
    _login(client, request, who)
    assert _upload(client, POPULATION).status_code == 302
    page = client.get("/manage/population/").content.decode()
    assert "In use: Riverside 2024" in page
    assert "18 to 24" in page


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"name,value\nsex,51\n", "f.csv", "first line must be the column names"),
        (
            POPULATION + b"height,tall,4\n",
            "f.csv",
            "Line 16: “height” is not a protected characteristic",
        ),
        (
            POPULATION.replace(b"sex,male,49", b"sex,male,4"),
            "f.csv",
            "The shares for sex add up to 55%",
        ),
        (
            POPULATION.replace(b"sex,male,49", b"sex,male,-49"),
            "f.csv",
            "Line 10: the percent must be between 0 and 100",
        ),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "figures.csv", "must be a CSV file"),
        (POPULATION + b"\n" * 110_000, "f.csv", "smaller than 100 KB"),
    ],
)
def test_a_bad_upload_is_refused_clearly_and_nothing_is_saved(
    client, commissioner, profile, content, name, message
):
    client.force_login(commissioner)
    response = _upload(client, content, name=name)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'href="#id_file"' in body
    assert PopulationProfile.objects.get() == profile


def test_upload_form_fields_are_checked(client, commissioner):
    client.force_login(commissioner)
    response = _upload(client, POPULATION, name="f.csv", year="twenty", source="")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a year like 2021" in body
    assert "Enter where the figures come from" in body
    assert not PopulationProfile.objects.exists()


# --- Participation gap --------------------------------------------------------------------


@pytest.fixture
def heard(commissioner, published_project, profile):
    consultation = ConsultationFactory(project=published_project, created_by=commissioner)
    add_returns(consultation, 2, age="18_24", sex="female", race="asian")
    add_returns(consultation, 40, age="35_44", sex="female", race="white")
    add_returns(consultation, 20, age="55_64", sex="male", race="white")
    add_returns(consultation, 8, age="prefer_not_to_say", sex="male", race="black")
    return consultation


@pytest.mark.parametrize("who", STAFF)
def test_council_staff_see_whom_they_have_heard_less_from(client, request, who, heard):
    _login(client, request, who)
    response = client.get(f"/manage/participation-gap/{heard.reference}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "You have heard less from:" in body
    assert "people aged 18 to 24 (fewer than 5 respondents, 12% of residents)" in body
    assert "Asian or Asian British people (fewer than 5 respondents, 14% of residents)" in body
    # The two 18 to 24s are never shown as a number or a share.
    assert "3.2%" not in body
    assert ">2<" not in body
    assert "fewer than 5" in body
    assert "not shown" in body


@pytest.mark.parametrize("who", OUTSIDERS)
def test_participation_gap_is_not_found_outside_the_council(client, request, who, heard):
    _login(client, request, who)
    response = client.get(f"/manage/participation-gap/{heard.reference}/")
    assert response.status_code == (302 if who is None else 404)


def test_unknown_consultation_gap_is_not_found(client, commissioner, db):
    client.force_login(commissioner)
    assert client.get("/manage/participation-gap/CN-1999-0001/").status_code == 404
    assert client.get("/manage/projects/CP-1999-0001/participation-gap/").status_code == 404


def test_the_margin_changes_who_is_flagged(client, commissioner, heard):
    client.force_login(commissioner)
    url = f"/manage/participation-gap/{heard.reference}/"
    wide = client.get(url, {"margin": "20"}).content.decode()
    assert "No group is under-represented by more than 20 percentage points." in wide
    narrow = client.get(url, {"margin": "0"}).content.decode()
    assert "You have heard less from:" in narrow


@pytest.mark.parametrize(
    ("margin", "message"),
    [
        ("51", "The margin must be 50 or less"),
        ("-1", "The margin must be 0 or more"),
        ("lots", "Enter the margin as a number"),
    ],
)
def test_a_bad_margin_is_explained_and_the_default_is_used(
    client, commissioner, heard, margin, message
):
    client.force_login(commissioner)
    response = client.get(f"/manage/participation-gap/{heard.reference}/", {"margin": margin})
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'href="#id_margin"' in body
    assert "You have heard less from:" in body


def test_project_gap_adds_up_all_its_consultations(client, commissioner, heard, published_project):
    second = ConsultationFactory(
        project=published_project, created_by=commissioner, title="Second round"
    )
    add_returns(second, 10, age="18_24")
    client.force_login(commissioner)
    body = client.get(
        f"/manage/projects/{published_project.reference}/participation-gap/"
    ).content.decode()
    assert "people aged 18 to 24 (fewer than 5" not in body  # 12 of them now
    assert "72 people answered" in body  # age: 2 + 40 + 20 + 10; 8 preferred not to say
    assert "8 preferred not to say" in body


def test_gap_without_population_figures_or_returns_says_so(client, commissioner, published_project):
    consultation = ConsultationFactory(project=published_project, created_by=commissioner)
    client.force_login(commissioner)
    body = client.get(f"/manage/participation-gap/{consultation.reference}/").content.decode()
    assert "no population figures to compare with yet" in body


def test_gap_query_count_does_not_grow_with_returns(client, commissioner, heard):
    client.force_login(commissioner)
    url = f"/manage/participation-gap/{heard.reference}/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add_returns(heard, 200, age="25_34", sex="female", race="mixed", disability="yes")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_population_page_query_count_does_not_grow_with_uploads(client, commissioner, profile):
    client.force_login(commissioner)
    with CaptureQueriesContext(connection) as one:
        client.get("/manage/population/")
    for _ in range(3):
        _upload(client, POPULATION)
    with CaptureQueriesContext(connection) as four:
        client.get("/manage/population/")
    assert len(four) == len(one)


def test_public_assessment_query_count_does_not_grow_with_findings(
    client, commissioner, published_eqia
):
    project = published_eqia.project
    ref = project.reference
    with CaptureQueriesContext(connection) as few:
        client.get(f"/equality-impact/{ref}/")
    findings = [make_finding(project, commissioner, statement=f"Finding {i}") for i in range(5)]
    for key in ("age", "sex", "race"):
        assessment_update_entry(
            actor=commissioner,
            entry=published_eqia.entries.get(characteristic=key),
            data=EntryData(impact="positive", finding_ids=[f.pk for f in findings]),
        )
    with CaptureQueriesContext(connection) as many:
        client.get(f"/equality-impact/{ref}/")
    assert len(many) == len(few)


def test_another_projects_findings_cannot_be_chosen_on_the_form(
    client, commissioner, draft_project
):
    other = make_project(actor=commissioner, title="Other")
    theirs = make_finding(other, commissioner, statement="Not ours.")
    assessment_start(actor=commissioner, project=draft_project)
    client.force_login(commissioner)
    body = client.get(f"/manage/projects/{draft_project.reference}/equality/age/").content.decode()
    assert "Not ours." not in body
    response = client.post(
        f"/manage/projects/{draft_project.reference}/equality/age/",
        {"impact": "positive", "findings": [str(theirs.pk)]},
    )
    assert response.status_code == 400
