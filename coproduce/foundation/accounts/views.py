"""Sign in, registration, password reset, your account, and organisation profiles."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.forms import apply_service_error
from coproduce.foundation.core.http import form_page, not_found_as_404, post_action, render_form
from coproduce.foundation.core.idempotency import posted_key

from . import selectors, services, throttle
from .forms import (
    InviteForm,
    NewPasswordForm,
    OrganisationForm,
    RegisterForm,
    ResetRequestForm,
    SignInForm,
    organisation_initial,
)
from .models import Membership


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class ResetRequestView(auth_views.PasswordResetView):
    """Sends a reset link, throttled per client and per email address (``throttle``).

    A throttled request shows the form again with status 429 and a plain message; the
    message is the same whether or not the address has an account."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    form_class = ResetRequestForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        if not throttle.password_reset_allowed(self.request, form.cleaned_data["email"]):
            form.add_error(
                "email", forms.ValidationError(throttle.RESET_REFUSED, code="rate_limited")
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class ResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        return services.user_password_reset(
            user=form.user, save=lambda: super(ResetConfirmView, self).form_valid(form)
        )


class ResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return None


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Create an account. A valid form always ends on the same "check your email" page,
    whether the address was new (an account is made and a welcome email sent) or already
    had an account (its owner is emailed instead), so the page never reveals which."""
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.user_register(
                email=d["email"],
                full_name=d["full_name"],
                password=d["password"],
                as_organisation=d["account_type"] == "organisation",
                postcode=d["postcode"],
                sign_in_url=request.build_absolute_uri(reverse("accounts:login")),
                reset_url=request.build_absolute_uri(reverse("accounts:password_reset")),
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            return render(
                request,
                "accounts/register_sent.html",
                {"email": d["email"].strip().lower(), "next": _safe_next(request)},
            )
    return render_form(
        request, "accounts/register.html", {"form": form, "next": _safe_next(request)}
    )


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    memberships = Membership.objects.filter(user=request.user).select_related("organisation")
    return render(request, "accounts/dashboard.html", {"memberships": memberships})


@require_GET
def organisation_directory(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/organisation_directory.html",
        {"organisations": selectors.organisation_public_list()},
    )


@require_GET
@not_found_as_404
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    org = selectors.access_organisation_by_slug(user=request.user, slug=slug)
    can_see_members = request.user.has_perm("accounts.view_organisation_members", org)
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": org,
            "members": selectors.membership_list(organisation=org) if can_see_members else None,
            "can_edit": request.user.has_perm("accounts.change_organisation", org),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        OrganisationForm(request.POST or None),
        "accounts/organisation_form.html",
        {"organisation": None},
        save=lambda form: services.organisation_create(
            actor=request.user, data=form.to_data(), submission_key=posted_key(request)
        ),
        success=lambda org: f"{org.name} has been added.",
        redirect_to=lambda org: ("accounts:organisation_detail", org.slug),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    org = selectors.access_organisation_by_slug(
        user=request.user, slug=slug, perm="accounts.change_organisation"
    )
    return form_page(
        request,
        OrganisationForm(request.POST or None, initial=organisation_initial(org)),
        "accounts/organisation_form.html",
        {"organisation": org},
        save=lambda form: services.organisation_update(
            actor=request.user, organisation=org, data=form.to_data()
        ),
        success="The profile has been saved.",
        redirect_to=lambda _: ("accounts:organisation_detail", org.slug),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def organisation_members(request: HttpRequest, slug: str) -> HttpResponse:
    org = selectors.access_organisation_by_slug(
        user=request.user, slug=slug, perm="accounts.invite_to_organisation"
    )
    form = InviteForm(request.POST or None)
    return form_page(
        request,
        form,
        "accounts/organisation_members.html",
        lambda: {
            "organisation": org,
            "members": selectors.membership_list(organisation=org),
            "invitations": selectors.invitation_open_list(organisation=org),
        },
        save=lambda form: services.invitation_create(
            actor=request.user,
            organisation=org,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            accept_url_base=request.build_absolute_uri("/")[:-1],
        ),
        success=lambda _: f"We have emailed an invitation to {form.cleaned_data['email']}.",
        redirect_to=("accounts:organisation_members", org.slug),
    )


@login_required
@require_POST
@not_found_as_404
def membership_remove(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    org = selectors.access_organisation_by_slug(
        user=request.user, slug=slug, perm="accounts.change_organisation"
    )
    membership = (
        Membership.objects.filter(pk=membership_id, organisation=org).select_related("user").first()
    )
    if membership is None:
        raise Http404
    return post_action(
        request,
        lambda: services.membership_remove(actor=request.user, membership=membership),
        success=lambda _: f"{membership.user.full_name} is no longer a member.",
        redirect_to=("accounts:organisation_members", org.slug),
    )


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = selectors.invitation_by_token(token=token)
    except NotFound as exc:
        return render(
            request, "accounts/invitation_invalid.html", {"message": exc.message}, status=404
        )
    error = None
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse_lazy('accounts:login')}?next={request.path}")
        try:
            membership = services.invitation_accept(user=request.user, token=token)
        except ServiceError as exc:
            error = exc.message
        else:
            messages.success(request, f"You are now a member of {membership.organisation.name}.")
            return redirect("accounts:organisation_detail", membership.organisation.slug)
    return render(
        request,
        "accounts/invitation_accept.html",
        {"invitation": invitation, "error": error},
        status=400 if error else 200,
    )
