"""Tender pack uploads: the content decides the type, the rules table the size limit."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coproduce.foundation.core.errors import ServiceError
from coproduce.plan.procurement_rules.models import ProcurementRule
from coproduce.procure.tenders.documents import detect_kind, text_to_html
from coproduce.procure.tenders.models import TenderDocument
from coproduce.procure.tenders.services import document_add, document_remove

from . import test_tenders_support as support
from .test_tenders_support import audit_verbs

# Fixtures shared by the tender test modules.
draft_tender = support.draft_tender
model = support.model
published_tender = support.published_tender
ready_project = support.ready_project
spec = support.spec

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
XLSM = _zip(
    {
        "[Content_Types].xml": b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        "xl/workbook.xml": b"<workbook/>",
        "xl/vbaProject.bin": b"\0",
    }
)
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
ODS = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"})


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _stored_files(tmp_path) -> list:
    return [p for p in tmp_path.rglob("*") if p.is_file()]


def _add(actor, tender, name: str, body: bytes, **kw):
    return document_add(
        actor=actor,
        tender=tender,
        title=kw.pop("title", "Pricing schedule"),
        kind=kw.pop("kind", "pricing"),
        html_source=kw.pop("html_source", "# Prices\n\n- Day rate\n- Transport"),
        upload=SimpleUploadedFile(name, body, content_type=kw.pop("claimed", "application/pdf")),
        **kw,
    )


@pytest.mark.parametrize(
    ("name", "body", "code"),
    [
        ("pack.pdf", PDF, "pdf"),
        ("questions.docx", DOCX, "docx"),
        ("prices.xlsx", XLSX, "xlsx"),
        ("questions.odt", ODT, "odt"),
        ("prices.ods", ODS, "ods"),
        ("prices.csv", b"item,price\nday,100\n", "csv"),
        ("notes.txt", "Plain words, café.\n".encode(), "txt"),
    ],
)
def test_allowed_types_are_recognised_from_their_content(name, body, code):
    assert detect_kind(body, name).code == code


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00program", "file_type_not_allowed"),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "file_type_not_allowed"),
        (b"  <svg onload=alert(1)>", "file_type_not_allowed"),
        (b"\x7fELF\x02\x01", "file_type_not_allowed"),
        (XLSM, "file_has_macros"),
        (DOCX, "file_name_mismatch"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old word", "file_type_not_allowed"),
        (b"", "file_empty"),
    ],
)
def test_a_pdf_name_does_not_make_a_file_a_pdf(body, code):
    with pytest.raises(ServiceError) as caught:
        detect_kind(body, "tender-pack.pdf")
    assert caught.value.code == code
    assert caught.value.field == "file"


def test_an_upload_is_stored_under_its_fingerprint_with_its_html_version(
    commissioner, draft_tender, tmp_path
):
    doc = _add(commissioner, draft_tender, "../../etc/passwd.pdf", PDF)
    assert doc.sha256 == hashlib.sha256(PDF).hexdigest()
    assert doc.content_type == "application/pdf"
    assert doc.size_bytes == len(PDF)
    assert doc.file.name == f"tender-documents/{draft_tender.reference}/{doc.sha256[:32]}.pdf"
    assert "<h2" in doc.html and "<li>Day rate</li>" in doc.html
    assert len(_stored_files(tmp_path)) == 1
    assert audit_verbs(doc) == ["tenders.document.added"]


def test_an_exe_called_pdf_is_refused_and_nothing_is_stored(commissioner, draft_tender, tmp_path):
    with pytest.raises(ServiceError) as caught:
        _add(commissioner, draft_tender, "pack.pdf", b"MZ\x90\x00 this is a program")
    assert caught.value.code == "file_type_not_allowed"
    assert not TenderDocument.objects.exists()
    assert _stored_files(tmp_path) == []


def test_a_web_page_called_pdf_is_refused(commissioner, draft_tender, tmp_path):
    with pytest.raises(ServiceError) as caught:
        _add(commissioner, draft_tender, "pack.pdf", b"<html><body>hi</body></html>")
    assert caught.value.code == "file_type_not_allowed"
    assert not TenderDocument.objects.exists()
    assert _stored_files(tmp_path) == []


def test_a_file_over_the_limit_in_the_rules_table_is_refused(commissioner, draft_tender, tmp_path):
    # The limit comes from the rules table, not from code: a new version from yesterday.
    ProcurementRule.objects.create(
        key="documents.max_upload_mb",
        value=1,
        unit="count",
        effective_from=timezone.localdate() - dt.timedelta(days=1),
        label="Largest document",
        source_title="Council policy",
    )
    body = PDF + b"0" * (1024 * 1024)
    with pytest.raises(ServiceError) as caught:
        _add(commissioner, draft_tender, "big.pdf", body)
    assert caught.value.code == "file_too_large"
    assert "1 MB" in caught.value.message
    assert not TenderDocument.objects.exists()
    assert _stored_files(tmp_path) == []
    assert _add(commissioner, draft_tender, "small.pdf", PDF[:]).size_bytes == len(PDF)


def test_every_document_needs_an_html_version(commissioner, draft_tender, tmp_path):
    with pytest.raises(ServiceError) as caught:
        _add(commissioner, draft_tender, "pack.pdf", PDF, html_source="   ")
    assert (caught.value.code, caught.value.field) == ("required", "html_source")
    assert _stored_files(tmp_path) == []


def test_the_same_file_twice_is_stored_once(commissioner, draft_tender, tmp_path):
    first = _add(commissioner, draft_tender, "pack.pdf", PDF)
    second = _add(commissioner, draft_tender, "pack-again.pdf", PDF)
    assert first.pk == second.pk
    assert TenderDocument.objects.count() == 1
    assert len(_stored_files(tmp_path)) == 1


def test_removing_a_draft_document_deletes_its_file(
    commissioner, draft_tender, tmp_path, django_capture_on_commit_callbacks
):
    doc = _add(commissioner, draft_tender, "pack.pdf", PDF)
    with django_capture_on_commit_callbacks(execute=True):
        document_remove(actor=commissioner, document=doc)
    assert not TenderDocument.objects.exists()
    assert _stored_files(tmp_path) == []


def test_a_published_pack_changes_only_through_an_amendment(commissioner, published_tender):
    with pytest.raises(ServiceError) as caught:
        _add(commissioner, published_tender, "late.pdf", PDF)
    assert caught.value.code == "not_draft"
    doc = _add(commissioner, published_tender, "late.pdf", PDF, via_amendment=True)
    assert doc.tender_id == published_tender.pk


def test_html_versions_escape_everything_typed():
    html = text_to_html(
        '# Title <b>\n\nHello <script>alert("x")</script> **bold**\n\n1. one\n2. two'
    )
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<strong>bold</strong>" in html
    assert '<ol class="govuk-list govuk-list--number"><li>one</li><li>two</li></ol>' in html


def _damaged(kind: str) -> bytes:
    """A DOCX damaged the ways issue 12 found (each was a server error)."""
    data = bytearray(DOCX)
    archive = zipfile.ZipFile(io.BytesIO(DOCX))
    # The first member, which the type check reads: its local header and its entry in the
    # central directory.
    header = archive.getinfo("[Content_Types].xml").header_offset
    if kind == "bad_crc":
        # CRC-32 in the local header (offset 14) and the central directory entry (16).
        data[header + 14 : header + 18] = b"\x00\x00\x00\x00"
        entry = bytes(data).find(b"PK\x01\x02")
        data[entry + 16 : entry + 20] = b"\x00\x00\x00\x00"
    elif kind == "unknown_compression":
        data[header + 8 : header + 10] = (99).to_bytes(2, "little")
        entry = bytes(data).find(b"PK\x01\x02")
        data[entry + 10 : entry + 12] = (99).to_bytes(2, "little")
    elif kind == "encrypted":
        data[header + 6 : header + 8] = (1).to_bytes(2, "little")
        entry = bytes(data).find(b"PK\x01\x02")
        data[entry + 8 : entry + 10] = (1).to_bytes(2, "little")
    elif kind == "false_size":
        entry = bytes(data).find(b"PK\x01\x02")
        data[entry + 24 : entry + 28] = (3).to_bytes(4, "little")  # uncompressed size
        data[header + 22 : header + 26] = (3).to_bytes(4, "little")
    return bytes(data)


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("bad_crc", "file_type_not_allowed"),
        ("unknown_compression", "file_type_not_allowed"),
        ("encrypted", "file_encrypted"),
        ("false_size", "file_type_not_allowed"),
    ],
)
def test_a_damaged_docx_is_refused_with_a_message_not_a_server_error(kind, code):
    with pytest.raises(ServiceError) as caught:
        detect_kind(_damaged(kind), "pack.docx")
    assert caught.value.code == code
    assert caught.value.field == "file"
