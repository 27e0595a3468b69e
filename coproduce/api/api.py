"""The REST API (django-ninja). Endpoints call the same selectors and services as the pages.

Authentication is the browser session (with CSRF on writes). Errors come back as
``{"code", "message", "field"}`` with 400 for bad input and 404 for missing *or*
forbidden objects, so the API never reveals that something exists.
"""

from django.http import HttpRequest
from ninja import NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, ValidationError
from ninja.pagination import paginate
from ninja.security import django_auth

from coproduce.foundation.accounts.models import User
from coproduce.foundation.accounts.selectors import (
    access_organisation_by_slug,
    organisation_public_list,
)
from coproduce.foundation.commissioning.selectors import (
    ProjectFilters,
    access_project_by_reference,
    project_public_list,
)
from coproduce.foundation.commissioning.services import (
    ProjectData,
    project_change_stage,
    project_create,
    project_publish,
)
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import ServiceArea

from .pagination import PageNumberPagination
from .schemas import (
    ErrorOut,
    IdempotencyKey,
    OrganisationOut,
    ProjectDetailOut,
    ProjectIn,
    ProjectOut,
    StageChangeIn,
)

api = NinjaAPI(
    title="coproduce API",
    version="1",
    description="Everything a person can do in the browser. Sign in through the website; "
    "writes need the CSRF token from the csrftoken cookie in the X-CSRFToken header.",
    urls_namespace="api",
)


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, exc: ServiceError):
    status = 404 if isinstance(exc, NotFound) else 400
    return api.create_response(
        request, {"code": exc.code, "message": exc.message, "field": exc.field}, status=status
    )


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):
    first = exc.errors[0] if exc.errors else {}
    loc = [str(p) for p in first.get("loc", []) if p not in ("body", "payload", "query")]
    return api.create_response(
        request,
        {
            "code": "invalid",
            "message": first.get("msg", "Invalid input."),
            "field": ".".join(loc) or None,
            "errors": exc.errors,
        },
        status=400,
    )


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(
        request, {"code": "not_signed_in", "message": "Sign in first.", "field": None}, status=401
    )


class ProjectQuery(Schema):
    q: str = ""
    stage: str = ""
    service_area: str = ""


@api.get("/projects", response=list[ProjectOut], tags=["projects"], summary="Published projects")
@paginate(PageNumberPagination, page_size=50)
def list_projects(request: HttpRequest, filters: Query[ProjectQuery]):
    return project_public_list(filters=ProjectFilters(**filters.dict())).select_related("owner")


@api.get(
    "/projects/{reference}", response={200: ProjectDetailOut, 404: ErrorOut}, tags=["projects"]
)
def get_project(request: HttpRequest, reference: str):
    """A project with its decisions. Drafts are only visible to council staff."""
    return access_project_by_reference(user=request.user, reference=reference)


@api.post(
    "/projects",
    response={201: ProjectDetailOut, 400: ErrorOut, 404: ErrorOut},
    auth=django_auth,
    tags=["projects"],
)
def create_project(
    request: HttpRequest,
    payload: ProjectIn,
    idempotency_key: IdempotencyKey = "",
):
    """Create a draft project (commissioners only).

    Send an ``Idempotency-Key`` header (16 to 128 letters, digits, ``-``, ``_``, ``.`` or
    ``:``, for example a UUID) to make retries safe: a repeat with the same key returns the
    project created the first time, never a second one. 400 ``submission_key_invalid`` for
    a malformed key. Keys belong to the signed-in user."""
    area = ServiceArea.objects.filter(slug=payload.service_area).first()
    if area is None:
        raise ServiceError("invalid_choice", "Unknown service area.", field="service_area")
    owner = request.user
    if payload.owner_email:
        owner = User.objects.filter(email__iexact=payload.owner_email).first()
        if owner is None:
            raise ServiceError(
                "invalid_owner", "Choose a council officer as the owner.", field="owner_email"
            )
    project = project_create(
        actor=request.user,
        data=ProjectData(
            title=payload.title,
            service_area_id=area.pk,
            summary=payload.summary,
            budget_pence=payload.budget_pence,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            owner_id=owner.pk,
        ),
        submission_key=idempotency_key,
    )
    return Status(201, project)


@api.post(
    "/projects/{reference}/stage-changes",
    response={200: ProjectDetailOut, 400: ErrorOut, 404: ErrorOut},
    auth=django_auth,
    tags=["projects"],
)
def change_stage(request: HttpRequest, reference: str, payload: StageChangeIn):
    """Move a project to another stage with a reason (commissioners only)."""
    project = access_project_by_reference(
        user=request.user, reference=reference, perm="commissioning.change_project"
    )
    return project_change_stage(
        actor=request.user, project=project, to_stage=payload.stage, reason=payload.reason
    )


@api.post(
    "/projects/{reference}/publish",
    response={200: ProjectDetailOut, 404: ErrorOut},
    auth=django_auth,
    tags=["projects"],
)
def publish_project(request: HttpRequest, reference: str):
    project = access_project_by_reference(
        user=request.user, reference=reference, perm="commissioning.change_project"
    )
    return project_publish(actor=request.user, project=project)


@api.get("/organisations", response=list[OrganisationOut], tags=["organisations"])
@paginate(PageNumberPagination, page_size=50)
def list_organisations(request: HttpRequest):
    return organisation_public_list()


@api.get(
    "/organisations/{slug}", response={200: OrganisationOut, 404: ErrorOut}, tags=["organisations"]
)
def get_organisation(request: HttpRequest, slug: str):
    return access_organisation_by_slug(user=request.user, slug=slug)


# Per-domain routers (each module owns its endpoints and schemas).
from . import awards as _awards  # noqa: E402
from . import bidder as _bidder  # noqa: E402
from . import bids as _bids  # noqa: E402
from . import budgeting as _budgeting  # noqa: E402
from . import contracts as _contracts  # noqa: E402
from . import feedback as _feedback  # noqa: E402
from . import monitoring as _monitoring  # noqa: E402
from . import panels as _panels  # noqa: E402
from . import pipeline as _pipeline  # noqa: E402
from . import procurement as _procurement  # noqa: E402
from . import review as _review  # noqa: E402
from . import social_value as _social_value  # noqa: E402
from . import tenders as _tenders  # noqa: E402

api.add_router("/", _budgeting.router)
api.add_router("/", _procurement.router)
api.add_router("/", _tenders.router)
api.add_router("/", _pipeline.router)
api.add_router("/", _panels.router)
api.add_router("/", _awards.router)
api.add_router("/", _bids.router)
api.add_router("/", _bidder.router)
api.add_router("/", _contracts.router)
api.add_router("/", _monitoring.router)
api.add_router("/", _feedback.router)
api.add_router("/", _social_value.router)
api.add_router("/", _review.router)
