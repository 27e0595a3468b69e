"""The permission matrix: for each page or API call, who gets what at each stage.

Each row is ``Row(key, url, expect, method)``:

* ``url(world) -> str``: the address in this world (objects that do not exist yet at a
  stage get an id that does not exist, which must answer exactly like a forbidden one);
* ``expect(role, stage) -> int | str``: ``200``, ``302`` (a redirect inside the service,
  e.g. "already declared"), ``404``, ``LOGIN`` (redirect to sign-in), ``401`` (API, not
  signed in) or ``SKIP`` (an allowed POST that would change state: not exercised here;
  the app's own tests cover it). **403 is never expected.**

Pages are enumerated from the URL patterns of ``bids``, ``panels``, ``awards`` and
``contracts``; the test fails when a URL name has no row. API paths are enumerated from
``/api/openapi.json``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin
from django.urls import reverse

from .world import (
    AWARDED,
    BIDDERS,
    COMMISSIONERS,
    CONTRACTED,
    MODERATED,
    MODERATING,
    NO_ACCOUNT,
    OPENED,
    SEALED,
    STAFF,
    STAGES,
    World,
    at_least,
)
from .world import ROLES as ROLES_ALL

LOGIN = "login"
SKIP = "skip"
NONE = 999_999  # an id that does not exist

Expect = Callable[[str, str], object]


@dataclass(frozen=True)
class Row:
    key: str  # the URL name (plus a variant after a space), or "api GET /path"
    url: Callable[[World], str]
    expect: Expect
    method: str = "GET"
    body: dict | None = None  # a valid body for POSTs, so the permission check is reached


def signed_in(rule: Expect) -> Expect:
    """Pages behind ``login_required``: anonymous visitors are sent to sign in."""
    return lambda role, stage: LOGIN if role in NO_ACCOUNT else rule(role, stage)


def api(rule: Expect) -> Expect:
    """API calls with ``django_auth``: anonymous callers get 401 (not 403)."""
    return lambda role, stage: 401 if role in NO_ACCOUNT else rule(role, stage)


def only(roles: set[str], *, since: str = SEALED, until: str | None = None, ok=200) -> Expect:
    def rule(role: str, stage: str) -> object:
        in_time = at_least(stage, since) and (until is None or not at_least(stage, until))
        return ok if role in roles and in_time else 404

    return rule


def everyone(code=200) -> Expect:
    return lambda role, stage: code


def post_only(roles: set[str], since: str = SEALED) -> Expect:
    """A state-changing POST: the allowed roles are skipped, everyone else gets 404."""
    return lambda role, stage: SKIP if role in roles and at_least(stage, since) else 404


def refused_for_conflicted(rule: Expect, since: str) -> Expect:
    """A decision the officer with a declared conflict may not take: the service refuses
    with 400 (nothing changes, so the matrix sends it) from ``since``."""
    return lambda role, stage: (
        400 if role == "officer_conflicted" and at_least(stage, since) else rule(role, stage)
    )


def _ref(w: World) -> str:
    return w.tender.reference


def _member(w: World, name: str) -> int:
    m = w.members.get(name)
    return m.pk if m is not None else NONE


def _criterion(w: World) -> int:
    return w.criteria[0].pk


def _k(w: World) -> str:
    return w.contract.reference if w.contract else "K-2099-0001"


def _provider_only() -> Expect:
    """The contract's provider (a bidder role, checked by the contracts app's own tests) or
    a superuser (who holds every permission); 404 for everyone else."""
    allowed = BIDDERS | {"platform_admin"}
    return lambda role, stage: SKIP if role in allowed and at_least(stage, CONTRACTED) else 404


SIGNED_IN = signed_in(everyone())
ACCOUNTS = BIDDERS | STAFF | {"resident", "unrelated_provider", "other_bidder"}


def page_rows() -> list[Row]:
    r = reverse
    b = "B-2026-7001"
    return [
        # --- bids: staff pages ------------------------------------------------------------
        Row(
            "bids:open_overview",
            lambda w: r("bids:open_overview", args=[_ref(w)]),
            signed_in(only(STAFF)),
        ),
        Row(
            "bids:open_bids",
            lambda w: r("bids:open_bids", args=[_ref(w)]),
            signed_in(post_only(COMMISSIONERS)),
            "POST",
        ),
        Row(
            "bids:open_rectification",
            lambda w: r("bids:open_rectification", args=[_ref(w)]),
            signed_in(only(COMMISSIONERS, since=OPENED)),
        ),
        Row(
            "bids:open_bid",
            lambda w: r("bids:open_bid", args=[_ref(w), b]),
            signed_in(only(STAFF, since=OPENED)),
        ),
        # A declared conflict of interest: the bid page shows a message instead of the
        # content (200, checked for leaks); its files answer 404.
        Row(
            "bids:open_bid_file",
            lambda w: r("bids:open_bid_file", args=[_ref(w), b, w.file.public_id]),
            signed_in(only(STAFF - {"officer_conflicted"}, since=OPENED)),
        ),
        Row(
            "bids:documents_required",
            lambda w: r("bids:documents_required", args=[_ref(w)]),
            signed_in(only(COMMISSIONERS)),
        ),
        Row(
            "bids:document_required_remove",
            lambda w: r("bids:document_required_remove", args=[_ref(w), NONE]),
            signed_in(everyone(404)),
            "POST",
        ),
        Row("bids:receipt", lambda w: r("bids:receipt", args=[b, 1]), signed_in(only(BIDDERS))),
        # --- bids: bidder pages -----------------------------------------------------------
        Row("bids:my_bids", lambda w: r("bids:my_bids"), SIGNED_IN),
        Row("bids:invitations", lambda w: r("bids:invitations"), SIGNED_IN),
        Row(
            "bids:invitation_confirm",
            lambda w: r("bids:invitation_confirm", args=[w.partner_seat.public_id]),
            signed_in(post_only({"partner_member"})),
            "POST",
        ),
        Row(
            "bids:invitation_decline",
            lambda w: r("bids:invitation_decline", args=[w.partner_seat.public_id]),
            signed_in(only({"partner_member"})),
        ),
        # The "start a bid" page is about the tender (public), never about its bids.
        Row("bids:start", lambda w: r("bids:start", args=[_ref(w)]), SIGNED_IN),
        Row("bids:overview", lambda w: r("bids:overview", args=[b]), signed_in(only(BIDDERS))),
        # Read-only pages of the bid: both organisations of the consortium.
        *[
            Row(
                f"bids:{name}",
                (lambda n: lambda w: r(f"bids:{n}", args=[b]))(name),
                signed_in(only(BIDDERS)),
            )
            for name in ("partners", "check")
        ],
        # Editing pages: the lead only; a submitted bid (or a closed tender) sends the
        # lead back to the bid's overview (302) until it is withdrawn.
        *[
            Row(
                f"bids:{name}",
                (lambda n: lambda w: r(f"bids:{n}", args=[b]))(name),
                signed_in(only({"lead_member"}, ok=302)),
            )
            for name in ("lots", "prices", "documents", "shares")
        ],
        Row(
            "bids:withdraw",
            lambda w: r("bids:withdraw", args=[b]),
            signed_in(only({"lead_member"})),
        ),
        Row(
            "bids:answer",
            lambda w: r("bids:answer", args=[b, 1]),  # question 1 of the tender
            signed_in(only({"lead_member"}, ok=302)),
        ),
        Row(
            "bids:document_remove",
            lambda w: r("bids:document_remove", args=[b, w.file.public_id]),
            signed_in(post_only({"lead_member"})),
            "POST",
        ),
        Row(
            "bids:partner_change",
            lambda w: r("bids:partner_change", args=[b, w.partner_seat.public_id]),
            signed_in(only({"lead_member"}, ok=302)),
        ),
        Row(
            "bids:partner_remove",
            lambda w: r("bids:partner_remove", args=[b, w.partner_seat.public_id]),
            signed_in(only({"lead_member"}, ok=302)),
        ),
        Row(
            "bids:reconfirm",
            lambda w: r("bids:reconfirm", args=[b]),
            signed_in(post_only({"lead_member"})),
            "POST",
        ),
        # --- panels: staff ----------------------------------------------------------------
        Row("panels:manage", lambda w: r("panels:manage", args=[_ref(w)]), signed_in(only(STAFF))),
        Row(
            "panels:appoint",
            lambda w: r("panels:appoint", args=[_ref(w)]),
            signed_in(only(COMMISSIONERS)),
        ),
        Row(
            "panels:resend",
            lambda w: r("panels:resend", args=[_ref(w), _member(w, "service_user")]),
            signed_in(post_only(COMMISSIONERS, since=OPENED)),
            "POST",
        ),
        Row(
            "panels:remove",
            lambda w: r("panels:remove", args=[_ref(w), _member(w, "service_user")]),
            signed_in(only(COMMISSIONERS, since=OPENED)),
        ),
        # The moderation page exists from publication ("bids not opened yet"): its
        # content is checked for leaks like every other cell.
        Row(
            "panels:moderation",
            lambda w: r("panels:moderation", args=[_ref(w), "whole"]),
            signed_in(only(COMMISSIONERS)),
        ),
        Row(
            "panels:moderation_start",
            lambda w: r("panels:moderation_start", args=[_ref(w), "whole"]),
            signed_in(post_only(COMMISSIONERS)),
            "POST",
        ),
        Row(
            "panels:moderation_complete",
            lambda w: r("panels:moderation_complete", args=[_ref(w), "whole"]),
            signed_in(refused_for_conflicted(post_only(COMMISSIONERS), OPENED)),
            "POST",
        ),
        Row(
            "panels:agree",
            lambda w: r("panels:agree", args=[_ref(w), "whole", b, _criterion(w)]),
            signed_in(only(COMMISSIONERS, since=MODERATING)),
        ),
        Row(
            "panels:decide",
            lambda w: r(
                "panels:decide",
                args=[_ref(w), "whole", w.explanation.pk if w.explanation else NONE],
            ),
            signed_in(only(COMMISSIONERS, since=MODERATING)),
        ),
        # --- panels: members --------------------------------------------------------------
        Row(
            "panels:join", lambda w: r("panels:join", args=["used-or-unknown-token"]), everyone(404)
        ),
        Row("panels:sign_out", lambda w: r("panels:sign_out"), everyone(302), "POST"),
        Row("panels:guide", lambda w: r("panels:guide"), everyone()),
        Row("panels:guide_easy_read", lambda w: r("panels:guide_easy_read"), everyone()),
        Row(
            "panels:member_home",
            lambda w: r("panels:member_home", args=[_member(w, "service_user")]),
            only({"service_user"}, since=OPENED),
        ),
        Row(
            "panels:member_home officer",
            lambda w: r("panels:member_home", args=[_member(w, "officer")]),
            only({"officer"}, since=OPENED),
        ),
        Row(
            "panels:declare",
            lambda w: r("panels:declare", args=[_member(w, "service_user")]),
            only({"service_user"}, since=OPENED, ok=302),
        ),
        Row(
            "panels:declare_more",
            lambda w: r("panels:declare_more", args=[_member(w, "service_user")]),
            only({"service_user"}, since=OPENED),
        ),
        Row(
            "panels:declare_more officer",
            lambda w: r("panels:declare_more", args=[_member(w, "officer")]),
            only({"officer"}, since=OPENED),
        ),
        Row(
            "panels:score",
            lambda w: r("panels:score", args=[_member(w, "service_user"), b]),
            only({"service_user"}, since=OPENED),
        ),
        Row(
            "panels:score officer",
            lambda w: r("panels:score", args=[_member(w, "officer"), b]),
            only({"officer"}, since=OPENED),
        ),
        Row(
            "panels:score conflicted",
            lambda w: r("panels:score", args=[_member(w, "officer_conflicted"), b]),
            everyone(404),
        ),
        Row(
            "panels:explanation",
            lambda w: r("panels:explanation", args=[w.explanation.pk if w.explanation else NONE]),
            signed_in(only({"other_bidder"}, since=MODERATING)),
        ),
        # --- awards -----------------------------------------------------------------------
        # Award pages exist from publication (they list what blocks an award).
        Row("awards:manage", lambda w: r("awards:manage", args=[_ref(w)]), signed_in(only(STAFF))),
        Row(
            "awards:decide",
            lambda w: r("awards:decide", args=[_ref(w), "whole"]),
            signed_in(only(COMMISSIONERS)),
        ),
        Row(
            "awards:cancel",
            lambda w: r("awards:cancel", args=[_ref(w)]),
            signed_in(only(COMMISSIONERS)),
        ),
        Row(
            "awards:action",
            lambda w: r("awards:action", args=[w.decision.pk if w.decision else NONE, "confirm"]),
            signed_in(only(COMMISSIONERS, since=AWARDED)),
        ),
        # Regenerating the letters: the same rule as deciding. The service refuses the
        # officer with a declared conflict (nothing changes): a message on the award page.
        Row(
            "awards:regenerate_letters",
            lambda w: r("awards:regenerate_letters", args=[w.decision.pk if w.decision else NONE]),
            signed_in(
                lambda role, stage: (
                    302
                    if role == "officer_conflicted" and at_least(stage, AWARDED)
                    else post_only(COMMISSIONERS, since=AWARDED)(role, stage)
                )
            ),
            "POST",
        ),
        Row("awards:my_letters", lambda w: r("awards:my_letters"), SIGNED_IN),
        Row(
            "awards:letter",
            lambda w: r("awards:letter", args=[w.letter.pk if w.letter else NONE]),
            signed_in(only(BIDDERS | STAFF, since=AWARDED)),
        ),
        Row(
            "awards:letter rival",
            lambda w: r("awards:letter", args=[w.rival_letter.pk if w.rival_letter else NONE]),
            signed_in(only({"other_bidder"} | STAFF, since=AWARDED)),
        ),
        # The conflicted officer reads the letter pages as a message (the consortium bid
        # won, and every letter shows the winner's scores); the PDF answers 404.
        Row(
            "awards:letter_pdf",
            lambda w: r("awards:letter_pdf", args=[w.letter.pk if w.letter else NONE]),
            signed_in(only(BIDDERS | STAFF - {"officer_conflicted"}, since=AWARDED)),
        ),
        Row(
            "awards:letter_easy_read",
            lambda w: r("awards:letter_easy_read", args=[w.letter.pk if w.letter else NONE]),
            signed_in(only(BIDDERS | STAFF, since=AWARDED)),
        ),
        Row(
            "awards:letter_easy_read_pdf",
            lambda w: r("awards:letter_easy_read_pdf", args=[w.letter.pk if w.letter else NONE]),
            signed_in(only(BIDDERS | STAFF - {"officer_conflicted"}, since=AWARDED)),
        ),
        Row("awards:market", lambda w: r("awards:market"), everyone()),
        Row(
            "awards:tender_market",
            lambda w: r("awards:tender_market", args=[_ref(w)]),
            only(set(ROLES_ALL), since=AWARDED),
        ),
        # --- contracts --------------------------------------------------------------------
        Row("contracts:list", lambda w: r("contracts:list"), signed_in(only(STAFF))),
        Row(
            "contracts:detail",
            lambda w: r(
                "contracts:detail", args=[w.contract.reference if w.contract else "K-2099-0001"]
            ),
            signed_in(only(STAFF, since=CONTRACTED)),
        ),
        *[
            Row(
                f"contracts:{name}",
                lambda w, name=name, extra=extra: r(f"contracts:{name}", args=[_k(w), *extra]),
                signed_in(only(COMMISSIONERS, since=CONTRACTED)),
            )
            for name, extra in (("change", []), ("contact", []))
        ],
        # The matrix world's contract has no KPIs, so measure 1 is missing for everyone;
        # the contracts app's tests check the commissioner's page.
        Row(
            "contracts:kpi_edit",
            lambda w: r("contracts:kpi_edit", args=[_k(w), 1]),
            signed_in(everyone(404)),
        ),
        Row(
            "contracts:proposal_answer",
            lambda w: r("contracts:proposal_answer", args=[_k(w), NONE]),
            signed_in(everyone(404)),
        ),
        Row(
            "contracts:agree",
            lambda w: r("contracts:agree", args=[_k(w)]),
            signed_in(post_only(COMMISSIONERS | BIDDERS, since=CONTRACTED)),
            "POST",
            {},
        ),
        Row(
            "contracts:record",
            lambda w: r("contracts:record", args=[w.tender.project.reference]),
            signed_in(only(COMMISSIONERS)),
        ),
        Row("contracts:mine", lambda w: r("contracts:mine"), SIGNED_IN),
        # The winning organisation's members see their contract (the contracts app's own
        # tests check them); everyone else gets 404.
        Row(
            "contracts:mine_detail",
            lambda w: r("contracts:mine_detail", args=[_k(w)]),
            signed_in(_provider_only()),
        ),
        Row(
            "contracts:propose",
            lambda w: r("contracts:propose", args=[_k(w), 1]),
            signed_in(_provider_only()),
        ),
        # --- around the bids --------------------------------------------------------------
        Row("tenders:detail", lambda w: r("tenders:detail", args=[_ref(w)]), everyone()),
        Row("tenders:search", lambda w: r("tenders:search"), everyone()),
        Row("tenders:staff_list", lambda w: r("tenders:staff_list"), signed_in(only(STAFF))),
        # The audit trail answers 404 (not a sign-in redirect) to anyone who may not read it.
        Row("core:audit_list", lambda w: "/audit/", only({"finance", "platform_admin"})),
        Row(
            "core:audit_list bids",
            lambda w: "/audit/?target_type=bids.bid",
            only({"finance", "platform_admin"}),
        ),
        Row(
            "core:audit_list bid verbs",
            lambda w: "/audit/?verb=bids.bid.submitted",
            only({"finance", "platform_admin"}),
        ),
        # Audit checkpoints are public: sequence numbers and hashes, never sealed counts.
        Row("core:audit_checkpoints", lambda w: r("core:audit_checkpoints"), everyone()),
        Row("core:audit_checkpoints_file", lambda w: r("core:audit_checkpoints_file"), everyone()),
    ]


def admin_rows() -> list[Row]:
    """The Django admin index, the bid apps' indexes and every registered changelist of the
    apps that hold bids, panels, awards, contracts, tenders and the audit trail."""

    def staff_only(ok=200) -> Expect:
        def rule(role, stage):
            if role == "platform_admin":
                return ok
            return LOGIN  # the admin sends everyone else to its own sign-in page

        return rule

    rows = [Row("admin index", lambda w: "/django-admin/", staff_only())]
    labels = {"bids", "panels", "awards", "contracts", "tenders", "core"}
    registered = {m._meta.app_label for m in admin.site._registry}
    for label in sorted(labels):
        rows.append(
            Row(
                f"admin {label}",
                (lambda x: lambda w: f"/django-admin/{x}/")(label),
                staff_only(200 if label in registered else 404),
            )
        )
    for model in admin.site._registry:
        meta = model._meta
        if meta.app_label in labels:
            url = f"/django-admin/{meta.app_label}/{meta.model_name}/"
            rows.append(Row(f"admin {meta.label}", (lambda u: lambda w: u)(url), staff_only()))
    # The audit events' admin reads through the one visibility rule: its filters, search and
    # change pages hide sealed bid events until opening, from superusers too (the forbidden
    # texts of each stage are checked on every one of these).
    audit = "/django-admin/core/auditevent/"
    for key, url in [
        ("verb filter", audit + "?verb=bids.bid.submitted"),
        ("type filter", audit + "?target_type=bids.bid"),
        ("search", audit + "?q=bids.bid"),
    ]:
        rows.append(Row(f"admin core.auditevent {key}", (lambda u: lambda w: u)(url), staff_only()))
    rows.append(
        Row(
            "admin core.auditevent change (first public event)",
            lambda w: audit + "public.1/change/",
            staff_only(),
        )
    )
    rows.append(
        Row(
            "admin core.auditevent change (a database id)",
            lambda w: audit + "1/change/",
            staff_only(302),  # ids find nothing: events are addressed by stream and number
        )
    )
    return rows


API_PATTERN = r"bid|panel|ranking|award|letter|market|contract"


def api_rows() -> dict[str, Row]:
    """Rows for the API, keyed ``"METHOD /api/path"`` as the OpenAPI schema names them."""

    def path(template: str) -> Callable[[World], str]:
        def url(w: World) -> str:
            return (
                template.replace("{reference}", w.tender.reference)
                .replace("{award_id}", str(w.decision.pk if w.decision else NONE))
                .replace("{letter_id}", str(w.letter.pk if w.letter else NONE))
                .replace("{reference}", w.bid.reference)
            )

        return url

    def mybid(w: World) -> str:
        return f"/api/my-bids/{w.bid.reference}"

    rows = [
        Row(
            "GET /api/opportunities/{reference}/ranking",
            path("/api/opportunities/{reference}/ranking"),
            only(STAFF, since=MODERATED),
        ),
        Row(
            "GET /api/panel/my-scoring",
            path("/api/panel/my-scoring"),
            lambda role, stage: (
                200
                if role == "service_user_other_tender"
                or (
                    role in {"chair", "officer", "officer_conflicted", "service_user"}
                    and at_least(stage, OPENED)
                )
                else 404
            ),
        ),
        Row("GET /api/market-diversity", path("/api/market-diversity"), everyone()),
        Row(
            "GET /api/tenders/{reference}/market-diversity",
            path("/api/tenders/{reference}/market-diversity"),
            only(set(ROLES_ALL), since=AWARDED),
        ),
        Row(
            "GET /api/tenders/{reference}/awards",
            path("/api/tenders/{reference}/awards"),
            api(only(STAFF)),
        ),
        Row(
            "POST /api/tenders/{reference}/awards",
            path("/api/tenders/{reference}/awards"),
            api(refused_for_conflicted(post_only(COMMISSIONERS), OPENED)),
            "POST",
            {"reasons": "Best value."},
        ),
        Row(
            "POST /api/awards/{award_id}/confirm",
            path("/api/awards/{award_id}/confirm"),
            api(refused_for_conflicted(post_only(COMMISSIONERS), AWARDED)),
            "POST",
            {"starts_on": "2027-04-01"},
        ),
        *[
            Row(
                f"POST /api/awards/{{award_id}}/{action}",
                path(f"/api/awards/{{award_id}}/{action}"),
                api(post_only(COMMISSIONERS)),
                "POST",
                {"starts_on": "2027-04-01", "reason": "A reason.", "note": "A note."},
            )
            for action in ("resume", "withdraw")
        ],
        Row(
            "POST /api/tenders/{reference}/cancel",
            path("/api/tenders/{reference}/cancel"),
            api(post_only(COMMISSIONERS)),
            "POST",
            {"reason_code": "no_bids", "reason_text": "A reason."},
        ),
        Row("GET /api/letters", path("/api/letters"), api(everyone())),
        Row(
            "GET /api/letters/{letter_id}",
            path("/api/letters/{letter_id}"),
            api(only(BIDDERS | STAFF - {"officer_conflicted"}, since=AWARDED)),
        ),
        Row("GET /api/contracts", path("/api/contracts"), api(only(STAFF))),
        Row("GET /api/my-contracts", path("/api/my-contracts"), api(everyone())),
        # Public once the contract exists: promised and verified social value only.
        Row(
            "GET /api/contracts/{reference}/social-value",
            lambda w: f"/api/contracts/{_k(w)}/social-value",
            lambda role, stage: 200 if at_least(stage, CONTRACTED) else 404,
        ),
        Row(
            "GET /api/contracts/{reference}",
            lambda w: f"/api/contracts/{_k(w)}",
            api(
                lambda role, stage: (
                    SKIP
                    if role in BIDDERS and at_least(stage, CONTRACTED)
                    else only(STAFF, since=CONTRACTED)(role, stage)
                )
            ),
        ),
        *[
            Row(
                f"{method} /api/contracts/{{reference}}{suffix}",
                lambda w, suffix=suffix: (
                    f"/api/contracts/{_k(w)}"
                    + suffix.replace("{position}", "1").replace("{proposal_id}", str(NONE))
                ),
                api(post_only(who, since=CONTRACTED)),
                method,
                body,
            )
            for method, suffix, who, body in (
                (
                    "POST",
                    "/kpis/{position}",
                    COMMISSIONERS,
                    {"direction": "higher", "green_from": "1", "red_beyond": "1"},
                ),
                ("POST", "/kpis/{position}/proposals", BIDDERS, {"text": "A change."}),
                (
                    "POST",
                    "/proposals/{proposal_id}/answer",
                    set(),
                    {"accept": True, "reason": "A reason."},
                ),
                ("POST", "/framework/agree", COMMISSIONERS | BIDDERS, {}),
                (
                    "POST",
                    "/changes",
                    COMMISSIONERS,
                    {
                        "kind": "variation",
                        "reason": "A reason.",
                        "effective_on": "2027-04-01",
                        "approved_by": "A cabinet member",
                    },
                ),
                ("POST", "/contact", COMMISSIONERS, {"contact_id": NONE, "reason": "A reason."}),
            )
        ],
        Row(
            "GET /api/opportunities/{reference}/bids",
            path("/api/opportunities/{reference}/bids"),
            api(only(STAFF, since=OPENED)),
        ),
        Row("GET /api/my-bids", path("/api/my-bids"), api(everyone())),
        Row("GET /api/my-bids/{reference}", mybid, api(only(BIDDERS))),
        # Not matched by the pattern, but they show tenders: no counts, no content.
        Row("GET /api/opportunities", path("/api/opportunities"), everyone()),
        Row(
            "GET /api/opportunities/{reference}", path("/api/opportunities/{reference}"), everyone()
        ),
    ]
    return {row.key: row for row in rows}


SHORT = {
    "anonymous": "anon",
    "resident": "resident",
    "unrelated_provider": "provider",
    "lead_member": "lead",
    "partner_member": "partner",
    "other_bidder": "rival",
    "commissioner": "comm",
    "finance": "finance",
    "platform_admin": "admin",
    "chair": "chair",
    "officer": "officer",
    "officer_conflicted": "conflicted",
    "service_user": "SU",
    "service_user_other_tender": "SU-other",
}


def render_markdown() -> str:
    """The matrix as the Markdown table in ``docs/permissions.md``. Regenerate with:

    COPRODUCE_TESTING=1 .venv/bin/python -c "import django, os;
    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); django.setup();
    from coproduce.tests.permission_matrix.matrix import render_markdown;
    print(render_markdown())"
    """

    def cell(values: list) -> str:
        if len(set(values)) == 1:
            return str(values[0])
        parts, prev = [], None
        for stage, value in zip(STAGES, values, strict=True):
            if value != prev:
                parts.append(f"{value} from {stage}" if parts else str(value))
            prev = value
        return ", ".join(parts)

    rows = page_rows() + admin_rows() + list(api_rows().values())
    lines = ["| Page or call | Named roles | Everyone else |", "|---|---|---|"]
    for row in rows:
        by: dict[str, list[str]] = {}
        for role in ROLES_ALL:
            by.setdefault(cell([row.expect(role, s) for s in STAGES]), []).append(SHORT[role])
        common = max(by, key=lambda k: len(by[k]))
        named = "; ".join(f"{', '.join(v)}: {k}" for k, v in by.items() if k != common)
        key = row.key if row.method == "GET" or row.key.startswith("POST") else f"{row.key} (POST)"
        lines.append(f"| `{key}` | {named or '—'} | {common} |")
    return "\n".join(lines)
