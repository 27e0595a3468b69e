"""Adding rule versions and bank holidays: admins only, never an edit, audited."""

from __future__ import annotations

import datetime as dt

import pytest

from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.plan.procurement_rules import keys
from coproduce.plan.procurement_rules.models import BankHoliday, ProcurementRule
from coproduce.plan.procurement_rules.services import bank_holiday_add, rule_add

pytestmark = pytest.mark.django_db


def _add(actor, **overrides):
    values = {
        "key": keys.COMPLAINTS_RESPONSE_WORKING_DAYS,
        "route": "",
        "value": 15,
        "unit": "working_days",
        "effective_from": dt.date(2027, 4, 1),
        "label": "Working days to answer a complaint",
        "source_title": "Council policy 2027",
        "source_url": "",
        "note": "Longer to allow a proper review.",
    }
    values.update(overrides)
    return rule_add(actor=actor, **values)


def test_an_admin_adds_a_new_version_and_it_is_audited(platform_admin):
    before = ProcurementRule.objects.count()
    rule = _add(platform_admin)
    assert ProcurementRule.objects.count() == before + 1
    assert rule.created_by == platform_admin
    event = AuditEvent.objects.get(verb="routes.rule.added")
    assert event.changes["value"] == [10, 15]
    assert event.reason == "Longer to allow a proper review."


@pytest.mark.parametrize("who", ["commissioner", "finance", "resident", "provider"])
def test_only_admins_can_add_rules(request, who):
    before = ProcurementRule.objects.count()
    with pytest.raises(NotFound):
        _add(request.getfixturevalue(who))
    assert ProcurementRule.objects.count() == before


def test_a_negative_value_is_refused_and_nothing_is_stored(platform_admin):
    before = ProcurementRule.objects.count()
    with pytest.raises(ServiceError) as info:
        _add(platform_admin, value=-1)
    assert info.value.code == "negative_value"
    assert info.value.field == "value"
    assert ProcurementRule.objects.count() == before
    assert not AuditEvent.objects.filter(verb="routes.rule.added").exists()


def test_a_different_version_on_the_same_date_is_refused(platform_admin):
    _add(platform_admin)
    with pytest.raises(ServiceError) as info:
        _add(platform_admin, value=20)
    assert info.value.code == "duplicate_version"
    assert info.value.field == "effective_from"
    seeded_date = ProcurementRule.objects.filter(key=keys.THRESHOLD_GOODS_SERVICES).first()
    with pytest.raises(ServiceError) as info:
        _add(
            platform_admin,
            key=seeded_date.key,
            unit="pence",
            value=1,
            effective_from=seeded_date.effective_from,
        )
    assert info.value.code == "duplicate_version"


def test_submitting_the_same_version_twice_stores_it_once(platform_admin):
    first = _add(platform_admin)
    second = _add(platform_admin)
    assert first.pk == second.pk
    assert AuditEvent.objects.filter(verb="routes.rule.added").count() == 1


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"key": "Not A Key"}, "invalid_key"),
        ({"unit": "miles"}, "invalid_choice"),
        ({"route": "auction"}, "invalid_choice"),
        ({"source_title": " "}, "source_required"),
        ({"label": ""}, "required"),
        ({"source_url": "javascript:alert(1)"}, "invalid_url"),
    ],
)
def test_bad_rule_input_is_refused_with_a_code(platform_admin, overrides, code):
    with pytest.raises(ServiceError) as info:
        _add(platform_admin, **overrides)
    assert info.value.code == code


def test_an_admin_adds_a_bank_holiday_once(platform_admin):
    day = dt.date(2029, 5, 8)
    holiday = bank_holiday_add(actor=platform_admin, date=day, name="A proclaimed holiday")
    again = bank_holiday_add(actor=platform_admin, date=day, name="A proclaimed holiday")
    assert holiday.pk == again.pk
    assert AuditEvent.objects.filter(verb="routes.bank_holiday.added").count() == 1
    with pytest.raises(ServiceError) as info:
        bank_holiday_add(actor=platform_admin, date=day, name="Something else")
    assert info.value.code == "duplicate_holiday"


def test_a_weekend_bank_holiday_is_refused(platform_admin):
    with pytest.raises(ServiceError) as info:
        bank_holiday_add(actor=platform_admin, date=dt.date(2029, 5, 5), name="Saturday")
    assert info.value.code == "weekend_date"
    assert not BankHoliday.objects.filter(date=dt.date(2029, 5, 5)).exists()


@pytest.mark.parametrize("who", ["commissioner", "finance", "resident"])
def test_only_admins_can_add_bank_holidays(request, who):
    with pytest.raises(NotFound):
        bank_holiday_add(
            actor=request.getfixturevalue(who), date=dt.date(2029, 5, 8), name="Holiday"
        )
