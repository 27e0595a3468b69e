"""Following a tender as an organisation: idempotent, members only, published tenders only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coproduce.foundation.accounts.tests.factories import make_member
from coproduce.foundation.core.errors import NotFound
from coproduce.foundation.core.models import AuditEvent
from coproduce.procure.tenders.models import TenderInterest, TenderStatus
from coproduce.procure.tenders.services_clarifications import tender_follow, tender_unfollow
from coproduce.procure.tenders.tests.factories import make_tender

pytestmark = pytest.mark.django_db


def test_follow_is_idempotent_and_audited(commissioner):
    tender = make_tender(actor=commissioner)
    user, org = make_member()
    first = tender_follow(actor=user, tender=tender, organisation=org)
    again = tender_follow(actor=user, tender=tender, organisation=org)
    assert first.pk == again.pk
    assert TenderInterest.objects.count() == 1
    assert AuditEvent.objects.filter(verb="tenders.tender.followed").count() == 1
    assert tender_unfollow(actor=user, tender=tender, organisation=org) is True
    assert tender_unfollow(actor=user, tender=tender, organisation=org) is False
    assert AuditEvent.objects.filter(verb="tenders.tender.unfollowed").count() == 1


def test_cannot_follow_for_someone_elses_organisation_or_a_draft(commissioner):
    tender = make_tender(actor=commissioner)
    draft = make_tender(actor=commissioner, status=TenderStatus.DRAFT)
    user, org = make_member()
    _other, other_org = make_member()
    with pytest.raises(NotFound):
        tender_follow(actor=user, tender=tender, organisation=other_org)
    with pytest.raises(NotFound):
        tender_follow(actor=user, tender=draft, organisation=org)
    assert not TenderInterest.objects.exists()


def test_member_follows_and_unfollows_in_the_browser(client, commissioner):
    tender = make_tender(actor=commissioner)
    user, org = make_member()
    client.force_login(user)
    url = reverse("tenders:follow", args=[tender.reference])
    assert client.get(url).status_code == 200
    response = client.post(url, {"organisation": org.slug, "action": "follow"})
    assert response.status_code == 302
    client.post(url, {"organisation": org.slug, "action": "follow"})
    assert TenderInterest.objects.filter(tender=tender, organisation=org).count() == 1
    page = client.get(url).content.decode()
    assert "Stop following" in page
    client.post(url, {"organisation": org.slug, "action": "unfollow"})
    assert not TenderInterest.objects.exists()


def test_follow_redirects_to_a_safe_next_only(client, commissioner):
    tender = make_tender(actor=commissioner)
    user, org = make_member()
    client.force_login(user)
    url = reverse("tenders:follow", args=[tender.reference])
    response = client.post(url, {"organisation": org.slug, "next": "https://evil.example/"})
    assert response["Location"] == url
    response = client.post(url, {"organisation": org.slug, "next": "/opportunities/"})
    assert response["Location"] == "/opportunities/"


def test_follow_for_an_organisation_you_do_not_belong_to_is_404(client, commissioner):
    tender = make_tender(actor=commissioner)
    user, _org = make_member()
    _other, other_org = make_member()
    client.force_login(user)
    response = client.post(
        reverse("tenders:follow", args=[tender.reference]), {"organisation": other_org.slug}
    )
    assert response.status_code in {400, 404}
    assert not TenderInterest.objects.exists()


def test_person_without_organisation_cannot_follow(client, commissioner, resident):
    tender = make_tender(actor=commissioner)
    client.force_login(resident)
    url = reverse("tenders:follow", args=[tender.reference])
    assert "registered organisation" in client.get(url).content.decode()
    assert client.post(url, {"organisation": "x"}).status_code == 400
    assert not TenderInterest.objects.exists()


def test_anonymous_follow_goes_to_sign_in(client, commissioner):
    tender = make_tender(actor=commissioner)
    response = client.post(reverse("tenders:follow", args=[tender.reference]))
    assert response.status_code == 302
    assert "/account/sign-in/" in response["Location"]


def test_following_a_draft_is_404(client, commissioner):
    tender = make_tender(actor=commissioner, status=TenderStatus.DRAFT)
    user, org = make_member()
    client.force_login(user)
    url = reverse("tenders:follow", args=[tender.reference])
    assert client.post(url, {"organisation": org.slug}).status_code == 404
