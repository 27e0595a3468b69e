"""The sealing module: round trips, tampering, wrong keys, the deadline, key rotation."""

from __future__ import annotations

import base64
import datetime as dt
import os

import pytest
from django.utils import timezone

from coproduce.procure.bids import sealing
from coproduce.procure.bids.models import TenderKey
from coproduce.procure.bids.services_submit import tender_key_for

from .test_sealing_support import make_tender

pytestmark = pytest.mark.django_db

NEW_KEY = base64.urlsafe_b64encode(os.urandom(32)).decode()


def _flip(data: bytes, index: int = -1) -> bytes:
    b = bytearray(data)
    b[index] ^= 0x01
    return bytes(b)


@pytest.fixture
def tender(commissioner):
    return make_tender(commissioner, deadline=timezone.now() - dt.timedelta(minutes=1))


def _open(key, sealed, tender):
    return sealing.open_sealed(key, sealed, now=timezone.now(), deadline=tender.deadline)


def test_data_key_round_trip():
    wrapped, ciphertext = sealing.encrypt_for_bid(b"answers and prices")
    assert b"answers" not in ciphertext
    assert sealing.decrypt_for_bid(wrapped, ciphertext) == b"answers and prices"
    assert sealing.decrypt_blob(sealing.encrypt_blob(b"a file")) == b"a file"


@pytest.mark.parametrize("which", ["wrapped", "ciphertext"])
def test_a_flipped_byte_in_bid_content_is_refused(which):
    wrapped, ciphertext = sealing.encrypt_for_bid(b"answers and prices")
    if which == "wrapped":
        wrapped = _flip(wrapped)
    else:
        ciphertext = _flip(ciphertext)
    with pytest.raises(sealing.SealingError) as err:
        sealing.decrypt_for_bid(wrapped, ciphertext)
    assert err.value.code == "sealing_tampered"


def test_seal_round_trip_after_the_deadline(tender):
    key = tender_key_for(tender)
    sealed = sealing.seal_to_tender(key, b"the sealed bid")
    assert b"sealed bid" not in sealed
    assert _open(key, sealed, tender) == b"the sealed bid"
    assert tender_key_for(tender) == key  # one key per tender


def test_a_flipped_byte_in_a_sealed_bid_is_refused(tender):
    key = tender_key_for(tender)
    sealed = sealing.seal_to_tender(key, b"the sealed bid")
    for index in (5, 40, -1):
        with pytest.raises(sealing.SealingError) as err:
            _open(key, _flip(sealed, index), tender)
        assert err.value.code == "sealing_tampered"


def test_another_tenders_key_cannot_open_a_bid(commissioner, tender):
    other = make_tender(commissioner, deadline=tender.deadline)
    sealed = sealing.seal_to_tender(tender_key_for(tender), b"the sealed bid")
    with pytest.raises(sealing.SealingError):
        _open(tender_key_for(other), sealed, other)


def test_a_wrong_master_key_cannot_unwrap(settings):
    wrapped, ciphertext = sealing.encrypt_for_bid(b"secret")
    settings.BID_SEALING_KEY = NEW_KEY  # the old key is not kept
    with pytest.raises(sealing.SealingError) as err:
        sealing.decrypt_for_bid(wrapped, ciphertext)
    assert err.value.code == "sealing_unknown_key"


def test_a_tampered_private_key_is_refused(tender):
    key = tender_key_for(tender)
    sealed = sealing.seal_to_tender(key, b"the sealed bid")
    key.wrapped_private_key = _flip(bytes(key.wrapped_private_key))
    with pytest.raises(sealing.SealingError):
        _open(key, sealed, tender)


def test_opening_before_the_deadline_is_refused(commissioner):
    tender = make_tender(commissioner)
    key = tender_key_for(tender)
    sealed = sealing.seal_to_tender(key, b"the sealed bid")
    with pytest.raises(sealing.SealingError) as err:
        _open(key, sealed, tender)
    assert err.value.code == "sealed_until_deadline"
    with pytest.raises(sealing.SealingError):
        sealing.open_sealed(
            key,
            sealed,
            now=tender.deadline - dt.timedelta(microseconds=1),
            deadline=tender.deadline,
        )
    assert sealing.open_sealed(key, sealed, now=tender.deadline, deadline=tender.deadline)


def test_rotation_old_master_key_still_unwraps_and_rewrap_moves_to_the_new(settings, tender):
    old_id = sealing.current_key_id()
    key = tender_key_for(tender)
    assert key.master_key_id == old_id
    sealed = sealing.seal_to_tender(key, b"the sealed bid")
    wrapped, ciphertext = sealing.encrypt_for_bid(b"draft")

    settings.BID_SEALING_OLD_KEYS = [settings.BID_SEALING_KEY]
    settings.BID_SEALING_KEY = NEW_KEY
    assert sealing.current_key_id() != old_id
    assert _open(key, sealed, tender) == b"the sealed bid"
    assert sealing.decrypt_for_bid(wrapped, ciphertext) == b"draft"

    assert sealing.tender_key_rewrap(key) is True
    key = TenderKey.objects.get(pk=key.pk)
    assert key.master_key_id == sealing.current_key_id()
    settings.BID_SEALING_OLD_KEYS = []  # the old key can now be destroyed
    assert _open(key, sealed, tender) == b"the sealed bid"


def test_key_id_is_a_fingerprint_not_the_key(settings):
    raw = base64.urlsafe_b64decode(settings.BID_SEALING_KEY)
    assert len(sealing.current_key_id()) == 8
    assert sealing.current_key_id().encode() not in base64.urlsafe_b64encode(raw)
