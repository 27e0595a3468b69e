"""Rules pages and the route advisor: who sees what, forms, errors and query counts."""

from __future__ import annotations

import pytest

from coproduce.plan.procurement_rules import keys
from coproduce.plan.procurement_rules.models import BankHoliday, ProcurementRule

pytestmark = pytest.mark.django_db

EVERYONE = [None, "resident", "provider", "commissioner", "finance", "platform_admin"]
NOT_ADMIN = ["resident", "provider", "commissioner", "finance"]
NEW_VERSION = f"/procurement-rules/{keys.COMPLAINTS_RESPONSE_WORKING_DAYS}/new-version/"


def _login(client, request, who):
    if who:
        client.force_login(request.getfixturevalue(who))


# --- Public rules page ---------------------------------------------------------------------


@pytest.mark.parametrize("who", EVERYONE)
def test_anyone_can_read_the_rules_in_force_with_sources(
    client, request, who, django_assert_max_num_queries
):
    _login(client, request, who)
    with django_assert_max_num_queries(8):
        response = client.get("/procurement-rules/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Procurement rules" in body
    assert "£207,720" in body  # the 2026 threshold, from the table
    assert "From 1 January 2024: £214,904" in body  # history
    assert "https://www.legislation.gov.uk/ukpga/2023/54/section/54" in body
    assert ("Add a new version" in body) is (who == "platform_admin")
    assert ("route advisor" in body) is (who in {"commissioner", "finance", "platform_admin"})


def test_a_scheduled_version_shows_as_not_yet_in_force(client, platform_admin):
    ProcurementRule.objects.create(
        key=keys.DOCUMENTS_MAX_UPLOAD_MB,
        value=50,
        unit="count",
        effective_from="2099-01-01",
        label="Largest document",
        source_title="Council policy 2099",
    )
    body = client.get("/procurement-rules/").content.decode()
    assert "From 1 January 2099 (not yet in force): 50" in body


# --- New version form ----------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in_for_the_new_version_form(client):
    response = client.get(NEW_VERSION)
    assert response.status_code == 302
    assert "/sign-in" in response.url or "login" in response.url


@pytest.mark.parametrize("who", NOT_ADMIN)
def test_only_admins_see_the_new_version_form(client, request, who):
    _login(client, request, who)
    assert client.get(NEW_VERSION).status_code == 404
    response = client.post(NEW_VERSION, {"value": "1"})
    assert response.status_code == 404


def test_an_unknown_rule_is_not_found(client, platform_admin):
    client.force_login(platform_admin)
    assert client.get("/procurement-rules/no.such_rule/new-version/").status_code == 404


def _version_post(**overrides):
    data = {
        "value": "15",
        "unit": "working_days",
        "effective_from_0": "1",
        "effective_from_1": "4",
        "effective_from_2": "2027",
        "route": "",
        "label": "Working days to answer a complaint",
        "source_title": "Council policy 2027",
        "source_url": "",
        "note": "",
    }
    data.update(overrides)
    return data


def test_an_admin_adds_a_new_version_in_the_browser(client, platform_admin):
    client.force_login(platform_admin)
    page = client.get(NEW_VERSION)
    assert page.status_code == 200
    assert "Add a new version of a rule" in page.content.decode()
    response = client.post(NEW_VERSION, _version_post())
    assert response.status_code == 302
    assert ProcurementRule.objects.filter(
        key=keys.COMPLAINTS_RESPONSE_WORKING_DAYS, value=15
    ).exists()


def test_money_is_typed_in_pounds(client, platform_admin):
    client.force_login(platform_admin)
    response = client.post(
        f"/procurement-rules/{keys.THRESHOLD_GOODS_SERVICES}/new-version/",
        _version_post(value="200,000.50", unit="pence", effective_from_2="2028"),
    )
    assert response.status_code == 302
    rule = ProcurementRule.objects.get(key=keys.THRESHOLD_GOODS_SERVICES, value=20_000_050)
    assert rule.effective_from.year == 2028


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"value": "-3"}, "cannot have a negative value"),
        ({"value": "2.5"}, "Enter a whole number"),
        ({"source_title": ""}, "Enter where the rule comes from"),
        ({"effective_from_0": "", "effective_from_1": "", "effective_from_2": ""}, "Enter a date"),
    ],
)
def test_bad_new_version_input_answers_400_and_stores_nothing(
    client, platform_admin, overrides, message
):
    client.force_login(platform_admin)
    before = ProcurementRule.objects.count()
    response = client.post(NEW_VERSION, _version_post(**overrides))
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert "<title>Error:" in body
    assert ProcurementRule.objects.count() == before


def test_a_second_different_version_on_the_same_date_answers_400(client, platform_admin):
    client.force_login(platform_admin)
    client.post(NEW_VERSION, _version_post())
    response = client.post(NEW_VERSION, _version_post(value="20"))
    assert response.status_code == 400
    assert "There is already a version" in response.content.decode()


# --- Bank holidays -------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in_for_bank_holidays(client):
    assert client.get("/procurement-rules/bank-holidays/").status_code == 302


@pytest.mark.parametrize("who", NOT_ADMIN)
def test_only_admins_see_bank_holidays(client, request, who):
    _login(client, request, who)
    assert client.get("/procurement-rules/bank-holidays/").status_code == 404
    response = client.post(
        "/procurement-rules/bank-holidays/",
        {"date_0": "8", "date_1": "5", "date_2": "2029", "name": "X"},
    )
    assert response.status_code == 404
    assert not BankHoliday.objects.filter(name="X").exists()


def test_an_admin_lists_and_adds_bank_holidays(
    client, platform_admin, django_assert_max_num_queries
):
    client.force_login(platform_admin)
    with django_assert_max_num_queries(8):
        page = client.get("/procurement-rules/bank-holidays/")
    assert "Monday 28 December 2026" in page.content.decode()
    response = client.post(
        "/procurement-rules/bank-holidays/",
        {"date_0": "8", "date_1": "5", "date_2": "2029", "name": "Proclaimed holiday"},
    )
    assert response.status_code == 302
    assert BankHoliday.objects.filter(name="Proclaimed holiday").exists()


def test_a_weekend_bank_holiday_answers_400(client, platform_admin):
    client.force_login(platform_admin)
    before = BankHoliday.objects.count()
    response = client.post(
        "/procurement-rules/bank-holidays/",
        {"date_0": "5", "date_1": "5", "date_2": "2029", "name": "Saturday"},
    )
    assert response.status_code == 400
    assert "Enter a weekday" in response.content.decode()
    assert BankHoliday.objects.count() == before


# --- Route advisor -------------------------------------------------------------------------

ADVISOR = "/procurement-rules/advisor/"


def _advice_post(**overrides):
    data = {
        "value": "150000",
        "light_touch": "no",
        "route": "",
        "reserved_for": "",
        "publish_on_0": "1",
        "publish_on_1": "6",
        "publish_on_2": "2026",
        "deadline_on_0": "",
        "deadline_on_1": "",
        "deadline_on_2": "",
    }
    data.update(overrides)
    return data


def test_anonymous_people_are_sent_to_sign_in_for_the_advisor(client):
    assert client.get(ADVISOR).status_code == 302


@pytest.mark.parametrize("who", ["resident", "provider"])
def test_the_advisor_is_not_found_for_people_outside_the_council(client, request, who):
    _login(client, request, who)
    assert client.get(ADVISOR).status_code == 404
    assert client.post(ADVISOR, _advice_post()).status_code == 404


@pytest.mark.parametrize("who", ["commissioner", "finance", "platform_admin"])
def test_council_staff_get_advice_with_reasons_and_sources(client, request, who):
    _login(client, request, who)
    assert client.get(ADVISOR).status_code == 200
    response = client.post(ADVISOR, _advice_post(reserved_for="sme_vcse"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Which routes are allowed" in body
    assert "Reserved for small businesses and voluntary organisations" in body
    assert "earliest allowed closing date" in body
    assert "Rules used" in body
    assert "threshold.goods_services" in body


def test_the_advisor_explains_a_refused_reservation_over_the_threshold(client, commissioner):
    client.force_login(commissioner)
    response = client.post(
        ADVISOR,
        _advice_post(
            value="500000",
            reserved_for="sme_vcse",
            deadline_on_0="10",
            deadline_on_1="6",
            deadline_on_2="2026",
        ),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "cannot be published as it is" in body
    assert "is not below the threshold" in body
    assert "is too soon" in body
    assert "standstill ends" in body


def test_bad_advisor_input_answers_400_with_the_error_summary(client, commissioner):
    client.force_login(commissioner)
    response = client.post(ADVISOR, _advice_post(value="-5", light_touch=""))
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Enter a value of £0 or more" in body
    assert "Say whether it is for light-touch services" in body
