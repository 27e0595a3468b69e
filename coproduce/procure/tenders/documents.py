"""Checks on uploaded tender documents, and the simple text → HTML used for HTML versions.

A document's type is decided from its **content** (magic bytes and, for the office
formats, the structure inside the zip), never from its name or the browser's claim: a
file called ``.pdf`` that is really a program or a web page is refused. Only formats a
bidder can open without special software are allowed. Nothing here touches the database
or the disk: the service stores a file only after these checks pass.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from coproduce.foundation.core.errors import ServiceError


@dataclass(frozen=True)
class FileKind:
    """An allowed type of document."""

    code: str
    label: str
    content_type: str
    extension: str


PDF = FileKind("pdf", "PDF", "application/pdf", "pdf")
DOCX = FileKind(
    "docx",
    "Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
)
XLSX = FileKind(
    "xlsx",
    "Excel spreadsheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsx",
)
ODT = FileKind("odt", "OpenDocument text", "application/vnd.oasis.opendocument.text", "odt")
ODS = FileKind(
    "ods", "OpenDocument spreadsheet", "application/vnd.oasis.opendocument.spreadsheet", "ods"
)
CSV = FileKind("csv", "CSV spreadsheet", "text/csv; charset=utf-8", "csv")
TXT = FileKind("txt", "Plain text", "text/plain; charset=utf-8", "txt")

ALLOWED = (PDF, DOCX, ODT, XLSX, ODS, CSV, TXT)
BY_CONTENT_TYPE = {k.content_type: k for k in ALLOWED}
ALLOWED_NAMES = "PDF, Word (DOCX), OpenDocument text (ODT), Excel (XLSX), OpenDocument spreadsheet (ODS), CSV or plain text (TXT)"

# A zip that expands to more than this is refused (a "zip bomb" would fill the disk
# of anyone who opens it).
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": ODS,
}
# Text that a browser would run or render as a page if it were ever opened inline.
_ACTIVE_TEXT = re.compile(
    rb"^\s*(<!doctype\s+html|<html|<head|<body|<script|<svg|<\?xml|<iframe|<object|<meta)",
    re.IGNORECASE,
)
_ALLOWED_CONTROL = {9, 10, 12, 13}


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks: its real type, size and fingerprint."""

    kind: FileKind
    size_bytes: int
    sha256: str
    content: bytes


def _refuse(message: str, code: str = "file_type_not_allowed") -> ServiceError:
    return ServiceError(code, message, field="file")


# What a damaged or unusual zip raises from ``zipfile``: a bad CRC or a false size
# (BadZipFile), an unknown compression method (NotImplementedError), the encrypted flag
# (RuntimeError), a truncated stream (EOFError, zlib.error via OSError or ValueError).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    NotImplementedError,
    RuntimeError,
    EOFError,
    ValueError,
    OSError,
    zlib.error,
)
_ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
_DAMAGED = "The file is damaged: it looks like an office document but cannot be opened."


def _detect_zip(data: bytes) -> FileKind:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        infos = archive.infolist()
    except _ZIP_ERRORS:
        raise _refuse(_DAMAGED) from None
    if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED_BYTES:
        raise _refuse("The file expands to more than 200 MB when opened. Upload a smaller file.")
    if any(i.flag_bits & 0x1 for i in infos):
        raise _refuse(
            "The document is protected with a password. Remove the password and upload it again.",
            code="file_encrypted",
        )
    if any(i.compress_type not in _ZIP_METHODS for i in infos):
        raise _refuse(_DAMAGED)
    try:
        # Every member is read once to check its CRC and true size (bounded by the
        # expansion check above): a damaged file is refused now, not when a bidder opens it.
        if archive.testzip() is not None:
            raise _refuse(_DAMAGED)
        return _zip_kind(archive, names)
    except _ZIP_ERRORS:
        raise _refuse(_DAMAGED) from None


def _zip_kind(archive: zipfile.ZipFile, names: set[str]) -> FileKind:
    if any(n.lower().endswith("vbaproject.bin") for n in names) or any(
        n.lower().startswith("basic/") for n in names
    ):
        raise _refuse(
            "The document contains macros (programs). Save it without macros, "
            "for example as a normal .docx or .xlsx, and upload it again.",
            code="file_has_macros",
        )
    if "mimetype" in names:
        kind = _ODF_MIMETYPES.get(archive.read("mimetype").strip())
        if kind is not None:
            return kind
    if "[Content_Types].xml" in names:
        types = archive.read("[Content_Types].xml")
        if b"macroEnabled" in types:
            raise _refuse(
                "The document contains macros (programs). Save it without macros and "
                "upload it again.",
                code="file_has_macros",
            )
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    raise _refuse(f"This kind of file is not allowed. Upload a {ALLOWED_NAMES} file.")


def _detect_text(data: bytes, name: str) -> FileKind:
    if _ACTIVE_TEXT.match(data[:1024]):
        raise _refuse(
            "The file is a web page or script, which is not allowed. "
            f"Upload a {ALLOWED_NAMES} file."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(
            f"This kind of file is not allowed. Upload a {ALLOWED_NAMES} file. "
            "Text files must be saved as UTF-8."
        ) from None
    if any(ord(c) < 32 and ord(c) not in _ALLOWED_CONTROL for c in text):
        raise _refuse(f"This kind of file is not allowed. Upload a {ALLOWED_NAMES} file.")
    if name.lower().endswith(".csv"):
        sample = text[:20000]
        try:
            rows = list(csv.reader(io.StringIO(sample)))
        except csv.Error:
            raise _refuse("The CSV file cannot be read as rows and columns.") from None
        if not rows:
            raise _refuse("The CSV file is empty.", code="file_empty")
        return CSV
    return TXT


def detect_kind(data: bytes, name: str = "") -> FileKind:
    """The allowed type of ``data`` judged from its bytes; ServiceError if not allowed.

    ``name`` only separates CSV from plain text (both are text), and must agree with
    the detected type otherwise.
    """
    if not data:
        raise _refuse("The selected file is empty.", code="file_empty")
    if data.startswith(b"%PDF-"):
        kind = PDF
    elif data.startswith(b"PK\x03\x04"):
        kind = _detect_zip(data)
    elif data.startswith((b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")):
        raise _refuse(
            f"The file is a program, which is not allowed. Upload a {ALLOWED_NAMES} file."
        )
    else:
        kind = _detect_text(data, name)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension and extension != kind.extension and {extension, kind.extension} != {"txt", "csv"}:
        raise _refuse(
            f"The file’s name ends in .{extension} but its content is a {kind.label} "
            f"(.{kind.extension}). Rename the file or upload the right one.",
            code="file_name_mismatch",
        )
    return kind


def check_upload(*, data: bytes, name: str, max_bytes: int, limit_label: str) -> CheckedFile:
    """Check one uploaded file's size and content; raise ServiceError naming the rule."""
    if len(data) > max_bytes:
        raise ServiceError(
            "file_too_large",
            f"The file is larger than {limit_label}, the limit for tender documents. "
            "Make it smaller, for example by splitting it or compressing its pictures.",
            field="file",
        )
    kind = detect_kind(data, name)
    return CheckedFile(
        kind=kind, size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest(), content=data
    )


# --- simple text → HTML for the HTML version of a document ---

_ORDERED = re.compile(r"^\d+[.)]\s+")


def _inline(text: str) -> str:
    out = html.escape(text, quote=True)
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    return out


def text_to_html(source: str) -> str:
    """Turn simple markdown into safe HTML (everything is escaped first).

    Understands: ``# Heading`` (h2), ``## Heading`` (h3), ``### Heading`` (h4), lines
    starting ``- `` or ``* `` (bulleted list), ``1. `` (numbered list), ``**bold**``, and
    blank lines between paragraphs. Anything else is plain text: no links, no raw HTML.
    """
    blocks: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    list_tag = ""

    def flush_paragraph() -> None:
        if paragraph:
            body = "<br>".join(_inline(line) for line in paragraph)
            blocks.append(f'<p class="govuk-body">{body}</p>')
            paragraph.clear()

    def flush_list() -> None:
        nonlocal list_tag
        if items:
            cls = (
                "govuk-list govuk-list--bullet"
                if list_tag == "ul"
                else "govuk-list govuk-list--number"
            )
            body = "".join(f"<li>{i}</li>" for i in items)
            blocks.append(f'<{list_tag} class="{cls}">{body}</{list_tag}>')
            items.clear()
        list_tag = ""

    for raw in source.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush_paragraph()
            flush_list()
            continue
        heading = re.match(r"^(#{1,3})\s+(.*)$", line)
        if heading:
            flush_paragraph()
            flush_list()
            level = len(heading.group(1)) + 1
            size = {2: "l", 3: "m", 4: "s"}[level]
            blocks.append(
                f'<h{level} class="govuk-heading-{size}">{_inline(heading.group(2))}</h{level}>'
            )
            continue
        if line.startswith(("- ", "* ")):
            flush_paragraph()
            if list_tag != "ul":
                flush_list()
                list_tag = "ul"
            items.append(_inline(line[2:].strip()))
            continue
        if _ORDERED.match(line):
            flush_paragraph()
            if list_tag != "ol":
                flush_list()
                list_tag = "ol"
            items.append(_inline(_ORDERED.sub("", line, count=1)))
            continue
        flush_list()
        paragraph.append(line)
    flush_paragraph()
    flush_list()
    return "\n".join(blocks)


def human_size(size_bytes: int) -> str:
    """123456 → "121 KB"; sizes as people read them on a download link."""
    if size_bytes < 1024:
        return f"{size_bytes} bytes"
    if size_bytes < 1024 * 1024:
        return f"{round(size_bytes / 1024)} KB"
    return f"{size_bytes / (1024 * 1024):.1f} MB"
