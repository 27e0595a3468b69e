"""Alerts about new opportunities: who is told, what the email says, and never twice."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core import mail

from coproduce.foundation.accounts.models import Membership
from coproduce.foundation.accounts.tests.factories import OrganisationFactory, UserFactory
from coproduce.foundation.core.tests.factories import service_area
from coproduce.procure.tenders.models import AlertDelivery
from coproduce.procure.tenders.selectors_search import TenderSearch
from coproduce.procure.tenders.services_alerts import saved_search_create
from coproduce.procure.tenders.tasks_alerts import send_new_tender_alerts

from . import test_search_helpers as helpers

tender_maker = helpers.tender_maker  # the fixture, shared with the other test modules

pytestmark = pytest.mark.django_db

# Tuesday 3 March 2037, 5pm GMT.
DEADLINE = dt.datetime(2037, 3, 3, 17, 0, tzinfo=dt.UTC)


def run(tender) -> int:
    return send_new_tender_alerts.enqueue(tender_id=tender.pk).return_value


@pytest.fixture
def watcher(db):
    user = UserFactory(email="watcher@example.org", full_name="Wendy Watcher")
    saved_search_create(actor=user, name="Day things", search=TenderSearch(q="day"))
    return user


@pytest.fixture
def org_member(db):
    user = UserFactory(email="member@example.org")
    org = OrganisationFactory(name="Eastgate Day Centre", admin=user)
    org.service_areas.add(service_area("adult-social-care"))
    return user


def test_matching_saved_search_gets_an_email_with_deadline_weekday_and_link(tender_maker, watcher):
    tender = tender_maker("Day opportunities", deadline=DEADLINE, value_pence=24_000_000)
    assert run(tender) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["watcher@example.org"]
    assert message.subject == "New opportunity: Day opportunities"
    assert "5:00pm on Tuesday 3 March 2037 (UK time)" in message.body
    assert f"/opportunities/{tender.reference}/" in message.body
    assert "£240,000" in message.body
    assert "Day things" in message.body and "/opportunities/stop-alerts/" in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert "5:00pm on Tuesday 3 March 2037 (UK time)" in html
    assert 'lang="en-GB"' in html


def test_a_summer_deadline_is_shown_in_british_summer_time(tender_maker, watcher):
    run(tender_maker("Day trips", deadline=dt.datetime(2037, 7, 1, 11, 0, tzinfo=dt.UTC)))
    assert "12:00pm on Wednesday 1 July 2037 (UK time)" in mail.outbox[0].body


def test_searches_that_do_not_match_or_have_alerts_off_get_nothing(tender_maker, resident):
    saved_search_create(actor=resident, name="Parks", search=TenderSearch(q="parks"))
    saved_search_create(actor=resident, name="Off", search=TenderSearch(q="day"), alerts=False)
    assert run(tender_maker("Day opportunities")) == 0
    assert mail.outbox == []


def test_members_of_organisations_in_the_service_area_are_told(tender_maker, org_member):
    other = UserFactory(email="parks@example.org")
    parks = OrganisationFactory(admin=other)
    parks.service_areas.add(service_area("environment-parks"))
    assert run(tender_maker("Home care", area="adult-social-care")) == 1
    assert [m.to for m in mail.outbox] == [["member@example.org"]]
    body = mail.outbox[0].body
    assert "Eastgate Day Centre works in" in body and "administrator" in body


def test_someone_matched_twice_gets_one_email(tender_maker, watcher):
    org = OrganisationFactory(admin=watcher)
    org.service_areas.add(service_area("adult-social-care"))
    saved_search_create(actor=watcher, name="Everything", search=TenderSearch())
    assert run(tender_maker("Day opportunities")) == 1
    assert len(mail.outbox) == 1


def test_running_the_task_again_sends_nothing_new(tender_maker, watcher, org_member):
    tender = tender_maker("Day opportunities")
    assert run(tender) == 2
    assert run(tender) == 0
    assert len(mail.outbox) == 2
    assert AlertDelivery.objects.filter(tender=tender, kind="new_tender").count() == 2


def test_a_crash_part_way_is_resumed_by_a_retry_without_repeats(tender_maker, watcher, org_member):
    tender = tender_maker("Day opportunities")
    real_send = mail.EmailMultiAlternatives.send
    calls = {"n": 0}

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise ConnectionError("mail server went away")
        return real_send(self, *args, **kwargs)

    with (
        mock.patch.object(mail.EmailMultiAlternatives, "send", flaky),
        pytest.raises(ConnectionError),
    ):
        send_new_tender_alerts.call(tender_id=tender.pk)
    assert len(mail.outbox) == 1
    assert AlertDelivery.objects.filter(tender=tender).count() == 1  # the failed one rolled back
    assert run(tender) == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["member@example.org", "watcher@example.org"]


def test_drafts_and_missing_tenders_send_nothing(tender_maker, watcher):
    assert run(tender_maker("Day draft", status="draft")) == 0
    assert send_new_tender_alerts.call(tender_id=987654) == 0
    assert mail.outbox == []


def test_inactive_accounts_are_not_emailed(tender_maker, watcher):
    watcher.is_active = False
    watcher.save(update_fields=["is_active"])
    assert run(tender_maker("Day opportunities")) == 0


def test_saved_search_filters_are_applied_to_alerts(tender_maker, resident):
    saved_search_create(
        actor=resident,
        name="Big reserved",
        search=TenderSearch(value_min_pence=1_000_000, reserved_only=True),
    )
    assert run(tender_maker("Small", value_pence=999_999, reserved_for="local")) == 0
    assert run(tender_maker("Big plain", value_pence=5_000_000)) == 0
    assert run(tender_maker("Big reserved", value_pence=5_000_000, reserved_for="local")) == 1


def test_membership_is_enough_whatever_the_role(tender_maker, org_member):
    org = Membership.objects.get(user=org_member).organisation
    plain = UserFactory(email="plain@example.org")
    Membership.objects.create(user=plain, organisation=org, role="member")
    assert run(tender_maker("Care")) == 2
