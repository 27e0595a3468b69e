"""Saved searches: saving from the search page, list, rename, delete, alerts on and off."""

from __future__ import annotations

import pytest
from django.shortcuts import resolve_url

from coproduce.foundation.accounts.tests.factories import UserFactory
from coproduce.foundation.core.errors import ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.procure.tenders.models import SavedSearch
from coproduce.procure.tenders.selectors_search import TenderSearch
from coproduce.procure.tenders.services_alerts import alerts_off_token, saved_search_create

pytestmark = pytest.mark.django_db
LIST = "/opportunities/saved-searches/"
NEW = "/opportunities/saved-searches/new/"


@pytest.fixture
def saved(resident):
    return saved_search_create(
        actor=resident, name="Day services", search=TenderSearch(q="day", locality="Eastgate")
    )


@pytest.mark.parametrize(
    "url",
    [
        LIST,
        NEW + "?q=day",
        "/opportunities/saved-searches/1/rename/",
        "/opportunities/saved-searches/1/delete/",
    ],
)
def test_anonymous_people_are_sent_to_sign_in(client, url, settings):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_saving_a_search_from_the_page_stores_its_filters(client, resident):
    client.force_login(resident)
    url = NEW + "?q=day+care&service_area=mental-health&value_min=1000&closing_within=14"
    page = client.get(url)
    assert page.status_code == 200 and "closing within 14 days" in page.content.decode()
    response = client.post(url, {"name": "Mental health"})
    assert response.status_code == 302 and response["Location"] == LIST
    saved = SavedSearch.objects.get(user=resident)
    assert saved.name == "Mental health" and saved.alerts is True
    assert TenderSearch.from_params(saved.params) == TenderSearch(
        q="day care",
        service_areas=("mental-health",),
        value_min_pence=100_000,
        closing_within_days=14,
    )
    assert AuditEvent.objects.filter(verb="tenders.saved_search.created").count() == 1
    listing = client.get(LIST).content.decode()
    assert "Mental health" in listing
    assert "/opportunities/?q=day+care&amp;service_area=mental-health" in listing


def test_a_double_submit_saves_once(client, resident):
    client.force_login(resident)
    for _ in range(2):
        assert client.post(NEW + "?q=parks", {"name": "Parks"}).status_code == 302
    assert SavedSearch.objects.filter(user=resident).count() == 1


def test_a_name_in_use_for_another_search_is_refused_with_400(client, resident, saved):
    client.force_login(resident)
    response = client.post(NEW + "?q=other", {"name": "day SERVICES"})
    assert response.status_code == 400
    assert "You already have a saved search called" in response.content.decode()
    assert SavedSearch.objects.filter(user=resident).count() == 1


def test_an_empty_name_is_refused(client, resident):
    client.force_login(resident)
    response = client.post(NEW + "?q=x", {"name": "  "})
    assert response.status_code == 400
    assert "Enter a name for the search" in response.content.decode()
    assert not SavedSearch.objects.exists()


def test_service_refuses_a_blank_name_with_a_code(resident):
    with pytest.raises(ServiceError) as exc:
        saved_search_create(actor=resident, name=" ", search=TenderSearch())
    assert exc.value.code == "name_required"


def test_owner_can_rename_turn_alerts_off_and_delete(client, resident, saved):
    client.force_login(resident)
    url = f"/opportunities/saved-searches/{saved.pk}/"
    assert client.get(url + "rename/").status_code == 200
    assert client.post(url + "rename/", {"name": "Eastgate days"}).status_code == 302
    assert client.post(url + "alerts/", {"alerts": "off"}).status_code == 302
    saved.refresh_from_db()
    assert saved.name == "Eastgate days" and saved.alerts is False
    assert client.get(url + "delete/").status_code == 200
    assert client.post(url + "delete/").status_code == 302
    assert not SavedSearch.objects.exists()
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {
        "tenders.saved_search.renamed",
        "tenders.saved_search.alerts_off",
        "tenders.saved_search.deleted",
    } <= verbs


def test_other_peoples_saved_searches_are_404(client, saved, provider):
    client.force_login(provider)
    url = f"/opportunities/saved-searches/{saved.pk}/"
    assert client.get(url + "rename/").status_code == 404
    assert client.post(url + "rename/", {"name": "Mine now"}).status_code == 404
    assert client.post(url + "alerts/", {"alerts": "off"}).status_code == 404
    assert client.post(url + "delete/").status_code == 404
    assert "Day services" not in client.get(LIST).content.decode()
    saved.refresh_from_db()
    assert saved.name == "Day services" and saved.alerts is True


def test_a_missing_saved_search_is_404(client, resident):
    client.force_login(resident)
    assert client.get("/opportunities/saved-searches/999999/rename/").status_code == 404


def test_rename_to_a_name_in_use_answers_400(client, resident, saved):
    other = saved_search_create(actor=resident, name="Other", search=TenderSearch(q="x"))
    client.force_login(resident)
    response = client.post(
        f"/opportunities/saved-searches/{other.pk}/rename/", {"name": saved.name}
    )
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.name == "Other"


def test_stop_link_asks_first_then_turns_alerts_off_without_sign_in(client, saved):
    url = f"/opportunities/stop-alerts/{alerts_off_token(saved)}/"
    assert client.get(url).status_code == 200
    saved.refresh_from_db()
    assert saved.alerts is True  # following the link changes nothing
    response = client.post(url)
    assert response.status_code == 200 and "Emails turned off" in response.content.decode()
    saved.refresh_from_db()
    assert saved.alerts is False


def test_a_forged_stop_link_is_404(client, saved):
    assert client.get("/opportunities/stop-alerts/not-a-token/").status_code == 404
    other = UserFactory()
    forged = alerts_off_token(SavedSearch(pk=saved.pk, user_id=other.pk))
    assert client.post(f"/opportunities/stop-alerts/{forged}/").status_code == 404
    saved.refresh_from_db()
    assert saved.alerts is True
