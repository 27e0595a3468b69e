"""Reads for feedback and mystery shopping.

Three audiences read the same records:

* **council staff** see every response as written, with its number, and every report
  with the shoppers' names;
* **the provider** sees the scores, the themes and the text of the answers with contact
  details and long numbers taken out (``anonymise``), the day but never the time or a
  number that could link answers together, and its own contract's reports without the
  shoppers' names;
* **the public** sees the summary: the score and counts, the top themes, how many visits
  were made, what they found overall and what changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from coproduce.deliver.contracts.models import Contract, ContractStatus
from coproduce.deliver.contracts.selectors import access_contract
from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.errors import NotFound

from . import rules  # noqa: F401  (declares the permissions checked here)
from .anonymise import anonymise
from .fft import FFTScore, fft_score
from .models import (
    ActionStatus,
    AnswerPart,
    FeedbackAnswer,
    FeedbackResponse,
    FeedbackTheme,
    FollowUpAction,
    MysteryShopper,
    Rating,
    ShoppingReport,
    ShoppingVisit,
)

#: Below this many responses the public page gives no score (a few people could be
#: recognised from their answers, and a score of three people says little).
PUBLIC_MINIMUM = 5
TOP_THEMES = 3
ENDED = (ContractStatus.ENDED, ContractStatus.TERMINATED)


# --- Contracts -------------------------------------------------------------------------


#: The largest id a database row can have (a signed 64-bit integer). A bigger number
#: sent in a form or an address is refused before it reaches the database: SQLite cannot
#: even compare with one.
ID_MAX = 2**63 - 1


def as_id(value) -> int | None:
    """``value`` as a row id (a whole number from 1 to ``ID_MAX``), or None."""
    try:
        n = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return n if 1 <= n <= ID_MAX else None


def is_live(contract: Contract, today: dt.date | None = None) -> bool:
    """Started and not ended: feedback is only taken while the service runs."""
    today = today or timezone.localdate()
    return contract.starts_on <= today <= contract.ends_on and contract.status not in ENDED


def access_public_contract(reference: str) -> Contract:
    """A contract whose project is published (anyone may give feedback on it or read its
    summary); NotFound for a missing contract or one under a draft project."""
    contract = (
        Contract.objects.select_related("project", "provider")
        .filter(reference=reference, project__published_at__isnull=False)
        .first()
    )
    if contract is None:
        raise NotFound()
    return contract


def access_contract_feedback(user, reference: str) -> Contract:
    """A contract whose feedback ``user`` may read: council staff and the provider."""
    return access_contract(user, reference, perm="contracts.view_contract")


def access_contract_to_manage(user, reference: str) -> Contract:
    """A contract ``user`` manages (commissioners): coding, planning visits, actions."""
    return access_contract(user, reference, perm="contracts.manage_contract")


def sees_everything(user) -> bool:
    """Council staff read answers as written; everyone else (the provider) anonymised."""
    return bool(getattr(user, "is_authenticated", False) and user.has_perm("contracts.view_list"))


# --- Scores and themes -----------------------------------------------------------------


def contract_score(contract: Contract) -> FFTScore:
    """The Friends and Family Test score of every response on ``contract`` (one query)."""
    rows = (
        FeedbackResponse.objects.filter(contract=contract)
        .values("rating")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return fft_score({row["rating"]: row["n"] for row in rows})


def score_rows(score: FFTScore) -> list[dict]:
    """The counts per answer in the order asked, with their labels, for a table."""
    return [
        {"key": key, "label": Rating(key).label, "count": score.counts[key]} for key in score.counts
    ]


def theme_list(contract: Contract) -> list[FeedbackTheme]:
    """The contract's themes by name, each with ``answer_count``, ``good_count`` and
    ``better_count`` (how many answers of each part carry it)."""
    return list(
        FeedbackTheme.objects.filter(contract=contract)
        .annotate(
            answer_count=Count("answers", distinct=True),
            good_count=Count("answers", filter=_part(AnswerPart.GOOD), distinct=True),
            better_count=Count("answers", filter=_part(AnswerPart.BETTER), distinct=True),
        )
        .order_by("name")
    )


def _part(part: str) -> Q:
    return Q(answers__part=part)


def top_themes(contract: Contract, n: int = TOP_THEMES) -> list[FeedbackTheme]:
    """The ``n`` themes with most answers (ties by name), themes with none left out."""
    themes = [t for t in theme_list(contract) if t.answer_count]
    return sorted(themes, key=lambda t: (-t.answer_count, t.name))[:n]


def access_theme(contract: Contract, theme_id) -> FeedbackTheme:
    """One of ``contract``'s themes; NotFound for another contract's or a missing one."""
    pk = as_id(theme_id)
    if pk is None:
        raise NotFound()
    theme = FeedbackTheme.objects.filter(pk=pk, contract=contract).first()
    if theme is None:
        raise NotFound()
    return theme


# --- Responses -------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRow:
    part: str
    part_label: str
    text: str
    themes: list[str]
    pk: int | None = None


@dataclass(frozen=True)
class ResponseRow:
    """One response as its reader may see it. ``number`` and ``easy_read`` are only set
    for council staff."""

    received_on: dt.date
    rating: str
    rating_label: str
    uses_service: str
    answers: list[AnswerRow] = field(default_factory=list)
    number: int | None = None
    easy_read: bool | None = None


def _responses(contract: Contract) -> QuerySet[FeedbackResponse]:
    return FeedbackResponse.objects.filter(contract=contract).prefetch_related(
        Prefetch(
            "answers",
            queryset=FeedbackAnswer.objects.order_by("part").prefetch_related("themes"),
        )
    )


def response_rows(*, user, contract: Contract, rating: str = "") -> list[ResponseRow]:
    """Every response on ``contract`` for ``user`` (who may read the contract), newest day
    first. The provider gets the anonymised text, no number and no order within a day
    that follows the order people answered in (answers of a day are sorted by rating and
    text, so the list cannot be matched to who came in when)."""
    full = sees_everything(user)
    qs = _responses(contract)
    if rating in Rating.values:
        qs = qs.filter(rating=rating)
    rows = []
    for response in qs.order_by("-received_on", "-pk"):
        answers = [
            AnswerRow(
                part=a.part,
                part_label=AnswerPart(a.part).label,
                text=a.text if full else anonymise(a.text),
                themes=sorted(t.name for t in a.themes.all()),
                pk=a.pk if full else None,
            )
            for a in response.answers.all()
        ]
        rows.append(
            ResponseRow(
                received_on=response.received_on,
                rating=response.rating,
                rating_label=Rating(response.rating).label,
                uses_service=response.get_uses_service_display() if response.uses_service else "",
                answers=answers,
                number=response.pk if full else None,
                easy_read=response.easy_read if full else None,
            )
        )
    if not full:
        order = {key: i for i, key in enumerate(Rating.values)}
        rows.sort(
            key=lambda r: (
                -r.received_on.toordinal(),
                order[r.rating],
                [a.text for a in r.answers],
            )
        )
    return rows


@dataclass(frozen=True)
class CodingFilters:
    part: str = ""
    show: str = ""  # "", "uncoded" or "theme"
    theme: int | None = None


def answers_for_coding(
    contract: Contract, filters: CodingFilters = CodingFilters()
) -> QuerySet[FeedbackAnswer]:
    """The contract's free-text answers for the commissioner to code, newest first."""
    qs = (
        FeedbackAnswer.objects.filter(response__contract=contract)
        .select_related("response")
        .prefetch_related("themes")
        .order_by("-response__received_on", "-response_id", "part")
    )
    if filters.part in AnswerPart.values:
        qs = qs.filter(part=filters.part)
    if filters.show == "uncoded":
        qs = qs.filter(themes__isnull=True)
    elif filters.show == "theme" and filters.theme:
        qs = qs.filter(themes__pk=filters.theme)
    return qs


# --- Mystery shopping ------------------------------------------------------------------


def shopper_list(*, user) -> QuerySet[MysteryShopper]:
    """The register of trained shoppers, for commissioners; NotFound for anyone else."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm(
        "feedback.manage_shoppers"
    ):
        raise NotFound()
    return MysteryShopper.objects.select_related("user").annotate(
        visit_count=Count("visits", distinct=True)
    )


def visit_list(contract: Contract) -> QuerySet[ShoppingVisit]:
    """A contract's visits in number order, with their report and reply when there are."""
    return (
        ShoppingVisit.objects.filter(contract=contract)
        .select_related("report__reply")
        .prefetch_related("actions")
        .order_by("number")
    )


def access_visit(user, reference: str, number, *, perm: str = "contracts.view_contract"):
    """A contract and its visit ``number`` for someone holding ``perm`` on the contract;
    NotFound otherwise (missing and forbidden alike)."""
    contract = access_contract(user, reference, perm=perm)
    return contract, _visit(contract, number)


def _visit(contract: Contract, number) -> ShoppingVisit:
    n = as_id(number)
    if n is None:
        raise NotFound()
    visit = (
        ShoppingVisit.objects.select_related("contract__provider", "contract__project")
        .filter(contract=contract, number=n)
        .first()
    )
    if visit is None:
        raise NotFound()
    return visit


def access_visit_for_report(user, reference: str, number) -> ShoppingVisit:
    """A visit ``user`` may write the report for: a commissioner, or one of its shoppers
    with an account. NotFound for anyone else, the provider included."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    contract = (
        Contract.objects.select_related("provider", "project").filter(reference=reference).first()
    )
    if contract is None:
        raise NotFound()
    visit = _visit(contract, number)
    if not user.has_perm("feedback.write_report", visit):
        raise NotFound()
    return visit


def visits_for_shopper(user) -> QuerySet[ShoppingVisit]:
    """The visits a signed-in shopper is named on, soonest first."""
    if not getattr(user, "is_authenticated", False):
        return ShoppingVisit.objects.none()
    return (
        ShoppingVisit.objects.filter(shoppers__user=user)
        .select_related("contract", "report")
        .distinct()
        .order_by("window_from", "pk")
    )


def reply_state(report: ShoppingReport | None, today: dt.date | None = None) -> str:
    """Where the provider's reply stands: "" (no report), "due", "overdue" (no reply
    and the due day has passed), "replied" or "replied_late"."""
    if report is None:
        return ""
    reply = getattr(report, "reply", None) if _has_reply(report) else None
    if reply is not None:
        return "replied_late" if reply.late else "replied"
    today = today or timezone.localdate()
    return "overdue" if today > report.reply_due_on else "due"


def _has_reply(report: ShoppingReport) -> bool:
    try:
        report.reply  # noqa: B018 - reading the reverse one-to-one
    except ShoppingReport.reply.RelatedObjectDoesNotExist:
        return False
    return True


def report_of(visit: ShoppingVisit) -> ShoppingReport | None:
    try:
        return visit.report
    except ShoppingVisit.report.RelatedObjectDoesNotExist:
        return None


def visit_detail(visit: ShoppingVisit) -> dict:
    """Everything on one visit's page: the plan, the report with its items and evidence,
    the reply and the follow-up actions (a handful of queries)."""
    report = (
        ShoppingReport.objects.filter(visit=visit)
        .select_related("submitted_by")
        .prefetch_related("items__item", "evidence")
        .first()
    )
    reply = getattr(report, "reply", None) if report is not None and _has_reply(report) else None
    return {
        "visit": visit,
        "checklist": list(visit.checklist.all()),
        "shoppers": list(visit.shoppers.all()),
        "report": report,
        "items": list(report.items.all()) if report else [],
        "evidence": list(report.evidence.all()) if report else [],
        "reply": reply,
        "reply_state": reply_state(report),
        "actions": list(visit.actions.all()),
    }


def access_evidence(visit: ShoppingVisit, position):
    """One evidence file of ``visit``'s report; NotFound otherwise."""
    report = report_of(visit)
    n = as_id(position)
    if n is None:
        raise NotFound()
    evidence = report.evidence.filter(position=n).first() if report else None
    if evidence is None:
        raise NotFound()
    return evidence


def access_action(visit: ShoppingVisit, action_id) -> FollowUpAction:
    """One follow-up action of ``visit``; NotFound otherwise."""
    pk = as_id(action_id)
    if pk is None:
        raise NotFound()
    action = FollowUpAction.objects.filter(visit=visit, pk=pk).first()
    if action is None:
        raise NotFound()
    return action


# --- The public summary ----------------------------------------------------------------


@dataclass(frozen=True)
class VisitSummary:
    """What the public reads about one visit: when, what it found, what changed."""

    number: int
    visited_on: dt.date
    overall: str
    replied: bool
    changes: list[str]


@dataclass(frozen=True)
class ContractSummary:
    contract: Contract
    score: FFTScore
    show_score: bool
    themes: list[FeedbackTheme]
    visits_planned: int
    visits: list[VisitSummary]
    live: bool


def contract_summary(contract: Contract) -> ContractSummary:
    """The public summary of what users say about ``contract``. No shopper's name, no
    answer text; the score only from ``PUBLIC_MINIMUM`` responses."""
    score = contract_score(contract)
    visits = list(
        ShoppingVisit.objects.filter(contract=contract)
        .select_related("report__reply")
        .prefetch_related("actions")
        .order_by("number")
    )
    done = []
    for visit in visits:
        report = report_of(visit)
        if report is None:
            continue
        done.append(
            VisitSummary(
                number=visit.number,
                visited_on=report.visited_on,
                overall=report.overall,
                replied=_has_reply(report),
                changes=[
                    a.what_changed
                    for a in visit.actions.all()
                    if a.status == ActionStatus.DONE and a.what_changed
                ],
            )
        )
    return ContractSummary(
        contract=contract,
        score=score,
        show_score=score.responses >= PUBLIC_MINIMUM,
        themes=top_themes(contract),
        visits_planned=len(visits),
        visits=done,
        live=is_live(contract),
    )


def project_summaries(project: CommissioningProject) -> list[ContractSummary]:
    """A summary per contract of a published project (none for a draft)."""
    if project is None or project.published_at is None:
        return []
    contracts = Contract.objects.filter(project=project).select_related("provider", "project")
    return [contract_summary(c) for c in contracts.order_by("starts_on", "reference")]
