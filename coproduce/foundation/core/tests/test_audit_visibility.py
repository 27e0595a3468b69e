"""One visibility rule for every audit reader: sealed streams stay invisible until revealed.

A test registration seals ``test.sealed.*`` events about a service area until the area is
marked light-touch (standing in for "the tender's bids are opened" or "the round's results
are published"; the bids and budgeting registrations have their own tests in those apps).
"""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction

from coproduce.foundation.core.audit import (
    SEALED_AUDIT,
    SealedAudit,
    audit_record,
    register_sealed_audit,
    verify_chain,
)
from coproduce.foundation.core.checkpoints import (
    audit_checkpoint_make,
    checkpoints_document,
    verify_checkpoints,
)
from coproduce.foundation.core.models import AuditChainHead, AuditEvent, ServiceArea
from coproduce.foundation.core.tests.factories import service_area

pytestmark = pytest.mark.django_db

NONCE = re.compile(r'(nonce|value)="[A-Za-z0-9+/=]{20,}"')
REF = re.compile(r'<td class="govuk-table__cell app-table__cell--narrow">(.*?)</td>')


@pytest.fixture
def sealed_area():
    register_sealed_audit(
        SealedAudit(
            scope="test.area",
            verb_prefixes=("test.sealed.",),
            scope_of=lambda target: target.pk,
            revealed=lambda: ServiceArea.objects.filter(light_touch=True),
        )
    )
    area = service_area("employment-skills")
    assert not area.light_touch
    for verb in ("test.public.one", "test.sealed.bid", "test.sealed.bid", "test.public.two"):
        with transaction.atomic():
            secret = {"secret": "Sealed-XYZ"} if verb.startswith("test.sealed.") else {}
            audit_record(actor=None, verb=verb, target=area, changes=secret)
    yield area
    SEALED_AUDIT.pop("test.area")


def _reveal(area):
    ServiceArea.objects.filter(pk=area.pk).update(light_touch=True)


def _stream(area) -> str:
    return f"test.area:{area.pk}"


def test_sealed_events_have_their_own_stream_so_the_public_numbers_have_no_gap(sealed_area):
    public = AuditEvent.objects.filter(stream="public").order_by("seq")
    assert [(e.seq, e.verb) for e in public] == [(1, "test.public.one"), (2, "test.public.two")]
    sealed = AuditEvent.objects.filter(stream=_stream(sealed_area)).order_by("seq")
    assert [e.seq for e in sealed] == [1, 2]
    assert sealed[1].prev_hash == sealed[0].hash
    assert AuditChainHead.objects.get(stream=_stream(sealed_area)).seq == 2
    assert verify_chain() == (4, None)


def test_audit_page_shows_no_sealed_event_no_count_and_no_gap(client, finance, sealed_area):
    client.force_login(finance)
    page = client.get("/audit/").content.decode()
    assert REF.findall(page) == ["#2", "#1"]
    assert "test.sealed" not in page and "Sealed-XYZ" not in page
    assert "2 events" in page
    # Asking for the sealed verb directly answers exactly as for a verb that never existed.
    sealed = NONCE.sub("", client.get("/audit/?verb=test.sealed.bid").content.decode())
    unknown = NONCE.sub("", client.get("/audit/?verb=never.written.xyz").content.decode())
    assert sealed.replace("test.sealed.bid", "never.written.xyz") == unknown
    assert REF.findall(client.get(f"/audit/?target_id={sealed_area.pk}").content.decode()) == [
        "#2",
        "#1",
    ]


def test_once_revealed_the_whole_stream_shows_with_its_own_numbers(client, finance, sealed_area):
    _reveal(sealed_area)
    client.force_login(finance)
    page = client.get("/audit/").content.decode()
    stream = _stream(sealed_area)
    assert REF.findall(page) == ["#2", f"{stream} #2", f"{stream} #1", "#1"]
    assert '<option value="test.sealed.bid">' in page


def test_django_admin_hides_sealed_events_from_a_superuser(client, platform_admin, sealed_area):
    assert platform_admin.is_superuser
    client.force_login(platform_admin)
    base = "/django-admin/core/auditevent/"
    listing = client.get(base)
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "test.sealed" not in body and "Sealed-XYZ" not in body
    assert "2 audit events" in body
    # Filters: the sealed verb is not offered, and asking for it finds nothing.
    assert "0 audit events" in client.get(base + "?verb=test.sealed.bid").content.decode()
    assert "test.sealed" not in client.get(base + "?q=test.sealed").content.decode().replace(
        "q=test.sealed", ""
    ).replace('value="test.sealed"', "")
    # Change page: neither the stream address nor the database id opens a sealed event.
    sealed_ids = AuditEvent.objects.filter(stream=_stream(sealed_area)).values_list("pk", flat=True)
    for address in [f"{_stream(sealed_area)}.1", *map(str, sealed_ids)]:
        response = client.get(f"{base}{address}/change/")
        assert response.status_code == 302, address
        assert response["Location"] == "/django-admin/"
    # The visible events open by their public number; database ids open nothing.
    assert client.get(f"{base}public.2/change/").status_code == 200
    public_pk = AuditEvent.objects.get(stream="public", seq=2).pk
    assert client.get(f"{base}{public_pk}/change/").status_code == 302
    assert client.get(f"{base}{public_pk}/history/").status_code == 404
    _reveal(sealed_area)
    assert client.get(f"{base}{_stream(sealed_area)}.1/change/").status_code == 200
    assert "4 audit events" in client.get(base).content.decode()


def test_audit_readers_are_the_admin_and_finance_roles_not_any_superuser(client, django_user_model):
    superuser = django_user_model.objects.create_user(
        email="super-resident@example.org", password="x" * 16, is_staff=True, is_superuser=True
    )
    assert not superuser.can_read_audit
    client.force_login(superuser)
    assert client.get("/audit/").status_code == 404
    assert client.get("/django-admin/core/auditevent/").status_code == 404
    assert client.get("/django-admin/core/auditevent/public.1/change/").status_code == 404


def test_a_checkpoint_covers_sealed_streams_without_publishing_their_size(sealed_area):
    checkpoint = audit_checkpoint_make()
    document = checkpoints_document()
    assert checkpoint.sealed_heads == {
        _stream(sealed_area): [2, AuditEvent.objects.get(stream=_stream(sealed_area), seq=2).hash]
    }
    published = repr(document)
    assert _stream(sealed_area) not in published and "sealed_heads" not in published
    assert verify_checkpoints(document) == (1, [])
    # Cut the sealed stream's last event and move its head back: the checkpoint tells.
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        cur.execute(
            "DELETE FROM core_auditevent WHERE stream = %s AND seq = 2", [_stream(sealed_area)]
        )
    first = AuditEvent.objects.get(stream=_stream(sealed_area), seq=1)
    AuditChainHead.objects.filter(stream=_stream(sealed_area)).update(seq=1, last_hash=first.hash)
    assert verify_chain() == (3, None)
    _, problems = verify_checkpoints(document)
    assert "sealed stream no longer has its event #2" in problems[0].reason
