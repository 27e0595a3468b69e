"""People, their roles, and the organisations they act for."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coproduce.foundation.core.models import ServiceArea, TimeStampedModel

from .identifiers import SCHEMES, org_id, postcode_district


class Role(models.TextChoices):
    RESIDENT = "resident", "Resident or service user"
    PROVIDER = "provider", "Provider (organisation member)"
    COMMISSIONER = "commissioner", "Commissioner (council officer)"
    FINANCE = "finance", "Finance officer or auditor"
    ADMIN = "admin", "Platform administrator"


COUNCIL_ROLES = {Role.COMMISSIONER, Role.FINANCE, Role.ADMIN}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("role", Role.RESIDENT)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(role=Role.ADMIN, is_staff=True, is_superuser=True)
        extra.setdefault("full_name", "Administrator")
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Their ``role`` decides what council work they can do.

    Council staff (commissioner, finance, admin) act for the council; providers act for
    organisations through memberships; residents act for themselves.
    """

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.RESIDENT)
    job_title = models.CharField(max_length=150, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can use the Django admin site.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_council_staff(self) -> bool:
        return self.is_active and self.role in COUNCIL_ROLES

    @property
    def can_read_audit(self) -> bool:
        return self.is_active and self.role in {Role.ADMIN, Role.FINANCE}


class LegalForm(models.TextChoices):
    CIO = "cio", "Charitable incorporated organisation (CIO)"
    CHARITABLE_COMPANY = "charitable_company", "Charitable company"
    CIC = "cic", "Community interest company (CIC)"
    CLG = "clg", "Company limited by guarantee"
    CLS = "cls", "Company limited by shares"
    COMMUNITY_BENEFIT = "cbs", "Community benefit society or co-operative"
    UNINCORPORATED = "unincorporated", "Unincorporated association or community group"
    SOLE_TRADER = "sole_trader", "Sole trader"
    PARTNERSHIP = "partnership", "Partnership or LLP"
    PUBLIC_BODY = "public_body", "Public body"
    OTHER = "other", "Other"


class SizeBand(models.TextChoices):
    MICRO = "micro", "Micro: fewer than 10 staff and turnover up to £2 million"
    SMALL = "small", "Small: fewer than 50 staff and turnover up to £10 million"
    MEDIUM = "medium", "Medium: fewer than 250 staff and turnover up to £50 million"
    LARGE = "large", "Large: 250 staff or more, or turnover over £50 million"


SME_BANDS = {SizeBand.MICRO, SizeBand.SMALL, SizeBand.MEDIUM}


class Organisation(TimeStampedModel):
    """A provider: charity, social enterprise, business, user-led organisation or group.

    The flags (VCSE, user-led, supported business) are self-declared and feed the
    procurement rules and the market diversity report. A supported business must state
    the share of its workforce that is disabled or disadvantaged (at least 30%).
    """

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    legal_form = models.CharField(max_length=30, choices=LegalForm.choices)
    size_band = models.CharField(max_length=10, choices=SizeBand.choices)
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    is_vcse = models.BooleanField("Voluntary, community or social enterprise", default=False)
    is_user_led = models.BooleanField("User-led organisation", default=False)
    user_led_description = models.CharField(max_length=200, blank=True)
    is_supported_business = models.BooleanField("Supported business", default=False)
    workforce_disadvantaged_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    # Staff headcount, so that a consortium's combined workforce can be worked out
    # (all members' disabled or disadvantaged staff ÷ all their staff).
    workforce_headcount = models.PositiveIntegerField(null=True, blank=True)
    service_areas = models.ManyToManyField(ServiceArea, blank=True, related_name="organisations")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(workforce_disadvantaged_percent__isnull=True)
                | Q(workforce_disadvantaged_percent__lte=100),
                name="org_workforce_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(is_supported_business=False)
                | Q(workforce_disadvantaged_percent__gte=30),
                name="org_supported_business_30_percent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_local(self) -> bool:
        return postcode_district(self.postcode) in settings.COUNCIL_POSTCODE_DISTRICTS

    @property
    def size_label(self) -> str:
        return SizeBand(self.size_band).label.split(":")[0]

    @property
    def is_sme(self) -> bool:
        return self.size_band in SME_BANDS


class OrganisationIdentifier(models.Model):
    """A registered number of an organisation under one scheme (e.g. GB-CHC 1234567)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="identifiers"
    )
    scheme = models.CharField(max_length=10, choices=[(k, v.name) for k, v in SCHEMES.items()])
    identifier = models.CharField(max_length=20)

    class Meta:
        ordering = ["scheme"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "identifier"], name="org_identifier_unique"),
            models.UniqueConstraint(
                fields=["organisation", "scheme"], name="org_one_identifier_per_scheme"
            ),
        ]

    def __str__(self) -> str:
        return self.org_id

    @property
    def org_id(self) -> str:
        return org_id(self.scheme, self.identifier)

    @property
    def scheme_name(self) -> str:
        return SCHEMES[self.scheme].name


class MemberRole(models.TextChoices):
    ADMIN = "admin", "Administrator: can edit the profile and invite people"
    MEMBER = "member", "Member: can act for the organisation"


class Membership(TimeStampedModel):
    """A person acting for an organisation, with a role inside it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation} ({self.role})"


class Invitation(TimeStampedModel):
    """An invitation by email to join an organisation. Only a hash of the token is kept."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.organisation}"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )
