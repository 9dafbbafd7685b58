"""Bredvid settings: one module, every value read from the environment.

Each variable has an embedded development default so that a fresh machine runs with
nothing else installed. Production sets them all (``manage.py check --deploy`` is clean).
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# --- Core -------------------------------------------------------------------------------

# DEVELOPMENT DEFAULT: DEBUG is on unless DEBUG=false is set. Production turns it off.
DEBUG = env.bool("DEBUG", default=True)

_DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789abcdefghijkl"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "community.admin_apps.AdminConfig",  # Django's admin, asking for a second factor
    # before django.contrib.auth, so its changepassword (which also ends the account's
    # tokens, sessions and sockets) is the one manage.py runs
    "community",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "frontend",  # before allauth, so our account templates win
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "channels",
    "chat",
    "groups",
    "moderation",
    "push",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "frontend.middleware.NoStoreWhenSignedInMiddleware",
    "frontend.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "frontend.middleware.ConsentMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "asgi.application"
AUTH_USER_MODEL = "community.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frontend.context_processors.site",
            ],
        },
    },
]

# --- Engines: database, channel layer, cache ------------------------------------------

# DEVELOPMENT DEFAULT: a SQLite file. DATABASE_URL=postgres://... selects PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Live-server tests run daphne in a forked process, which cannot see an in-memory
    # database; the test database is a file, one per test run.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f"test_db_{os.getpid()}.sqlite3")}
    # Writers queue at BEGIN, so a read-then-write transaction never deadlocks.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
else:
    # One test database per run, so that runs side by side never share one.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
    if env.bool("DB_POOL", default=False):
        # Servers (make cluster, deploy/, the bench) turn this on. Under ASGI every request
        # runs in a thread of its own, so a connection kept per thread (CONN_MAX_AGE) is
        # opened and set up anew for each request; a pool shares them. Each connection is
        # checked as it is taken, so a restarted PostgreSQL costs no failed request; while
        # it is away a request waits at most DB_POOL_TIMEOUT. A thread that uses the ORM
        # must close its connection to give it back (Django does for requests, and
        # ``community.realtime.in_database`` for sockets): tests, whose threads do not,
        # run without it.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DB_POOL_MIN", default=1),
            "max_size": env.int("DB_POOL_MAX", default=8),
            "timeout": env.float("DB_POOL_TIMEOUT", default=2.0),
        }


def channel_layer_for(redis_url: str) -> dict:
    """The pub/sub layer on ``redis_url``. Pub/sub channels belong to the whole Redis server,
    not to one of its databases, so the names carry the database number: installs on their
    own databases of one server (a test run beside a bench, say) never hear each other."""
    database = urlparse(redis_url).path.strip("/") or "0"
    return {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [redis_url], "prefix": f"bredvid.{database}."},
    }


# DEVELOPMENT DEFAULT: the in-memory layer (one process). REDIS_URL selects channels_redis.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Pub/sub: a group send is one PUBLISH, fanned out in each process's memory, where the
    # core (list) layer pushes a copy per member and pops each one back (make bench
    # compares both). Nothing is kept for a socket that is not listening: a lost frame
    # is a seq gap, filled from the database.
    CHANNEL_LAYERS = {"default": channel_layer_for(REDIS_URL)}
    # The cache is a speed-up and a doorbell: an unreachable Redis is a miss, never an
    # error (community.cache), found within REDIS_TIMEOUT_SECONDS so sends don't stall.
    _redis_timeout = env.float("REDIS_TIMEOUT_SECONDS", default=0.5)
    CACHES = {
        "default": {
            "BACKEND": "community.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "bredvid",
            "OPTIONS": {
                "socket_connect_timeout": _redis_timeout,
                "socket_timeout": _redis_timeout,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts ---------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "community.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "community.forms.SignupForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Failed logins: at most 10 a minute from one address, 5 per account in 5 minutes.
# Sign-up e-mails (a code, or a note to a registered address's owner): 3 to one address in
# 10 minutes. Sign-up codes tried, right or wrong: 100 from one client address in 15
# minutes (a school class may share one); each address also locks after 5 wrong codes.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("LOGIN_FAILED_RATE", default="10/m/ip,5/5m/key"),
    "signup_email": "3/10m/key",
    "signup_confirm": "100/15m/ip",
}
# A sign-up never tells whether an address has an account (community.signup keeps to it).
ACCOUNT_PREVENT_ENUMERATION = True
# Staff sign-in: moderators, coordinators and the Django admin need a second factor
# (community.policies.has_second_factor); allauth's MFA does the pages: an authenticator
# app (TOTP) and recovery codes. Passkeys (WebAuthn) are not offered yet: their pages need
# scripts our content security policy does not allow.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Bredvid"
# One step of clock drift either way: a phone a little off still signs in.
MFA_TOTP_TOLERANCE = 1
MFA_TOTP_PERIOD = 30
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "frontend:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "frontend:landing"

# --- REST API ---------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes "not signed in" a 401.
        "community.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "community.errors.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Strict JSON, bounded in depth, valid Unicode (community.bounds)
    "DEFAULT_PARSER_CLASSES": ["community.rest.JSONParser"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append(
        "rest_framework.renderers.BrowsableAPIRenderer"
    )

# API tokens (django-rest-knox): stored as SHA-512 digests, never as the key. A token ends
# after TOKEN_IDLE_DAYS without use; each use moves its end forward (written at most once an
# hour). Every password change or reset deletes all of an account's tokens.
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("TOKEN_IDLE_DAYS", default=30)),
    "AUTO_REFRESH": True,
    "MIN_REFRESH_INTERVAL": 3600,
    "AUTH_HEADER_PREFIX": "Token",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Bredvid API",
    "DESCRIPTION": "Peer community for young carers: accounts, rooms, groups, meetups.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # <id:…> in paths (community.bounds.IdConverter)
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}},
    "ENUM_NAME_OVERRIDES": {"CrisisCategoryEnum": "moderation.serializers.CRISIS_CATEGORIES"},
}

# --- Internationalisation and time ------------------------------------------------------

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "frontend" / "locale"]
LANGUAGE_COOKIE_NAME = "bredvid_language"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = env.bool("STATIC_USE_FINDERS", default=DEBUG)

# --- E-mail -----------------------------------------------------------------------------

# DEVELOPMENT DEFAULT: mail is printed to the console. EMAIL_URL=smtp+tls://... sends it.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# --- Web push (VAPID, RFC 8292) ----------------------------------------------------------
# The private key as raw base64url (32 bytes) or base64 DER; the public key, if set, must be
# its public half. With neither set: in DEBUG a DEVELOPMENT pair is made once and kept in
# VAPID_DEV_KEY_FILE (git-ignored); in production push is off.
VAPID_PRIVATE_KEY = env.str("VAPID_PRIVATE_KEY", default="")
VAPID_PUBLIC_KEY = env.str("VAPID_PUBLIC_KEY", default="")
VAPID_SUBJECT = env.str("VAPID_SUBJECT", default="mailto:noreply@bredvid.local")
VAPID_DEV_KEY_FILE = BASE_DIR / "var" / "vapid-development-key.pem"
# The browsers' push services the server will POST to ("." + name: any host under it).
PUSH_SERVICE_HOSTS = env.list(
    "PUSH_SERVICE_HOSTS",
    default=[
        "fcm.googleapis.com",  # Chrome, Edge, Opera, Samsung Internet
        "updates.push.services.mozilla.com",  # Firefox
        ".push.apple.com",  # Safari
        ".notify.windows.com",  # Edge (legacy WNS)
    ],
)

DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Bredvid <noreply@bredvid.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ---------------------------------------------------------------------------

SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline scripts or styles anywhere; the socket is same-origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Product ----------------------------------------------------------------------------

# The public address, for links in e-mail.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Where "Lämna snabbt" (quick exit) sends the visitor: a neutral, common site.
QUICK_EXIT_URL = env.str("QUICK_EXIT_URL", default="https://www.google.com/")

# Chat send limit (chat.services.limiter): a token bucket per person, shared by all their
# sockets on every process. It holds CHAT_SEND_LIMIT new messages (a burst of short
# messages goes through at once) and refills one every CHAT_SEND_REFILL_SECONDS (a
# sustained flood is held to about one a second). README.md states the same numbers.
CHAT_SEND_LIMIT = env.int("CHAT_SEND_LIMIT", default=10)
CHAT_SEND_REFILL_SECONDS = env.float("CHAT_SEND_REFILL_SECONDS", default=1.0)

# Who is in a room (chat.presence): each process tells a room's readers at most once per
# this many seconds, the first change at once and the rest together at the window's end,
# so sockets coming and going in a flood cost readers one frame a second, not two each.
PRESENCE_ANNOUNCE_SECONDS = env.float("PRESENCE_ANNOUNCE_SECONDS", default=1.0)

# Socket admission (chat.admission): a new socket is accepted and closed with 4503 (the
# client comes back after its backoff) while this many handshakes are under way in the
# process, while its event loop runs more than this many milliseconds late, or while the
# process uses more than this share of a core (both smoothed), so a storm of connects
# cannot hold up the room frames of the sockets already open.
SOCKET_HANDSHAKES_AT_ONCE = env.int("SOCKET_HANDSHAKES_AT_ONCE", default=16)
SOCKET_ADMIT_LAG_MS = env.float("SOCKET_ADMIT_LAG_MS", default=25.0)
SOCKET_ADMIT_CPU_PERCENT = env.float("SOCKET_ADMIT_CPU_PERCENT", default=75.0)
# ... but even then one new socket every this many seconds comes in.
SOCKET_ADMIT_FLOOR_SECONDS = env.float("SOCKET_ADMIT_FLOOR_SECONDS", default=0.5)

# Outside staffed hours, this many reports of one message hide it until a moderator looks.
MODERATION_AUTO_HIDE_REPORTS = env.int("MODERATION_AUTO_HIDE_REPORTS", default=3)

# --- Retention ---------------------------------------------------------------------------
# How long each kind of personal data is kept, in days (README "Retention", and the records
# of processing page, which reads these values). ``manage.py purge_expired`` (hourly) removes
# what has passed its period; each period ends at the same wall-clock time in Stockholm.
RETENTION = {
    # chat messages, counted from when they were written (~12 months)
    "chat_messages": env.int("RETENTION_CHAT_MESSAGES_DAYS", default=365),
    # what a member said they need to come to a meetup, counted from the meetup's end
    "rsvp_needs": env.int("RETENTION_RSVP_NEEDS_DAYS", default=30),
    # closed talk requests, with their proposed times, counted from when they closed
    "talk_requests": env.int("RETENTION_TALK_REQUESTS_DAYS", default=365),
    # support conversations, counted from their last message
    "support_conversations": env.int("RETENTION_SUPPORT_CONVERSATIONS_DAYS", default=365),
    "notifications": env.int("RETENTION_NOTIFICATIONS_DAYS", default=90),
    # closed moderation queue items, counted from when they were closed (~24 months):
    # moderators weigh a sanction or an appeal against about two years of decisions
    "queue_items": env.int("RETENTION_QUEUE_ITEMS_DAYS", default=730),
    # answered requests to join a group, counted from the answer
    "join_requests": env.int("RETENTION_JOIN_REQUESTS_DAYS", default=90),
    # group invitation links, counted from when they expired or were withdrawn
    "invitations": env.int("RETENTION_INVITATIONS_DAYS", default=30),
    # a device whose push service keeps refusing, counted from the first refusal
    "push_failing": env.int("RETENTION_PUSH_FAILING_DAYS", default=30),
}
for _name, _days in RETENTION.items():
    if not 1 <= _days <= 36500:
        raise ImproperlyConfigured(f"RETENTION_{_name.upper()}_DAYS must be 1 to 36500 days.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
