"""Assessment summary letters: one bidder's scores and reasons beside the winner's.

The letter is built once, when the award is decided, from the panel's moderated data
(``coproduce.panels.selectors.ranking``). ``letter_data`` turns one ranked bid into a
``LetterData``; the HTML (``letter_html``) and the PDF (``letter_pdf``) are both drawn
from that same object, so they always show the same scores, reasons and totals.

The PDF uses a core font (Helvetica), which can only show Latin-1 characters: curly
quotes, dashes and similar are replaced by plain equivalents and anything else by "?"
(``latin1``). That keeps the file small and needs no font on the server.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string

from coproduce.core.formatting import uk_date


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
) -> LetterData:
    """The letter for ``ranked`` (one entry of ``ranking``) under ``decision``."""
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
    )


def standstill_sentence(data: LetterData) -> str:
    """When the contract can be signed and how to complain before then."""
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


def latin1(text: str) -> str:
    """``text`` with only characters the PDF core fonts can draw (see module docstring)."""
    for char, plain in _REPLACEMENTS.items():
        text = text.replace(char, plain)
    return text.encode("latin-1", errors="replace").decode("latin-1")


def _pounds(pence: int | None) -> str:
    if pence is None:
        return "-"
    whole, part = divmod(int(pence), 100)
    return f"£{whole:,}" if part == 0 else f"£{whole:,}.{part:02d}"


def _score(score: int | None, max_scale: int) -> str:
    return "-" if score is None else f"{score} out of {max_scale}"


def letter_pdf(data: LetterData) -> bytes:
    """The letter as a PDF (A4, core font), with the same figures and reasons as the HTML."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(latin1(f"Assessment summary {data.tender_reference}"))
    pdf.set_author("coproduce")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()

    def para(text: str, *, size: int = 11, style: str = "", gap: float = 2) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(0, size * 0.5, latin1(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

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
    pdf.set_font("Helvetica", "", 11)
    for i, (label, mine, theirs) in enumerate(rows):
        pdf.set_font("Helvetica", "B" if i == 0 else "", 11)
        pdf.cell(70, 7, latin1(label), border=1)
        pdf.cell(50, 7, latin1(mine), border=1)
        pdf.cell(50, 7, latin1(theirs), border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

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
            pdf.ln(2)
    if data.tie_break:
        para("Equal totals", size=14, style="B")
        para(data.tie_break)
    para("What happens next", size=14, style="B")
    para(standstill_sentence(data))
    para(f"How to complain: {data.complaint_url}")
    return bytes(pdf.output())
