"""Settings for coproduce: one module, driven by environment variables.

Safe defaults for a laptop (SQLite, console email, DEBUG on). Production behaviour sits
behind one switch, ``DJANGO_ENV=production``, which turns DEBUG off, requires a real
``SECRET_KEY`` and enables secure cookies, HSTS and HTTPS redirects.
"""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"
TESTING = env.bool("COPRODUCE_TESTING", default=False)

DEBUG = env.bool("DEBUG", default=not PRODUCTION)

_DEV_SECRET = "insecure-development-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DJANGO_ENV=production (a long random string)."
        )
    SECRET_KEY = _DEV_SECRET

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    "django_tasks",
    "ninja",
    "coproduce.foundation.core",
    "coproduce.foundation.accounts",
    "coproduce.foundation.commissioning",
    "coproduce.understand.consultations",
    "coproduce.understand.ideas",
    "coproduce.understand.equality",
    "coproduce.understand.participatory_budgeting",
    "coproduce.plan.procurement_rules",
    "coproduce.plan.specifications",
    "coproduce.plan.evaluation_models",
    "coproduce.procure.tenders",
    "coproduce.plan.forward_plan",
    "coproduce.procure.complaints",
    "coproduce.procure.bids",
    "coproduce.procure.panels",
    "coproduce.procure.awards",
    "coproduce.deliver.contracts",
    "coproduce.deliver.monitoring",
    "coproduce.deliver.feedback",
    "coproduce.deliver.social_value",
    "coproduce.deliver.review",
    "coproduce.api",
    "coproduce.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "coproduce.api.middleware.RefuseNullCharactersMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "coproduce" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coproduce.foundation.core.context_processors.site",
            ],
        },
    },
]

# Database: SQLite file by default; PostgreSQL (or any Django URL) through DATABASE_URL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so concurrent writers queue
    # instead of failing with "database is locked" when a read turns into a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing is deliberately slow in production; tests create many users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "commissioning:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Login throttling (django-axes): lock an account+address pair after repeated failures.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Password-reset requests, "<count>/<s|m|h|d>": per client address, and per email address
# from every client together (accounts/throttle.py; docs/security.md).
PASSWORD_RESET_RATE = env.str("PASSWORD_RESET_RATE", default="5/h")
PASSWORD_RESET_EMAIL_RATE = env.str("PASSWORD_RESET_EMAIL_RATE", default="3/h")
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Built front-end assets (GOV.UK Frontend CSS/JS, htmx) land here: see Makefile `assets`.
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# In development WhiteNoise serves straight from the build folder (no collectstatic step).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"

# Email: the console by default; SMTP with EMAIL_URL=smtp://user:pass@host:587/?tls=True.
_email = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(_email)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="coproduce <no-reply@localhost>")
# The site's public address, for links in emails sent by background tasks (no request there).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Sealed bids: the master key that wraps every tender's private opening key and every
# bid's data key (see docs/bids.md, "How keys are managed"). 32 random bytes, urlsafe
# base64 (python -c "import base64,os;print(base64.urlsafe_b64encode(os.urandom(32)).decode())").
# Required in production; a fixed development key otherwise (never use it for real bids).
_DEV_SEALING_KEY = "ZGV2ZWxvcG1lbnQtb25seS1zZWFsaW5nLWtleS0wMDA="
BID_SEALING_KEY = env.str("BID_SEALING_KEY", default="")
if not BID_SEALING_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("BID_SEALING_KEY must be set when DJANGO_ENV=production.")
    BID_SEALING_KEY = _DEV_SEALING_KEY
# Earlier master keys, still able to unwrap keys made with them (rotation), comma-separated.
BID_SEALING_OLD_KEYS = env.list("BID_SEALING_OLD_KEYS", default=[])

# The audit trail: the key of the HMAC-SHA256 that chains every audit event to the one before
# (docs/audit.md). Kept outside the database, so someone who can write to the database but
# does not have this key cannot recompute the chain after editing it. 32 random bytes,
# urlsafe base64 (the same command as for BID_SEALING_KEY). Required in production; the
# development key below is public (never use it for a real trail). Rotation: put the old key
# in AUDIT_CHAIN_OLD_KEYS (comma-separated) and a new one here; each event records the id
# of the key that chained it, so older events still verify.
_DEV_AUDIT_CHAIN_KEY = "ZGV2ZWxvcG1lbnQtb25seS1hdWRpdC1jaGFpbi1rZXk="
AUDIT_CHAIN_KEY = env.str("AUDIT_CHAIN_KEY", default="")
if not AUDIT_CHAIN_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("AUDIT_CHAIN_KEY must be set when DJANGO_ENV=production.")
    AUDIT_CHAIN_KEY = _DEV_AUDIT_CHAIN_KEY
AUDIT_CHAIN_OLD_KEYS = env.list("AUDIT_CHAIN_OLD_KEYS", default=[])
# Published audit checkpoints are signed with this Ed25519 private key (32 random bytes,
# urlsafe base64), so anyone can check them with the public key shown on /audit/checkpoints/.
# Required in production; the development key below is public. Rotation: list the public
# keys of earlier signing keys in AUDIT_CHECKPOINT_OLD_PUBLIC_KEYS (comma-separated).
_DEV_AUDIT_CHECKPOINT_SIGNING_KEY = "ZGV2LW9ubHktYXVkaXQtY2hlY2twb2ludC1zaWduaW4="
AUDIT_CHECKPOINT_SIGNING_KEY = env.str("AUDIT_CHECKPOINT_SIGNING_KEY", default="")
if not AUDIT_CHECKPOINT_SIGNING_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "AUDIT_CHECKPOINT_SIGNING_KEY must be set when DJANGO_ENV=production."
        )
    AUDIT_CHECKPOINT_SIGNING_KEY = _DEV_AUDIT_CHECKPOINT_SIGNING_KEY
AUDIT_CHECKPOINT_OLD_PUBLIC_KEYS = env.list("AUDIT_CHECKPOINT_OLD_PUBLIC_KEYS", default=[])

# Participatory budgeting eligibility registers: the key of the HMAC-SHA256 under which a
# register's postcodes, dates of birth and references are kept (never in plain text). Kept
# outside the database, so a copy of the database alone cannot test guesses against it.
# Required in production (at least 32 characters); the development value below is public.
# Changing it makes every uploaded register unmatchable: upload the registers again.
_DEV_ELIGIBILITY_HASH_KEY = "development-only-eligibility-hash-key-not-for-real-registers"
ELIGIBILITY_HASH_KEY = env.str("ELIGIBILITY_HASH_KEY", default="")
if not ELIGIBILITY_HASH_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("ELIGIBILITY_HASH_KEY must be set when DJANGO_ENV=production.")
    ELIGIBILITY_HASH_KEY = _DEV_ELIGIBILITY_HASH_KEY
# Participatory budgeting: failed voting-code or residency checks allowed, "<count>/<s|m|h|d>",
# per address per round, and from everyone together per round.
BUDGETING_GUESS_RATE = env.str("BUDGETING_GUESS_RATE", default="10/h")
BUDGETING_ROUND_GUESS_RATE = env.str("BUDGETING_ROUND_GUESS_RATE", default="1000/h")

# Background jobs through the Django tasks API (django-tasks backport of django.tasks).
TASKS = {
    "default": {
        "BACKEND": env.str(
            "TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# Cache: per-process memory by default. Production with several workers should point this
# at a shared cache (Redis or the database cache) so rate limits count across processes.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Consultations (engagement): limits on anonymous answering, per address per consultation.
ENGAGEMENT_ANON_RATE = env.int("ENGAGEMENT_ANON_RATE", default=20)  # submissions an hour
ENGAGEMENT_ANON_SAVE_RATE = env.int("ENGAGEMENT_ANON_SAVE_RATE", default=60)  # saves an hour
ENGAGEMENT_IMAGE_MAX_BYTES = env.int("ENGAGEMENT_IMAGE_MAX_BYTES", default=2 * 1024 * 1024)
# Ideas board: anonymous ideas and comment reports allowed per address, "<count>/<s|m|h|d>".
IDEAS_ANON_RATE = env.str("IDEAS_ANON_RATE", default="10/h")

# Branding: a neutral council look, configurable without code changes.
COUNCIL_NAME = env.str("COUNCIL_NAME", default="Riverside Borough Council")
COUNCIL_LOGO_TEXT = env.str("COUNCIL_LOGO_TEXT", default="Riverside")
SERVICE_NAME = env.str("SERVICE_NAME", default="Commissioning with you")
BRAND_COLOUR = env.str("BRAND_COLOUR", default="#0b5b52")
BRAND_TEXT_COLOUR = env.str("BRAND_TEXT_COLOUR", default="#ffffff")
COUNCIL_CONTACT_EMAIL = env.str("COUNCIL_CONTACT_EMAIL", default="commissioning@riverside.example")
# Unicode TrueType font for letter PDFs (DejaVuSans.ttf and DejaVuSans-Bold.ttf; Debian package
# fonts-dejavu-core). Without it, letters fall back to Helvetica (Latin-1 only) with a warning.
LETTER_FONT_DIR = env.str("LETTER_FONT_DIR", default="/usr/share/fonts/truetype/dejavu")
# Deliver and review (issue 13): monitoring returns are due this many days after their
# period ends; feedback forms accept this many responses per address; decommissioning
# gives this much notice by default and refuses less than the minimum.
MONITORING_RETURN_DUE_DAYS = env.int("MONITORING_RETURN_DUE_DAYS", default=28)
FEEDBACK_RATE = env.str("FEEDBACK_RATE", default="30/h")
REVIEW_NOTICE_MONTHS = env.int("REVIEW_NOTICE_MONTHS", default=3)
REVIEW_MINIMUM_NOTICE_MONTHS = env.int("REVIEW_MINIMUM_NOTICE_MONTHS", default=3)
# Postcode districts inside the council's area: an organisation based here counts as local.
COUNCIL_POSTCODE_DISTRICTS = env.list(
    "COUNCIL_POSTCODE_DISTRICTS", default=["RV1", "RV2", "RV3", "RV4", "RV5", "RV6", "RV7"]
)

# Security headers. A strict content security policy: scripts only from us, with a nonce
# for the one inline line GOV.UK Frontend needs to mark the body as JavaScript-enabled.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "coproduce.foundation.core.views.csrf_failure"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Production refuses every public development key, whether it came from a default above or
# was copied into the environment by hand: SECRET_KEY, BID_SEALING_KEY, AUDIT_CHAIN_KEY and
# any other setting whose value (or one of whose values, for the *_OLD_KEYS lists) is one of
# the ``_DEV_*`` values in this file. A deployment with a public key has no secret at all.
DEVELOPMENT_KEY_VALUES = frozenset(
    value for name, value in list(globals().items()) if name.startswith("_DEV_")
)
if PRODUCTION:
    _public = sorted(
        name
        for name, value in list(globals().items())
        if name.isupper()
        and not name.startswith("_")
        and name != "DEVELOPMENT_KEY_VALUES"
        and (
            (isinstance(value, str) and value in DEVELOPMENT_KEY_VALUES)
            or (
                isinstance(value, list | tuple)
                and any(isinstance(v, str) and v in DEVELOPMENT_KEY_VALUES for v in value)
            )
        )
    )
    if _public:
        raise ImproperlyConfigured(
            f"DJANGO_ENV=production refuses the public development value of "
            f"{', '.join(_public)}. Set each to a new random key (see README.md, "
            "Configuration, and docs/security.md)."
        )
