"""Assessment summary letters: one bidder's scores and reasons beside the winner's.

Rendering only (no database writes): ``services_letters.award_letters_write`` calls
``render_letter`` for each bidder in a background task after the award decision commits.
The letter is built from the panel's moderated data
(``coproduce.procure.panels.selectors.ranking``). ``letter_data`` turns one ranked bid into a
``LetterData``; the HTML (``letter_html``) and the PDF (``letter_pdf``) are both drawn
from that same object, so they always show the same scores, reasons and totals. The
easy read version (``easy_read``, rendered by ``easy_read_html`` into the body shown by
``awards/letter_easy_read.html`` and printed by ``easy_read_pdf``) is drawn from a
``LetterData`` too: short lines, one idea each, the result first.

PDFs use a Unicode TrueType font (DejaVu Sans, from ``settings.LETTER_FONT_DIR``) so that
names such as "Łukasz" or "Ŵ" and curly quotes print as written. If the font files are
missing, the PDF falls back to the core Helvetica font with a logged warning; Helvetica
only has Latin-1, so curly quotes and dashes are replaced by plain ones and anything else
by "?" (``latin1``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from coproduce.foundation.core.formatting import uk_date

logger = logging.getLogger(__name__)


def _get(obj: Any, *names: str, default: Any = None) -> Any:
    """The first of ``names`` that ``obj`` has (attribute or dict key)."""
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if not isinstance(obj, dict) and hasattr(obj, name):
            return getattr(obj, name)
    return default


@dataclass(frozen=True)
class CriterionLine:
    """One scored question: this bidder's moderated score and reason beside the winner's."""

    title: str
    kind: str
    weight: Decimal
    score: int | None
    points: Decimal | None
    reason: str
    winner_score: int | None
    winner_points: Decimal | None
    winner_reason: str


@dataclass(frozen=True)
class Figures:
    """One bid's parts and total (points out of 100) and place."""

    organisation: str
    bid_reference: str
    quality: Decimal
    social_value: Decimal
    price_score: Decimal
    total: Decimal
    rank: int
    price_pence: int | None


@dataclass(frozen=True)
class LetterData:
    """Everything a letter says. HTML and PDF are both rendered from this."""

    tender_reference: str
    tender_title: str
    lot_label: str
    decided_on: dt.date
    bidder: Figures
    winner: Figures
    is_winner: bool
    bid_count: int
    max_scale: int
    lines: list[CriterionLine]
    explanation: list[str]
    override_reason: str
    reasons: str
    standstill_ends_on: dt.date | None
    complaint_url: str
    tie_break: str = ""
    notes: list[str] = field(default_factory=list)
    #: "required" (by law), "voluntary" (the council chose to wait), "waived" (a
    #: light-touch contract confirmed without a standstill, with a recorded reason) or
    #: "not_required" (below the threshold).
    standstill_kind: str = "required"
    contact_email: str = ""


def _criterion_key(pc: Any) -> Any:
    crit = _get(pc, "criterion")
    if crit is not None:
        return getattr(crit, "pk", crit)
    return _get(pc, "criterion_id", "title", "criterion_title")


def _line_parts(pc: Any) -> dict:
    crit = _get(pc, "criterion")
    title = _get(pc, "title", "criterion_title") or getattr(crit, "title", "") or ""
    kind = _get(pc, "kind") or getattr(crit, "kind", "") or ""
    weight = _get(pc, "weight", "weight_percent")
    if weight is None:
        weight = getattr(crit, "weight_percent", Decimal(0))
    return {
        "title": str(title),
        "kind": str(kind),
        "weight": Decimal(weight),
        "score": _get(pc, "score", "moderated_score", "moderated"),
        "points": _get(pc, "points", "weighted_points", "weighted"),
        "reason": str(_get(pc, "reason", "moderated_reason", default="") or ""),
    }


def _price_of(ranked: Any) -> int | None:
    price = _get(ranked, "price_pence", "price")
    return int(price) if price is not None else None


def figures(ranked: Any) -> Figures:
    """The figures of one ``RankedBid``."""
    bid = ranked.bid
    return Figures(
        organisation=bid.lead_organisation.name,
        bid_reference=bid.reference,
        quality=Decimal(ranked.quality),
        social_value=Decimal(ranked.social_value),
        price_score=Decimal(ranked.price_score),
        total=Decimal(ranked.total),
        rank=int(ranked.rank),
        price_pence=_price_of(ranked),
    )


def _explain(bidder: Figures, winner: Figures, lines: list[CriterionLine], n: int) -> list[str]:
    """Plain-English sentences on why the bid came where it did."""
    if bidder.bid_reference == winner.bid_reference:
        out = [
            f"Your bid came {ordinal(bidder.rank)} of {n} with {bidder.total} points out of "
            "100. The council has decided to award the contract to you."
        ]
        if bidder.rank != 1:
            out.append(
                "Your bid was not the highest scoring; the reason the council chose it is "
                "given below."
            )
        return out
    gap = winner.total - bidder.total
    out = [
        f"Your bid came {ordinal(bidder.rank)} of {n} with {bidder.total} points out of 100. "
        f"The winning bid scored {winner.total} points"
        + (f", {gap} more than yours." if gap > 0 else ".")
    ]
    behind = [
        (line.winner_points - line.points, line)
        for line in lines
        if line.points is not None
        and line.winner_points is not None
        and line.winner_points > line.points
    ]
    behind.sort(key=lambda x: -x[0])
    if behind:
        parts = [
            f"“{line.title}” (you {line.points}, the winning bid {line.winner_points})"
            for _, line in behind[:3]
        ]
        out.append("The biggest differences were in: " + "; ".join(parts) + ".")
    if winner.price_score > bidder.price_score:
        out.append(
            f"On price your bid earned {bidder.price_score} points and the winning bid "
            f"{winner.price_score}."
        )
    elif bidder.price_score > winner.price_score:
        out.append(
            f"Your price earned more points than the winning bid's ({bidder.price_score} "
            f"against {winner.price_score}), but not enough to make up the difference."
        )
    out.append(
        "Read the panel's reasons for each question below: they say what your answer showed "
        "and what would have scored higher."
    )
    return out


def ordinal(n: int) -> str:
    """1 → "1st", 2 → "2nd", 11 → "11th"."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def letter_data(
    *,
    decision: Any,
    ranking: list[Any],
    ranked: Any,
    max_scale: int,
    complaint_url: str,
    decided_on: dt.date,
    standstill_kind: str = "required",
) -> LetterData:
    """The letter for ``ranked`` (one entry of ``ranking``) under ``decision``.

    The single source of a letter's facts: the standard letter (HTML and PDF) and the
    easy read version are all drawn from what this returns.
    """
    win = next(r for r in ranking if r.bid.pk == decision.winning_bid_id)
    winner_lines = {_criterion_key(pc): _line_parts(pc) for pc in win.per_criterion}
    lines: list[CriterionLine] = []
    for pc in ranked.per_criterion:
        mine = _line_parts(pc)
        theirs = winner_lines.get(_criterion_key(pc), {})
        lines.append(
            CriterionLine(
                title=mine["title"],
                kind=mine["kind"],
                weight=mine["weight"],
                score=mine["score"],
                points=mine["points"],
                reason=mine["reason"],
                winner_score=theirs.get("score"),
                winner_points=theirs.get("points"),
                winner_reason=theirs.get("reason", ""),
            )
        )
    bidder, winner = figures(ranked), figures(win)
    lot = decision.lot
    return LetterData(
        tender_reference=decision.tender.reference,
        tender_title=decision.tender.title,
        lot_label=str(lot) if lot else "The whole contract",
        decided_on=decided_on,
        bidder=bidder,
        winner=winner,
        is_winner=ranked.bid.pk == win.bid.pk,
        bid_count=len(ranking),
        max_scale=max_scale,
        lines=lines,
        explanation=_explain(bidder, winner, lines, len(ranking)),
        override_reason=decision.override_reason,
        reasons=decision.reasons,
        standstill_ends_on=decision.standstill_ends_on,
        complaint_url=complaint_url,
        tie_break=str(_get(ranked, "tie_break", default="") or ""),
        standstill_kind=standstill_kind,
        contact_email=settings.COUNCIL_CONTACT_EMAIL,
    )


def standstill_sentence(data: LetterData) -> str:
    """When the contract can be signed and how to complain before then."""
    if data.standstill_ends_on and data.standstill_kind == "voluntary":
        return (
            "The law does not require a standstill period for this kind of contract, but "
            "the council has chosen to wait: it will not sign the contract before the end "
            f"of {uk_date(data.standstill_ends_on)} (a voluntary standstill period). If you "
            "think the decision is wrong, you can complain before then and the award will "
            "be paused while your complaint is looked at."
        )
    if data.standstill_ends_on:
        return (
            f"The council will not sign the contract before the end of "
            f"{uk_date(data.standstill_ends_on)} (the standstill period). If you think the "
            "decision is wrong, you can complain before then and the award will be paused "
            "while your complaint is looked at."
        )
    return (
        "No standstill period applies to this contract, so the council may sign it now. "
        "You can still complain if you think the decision is wrong."
    )


def letter_html(data: LetterData) -> str:
    """The letter as an HTML fragment (GOV.UK markup), shown inside the site's page."""
    return render_to_string(
        "awards/letter_body.html",
        {"letter": data, "standstill_sentence": standstill_sentence(data)},
    )


# --- Easy read ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EasyReadSection:
    """A heading and its short lines (one idea per line)."""

    heading: str
    lines: list[str]


@dataclass(frozen=True)
class EasyRead:
    """The easy read assessment letter: the result first, then short lines.

    Made only from a ``LetterData`` (``easy_read``), so it always says the same as the
    standard letter.
    """

    title: str
    result: str
    about: list[str]
    sections: list[EasyReadSection]
    complaint_url: str
    contact: list[str]


def _plain_number(value: Decimal | None) -> str:
    """12.50 → "12.5", 30.00 → "30": fewer digits to read."""
    if value is None:
        return "-"
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def easy_read_title(tender_title: str) -> str:
    """The heading of the easy read letter (the page shows it above the stored body)."""
    return f"Your bid for {tender_title}"


def easy_read(data: LetterData) -> EasyRead:
    """The easy read version of ``data``: short sentences, the result first, plain words."""
    winner = data.is_winner
    about = [
        f"You sent us a bid for {data.tender_title}.",
        f"This letter is about: {data.lot_label}.",
        f"We decided on {uk_date(data.decided_on)}.",
    ]
    b, w = data.bidder, data.winner
    scores = [f"Your score: {_plain_number(b.total)} out of 100."]
    if winner:
        scores.append(f"Your bid came {ordinal(b.rank)} out of {data.bid_count}.")
        if b.rank != 1:
            scores.append("Your bid did not have the highest score.")
            scores.append("We chose it for a reason. The reason is in the longer letter.")
    else:
        scores.append(f"The winning bid scored {_plain_number(w.total)} out of 100.")
        scores.append(f"Your bid came {ordinal(b.rank)} out of {data.bid_count}.")
    sections = [EasyReadSection("Your score", scores)]
    for line in data.lines:
        lines = [f"You got {_score(line.score, data.max_scale)}."]
        if not winner:
            lines.append(f"The winning bid got {_score(line.winner_score, data.max_scale)}.")
        sections.append(EasyReadSection(line.title, lines))
    price = [f"Your price got {_plain_number(b.price_score)} points."]
    if not winner:
        price.append(f"The winning price got {_plain_number(w.price_score)} points.")
    price.append("A lower price gets more points.")
    sections.append(EasyReadSection("Price", price))
    if data.standstill_ends_on:
        wait = (
            ["The law does not say we must wait.", "But we chose to wait."]
            if data.standstill_kind == "voluntary"
            else []
        )
        next_lines = [
            "We will wait before we sign the contract.",
            *wait,
            "Do you think we got it wrong?",
            f"You can complain until {uk_date(data.standstill_ends_on)}.",
            "If you complain, we stop.",
            "We look at your complaint first.",
        ]
    else:
        next_lines = [
            "We do not have to wait before we sign the contract.",
            "Do you think we got it wrong?",
            "You can still complain.",
        ]
    sections.append(EasyReadSection("What happens next", next_lines))
    return EasyRead(
        title=easy_read_title(data.tender_title),
        result="You won this contract." if winner else "You did not win this contract.",
        about=about,
        sections=sections,
        complaint_url=data.complaint_url,
        contact=[
            "Do you have a question?",
            f"Email us at {data.contact_email}.",
            f"Tell us this number: {data.tender_reference}.",
        ],
    )


def easy_read_html(er: EasyRead) -> str:
    """The easy read letter's body as an HTML fragment (the page adds heading and links)."""
    return render_to_string("awards/includes/letter_easy_read_body.html", {"er": er})


# --- PDF -----------------------------------------------------------------------------------

_REPLACEMENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u2022": "-",
    "\u00a0": " ",
    "\u2192": "->",
    "\u2264": "<=",
    "\u2265": ">=",
}

#: The font files looked for in ``settings.LETTER_FONT_DIR``, by style ("" regular, "B" bold).
FONT_FAMILY = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


def latin1(text: str) -> str:
    """``text`` with only characters the PDF core fonts can draw (see module docstring)."""
    for char, plain in _REPLACEMENTS.items():
        text = text.replace(char, plain)
    return text.encode("latin-1", errors="replace").decode("latin-1")


def _unchanged(text: str) -> str:
    return text


def _pounds(pence: int | None) -> str:
    if pence is None:
        return "-"
    whole, part = divmod(int(pence), 100)
    return f"£{whole:,}" if part == 0 else f"£{whole:,}.{part:02d}"


def _score(score: int | None, max_scale: int) -> str:
    return "-" if score is None else f"{score} out of {max_scale}"


def letter_font_paths() -> dict[str, Path] | None:
    """The Unicode font files for letters, or None when any is missing."""
    folder = Path(getattr(settings, "LETTER_FONT_DIR", "") or "")
    paths = {style: folder / name for style, name in FONT_FILES.items()}
    return paths if all(p.is_file() for p in paths.values()) else None


class _Writer:
    """An A4 PDF with the letter font: DejaVu Sans, or Helvetica (Latin-1) without it."""

    def __init__(self, title: str):
        # Lazy: importing fpdf2 takes ~0.4 s, +40% on every process start; only PDFs need it.
        from fpdf import FPDF

        self.pdf = FPDF(format="A4")
        paths = letter_font_paths()
        if paths is not None:
            for style, path in paths.items():
                self.pdf.add_font(FONT_FAMILY, style, str(path))
            self.family: str = FONT_FAMILY
            self.clean: Callable[[str], str] = _unchanged
        else:
            logger.warning(
                "Letter font %s not found in LETTER_FONT_DIR=%r (install fonts-dejavu-core): "
                "using Helvetica, which replaces characters outside Latin-1.",
                " and ".join(FONT_FILES.values()),
                str(getattr(settings, "LETTER_FONT_DIR", "")),
            )
            self.family, self.clean = "Helvetica", latin1
        pdf = self.pdf
        pdf.set_title(self.clean(title))
        pdf.set_author("coproduce")
        pdf.set_lang("en-GB")
        pdf.set_margins(18, 18, 18)
        pdf.set_auto_page_break(auto=True, margin=18)
        pdf.add_page()

    def font(self, size: float, style: str = "") -> None:
        self.pdf.set_font(self.family, style, size)

    def para(self, text: str, *, size: float = 11, style: str = "", gap: float = 2) -> None:
        """A left-aligned paragraph (not justified: even spacing is easier to read)."""
        self.font(size, style)
        self.pdf.multi_cell(
            0, size * 0.5, self.clean(text), align="L", new_x="LMARGIN", new_y="NEXT"
        )
        self.pdf.ln(gap)

    def cell(self, width: float, text: str, **kw) -> None:
        self.pdf.cell(width, 7, self.clean(text), border=1, **kw)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def letter_pdf(data: LetterData) -> bytes:
    """The letter as a PDF (A4), with the same figures and reasons as the HTML."""
    out = _Writer(f"Assessment summary {data.tender_reference}")
    para = out.para
    para("Assessment summary", size=20, style="B")
    para(f"{data.tender_reference}: {data.tender_title}", style="B")
    para(f"{data.lot_label}. Decided on {uk_date(data.decided_on)}.")
    para(f"To: {data.bidder.organisation} (bid {data.bidder.bid_reference})")
    for sentence in data.explanation:
        para(sentence)
    if data.override_reason:
        para("Why the council chose this bid", size=14, style="B")
        para(data.override_reason)
    para("Reasons for the decision", size=14, style="B")
    para(data.reasons)

    para("Totals", size=14, style="B")
    b, w = data.bidder, data.winner
    rows = [
        ("", "Your bid", "Winning bid"),
        ("Quality points", str(b.quality), str(w.quality)),
        ("Social value points", str(b.social_value), str(w.social_value)),
        ("Price", _pounds(b.price_pence), _pounds(w.price_pence)),
        ("Price points", str(b.price_score), str(w.price_score)),
        ("Total (out of 100)", f"Total {b.total}", f"Total {w.total}"),
        ("Place", f"{ordinal(b.rank)} of {data.bid_count}", f"{ordinal(w.rank)}"),
    ]
    for i, (label, mine, theirs) in enumerate(rows):
        out.font(11, "B" if i == 0 else "")
        out.cell(70, label)
        out.cell(50, mine)
        out.cell(50, theirs, new_x="LMARGIN", new_y="NEXT")
    out.pdf.ln(4)

    para("Scores and reasons for each question", size=14, style="B")
    for line in data.lines:
        para(f"{line.title} (weight {line.weight}%)", style="B", gap=1)
        para(
            f"Your score: {_score(line.score, data.max_scale)}, {line.points} points. "
            f"Reason: {line.reason}",
            gap=1,
        )
        if not data.is_winner:
            para(
                f"Winning bid: {_score(line.winner_score, data.max_scale)}, "
                f"{line.winner_points} points. Reason: {line.winner_reason}",
                gap=3,
            )
        else:
            out.pdf.ln(2)
    if data.tie_break:
        para("Equal totals", size=14, style="B")
        para(data.tie_break)
    para("What happens next", size=14, style="B")
    para(standstill_sentence(data))
    para(f"How to complain: {data.complaint_url}")
    return out.output()


#: Easy read PDF text sizes (points): never below 14.
EASY_BODY, EASY_HEADING, EASY_TITLE = 16, 20, 26


def easy_read_pdf(er: EasyRead) -> bytes:
    """The easy read letter as a PDF: large text (16pt, headings 20pt), one idea a line."""
    out = _Writer(f"Easy read: {er.title}")
    out.para(er.title, size=EASY_TITLE, style="B", gap=4)
    out.para(er.result, size=EASY_HEADING, style="B", gap=4)
    for line in er.about:
        out.para(line, size=EASY_BODY, gap=3)
    for section in er.sections:
        out.para(section.heading, size=EASY_HEADING, style="B", gap=3)
        for line in section.lines:
            out.para(line, size=EASY_BODY, gap=3)
    out.para("How to complain", size=EASY_HEADING, style="B", gap=3)
    out.para(er.complaint_url, size=EASY_BODY, gap=3)
    out.para("Questions", size=EASY_HEADING, style="B", gap=3)
    for line in er.contact:
        out.para(line, size=EASY_BODY, gap=3)
    return out.output()


# --- The whole set ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedLetter:
    """One bidder's letter set, rendered: standard and easy read, HTML and PDF."""

    html: str
    pdf: bytes
    easy_read_html: str
    easy_read_pdf: bytes


def render_letter(data: LetterData) -> RenderedLetter:
    """Render every form of the letter from ``data`` (the slow part: two PDFs)."""
    er = easy_read(data)
    return RenderedLetter(
        html=letter_html(data),
        pdf=letter_pdf(data),
        easy_read_html=easy_read_html(er),
        easy_read_pdf=easy_read_pdf(er),
    )
