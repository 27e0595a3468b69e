"""Reads for analysing a consultation: summaries, responses, the CSV export, themes, findings.

Only submitted responses are ever counted or exported. Every aggregate that people see
goes through ``equality.suppress`` so that a group of fewer than 5 people is never shown
as an exact number.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Sum

from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.errors import NotFound
from coproduce.foundation.core.models import AuditEvent

from . import rules_analysis  # noqa: F401  (declares the permissions checked here)
from .equality import CHARACTERISTICS, SUPPRESSION_THRESHOLD, suppress
from .models import (
    Answer,
    AnswerOption,
    Consultation,
    EqualityMonitoringReturn,
    Finding,
    Option,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    Theme,
)

CSV_CHUNK = 2000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# --- Access --------------------------------------------------------------------------


def access_consultation_for_analysis(
    *, user, reference: str, perm: str = "engagement.analyse_responses"
) -> Consultation:
    """The consultation if ``user`` holds ``perm``; NotFound for missing and forbidden alike."""
    consultation = (
        Consultation.objects.select_related("project").filter(reference=reference).first()
    )
    if consultation is None or not user.has_perm(perm, consultation):
        raise NotFound()
    return consultation


def access_theme(*, user, consultation: Consultation, theme_id, perm: str) -> Theme:
    """A theme of this consultation; NotFound for another consultation's, missing or forbidden."""
    try:
        pk = int(theme_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    theme = Theme.objects.filter(pk=pk, consultation=consultation).first()
    if theme is None or not user.has_perm(perm, consultation):
        raise NotFound()
    return theme


def access_finding_by_reference(
    *, user, reference: str, perm: str = "engagement.view_finding"
) -> Finding:
    """The finding if ``user`` holds ``perm`` on it (drafts: council staff only); else NotFound."""
    finding = (
        Finding.objects.select_related("project", "consultation")
        .filter(reference=reference)
        .first()
    )
    if finding is None or not user.has_perm(perm, finding):
        raise NotFound()
    return finding


def submitted_responses(consultation: Consultation) -> QuerySet[Response]:
    return Response.objects.filter(consultation=consultation, status=ResponseStatus.SUBMITTED)


# --- Summary -------------------------------------------------------------------------


@dataclass
class OptionCount:
    label: str
    count: int
    percent: int  # of the people who answered the question; 0 when suppressed
    shown: str  # the count as people may see it
    suppressed: bool


@dataclass
class RankedOption:
    label: str
    rankers: int
    mean_rank: float | None
    borda: int | None
    shown: str


@dataclass
class QuestionSummary:
    question: Question
    answered: int
    answered_shown: str
    options: list[OptionCount] = field(default_factory=list)
    ranking: list[RankedOption] = field(default_factory=list)
    rating_average: float | None = None
    rating_counts: list[OptionCount] = field(default_factory=list)
    text_count: int = 0
    text_shown: str = "0"


@dataclass
class ConsultationSummary:
    consultation: Consultation
    responses: int
    responses_shown: str
    questions: list[QuestionSummary]


def _cell(label: str, count: int, total: int) -> OptionCount:
    hidden = 0 < count < SUPPRESSION_THRESHOLD
    percent = round(100 * count / total) if total and not hidden else 0
    return OptionCount(label, count, percent, suppress(count), hidden)


def response_summary(*, consultation: Consultation) -> ConsultationSummary:
    """Counts, percentages, averages and ranking scores per question, in six queries.

    Percentages are of the people who answered that question. A cell of fewer than 5
    people shows "fewer than 5" and no percentage or bar; an average or ranking score
    is shown only when at least 5 people gave one.
    """
    submitted = Q(answer__response__consultation=consultation) & Q(
        answer__response__status=ResponseStatus.SUBMITTED
    )
    questions = list(Question.objects.filter(consultation=consultation).prefetch_related("options"))
    total = submitted_responses(consultation).count()
    answered = dict(
        Answer.objects.filter(
            response__consultation=consultation, response__status=ResponseStatus.SUBMITTED
        )
        .filter(
            Q(rating__isnull=False)
            | ~Q(text="")
            | Exists(AnswerOption.objects.filter(answer=OuterRef("pk")))
        )
        .values_list("question_id")
        .annotate(n=Count("id"))
    )
    option_rows = (
        AnswerOption.objects.filter(submitted)
        .values("option_id")
        .annotate(n=Count("id"), rank_sum=Sum("rank"), rank_avg=Avg("rank"))
    )
    by_option = {row["option_id"]: row for row in option_rows}
    ratings: dict[int, dict[int, int]] = defaultdict(dict)
    for qid, rating, n in (
        Answer.objects.filter(
            response__consultation=consultation,
            response__status=ResponseStatus.SUBMITTED,
            rating__isnull=False,
        )
        .values_list("question_id", "rating")
        .annotate(n=Count("id"))
    ):
        ratings[qid][rating] = n
    texts = dict(
        Answer.objects.filter(
            response__consultation=consultation, response__status=ResponseStatus.SUBMITTED
        )
        .exclude(text="")
        .values_list("question_id")
        .annotate(n=Count("id"))
    )
    out = []
    for q in questions:
        n_answered = answered.get(q.pk, 0)
        summary = QuestionSummary(q, n_answered, suppress(n_answered))
        options = list(q.options.all())
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            summary.options = [
                _cell(o.label, by_option.get(o.pk, {}).get("n", 0), n_answered) for o in options
            ]
        elif q.kind == QuestionKind.RANKING:
            size = len(options)
            ranked = []
            for o in options:
                row = by_option.get(o.pk, {})
                n = row.get("n", 0)
                enough = n >= SUPPRESSION_THRESHOLD
                ranked.append(
                    RankedOption(
                        o.label,
                        n,
                        round(row["rank_avg"], 2) if enough and row.get("rank_avg") else None,
                        n * (size + 1) - (row.get("rank_sum") or 0) if enough else None,
                        suppress(n),
                    )
                )
            summary.ranking = sorted(
                ranked, key=lambda r: (r.borda is None, -(r.borda or 0), r.label)
            )
        elif q.kind == QuestionKind.RATING:
            counts = ratings.get(q.pk, {})
            n = sum(counts.values())
            if n >= SUPPRESSION_THRESHOLD:
                summary.rating_average = round(sum(k * v for k, v in counts.items()) / n, 1)
            summary.rating_counts = [_cell(str(k), counts.get(k, 0), n) for k in range(1, 6)]
        else:
            summary.text_count = texts.get(q.pk, 0)
            summary.text_shown = suppress(summary.text_count)
        out.append(summary)
    return ConsultationSummary(consultation, total, suppress(total), out)


# --- Individual responses ------------------------------------------------------------


def response_list(*, consultation: Consultation) -> QuerySet[Response]:
    """Submitted responses, oldest first, for paging through one by one."""
    return submitted_responses(consultation).order_by("submitted_at", "pk")


@dataclass
class AnswerView:
    question: Question
    value: str


def responses_with_answers(
    *, consultation: Consultation, responses: list[Response]
) -> list[tuple[Response, list[AnswerView]]]:
    """Each response with every question's answer as text, in four queries for the page."""
    questions = list(Question.objects.filter(consultation=consultation))
    values = _answer_values(consultation=consultation, response_id__in=[r.pk for r in responses])
    return [
        (r, [AnswerView(q, values.get((r.pk, q.pk), "")) for q in questions]) for r in responses
    ]


def _option_labels(consultation: Consultation) -> dict[int, tuple[int, str]]:
    return {
        pk: (position, label)
        for pk, position, label in Option.objects.filter(
            question__consultation=consultation
        ).values_list("pk", "position", "label")
    }


def _answer_values(
    *, consultation: Consultation, labels: dict[int, tuple[int, str]] | None = None, **where
) -> dict[tuple[int, int], str]:
    """``{(response_id, question_id): text}`` for the responses ``where`` selects (a list
    of ids, or an id range for the export), in two queries without joins to options."""
    labels = labels if labels is not None else _option_labels(consultation)
    answers = list(
        Answer.objects.filter(**where).values_list(
            "pk", "response_id", "question_id", "text", "rating"
        )
    )
    chosen: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    option_where = {f"answer__{k}": v for k, v in where.items()}
    for answer_id, option_id, rank in AnswerOption.objects.filter(**option_where).values_list(
        "answer_id", "option_id", "rank"
    ):
        position, label = labels.get(option_id, (0, ""))
        chosen[answer_id].append((rank, position, label))
    out = {}
    for pk, response_id, question_id, text, rating in answers:
        if pk in chosen:
            picks = chosen[pk]
            if any(rank is not None for rank, _, _ in picks):
                picks.sort(key=lambda p: (p[0] is None, p[0] or 0, p[1]))
                value = "; ".join(f"{rank}. {label}" for rank, _, label in picks)
            else:
                picks.sort(key=lambda p: p[1])
                value = "; ".join(label for _, _, label in picks)
        elif rating is not None:
            value = str(rating)
        else:
            value = text
        out[(response_id, question_id)] = value
    return out


# --- CSV export ----------------------------------------------------------------------


def csv_safe(value: str) -> str:
    """Stop a spreadsheet treating a cell as a formula: prefix = + - @ (and tab, CR) with '."""
    if value and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_filename(consultation: Consultation) -> str:
    return f"{consultation.reference}-responses.csv"


def response_csv_rows(*, consultation: Consultation, chunk_size: int = CSV_CHUNK) -> Iterator[str]:
    """The raw responses as CSV lines: one row per submitted response, one column per question.

    Walks the responses by primary key in chunks, so memory stays flat however many there
    are. Multiple choices are joined with "; "; a ranking is listed in order ("1. A; 2. B").
    No equality monitoring data is included (it is never linked to a response).
    """
    writer = csv.writer(_Echo())
    questions = list(Question.objects.filter(consultation=consultation).values_list("pk", "text"))
    yield "\ufeff" + writer.writerow(
        [
            "Reference",
            "Sent",
            "Easy read",
            *(csv_safe(f"Q{i}. {t}") for i, (_, t) in enumerate(questions, 1)),
        ]
    )
    labels = _option_labels(consultation)
    last = 0
    base = submitted_responses(consultation).order_by("pk")
    while True:
        chunk = list(
            base.filter(pk__gt=last).values_list("pk", "reference", "submitted_at", "easy_read")[
                :chunk_size
            ]
        )
        if not chunk:
            return
        values = _answer_values(
            consultation=consultation,
            labels=labels,
            response__consultation=consultation,
            response_id__gt=last,
            response_id__lte=chunk[-1][0],
        )
        lines = []
        for pk, reference, submitted_at, easy_read in chunk:
            lines.append(
                writer.writerow(
                    [
                        reference,
                        submitted_at.isoformat(timespec="seconds"),
                        "yes" if easy_read else "no",
                        *(csv_safe(values.get((pk, qid), "")) for qid, _ in questions),
                    ]
                )
            )
        yield "".join(lines)
        last = chunk[-1][0]


# --- Equality monitoring -------------------------------------------------------------


@dataclass
class EqualityRow:
    label: str
    shown: str


@dataclass
class EqualityTable:
    key: str
    label: str
    rows: list[EqualityRow]


def equality_summary(*, consultation: Consultation) -> tuple[str, list[EqualityTable]]:
    """Counts per characteristic option, each under 5 shown as "fewer than 5".

    Returns (total returns as shown, one table per characteristic). "Not answered"
    counts the returns that left the question blank.
    """
    returns = EqualityMonitoringReturn.objects.filter(consultation=consultation)
    aggregates = {}
    for c in CHARACTERISTICS:
        for key, _ in c.options:
            aggregates[f"{c.key}__{key}"] = Count("pk", filter=Q(**{c.key: key}))
        aggregates[f"{c.key}__"] = Count("pk", filter=Q(**{c.key: ""}))
    counts = returns.aggregate(total=Count("pk"), **aggregates)
    tables = []
    for c in CHARACTERISTICS:
        rows = [EqualityRow(label, suppress(counts[f"{c.key}__{key}"])) for key, label in c.options]
        rows.append(EqualityRow("Not answered", suppress(counts[f"{c.key}__"])))
        tables.append(EqualityTable(c.key, c.label, rows))
    return suppress(counts["total"]), tables


# --- Themes and coding ---------------------------------------------------------------


def theme_list(*, consultation: Consultation) -> QuerySet[Theme]:
    """The consultation's themes by name, with how many answers each is tagged on."""
    return Theme.objects.filter(consultation=consultation).annotate(answer_count=Count("answers"))


def text_questions(*, consultation: Consultation) -> QuerySet[Question]:
    return Question.objects.filter(consultation=consultation, kind=QuestionKind.TEXT)


def codable_answers(*, consultation: Consultation) -> QuerySet[Answer]:
    """Every non-empty free-text answer in a submitted response: what can be tagged."""
    return Answer.objects.filter(
        response__consultation=consultation,
        response__status=ResponseStatus.SUBMITTED,
        question__kind=QuestionKind.TEXT,
    ).exclude(text="")


@dataclass(frozen=True)
class AnswerFilters:
    question: int | None = None
    show: str = ""  # "" all, "untagged", or "theme"
    theme: int | None = None
    q: str = ""


def answers_for_coding(*, consultation: Consultation, filters: AnswerFilters) -> QuerySet[Answer]:
    """Free-text answers filtered by question, untagged / theme, and words in the text."""
    qs = codable_answers(consultation=consultation)
    if filters.question:
        qs = qs.filter(question_id=filters.question)
    if filters.show == "untagged":
        qs = qs.filter(themes__isnull=True)
    elif filters.show == "theme" and filters.theme:
        qs = qs.filter(themes__id=filters.theme)
    if filters.q:
        qs = qs.filter(text__icontains=filters.q)
    return (
        qs.select_related("question", "response")
        .prefetch_related("themes")
        .order_by("response__submitted_at", "pk")
        .distinct()
    )


def people_tagged(*, theme_ids: list[int]) -> int:
    """Distinct submitted responses with an answer tagged with any of these themes."""
    if not theme_ids:
        return 0
    return (
        Response.objects.filter(status=ResponseStatus.SUBMITTED, answers__themes__id__in=theme_ids)
        .distinct()
        .count()
    )


# --- Findings ------------------------------------------------------------------------


def findings_for_consultation(*, consultation: Consultation) -> QuerySet[Finding]:
    """All findings (drafts too) from a consultation, for council staff."""
    return (
        Finding.objects.filter(consultation=consultation)
        .prefetch_related("themes")
        .order_by("-published_at", "reference")
    )


def quote_candidates(*, finding: Finding) -> QuerySet[Answer]:
    """Answers tagged with the finding's themes, from which quotes may be chosen."""
    return (
        codable_answers(consultation=finding.consultation)
        .filter(themes__in=finding.themes.all())
        .select_related("question", "response")
        .order_by("pk")
        .distinct()
    )


def finding_by_reference(reference: str) -> Finding | None:
    """A published finding by its public reference (e.g. F-2026-0001), or None.

    For later stages: specification criteria cite findings by this reference.
    """
    return (
        Finding.objects.select_related("project", "consultation")
        .filter(reference=reference, published_at__isnull=False)
        .first()
    )


def published_findings_for_project(project: CommissioningProject) -> QuerySet[Finding]:
    """The project's published findings, oldest first, with quotes ready to show."""
    return (
        Finding.objects.filter(project=project, published_at__isnull=False)
        .select_related("consultation")
        .prefetch_related("quotes")
        .order_by("published_at", "reference")
    )


@dataclass
class Correction:
    when: object
    old: str
    new: str
    reason: str


def finding_corrections(*, finding: Finding) -> list[Correction]:
    """Corrections to a published statement, from the audit trail, oldest first."""
    events = AuditEvent.objects.filter(
        target_type=Finding._meta.label_lower,
        target_id=str(finding.pk),
        verb="engagement.finding.corrected",
    ).order_by("seq")
    out = []
    for e in events:
        old, new = e.changes.get("statement", ["", ""])
        out.append(Correction(e.occurred_at, old, new, e.reason))
    return out
