"""Test helpers: a tender past its deadline with opened, moderated bids, made with the ORM.

Tenders and bids come from the tenders and bids factories; ``build`` adds the criteria
and the moderated scores the panel services would have written, so the award services
can be tested on their own.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from coproduce.foundation.accounts.models import Organisation
from coproduce.foundation.accounts.tests.factories import OrganisationFactory, UserFactory
from coproduce.foundation.core.tests.factories import service_area
from coproduce.plan.evaluation_models.models import Criterion, CriterionKind, ScaleLevel
from coproduce.procure.bids.models import Bid, ConsortiumMember, Opening
from coproduce.procure.bids.tests.factories import make_submitted_bid
from coproduce.procure.panels.models import ModeratedScore, Moderation, ModerationStatus
from coproduce.procure.tenders.models import Lot, Tender
from coproduce.procure.tenders.tests.factories import make_tender

_n = {"i": 0}

#: (quality score, social value score, price in pence) per bidder, best first.
DEFAULT_BIDS = ((4, 3, 100_000_00), (3, 3, 105_000_00), (2, 2, 110_000_00))


@dataclass
class Built:
    tender: Tender
    lot: Lot | None
    bids: list[Bid]
    users: list  # one member user per bid's lead organisation
    moderation: Moderation
    criteria: list[Criterion] = field(default_factory=list)


def org(**kw) -> Organisation:
    _n["i"] += 1
    kw.setdefault("name", f"Organisation {_n['i']}")
    kw.setdefault("slug", f"organisation-{_n['i']}")
    return OrganisationFactory(**kw)


def past_tender(commissioner, *, area="employment-skills", value_pence=500_000_00, opened=True):
    """A published tender whose deadline passed 10 days ago (bids opened when ``opened``)."""
    now = timezone.now()
    tender = make_tender(
        actor=commissioner,
        status="closed",
        published_at=now - dt.timedelta(days=60),
        deadline=now - dt.timedelta(days=10),
        service_area=service_area(area),
        value_pence=value_pence,
    )
    if opened:
        Opening.objects.create(tender=tender, opened_by=commissioner, opened_at=now, bids_opened=0)
    return tender


def build(
    commissioner,
    *,
    bids=DEFAULT_BIDS,
    with_lot: bool = False,
    area: str = "employment-skills",
    value_pence: int = 500_000_00,
    complete: bool = True,
) -> Built:
    """A tender ready to award: scale 0–4, one quality (50%), one social value (20%) and
    price (30%) question, bids opened and moderation complete (unless ``complete`` is
    False)."""
    tender = past_tender(commissioner, area=area, value_pence=value_pence)
    model = tender.evaluation_model
    for s in range(5):
        ScaleLevel.objects.create(model=model, score=s, label=str(s), descriptor=f"Level {s}")
    groups = {}
    criteria = []
    for pos, (kind, title, weight) in enumerate(
        [
            (CriterionKind.QUALITY, "How you involve people", 50),
            (CriterionKind.SOCIAL_VALUE, "Local jobs", 20),
            (CriterionKind.PRICE, "Price", 30),
        ],
        start=1,
    ):
        groups[kind] = Criterion.objects.create(
            model=model, kind=kind, position=pos, title=kind.label, weight_percent=weight
        )
        criteria.append(
            Criterion.objects.create(
                model=model,
                parent=groups[kind],
                kind=kind,
                position=1,
                title=title,
                question=f"{title}?",
                weight_percent=weight,
            )
        )
    lot = (
        Lot.objects.create(tender=tender, number=1, title="North", value_pence=value_pence)
        if with_lot
        else None
    )
    moderation = Moderation.objects.create(
        tender=tender,
        lot=lot,
        status=ModerationStatus.COMPLETE if complete else ModerationStatus.MODERATING,
        started_at=timezone.now(),
        completed_at=timezone.now() if complete else None,
    )
    made, users = [], []
    for i, (q, sv, price) in enumerate(bids):
        user = UserFactory(role="provider")
        lead = org(admin=user)
        bid = make_submitted_bid(
            tender,
            org=lead,
            user=user,
            lots=[lot] if lot else None,
            price_pence=price,
            submitted_at=tender.deadline - dt.timedelta(hours=1),
            answers=False,
        )
        for crit, score in ((criteria[0], q), (criteria[1], sv)):
            ModeratedScore.objects.create(
                moderation=moderation,
                bid=bid,
                criterion=crit,
                score=score,
                reason=f"Bid {i + 1} on {crit.title}: evidence scored {score}.",
                agreed_by=commissioner,
                agreed_at=timezone.now(),
            )
        made.append(bid)
        users.append(user)
    return Built(
        tender=tender, lot=lot, bids=made, users=users, moderation=moderation, criteria=criteria
    )


_OBJ = re.compile(rb"(\d+) 0 obj\b")
_LENGTH = re.compile(rb"/Length (\d+)")
_TOKEN = re.compile(
    rb"/(?P<font>[A-Za-z0-9_.+-]+)\s+(?P<size>[\d.]+)\s+Tf"
    rb"|(?P<lit>\((?:\\.|[^\\()])*\))"
    rb"|<(?P<hex>[0-9A-Fa-f\s]*)>"
    rb"|(?P<num>-?\d+(?:\.\d+)?)(?=[\s\]\(<])"
    rb"|(?P<op>Tj|TJ|ET|T\*|\')",
    re.S,
)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


@dataclass
class PdfParts:
    """What a PDF made by fpdf2 holds: fonts (resource name → BaseFont, ToUnicode map),
    and the text drawn, in order, decoded through each font's map."""

    fonts: dict[str, tuple[str, dict[int, str] | None]]
    sizes: list[float]
    text: str


def _objects(raw: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Object number → (dictionary text, inflated stream or None)."""
    out: dict[int, tuple[bytes, bytes | None]] = {}
    pos = 0
    while (m := _OBJ.search(raw, pos)) is not None:
        start = m.end()
        end_obj = raw.find(b"endobj", start)
        stream_at = raw.find(b"stream", start)
        if 0 <= stream_at < end_obj:
            head = raw[start:stream_at]
            body_start = stream_at + len(b"stream")
            body_start += 2 if raw[body_start : body_start + 2] == b"\r\n" else 1
            length = _LENGTH.search(head)
            body = raw[body_start : body_start + int(length.group(1))]
            if b"FlateDecode" in head:
                body = zlib.decompress(body)
            out[int(m.group(1))] = (head, body)
            end_obj = raw.find(b"endobj", body_start + int(length.group(1)))
        else:
            out[int(m.group(1))] = (raw[start:end_obj], None)
        pos = end_obj + len(b"endobj")
    return out


def _cmap(data: bytes) -> dict[int, str]:
    found: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            found[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            first = int(dst, 16)
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                found[code] = chr(first + offset)
    return found


def _unescape(literal: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(literal):
        c = literal[i : i + 1]
        if c != b"\\":
            out += c
            i += 1
            continue
        nxt = literal[i + 1 : i + 2]
        if nxt in _ESCAPES:
            out += _ESCAPES[nxt]
            i += 2
        elif nxt.isdigit():
            digits = re.match(rb"[0-7]{1,3}", literal[i + 1 : i + 4]).group(0)
            out.append(int(digits, 8) & 0xFF)
            i += 1 + len(digits)
        elif nxt in (b"\n", b"\r"):
            i += 2
        else:
            out += nxt
            i += 2
    return bytes(out)


def pdf_parts(data: bytes) -> PdfParts:
    """Parse a PDF made by fpdf2: with a core font (Latin-1 text) or an embedded TrueType
    font (two-byte glyph codes, decoded through the font's ToUnicode map)."""
    objects = _objects(bytes(data))
    fonts_by_obj: dict[int, tuple[str, dict[int, str] | None]] = {}
    for number, (head, _) in objects.items():
        if b"/Type /Font" in head and b"/CIDFontType2" not in head:
            base = re.search(rb"/BaseFont /([^\s/>]+)", head)
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", head)
            cmap = _cmap(objects[int(to_unicode.group(1))][1] or b"") if to_unicode else None
            fonts_by_obj[number] = (base.group(1).decode() if base else "", cmap)
    fonts: dict[str, tuple[str, dict[int, str] | None]] = {}
    for head, _ in objects.values():
        for block in re.findall(rb"/Font\s*<<(.*?)>>", head, re.S):
            for name, ref in re.findall(rb"/([A-Za-z0-9_.+-]+)\s+(\d+) 0 R", block):
                if int(ref) in fonts_by_obj:
                    fonts[name.decode()] = fonts_by_obj[int(ref)]
    sizes: list[float] = []
    pieces: list[str] = []
    for _, body in objects.values():
        if body is None or b" Tf" not in body:
            continue
        cmap: dict[int, str] | None = None
        for m in _TOKEN.finditer(body):
            if m.group("font"):
                cmap = fonts.get(m.group("font").decode(), ("", None))[1]
                sizes.append(float(m.group("size")))
            elif m.group("lit") is not None or m.group("hex") is not None:
                if m.group("lit") is not None:
                    raw = _unescape(m.group("lit")[1:-1])
                else:
                    raw = bytes.fromhex(re.sub(rb"\s", b"", m.group("hex")).decode())
                if cmap is None:
                    pieces.append(raw.decode("latin-1"))
                else:
                    pieces.append(
                        "".join(
                            cmap.get(int.from_bytes(raw[k : k + 2], "big"), "")
                            for k in range(0, len(raw) - 1, 2)
                        )
                    )
            elif m.group("num") is not None and float(m.group("num")) < -100:
                pieces.append(" ")  # a wide gap inside TJ (justified text) is a space
            elif m.group("op") in (b"ET", b"T*", b"'"):
                pieces.append(" ")
    return PdfParts(fonts=fonts, sizes=sizes, text=" ".join("".join(pieces).split()))


def pdf_text(data: bytes) -> str:
    """The text drawn in a PDF made by fpdf2, whitespace collapsed (lines joined by spaces)."""
    return pdf_parts(data).text


def add_member(bid: Bid, organisation: Organisation, share: str, *, lead=False) -> None:
    bid.is_consortium = True
    bid.save(update_fields=["is_consortium"])
    ConsortiumMember.objects.create(
        bid=bid,
        organisation=organisation,
        role="Delivery" if not lead else "Lead",
        share_percent=share,
        is_lead=lead,
        confirmed_at=timezone.now(),
    )


@contextmanager
def committed() -> Iterator[None]:
    """Run what the services in the block left for after commit, as a real commit would.

    pytest-django wraps each test in a transaction that never commits, so
    ``transaction.on_commit`` callbacks (the letter task, emails) never run by themselves.
    On leaving the block without an error, the callbacks registered inside it run (and
    those they register in turn, as the letter task does for its emails) and are removed,
    so an enclosing ``django_capture_on_commit_callbacks(execute=True)`` does not run
    them a second time.
    """
    start = len(connection.run_on_commit)
    yield
    while len(connection.run_on_commit) > start:
        _savepoints, callback, _robust = connection.run_on_commit.pop(start)
        callback()
