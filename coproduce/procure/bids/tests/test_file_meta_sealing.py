"""Documents' titles and SHA-256 are encrypted; the digest kept in the clear is keyed.

A database reader sees neither what a document is called nor a fingerprint that matches
the same file in another bid. The bidder reads the title at any time; the council only
after opening, exactly as the content.
"""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coproduce.foundation.core.errors import NotFound

from .. import sealing
from ..models import BidFile, FileMetaSealed
from ..selectors import bid_files_readable
from ..services_draft import bid_file_add, existing_bid_file
from ..services_open import bid_compliance_problems, bids_open
from ..services_submit import bid_submit, canonical_content
from .test_sealing_support import add_file, make_bid, make_tender, pass_deadline

pytestmark = pytest.mark.django_db

DATA = b"%PDF-1.4 the same certificate twice"
TITLE = "Wombat insurance certificate"
PDF = b"%PDF-1.4\n%%EOF\n"


def _raw_row(bid_file: BidFile) -> bytes:
    """Every stored column of the row, as bytes (what a database dump would show)."""
    row = BidFile.objects.filter(pk=bid_file.pk).values().get()
    return b"|".join(
        bytes(v) if isinstance(v, memoryview) else str(v).encode() for v in row.values()
    )


def test_the_title_and_sha256_are_not_stored_in_plain_text(commissioner):
    bid = make_bid(make_tender(commissioner))
    f = bid_file_add(actor=bid.created_by, bid=bid, upload=_pdf(), title=TITLE, requirement="")
    raw = _raw_row(f)
    plain_sha = hashlib.sha256(PDF).hexdigest()
    assert TITLE.encode() not in raw
    assert plain_sha.encode() not in raw and bytes.fromhex(plain_sha) not in raw
    assert f.digest != plain_sha and len(f.digest) == 64
    assert f.title == TITLE  # the service hands back the row with its title decrypted


def test_a_stored_title_is_ciphertext_not_the_words(commissioner):
    bid = make_bid(make_tender(commissioner))
    f = add_file(bid, bid.created_by, data=DATA)  # title "Extra", requirement ""
    raw = _raw_row(f)
    assert b"Extra" not in raw and base64.b64encode(b"Extra") not in raw
    assert sealing.decrypt_file_meta(BidFile.objects.get(pk=f.pk).meta_ciphertext) == {
        "title": "Extra",
        "sha256": hashlib.sha256(DATA).hexdigest(),
    }


def test_the_same_file_in_two_bids_has_unrelated_digests(commissioner):
    tender = make_tender(commissioner)
    one, two = make_bid(tender), make_bid(tender)
    a = add_file(one, one.created_by, data=DATA)
    b = add_file(two, two.created_by, data=DATA)
    assert a.digest != b.digest
    assert a.digest_key_id == b.digest_key_id == sealing.current_key_id()


def test_the_same_file_twice_in_one_bid_is_stored_once(commissioner):
    bid = make_bid(make_tender(commissioner))
    first = bid_file_add(
        actor=bid.created_by, bid=bid, upload=_pdf(), title="First", requirement=""
    )
    again = bid_file_add(
        actor=bid.created_by, bid=bid, upload=_pdf(), title="Second", requirement=""
    )
    assert again.pk == first.pk and BidFile.objects.filter(bid=bid).count() == 1


def _pdf():
    return SimpleUploadedFile("c.pdf", PDF, content_type="application/pdf")


def test_a_title_read_before_decrypting_fails_loudly(commissioner):
    bid = make_bid(make_tender(commissioner))
    add_file(bid, bid.created_by, data=DATA)
    stored = BidFile.objects.get(bid=bid)
    with pytest.raises(FileMetaSealed):
        stored.title  # noqa: B018
    with pytest.raises(AttributeError):
        BidFile(bid=bid, title="set in the clear")


def test_a_title_blob_cannot_pass_as_document_content_or_the_reverse(commissioner):
    bid = make_bid(make_tender(commissioner))
    f = add_file(bid, bid.created_by, data=DATA)
    with pytest.raises(sealing.SealingError):
        sealing.decrypt_blob(bytes(f.meta_ciphertext))
    with pytest.raises(sealing.SealingError):
        sealing.decrypt_file_meta(bytes(f.ciphertext))


def test_the_bidder_reads_titles_before_closing_and_staff_only_after_opening(
    client, commissioner, finance
):
    tender = make_tender(commissioner)
    bid = make_bid(tender)
    add_file(bid, bid.created_by, requirement="Wombat policy", data=DATA)
    assert [f.title for f in bid_files_readable(user=bid.created_by, bid=bid)] == ["Wombat policy"]
    with pytest.raises(NotFound):
        bid_files_readable(user=finance, bid=bid)
    bid_submit(actor=bid.created_by, bid=bid)
    pass_deadline(tender)
    with pytest.raises(NotFound):  # closed, not yet opened
        bid_files_readable(user=finance, bid=bid)
    bids_open(actor=commissioner, tender=tender)
    bid.refresh_from_db()
    assert [f.title for f in bid_files_readable(user=finance, bid=bid)] == ["Wombat policy"]
    client.force_login(finance)
    page = client.get(reverse("bids:open_bid", args=[tender.reference, bid.reference]))
    assert "Wombat policy" in page.content.decode()


def test_the_receipt_covers_each_documents_plain_sha256_which_the_bidder_can_recompute(
    commissioner,
):
    bid = make_bid(make_tender(commissioner))
    add_file(bid, bid.created_by, requirement="Policy", data=DATA)
    content = json.loads(canonical_content(bid, {}))
    assert content["files"][0]["sha256"] == hashlib.sha256(DATA).hexdigest()
    assert content["files"][0]["title"] == "Policy"


def test_a_document_changed_after_sending_is_flagged_at_opening(commissioner):
    tender = make_tender(commissioner)
    bid = make_bid(tender)
    f = add_file(bid, bid.created_by, requirement="Policy", data=DATA)
    bid_submit(actor=bid.created_by, bid=bid)
    BidFile.objects.filter(pk=f.pk).update(
        meta_ciphertext=sealing.encrypt_file_meta(
            title="Policy", sha256=hashlib.sha256(b"another file").hexdigest()
        )
    )
    pass_deadline(tender)
    bids_open(actor=commissioner, tender=tender)
    bid.refresh_from_db()
    assert "The document “Policy” differs from the one sent." in bid_compliance_problems(bid)


def test_a_document_keyed_before_a_key_rotation_is_still_found(commissioner, settings):
    bid = make_bid(make_tender(commissioner))
    f = add_file(bid, bid.created_by, data=DATA)
    old_key = settings.BID_SEALING_KEY
    settings.BID_SEALING_OLD_KEYS = [old_key]
    settings.BID_SEALING_KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()
    assert sealing.current_key_id() != f.digest_key_id
    assert existing_bid_file(bid, hashlib.sha256(DATA).hexdigest()).pk == f.pk
    assert (
        bid_files_readable(user=bid.created_by, bid=bid)[0].sha256
        == hashlib.sha256(DATA).hexdigest()
    )
