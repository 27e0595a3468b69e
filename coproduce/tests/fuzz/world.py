"""The objects and people the fuzz rows use, taken from the demo council (``demo_world``).

``REFS[name]()`` gives the value of a URL argument: a reference, slug or id of a demo
object of that kind. When the demo has no such object the value is one that does not
exist, which still exercises the page's query parameters (the page answers 404).
"""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from coproduce.foundation.accounts.models import User

NONE_ID = 999_999_999
NONE_TEXT = "NONE-0000-0000"


def _first(label: str, attr: str = "pk", **filters) -> Callable[[], object]:
    def get() -> object:
        model = apps.get_model(label)
        obj = model.objects.filter(**filters).order_by("pk").first()
        return getattr(obj, attr) if obj is not None else None

    return get


def _via(label: str, path: str, **filters) -> Callable[[], object]:
    """An attribute of a related object (``tender.reference`` of the first bid...)."""

    def get() -> object:
        model = apps.get_model(label)
        obj = model.objects.filter(**filters).order_by("pk").first()
        for part in path.split("."):
            obj = getattr(obj, part, None) if obj is not None else None
        return obj

    return get


REFS: dict[str, Callable[[], object]] = {
    "one": lambda: 1,
    "token": lambda: "not-a-real-token-0000",
    "uidb64": lambda: "MQ",
    "action": lambda: "decide",
    "kind": lambda: "quality",
    "characteristic": lambda: "age",
    "lot_key": lambda: "all",
    "app_label": lambda: "core",
    "nowhere": lambda: "no/such/page/",
    "content_type": _first("contenttypes.ContentType"),
    "organisation": _first("accounts.Organisation", "slug"),
    "membership": _first("accounts.Membership"),
    "project": _first(
        "commissioning.CommissioningProject", "reference", published_at__isnull=False
    ),
    "evaluated_project": _via("evaluation.EvaluationModel", "project.reference"),
    "consultation": _first("engagement.Consultation", "reference"),
    "section": _first("engagement.Section"),
    "question": _first("engagement.Question"),
    "picture": lambda: NONE_ID,
    "theme": _first("engagement.Theme"),
    "answer": _first("engagement.Answer"),
    "quote": _first("engagement.FindingQuote"),
    "finding": _first("engagement.Finding", "reference"),
    "idea": _first("ideas.Idea", "reference"),
    "comment": _first("ideas.Comment"),
    "round": _first("budgeting.Round", "reference"),
    "proposal": _first("budgeting.Proposal", "reference"),
    "rule": _first("routes.ProcurementRule", "key"),
    "requirement": _first("specifications.Requirement"),
    "evaluation_model": _first("evaluation.EvaluationModel"),
    "criterion": _first("evaluation.Criterion"),
    "panel_role": _first("evaluation.PanelRole"),
    "tender": _first("tenders.Tender", "reference"),
    "open_tender": _first("tenders.Tender", "reference", status="open"),
    "panel_tender": _via("panels.PanelMember", "tender.reference"),
    "document": _first("tenders.TenderDocument"),
    "lot": _first("tenders.Lot"),
    "saved_search": _first("tenders.SavedSearch"),
    "plan_entry": _first("pipeline.PlanEntry"),
    "event": _first("pipeline.ForumEvent"),
    "complaint": _first("complaints.Complaint", "reference"),
    "bid": _first("bids.Bid", "reference"),
    "opened_bid": _first("bids.Bid", "reference"),
    "bid_file": _first("bids.BidFile"),
    "bid_file_public": _first("bids.BidFile", "public_id"),
    "bid_criterion": _first("evaluation.Criterion"),
    "required_document": _first("bids.RequiredDocument"),
    "consortium_member": _first("bids.ConsortiumMember"),
    "consortium_member_public": _first("bids.ConsortiumMember", "public_id"),
    "panel_member": _first("panels.PanelMember"),
    "explanation": _first("panels.PriceExplanation"),
    "award": _first("awards.AwardDecision"),
    "letter": _first("awards.AssessmentLetter"),
    "contract": _first("contracts.Contract", "reference"),
    "contract_kpi": _first("contracts.ContractKPI", "position"),
    "contract_proposal": _first("contracts.FrameworkProposal"),
    "mon_return": _first("monitoring.MonitoringReturn", "number"),
    "mon_evidence": _first("monitoring.EvidenceFile"),
    "mon_plan": _first("monitoring.ImprovementPlan"),
    "feedback_theme": _first("feedback.FeedbackTheme"),
    "shopping_visit": _first("feedback.ShoppingVisit", "number"),
    "follow_up": _first("feedback.FollowUpAction"),
    "sv_table": _first("social_value.MeasureTable", "version"),
    "sv_commitment": _first("social_value.Commitment"),
    "sv_delivery": _first("social_value.Delivery"),
    "sroi": _first("social_value.SroiAnalysis", "reference"),
    "sroi_outcome": _first("social_value.SroiOutcome"),
    "review": _first("review.Review", "reference"),
    "decommissioning": _first("review.Decommissioning", "reference"),
    "transition_group": _first("review.TransitionGroup", "position"),
    "transition_action": _first("review.TransitionAction"),
}


def ref(name: str) -> object:
    """The value for a URL argument; ``admin:<app.Model>`` is that model's first id."""
    if name.startswith("admin:"):
        model = apps.get_model(name.removeprefix("admin:"))
        obj = model.objects.order_by("pk").first()
        return obj.pk if obj is not None else NONE_ID
    try:
        return REFS[name]()
    except (KeyError, LookupError, AttributeError):
        return None


def user_for(role: str) -> User | None:
    """The demo person who plays ``role`` (None: not signed in)."""
    emails = {
        "resident": "resident@riverside.example",
        "provider": "provider@riverside.example",
        "commissioner": "commissioner@riverside.example",
        "finance": "finance@riverside.example",
        "admin": "admin@riverside.example",
    }
    if role == "anonymous":
        return None
    if role == "bidder":
        bid = apps.get_model("bids.Bid").objects.order_by("pk").first()
        if bid is not None:
            return bid.created_by
        role = "provider"
    return User.objects.get(email=emails[role])


def url_patterns() -> list[tuple[str, str]]:
    """Every URL pattern as ``(key, route)``: the key is the namespaced name, or for the
    admin's unnamed ``/<id>/`` redirect, ``admin:<app>_<model>_redirect``."""
    found: list[tuple[str, str]] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str | None) -> None:
        for item in resolver.url_patterns:
            if isinstance(item, URLResolver):
                ns = namespace
                if item.namespace:
                    ns = f"{namespace}:{item.namespace}" if namespace else item.namespace
                walk(item, prefix + str(item.pattern), ns)
            elif isinstance(item, URLPattern):
                route = prefix + str(item.pattern)
                if item.name:
                    key = f"{namespace}:{item.name}" if namespace else item.name
                elif "<path:object_id>" in route:
                    parts = route.split("/")
                    key = f"{namespace}:{parts[1]}_{parts[2]}_redirect"
                else:  # the admin's catch-all (a 404 for any other address under it)
                    key = f"{namespace}:catch_all"
                found.append((key, route))

    walk(get_resolver(), "", None)
    return found
