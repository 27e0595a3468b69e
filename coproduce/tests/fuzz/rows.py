"""The fuzz table: one row per URL pattern, saying who requests it and with which objects.

``Row(role, **kwargs)``: ``role`` is the person the page is requested as (``anonymous``,
``resident``, ``provider``, ``bidder`` — a member of the organisation that owns a bid —,
``commissioner``, ``admin``), so the forms behind sign-in and permission checks are
reached; each keyword names a URL argument and the demo object it takes
(``REFS`` in ``world.py``). ``API`` rows are fuzzed from ``/api/openapi.json`` by
schemathesis instead (``test_fuzz_api.py``). The Django admin's rows are made from the
admin site's registry (``admin_rows``), one per model and page.

A URL pattern without a row fails ``test_fuzz_guard.py``: add one when you add a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import admin

API = "api"


@dataclass(frozen=True)
class Row:
    role: str
    args: dict[str, str] = field(default_factory=dict)

    def __init__(self, role: str, **args: str) -> None:
        object.__setattr__(self, "role", role)
        object.__setattr__(self, "args", args)


ROWS: dict[str, Row] = {
    "core:accessibility": Row("anonymous"),
    "core:privacy": Row("anonymous"),
    "core:branding_css": Row("anonymous"),
    "core:healthz": Row("anonymous"),
    "core:audit_list": Row("anonymous"),
    "core:audit_checkpoints": Row("anonymous"),
    "core:audit_checkpoints_file": Row("anonymous"),
    "accounts:login": Row("anonymous"),
    "accounts:logout": Row("anonymous"),
    "accounts:register": Row("anonymous"),
    "accounts:dashboard": Row("provider"),
    "accounts:password_reset": Row("anonymous"),
    "accounts:password_reset_done": Row("anonymous"),
    "accounts:password_reset_confirm": Row("anonymous", uidb64="uidb64", token="token"),
    "accounts:password_reset_complete": Row("anonymous"),
    "accounts:organisation_directory": Row("anonymous"),
    "accounts:organisation_create": Row("provider"),
    "accounts:organisation_detail": Row("anonymous", slug="organisation"),
    "accounts:organisation_edit": Row("provider", slug="organisation"),
    "accounts:organisation_members": Row("provider", slug="organisation"),
    "accounts:membership_remove": Row("provider", slug="organisation", membership_id="membership"),
    "accounts:invitation_accept": Row("anonymous", token="token"),
    "commissioning:home": Row("anonymous"),
    "commissioning:public_list": Row("anonymous"),
    "commissioning:detail": Row("anonymous", reference="project"),
    "commissioning:staff_list": Row("commissioner"),
    "commissioning:create": Row("commissioner"),
    "commissioning:edit": Row("commissioner", reference="project"),
    "commissioning:change_stage": Row("commissioner", reference="project"),
    "commissioning:publish": Row("commissioner", reference="project"),
    "engagement:public_list": Row("resident"),
    "engagement:resume": Row("resident", token="token"),
    "engagement:image": Row("resident", pk="picture"),
    "engagement:intro": Row("resident", reference="consultation"),
    "engagement:easy_intro": Row("resident", reference="consultation"),
    "engagement:start": Row("resident", reference="consultation"),
    "engagement:page": Row("resident", reference="consultation", number="one"),
    "engagement:equality": Row("resident", reference="consultation"),
    "engagement:check": Row("resident", reference="consultation"),
    "engagement:saved": Row("resident", reference="consultation"),
    "engagement:sent": Row("resident", reference="consultation"),
    "engagement:staff_list": Row("commissioner"),
    "engagement:create": Row("commissioner"),
    "engagement:manage": Row("commissioner", reference="consultation"),
    "engagement:edit": Row("commissioner", reference="consultation"),
    "engagement:publish": Row("commissioner", reference="consultation"),
    "engagement:close": Row("commissioner", reference="consultation"),
    "engagement:section_add": Row("commissioner", reference="consultation"),
    "engagement:section_edit": Row("commissioner", reference="consultation", pk="section"),
    "engagement:section_remove": Row("commissioner", reference="consultation", pk="section"),
    "engagement:question_add": Row("commissioner", reference="consultation"),
    "engagement:question_edit": Row("commissioner", reference="consultation", pk="question"),
    "engagement:question_remove": Row("commissioner", reference="consultation", pk="question"),
    "engagement:preview": Row("commissioner", reference="consultation"),
    "engagement:preview_page": Row("commissioner", reference="consultation", number="one"),
    "engagement:preview_equality": Row("commissioner", reference="consultation"),
    "engagement_analysis:summary": Row("commissioner", reference="consultation"),
    "engagement_analysis:responses": Row("commissioner", reference="consultation"),
    "engagement_analysis:export_csv": Row("commissioner", reference="consultation"),
    "engagement_analysis:equality": Row("commissioner", reference="consultation"),
    "engagement_analysis:themes": Row("commissioner", reference="consultation"),
    "engagement_analysis:theme_edit": Row(
        "commissioner", reference="consultation", theme_id="theme"
    ),
    "engagement_analysis:theme_merge": Row(
        "commissioner", reference="consultation", theme_id="theme"
    ),
    "engagement_analysis:coding": Row("commissioner", reference="consultation"),
    "engagement_analysis:findings": Row("commissioner", reference="consultation"),
    "engagement_analysis:finding_new": Row("commissioner", reference="consultation"),
    "engagement_analysis:finding_manage": Row("commissioner", reference="finding"),
    "engagement_analysis:finding_edit": Row("commissioner", reference="finding"),
    "engagement_analysis:finding_quote_choose": Row("commissioner", reference="finding"),
    "engagement_analysis:finding_quote_add": Row(
        "commissioner", reference="finding", answer_id="answer"
    ),
    "engagement_analysis:finding_quote_remove": Row(
        "commissioner", reference="finding", quote_id="quote"
    ),
    "engagement_analysis:finding_publish": Row("commissioner", reference="finding"),
    "engagement_analysis:finding_correct": Row("commissioner", reference="finding"),
    "engagement_analysis:finding_public": Row("anonymous", reference="finding"),
    "ideas:council_board": Row("resident"),
    "ideas:submit": Row("resident"),
    "ideas:bulk": Row("resident"),
    "ideas:moderation": Row("commissioner"),
    "ideas:moderate": Row("commissioner", comment_id="comment"),
    "ideas:project_board": Row("resident", reference="idea"),
    "ideas:project_submit": Row("resident", reference="idea"),
    "ideas:project_bulk": Row("resident", reference="idea"),
    "ideas:detail": Row("resident", reference="idea"),
    "ideas:support": Row("resident", reference="idea"),
    "ideas:comment": Row("resident", reference="idea"),
    "ideas:report": Row("resident", reference="idea", comment_id="comment"),
    "ideas:change_status": Row("resident", reference="idea"),
    "ideas:merge": Row("resident", reference="idea"),
    "equality:public_detail": Row("anonymous", reference="project"),
    "equality:manage": Row("commissioner", reference="project"),
    "equality:start": Row("commissioner", reference="project"),
    "equality:publish": Row("commissioner", reference="project"),
    "equality:edit_entry": Row(
        "commissioner", reference="project", characteristic="characteristic"
    ),
    "equality:project_gap": Row("commissioner", reference="project"),
    "equality:population": Row("commissioner"),
    "equality:population_upload": Row("commissioner"),
    "equality:consultation_gap": Row("commissioner", reference="consultation"),
    "budgeting:round_list": Row("resident"),
    "budgeting:receipt_check": Row("resident"),
    "budgeting:round_detail": Row("resident", reference="round"),
    "budgeting:propose": Row("resident", reference="round"),
    "budgeting:proposal_detail": Row("resident", reference="round", proposal="proposal"),
    "budgeting:proposal_photo": Row("resident", reference="round", proposal="proposal"),
    "budgeting:ballot": Row("resident", reference="round"),
    "budgeting:ballot_done": Row("resident", reference="round"),
    "budgeting:results": Row("resident", reference="round"),
    "budgeting:export": Row("resident", reference="round"),
    "budgeting:manage_list": Row("commissioner"),
    "budgeting:manage_create": Row("commissioner"),
    "budgeting:manage_import": Row("commissioner"),
    "budgeting:manage_round": Row("commissioner", reference="round"),
    "budgeting:manage_phase": Row("commissioner", reference="round"),
    "budgeting:manage_review": Row("commissioner", reference="round", proposal="proposal"),
    "budgeting:manage_codes": Row("commissioner", reference="round"),
    "budgeting:manage_register": Row("commissioner", reference="round"),
    "budgeting:manage_batch": Row("commissioner", reference="round"),
    "budgeting:manage_batch_confirm": Row("commissioner", reference="round", number="one"),
    "budgeting:manage_compute": Row("commissioner", reference="round"),
    "budgeting:manage_publish": Row("commissioner", reference="round"),
    "budgeting:manage_override": Row("commissioner", reference="round", proposal="proposal"),
    "routes:rules": Row("anonymous"),
    "routes:advisor": Row("anonymous"),
    "routes:bank_holidays": Row("anonymous"),
    "routes:new_version": Row("commissioner", key="rule"),
    "specifications:detail": Row("anonymous", reference="project"),
    "specifications:history": Row("anonymous", reference="project"),
    "specifications:version": Row("anonymous", reference="project", version="one"),
    "specifications:manage": Row("commissioner", reference="project"),
    "specifications:create": Row("commissioner", reference="project"),
    "specifications:edit": Row("commissioner", reference="project"),
    "specifications:new_version": Row("commissioner", reference="project"),
    "specifications:publish": Row("commissioner", reference="project"),
    "specifications:requirement_new": Row("commissioner", reference="project"),
    "specifications:requirement_edit": Row(
        "commissioner", reference="project", requirement_id="requirement"
    ),
    "specifications:requirement_move": Row(
        "commissioner", reference="project", requirement_id="requirement"
    ),
    "specifications:requirement_remove": Row(
        "commissioner", reference="project", requirement_id="requirement"
    ),
    "evaluation:list": Row("commissioner", reference="evaluated_project"),
    "evaluation:create": Row("commissioner", reference="evaluated_project"),
    "evaluation:detail": Row(
        "commissioner", reference="evaluated_project", model_id="evaluation_model"
    ),
    "evaluation:build": Row(
        "commissioner", reference="evaluated_project", model_id="evaluation_model"
    ),
    "evaluation:edit": Row(
        "commissioner", reference="evaluated_project", model_id="evaluation_model"
    ),
    "evaluation:lock": Row(
        "commissioner", reference="evaluated_project", model_id="evaluation_model"
    ),
    "evaluation:copy": Row(
        "commissioner", reference="evaluated_project", model_id="evaluation_model"
    ),
    "evaluation:scale": Row(
        "commissioner", reference="evaluated_project", model_id="evaluation_model"
    ),
    "evaluation:criterion_new": Row(
        "commissioner", reference="evaluated_project", model_id="evaluation_model", kind="kind"
    ),
    "evaluation:criterion_edit": Row(
        "commissioner",
        reference="evaluated_project",
        model_id="evaluation_model",
        criterion_id="criterion",
    ),
    "evaluation:criterion_delete": Row(
        "commissioner",
        reference="evaluated_project",
        model_id="evaluation_model",
        criterion_id="criterion",
    ),
    "evaluation:role_new": Row(
        "commissioner", reference="evaluated_project", model_id="evaluation_model"
    ),
    "evaluation:role_edit": Row(
        "commissioner",
        reference="evaluated_project",
        model_id="evaluation_model",
        role_id="panel_role",
    ),
    "evaluation:role_delete": Row(
        "commissioner",
        reference="evaluated_project",
        model_id="evaluation_model",
        role_id="panel_role",
    ),
    "tenders:search": Row("anonymous"),
    "tenders:saved_searches": Row("provider"),
    "tenders:saved_search_create": Row("provider"),
    "tenders:saved_search_rename": Row("anonymous", pk="saved_search"),
    "tenders:saved_search_delete": Row("anonymous", pk="saved_search"),
    "tenders:saved_search_alerts": Row("anonymous", pk="saved_search"),
    "tenders:alerts_off": Row("anonymous", token="token"),
    "tenders:questions": Row("anonymous", reference="tender"),
    "tenders:ask": Row("anonymous", reference="tender"),
    "tenders:questions_manage": Row("commissioner", reference="tender"),
    "tenders:question_asked": Row("anonymous", reference="tender", number="one"),
    "tenders:answer": Row("anonymous", reference="tender", number="one"),
    "tenders:follow": Row("anonymous", reference="tender"),
    "tenders:amend": Row("anonymous", reference="tender"),
    "tenders:amendments": Row("anonymous", reference="tender"),
    "tenders:feedback": Row("anonymous", reference="tender"),
    "tenders:feedback_thanks": Row("anonymous", reference="tender"),
    "tenders:feedback_summary": Row("anonymous", reference="tender"),
    "tenders:detail": Row("anonymous", reference="tender"),
    "tenders:pack": Row("anonymous", reference="tender"),
    "tenders:document": Row("anonymous", reference="tender", document_id="document"),
    "tenders:document_download": Row("anonymous", reference="tender", document_id="document"),
    "tenders:create": Row("commissioner", project_ref="project"),
    "tenders:staff_list": Row("commissioner"),
    "tenders:edit": Row("commissioner", reference="tender"),
    "tenders:lots": Row("commissioner", reference="tender"),
    "tenders:lot_edit": Row("commissioner", reference="tender", lot_id="lot"),
    "tenders:lot_remove": Row("commissioner", reference="tender", lot_id="lot"),
    "tenders:documents_manage": Row("commissioner", reference="tender"),
    "tenders:document_remove": Row("commissioner", reference="tender", document_id="document"),
    "tenders:publish": Row("commissioner", reference="tender"),
    "pipeline:plan": Row("anonymous"),
    "pipeline:plan_manage": Row("commissioner"),
    "pipeline:plan_create": Row("commissioner"),
    "pipeline:plan_detail": Row("anonymous", pk="plan_entry"),
    "pipeline:plan_edit": Row("commissioner", pk="plan_entry"),
    "pipeline:plan_publish": Row("commissioner", pk="plan_entry"),
    "pipeline:plan_withdraw": Row("commissioner", pk="plan_entry"),
    "pipeline:event_list": Row("anonymous"),
    "pipeline:event_manage": Row("commissioner"),
    "pipeline:event_create": Row("commissioner"),
    "pipeline:event_detail": Row("anonymous", pk="event"),
    "pipeline:event_edit": Row("commissioner", pk="event"),
    "pipeline:event_publish": Row("commissioner", pk="event"),
    "pipeline:event_cancel": Row("commissioner", pk="event"),
    "pipeline:event_registrations": Row("commissioner", pk="event"),
    "pipeline:event_registrations_csv": Row("commissioner", pk="event"),
    "pipeline:registration_cancel": Row("commissioner", token="token"),
    "complaints:desk": Row("commissioner"),
    "complaints:raise": Row("anonymous", tender_reference="tender"),
    "complaints:mine_list": Row("provider"),
    "complaints:mine_detail": Row("provider", reference="complaint"),
    "complaints:mine_by_token": Row("anonymous", token="token"),
    "complaints:desk_detail": Row("commissioner", reference="complaint"),
    "complaints:desk_action": Row("commissioner", reference="complaint", action="action"),
    "complaints:tender_outcomes": Row("anonymous", reference="complaint"),
    "bids:open_overview": Row("commissioner", reference="tender"),
    "bids:open_bids": Row("commissioner", reference="tender"),
    "bids:open_rectification": Row("commissioner", reference="tender"),
    "bids:open_bid": Row("commissioner", reference="tender", bid_reference="bid"),
    "bids:open_bid_file": Row(
        "commissioner", reference="tender", bid_reference="bid", file_public_id="bid_file_public"
    ),
    "bids:documents_required": Row("commissioner", reference="tender"),
    "bids:document_required_remove": Row(
        "commissioner", reference="tender", document_id="required_document"
    ),
    "bids:receipt": Row("bidder", reference="bid", number="one"),
    "bids:my_bids": Row("bidder"),
    "bids:invitations": Row("bidder"),
    "bids:invitation_confirm": Row("bidder", member_public_id="consortium_member_public"),
    "bids:invitation_decline": Row("bidder", member_public_id="consortium_member_public"),
    "bids:start": Row("bidder", tender_reference="open_tender"),
    "bids:overview": Row("bidder", reference="bid"),
    "bids:lots": Row("bidder", reference="bid"),
    "bids:answer": Row("bidder", reference="bid", number="one"),
    "bids:prices": Row("bidder", reference="bid"),
    "bids:documents": Row("bidder", reference="bid"),
    "bids:document_remove": Row("bidder", reference="bid", file_public_id="bid_file_public"),
    "bids:partners": Row("bidder", reference="bid"),
    "bids:shares": Row("bidder", reference="bid"),
    "bids:partner_change": Row(
        "bidder", reference="bid", member_public_id="consortium_member_public"
    ),
    "bids:partner_remove": Row(
        "bidder", reference="bid", member_public_id="consortium_member_public"
    ),
    "bids:check": Row("bidder", reference="bid"),
    "bids:withdraw": Row("bidder", reference="bid"),
    "bids:reconfirm": Row("bidder", reference="bid"),
    "panels:manage": Row("commissioner", reference="panel_tender"),
    "panels:appoint": Row("commissioner", reference="panel_tender"),
    "panels:resend": Row("commissioner", reference="panel_tender", member_id="panel_member"),
    "panels:remove": Row("commissioner", reference="panel_tender", member_id="panel_member"),
    "panels:moderation": Row("commissioner", reference="panel_tender", lot_key="lot_key"),
    "panels:moderation_start": Row("commissioner", reference="panel_tender", lot_key="lot_key"),
    "panels:moderation_complete": Row("commissioner", reference="panel_tender", lot_key="lot_key"),
    "panels:agree": Row(
        "commissioner",
        reference="panel_tender",
        lot_key="lot_key",
        bid_reference="opened_bid",
        criterion_id="bid_criterion",
    ),
    "panels:decide": Row(
        "commissioner", reference="panel_tender", lot_key="lot_key", explanation_id="explanation"
    ),
    "panels:join": Row("anonymous", token="token"),
    "panels:sign_out": Row("anonymous"),
    "panels:guide": Row("anonymous"),
    "panels:guide_easy_read": Row("anonymous"),
    "panels:member_home": Row("anonymous", member_id="panel_member"),
    "panels:declare": Row("anonymous", member_id="panel_member"),
    "panels:declare_more": Row("anonymous", member_id="panel_member"),
    "panels:score": Row("anonymous", member_id="panel_member", bid_reference="opened_bid"),
    "panels:explanation": Row("anonymous", explanation_id="explanation"),
    "awards:manage": Row("commissioner", reference="panel_tender"),
    "awards:decide": Row("commissioner", reference="panel_tender", key="lot_key"),
    "awards:cancel": Row("commissioner", reference="panel_tender"),
    "awards:regenerate_letters": Row("commissioner", pk="award"),
    "awards:action": Row("commissioner", pk="award", action="action"),
    "awards:my_letters": Row("bidder"),
    "awards:letter": Row("bidder", pk="letter"),
    "awards:letter_pdf": Row("bidder", pk="letter"),
    "awards:letter_easy_read": Row("bidder", pk="letter"),
    "awards:letter_easy_read_pdf": Row("bidder", pk="letter"),
    "awards:market": Row("anonymous"),
    "awards:tender_market": Row("anonymous", reference="panel_tender"),
    "contracts:list": Row("anonymous"),
    "contracts:detail": Row("anonymous", reference="contract"),
    "contracts:kpi_edit": Row("commissioner", reference="contract", position="contract_kpi"),
    "contracts:proposal_answer": Row(
        "commissioner", reference="contract", proposal_id="contract_proposal"
    ),
    "contracts:agree": Row("commissioner", reference="contract"),
    "contracts:change": Row("commissioner", reference="contract"),
    "contracts:contact": Row("commissioner", reference="contract"),
    "contracts:record": Row("commissioner", project_ref="project"),
    "contracts:mine": Row("provider"),
    "contracts:mine_detail": Row("provider", reference="contract"),
    "contracts:propose": Row("provider", reference="contract", position="contract_kpi"),
    "monitoring:mine": Row("provider"),
    "monitoring:desk": Row("commissioner"),
    "monitoring:contract": Row("commissioner", reference="contract"),
    "monitoring:return_detail": Row("commissioner", reference="contract", number="mon_return"),
    "monitoring:submit": Row("provider", reference="contract", number="mon_return"),
    "monitoring:correct": Row("provider", reference="contract", number="mon_return"),
    "monitoring:answer": Row("provider", reference="contract", number="mon_return"),
    "monitoring:query": Row("commissioner", reference="contract", number="mon_return"),
    "monitoring:accept": Row("commissioner", reference="contract", number="mon_return"),
    "monitoring:evidence": Row(
        "commissioner", reference="contract", number="mon_return", file_id="mon_evidence"
    ),
    "monitoring:plan_new": Row("provider", reference="contract", position="one", number="one"),
    "monitoring:plan_detail": Row("commissioner", reference="contract", plan_id="mon_plan"),
    "monitoring:plan_edit": Row("provider", reference="contract", plan_id="mon_plan"),
    "monitoring:plan_agree": Row("commissioner", reference="contract", plan_id="mon_plan"),
    "monitoring:plan_changes": Row("commissioner", reference="contract", plan_id="mon_plan"),
    "monitoring:assess": Row("commissioner", reference="contract", position="one", year="one"),
    "monitoring:assessment_publish": Row(
        "commissioner", reference="contract", position="one", year="one"
    ),
    "feedback:give": Row("anonymous", reference="contract"),
    "feedback:give_easy": Row("anonymous", reference="contract"),
    "feedback:thanks": Row("anonymous", reference="contract"),
    "feedback:summary": Row("anonymous", reference="contract"),
    "feedback:responses": Row("commissioner", reference="contract"),
    "feedback:themes": Row("commissioner", reference="contract"),
    "feedback:theme_edit": Row("commissioner", reference="contract", theme_id="feedback_theme"),
    "feedback:coding": Row("commissioner", reference="contract"),
    "feedback:visits": Row("commissioner", reference="contract"),
    "feedback:visit_new": Row("commissioner", reference="contract"),
    "feedback:visit": Row("commissioner", reference="contract", number="shopping_visit"),
    "feedback:report": Row("commissioner", reference="contract", number="shopping_visit"),
    "feedback:evidence": Row(
        "commissioner", reference="contract", number="shopping_visit", position="one"
    ),
    "feedback:reply": Row("provider", reference="contract", number="shopping_visit"),
    "feedback:action_new": Row("commissioner", reference="contract", number="shopping_visit"),
    "feedback:action_update": Row(
        "commissioner", reference="contract", number="shopping_visit", action_id="follow_up"
    ),
    "feedback:shoppers": Row("commissioner"),
    "feedback:my_visits": Row("resident"),
    "social_value:measures": Row("commissioner"),
    "social_value:measure_import": Row("commissioner"),
    "social_value:measure_version": Row("commissioner", version="sv_table"),
    "social_value:queue": Row("commissioner"),
    "social_value:mine": Row("provider"),
    "social_value:contract": Row("commissioner", reference="contract"),
    "social_value:commitment_add": Row("commissioner", reference="contract"),
    "social_value:commitment_decide": Row("commissioner", pk="sv_commitment"),
    "social_value:delivery_report": Row("provider", pk="sv_commitment"),
    "social_value:delivery": Row("commissioner", pk="sv_delivery"),
    "social_value:delivery_decide": Row("commissioner", pk="sv_delivery"),
    "social_value:evidence": Row("commissioner", pk="sv_delivery"),
    "social_value:sroi_list": Row("commissioner"),
    "social_value:sroi_create": Row("commissioner"),
    "social_value:sroi_detail": Row("anonymous", reference="sroi"),
    "social_value:sroi_edit": Row("commissioner", reference="sroi"),
    "social_value:sroi_outcome_add": Row("commissioner", reference="sroi"),
    "social_value:sroi_outcome_edit": Row("commissioner", reference="sroi", pk="sroi_outcome"),
    "social_value:sroi_outcome_remove": Row("commissioner", reference="sroi", pk="sroi_outcome"),
    "social_value:sroi_publish": Row("commissioner", reference="sroi"),
    "review:start": Row("commissioner", reference="project"),
    "review:report": Row("anonymous", reference="review"),
    "review:manage": Row("commissioner", reference="review"),
    "review:publish": Row("commissioner", reference="review"),
    "review:decide": Row("commissioner", reference="review"),
    "review:decommissioning": Row("anonymous", reference="decommissioning"),
    "review:transition_plan": Row("anonymous", reference="decommissioning"),
    "review:letter": Row("anonymous", reference="decommissioning"),
    "review:letter_easy_read": Row("anonymous", reference="decommissioning"),
    "review:provider_letter": Row("commissioner", reference="decommissioning"),
    "review:provider_letter_easy_read": Row("commissioner", reference="decommissioning"),
    "review:decommissioning_manage": Row("commissioner", reference="decommissioning"),
    "review:notice": Row("commissioner", reference="decommissioning"),
    "review:group_add": Row("commissioner", reference="decommissioning"),
    "review:action_add": Row(
        "commissioner", reference="decommissioning", position="transition_group"
    ),
    "review:action_update": Row(
        "commissioner", reference="decommissioning", pk="transition_action"
    ),
    "api:openapi-json": Row("anonymous"),
    "api:openapi-view": Row("anonymous"),
    "api:list_projects": Row(API),
    "api:create_project": Row(API),
    "api:get_project": Row(API),
    "api:change_stage": Row(API),
    "api:publish_project": Row(API),
    "api:list_organisations": Row(API),
    "api:get_organisation": Row(API),
    "api:list_rounds": Row(API),
    "api:get_round": Row(API),
    "api:list_proposals": Row(API),
    "api:get_results": Row(API),
    "api:export_round": Row(API),
    "api:check_receipt": Row(API),
    "api:procurement_rules": Row(API),
    "api:procurement_route_advice": Row(API),
    "api:evaluation_model_list": Row(API),
    "api:evaluation_model_detail": Row(API),
    "api:specification_list": Row(API),
    "api:specification_detail": Row(API),
    "api:list_opportunities": Row(API),
    "api:get_opportunity": Row(API),
    "api:list_questions": Row(API),
    "api:ask_question": Row(API),
    "api:list_amendments": Row(API),
    "api:forward_plan": Row(API),
    "api:events": Row(API),
    "api:tender_complaints": Row(API),
    "api:opportunity_ranking": Row(API),
    "api:my_scoring": Row(API),
    "api:market_diversity": Row(API),
    "api:tender_market_diversity": Row(API),
    "api:list_awards": Row(API),
    "api:decide": Row(API),
    "api:confirm": Row(API),
    "api:resume": Row(API),
    "api:withdraw": Row(API),
    "api:cancel": Row(API),
    "api:my_letters": Row(API),
    "api:get_letter": Row(API),
    "api:contracts": Row(API),
    "api:contracts_mine": Row(API),
    "api:contract_detail": Row(API),
    "api:contract_kpi_update": Row(API),
    "api:contract_propose": Row(API),
    "api:contract_proposal_answer": Row(API),
    "api:contract_framework_agree": Row(API),
    "api:contract_change_record": Row(API),
    "api:contract_contact_change": Row(API),
    "api:monitoring_returns": Row(API),
    "api:monitoring_return": Row(API),
    "api:monitoring_return_submit": Row(API),
    "api:monitoring_results": Row(API),
    "api:give_feedback": Row(API),
    "api:feedback_summary": Row(API),
    "api:feedback_responses": Row(API),
    "api:social_value_measures": Row(API),
    "api:social_value_contract": Row(API),
    "api:sroi_analysis": Row(API),
    "api:list_reviews": Row(API),
    "api:get_review": Row(API),
    "api:list_decommissioning": Row(API),
    "api:get_decommissioning": Row(API),
    "api:list_opened_bids": Row(API),
    "api:my_bids": Row(API),
    "api:my_bid": Row(API),
    "api:api-root": Row("anonymous"),
}

ADMIN_PAGES = ("changelist", "add", "history", "delete", "change")


def admin_rows() -> dict[str, Row]:
    """Every page of every model in the Django admin, as the platform admin."""
    rows = {
        f"admin:{name}": Row("admin")
        for name in ("index", "login", "logout", "password_change", "password_change_done")
    }
    rows |= {
        "admin:autocomplete": Row("admin"),
        "admin:jsi18n": Row("admin"),
        "admin:app_list": Row("admin", app_label="app_label"),
        "admin:catch_all": Row("admin", url="nowhere"),
        "admin:view_on_site": Row("admin", content_type_id="content_type", object_id="one"),
    }
    for model in admin.site._registry:
        meta = model._meta
        for page in ADMIN_PAGES:
            args = {} if page in ("changelist", "add") else {"object_id": f"admin:{meta.label}"}
            rows[f"admin:{meta.app_label}_{meta.model_name}_{page}"] = Row("admin", **args)
        # The unnamed pattern that redirects /<id>/ to /<id>/change/.
        rows[f"admin:{meta.app_label}_{meta.model_name}_redirect"] = Row(
            "admin", object_id=f"admin:{meta.label}"
        )
    return rows


def all_rows() -> dict[str, Row]:
    return ROWS | admin_rows()
