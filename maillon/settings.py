"""Maillon settings: read from environment variables only, with safe defaults.

MAILLON_ENV=development (default) or production. In production SECRET_KEY and
ALLOWED_HOSTS must be set, cookies are secure and HSTS is on.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    """Read a setting, also from NAME_FILE (Docker / systemd secrets)."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    return os.environ.get(name, default)


def envbool(name: str, default: str = "False") -> bool:
    return env(name, default).lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(env(name, str(default)))


MAILLON_ENV = env("MAILLON_ENV", "development")
if MAILLON_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured("MAILLON_ENV must be development, production or test")
PRODUCTION = MAILLON_ENV == "production"
TESTING = MAILLON_ENV == "test"

DATA_DIR = Path(env("MAILLON_DATA_DIR", str(Path.cwd() / "data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
(DATA_DIR / "static").mkdir(exist_ok=True)


def _secret_key() -> str:
    key = env("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY is required when MAILLON_ENV=production")
    if TESTING:
        return "test-only-secret-key-" + "x" * 40
    # Development: generate once, keep it in the data directory.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()


def _health_key() -> str:
    """The key of children's health records (maillon/health/crypto.py): HEALTH_KEY, or in
    development one generated once into the data directory. Production has none by default
    (`maillon check --deploy` then fails: health.E001)."""
    key = env("HEALTH_KEY")
    if key or PRODUCTION:
        return key
    if TESTING:
        return "dGVzdC1vbmx5LWhlYWx0aC1rZXktMzItYnl0ZXMtISE="  # base64 of 32 fixed bytes
    key_file = DATA_DIR / "health_key"
    if not key_file.exists():
        import base64

        key_file.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


HEALTH_KEY = _health_key()
# Earlier keys, still read while `maillon health rotate-key` re-encrypts under HEALTH_KEY.
HEALTH_OLD_KEYS = [k.strip() for k in f"{env('HEALTH_OLD_KEYS')},{env('HEALTH_OLD_KEY')}".split(",") if k.strip()]
if not PRODUCTION and (DATA_DIR / "health_key.old").exists():  # a development rotation (rotate-key --generate) under way
    HEALTH_OLD_KEYS += (DATA_DIR / "health_key.old").read_text().split()
DEBUG = envbool("DEBUG", "False")
ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver").split(",") if h.strip()]
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when MAILLON_ENV=production")
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("CSRF_TRUSTED_ORIGINS").split(",") if o.strip()]


def _base_url() -> str:
    """The address people reach Maillon at, for every link that leaves a request: e-mails,
    .ics files, PDFs, Wagtail. WAGTAILADMIN_BASE_URL is read as an older name for it."""
    url = env("MAILLON_BASE_URL") or env("WAGTAILADMIN_BASE_URL")
    if url:
        if not url.startswith(("http://", "https://")):
            raise ImproperlyConfigured("MAILLON_BASE_URL must start with https:// (or http://), e.g. https://intranet.exemple.fr")
        return url.rstrip("/")
    if not PRODUCTION:
        return "http://127.0.0.1:8000"
    hosts = [h for h in ALLOWED_HOSTS if "*" not in h and not h.startswith(".")]
    if len(ALLOWED_HOSTS) == 1 and len(hosts) == 1:
        return f"https://{hosts[0]}"
    raise ImproperlyConfigured(
        "MAILLON_BASE_URL is required when MAILLON_ENV=production and ALLOWED_HOSTS does not name exactly one host "
        "(e.g. MAILLON_BASE_URL=https://intranet.exemple.fr): it is the address used in e-mails, .ics files and PDFs"
    )


MAILLON_BASE_URL = _base_url()

INSTALLED_APPS = [
    # Maillon foundation
    "maillon.core",
    "maillon.organisations",
    "maillon.accounts",
    "maillon.audit",
    "maillon.notifications",
    "maillon.ui",
    # Domain apps plug in here (see docs/adding-a-domain-app.md)
    "maillon.agenda",
    "maillon.leave",
    "maillon.procedures",
    "maillon.content",
    "maillon.directory",
    "maillon.backups",
    "maillon.meetings",
    "maillon.reception",
    "maillon.health",
    "maillon.stats",
    "maillon.spaces",
    "maillon.reports",
    "maillon.mailings",
    "maillon.space_events",
    "maillon.kb",
    "maillon.expertise",
    "maillon.communes",
    "maillon.diagnostic",
    "maillon.citizens",
    "maillon.participation",
    "maillon.signalements",
    "maillon.competencies",
    # Third party
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",  # the person's open sessions (accounts/services_sessions.py)
    "ninja",  # serves the API docs' assets locally (the CSP forbids a CDN)
    "django_tasks",
    "django_tasks_db",
    "channels",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "maillon.core.middleware.SecurityHeadersMiddleware",
    "maillon.core.middleware.HealthProbeMiddleware",  # /healthz, /readyz: before sessions and host checks
    "maillon.core.busy.BusyDatabaseMiddleware",  # a view that met a locked database: French 503 + Retry-After
    "django.middleware.security.SecurityMiddleware",
    "maillon.core.first_visit.StylesheetCookieMiddleware",  # the stylesheet's response: the browser has it now
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "maillon.core.integrity.SubresourceIntegrityMiddleware",  # inside GZip: reads the page before compression
    "maillon.core.first_visit.FirstVisitStyleMiddleware",  # a browser's first page: the stylesheet inside it
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "maillon.core.edge.EdgeLimitsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "maillon.accounts.middleware.AllauthSessionMiddleware",
    "maillon.accounts.middleware.SessionActivityMiddleware",  # « last seen » of the session, every 5 minutes
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "maillon.organisations.middleware.OrganisationMiddleware",
    "maillon.stats.middleware.PageViewMiddleware",  # counts page views in memory, written in batches (stats app)
    "maillon.accounts.middleware.RequireMFAMiddleware",
    "maillon.content.cms.CmsTenancyMiddleware",  # /cms/ stays inside the editor's organisation
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "maillon.urls"
WSGI_APPLICATION = "maillon.wsgi.application"
ASGI_APPLICATION = "maillon.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "maillon.ui.context_processors.layout",
            ],
        },
    },
]
# A browser's first page carries the layout's stylesheet inline (core/first_visit.py, issue 14),
# when the page's HTML is at most this many bytes before the CSS.
MAILLON_INLINE_STYLE_FIRST_VISIT = envbool("MAILLON_INLINE_STYLE_FIRST_VISIT", "False" if TESTING else "True")
MAILLON_INLINE_STYLE_MAX_PAGE = envint("MAILLON_INLINE_STYLE_MAX_PAGE", 40_000)
# Every form's empty choice reads « Choisir… » / « Non précisé », never Django's dashes.
FORM_RENDERER = "maillon.ui.forms.FormRenderer"

# Database: SQLite in the data directory unless DATABASE_URL is set.
_sqlite_path = DATA_DIR / "maillon.sqlite3"
# Connections are kept between requests in every mode (opening one costs 19 ms per page on
# PostgreSQL, 4 ms on SQLite), checked before reuse, and closed after MAILLON_DB_CONN_MAX_AGE s.
DATABASES = {"default": dj_database_url.parse(env("DATABASE_URL", f"sqlite:///{_sqlite_path}"),
                                              conn_max_age=envint("MAILLON_DB_CONN_MAX_AGE", 600), conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: every transaction takes the write lock at its start, so two
        # writers queue (busy timeout) instead of failing on lock upgrade.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000; "
            "PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": env("SQLITE_TEST_NAME", "")} if env("SQLITE_TEST_NAME") else {}
    # Django's backend plus a fair queue of writers (« database is locked » no more under load).
    DATABASES["default"]["ENGINE"] = "maillon.core.sqlite"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not TESTING and envint("MAILLON_DB_POOL_SIZE", 8) > 0:
    # Under ASGI each request runs in a thread of its own, so a connection kept « per thread »
    # is never reused and they pile up (« too many clients » at 40 people at once, issue 14):
    # each web process keeps a pool instead (psycopg_pool), of MAILLON_DB_POOL_SIZE connections.
    # Django's pool replaces persistent connections (CONN_MAX_AGE must be 0 with it).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1, "max_size": envint("MAILLON_DB_POOL_SIZE", 8), "timeout": 20, "max_idle": 300}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: channel layer and shared cache when REDIS_URL is set.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    # Both carry on without Redis while it is unreachable (a log line says so): maillon/core/resilient.py.
    CACHES = {"default": {"BACKEND": "maillon.core.resilient.ResilientRedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "maillon"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "maillon.core.resilient.ResilientRedisChannelLayer", "CONFIG": {
        "hosts": [{"address": REDIS_URL, "socket_connect_timeout": 0.5}], "prefix": "maillon"}}}
    # Sessions read from the shared cache first (a logout clears it for every node), from the
    # database alone while Redis is down: nobody is logged out by an outage.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # Several `maillon serve` processes on one machine share one cache through files in the
    # data directory (login rate limits must count every attempt, whichever process got it);
    # the tests keep theirs in memory.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "maillon"} if TESTING else
              {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(DATA_DIR / "cache"),
               "OPTIONS": {"MAX_ENTRIES": 5000}}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    # Django's database sessions, the row read through a query compiled once per process (issue 14).
    SESSION_ENGINE = "maillon.core.session_store"
# Without Redis the channel layer does not cross processes: live counts are also re-read this often.
MAILLON_LIVE_POLL_SECONDS = float(env("MAILLON_LIVE_POLL_SECONDS", "0" if REDIS_URL else "30"))

# Background tasks: database queue (django-tasks API), run by `maillon worker`.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend"}}
# A task left RUNNING by a worker silent for this long is taken again, up to this many runs in
# all, then marked failed (maillon/core/worker.py).
MAILLON_TASK_LEASE_SECONDS = envint("MAILLON_TASK_LEASE_SECONDS", 300)
MAILLON_TASK_MAX_ATTEMPTS = envint("MAILLON_TASK_MAX_ATTEMPTS", 3)

# Backups (maillon/backups, docs/operations.md): `maillon backup`, and the worker daily at 02:30.
# Archives go to BACKUP_DIR, pruned to the last of each of 7 days, 4 weeks and 12 months, encrypted
# with the passphrase or the key file when one is set, copied to BACKUP_COPY_DIR and/or an
# S3-compatible bucket; an alert when one fails or none succeeded for BACKUP_ALERT_HOURS.
BACKUP_DIR = Path(env("BACKUP_DIR", str(DATA_DIR / "backups")))
BACKUP_KEEP_DAILY = envint("BACKUP_KEEP_DAILY", 7)
BACKUP_KEEP_WEEKLY = envint("BACKUP_KEEP_WEEKLY", 4)
BACKUP_KEEP_MONTHLY = envint("BACKUP_KEEP_MONTHLY", 12)
BACKUP_PASSPHRASE_FILE = os.environ.get("BACKUP_PASSPHRASE_FILE", "")
BACKUP_KEY_FILE = os.environ.get("BACKUP_KEY_FILE", "")
BACKUP_COPY_DIR = env("BACKUP_COPY_DIR")
BACKUP_S3_ENDPOINT = env("BACKUP_S3_ENDPOINT")  # empty: AWS itself
BACKUP_S3_BUCKET = env("BACKUP_S3_BUCKET")
BACKUP_S3_PREFIX = env("BACKUP_S3_PREFIX", "maillon")
BACKUP_S3_REGION = env("BACKUP_S3_REGION")
BACKUP_S3_KEY = env("BACKUP_S3_KEY")
BACKUP_S3_SECRET = env("BACKUP_S3_SECRET")
BACKUP_ALERT_HOURS = envint("BACKUP_ALERT_HOURS", 26)
BACKUP_ALERT_ROLES = env("BACKUP_ALERT_ROLES", "director,admin")

# Accounts
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "maillon.accounts.passwords.CnilPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_ADAPTER = "maillon.accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_RATE_LIMITS = {
    # Failed logins (accounts/adapter.py): 5 in 5 minutes for one account from one address,
    # 20 in 15 minutes for one account from anywhere, and 100 in 15 minutes from one address
    # for all accounts together: a centre's 50 staff behind one public address share that one.
    "login_failed_pair": "5/5m/key",
    "login_failed": "100/15m/ip,20/15m/key",
    "signature_failed": "5/5m/key",  # wrong passwords when signing (accounts/signing.py)
    "login": "200/m/ip",  # any login POST (allauth's default, 30/m, is a centre at 9:00)
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
}
# Behind N reverse proxies, the client's address is the N-th from the right of X-Forwarded-For:
# login limits, the audit log and the sessions list read it (0: the connection's address).
ALLAUTH_TRUSTED_PROXY_COUNT = envint("ALLAUTH_TRUSTED_PROXY_COUNT", 0)
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Maillon"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
# Sessions are listed by allauth's usersessions; « last seen » is written by our own middleware,
# every five minutes at most, instead of allauth's on every request (USERSESSIONS_TRACK_ACTIVITY).
USERSESSIONS_TRACK_ACTIVITY = False
# A login from a browser, system and network prefix not seen for this many days is notified.
MAILLON_NEW_DEVICE_DAYS = envint("MAILLON_NEW_DEVICE_DAYS", 90)
# /.well-known/security.txt (core/securitytxt.py): an e-mail address, mailto: or https: address;
# by default security@ the host of MAILLON_BASE_URL.
MAILLON_SECURITY_CONTACT = env("MAILLON_SECURITY_CONTACT")
# Roles that must have a second factor (issue #2).
MAILLON_MFA_REQUIRED_ROLES = {"hr", "director", "admin"}

SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 10 * 3600)  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "maillon.core.errors.csrf_failure"  # French page (JSON under /api/)

# Security headers
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "True")
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "True")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SILENCED_SYSTEM_CHECKS = []

# E-mail: EMAIL_URL (smtp://user:pass@host:587/?tls=True), or « none » to send no e-mail at all
# (password resets and invitations then go nowhere: `maillon check --deploy` and the pages that
# send mail say so). Required in production; outside it, the development outbox.
EMAIL_URL = env("EMAIL_URL")
EMAIL_DISABLED = EMAIL_URL.strip().lower() == "none"
if EMAIL_DISABLED:
    EMAIL_BACKEND = "maillon.notifications.backends.DisabledEmailBackend"
elif EMAIL_URL:
    vars().update(dj_email_url.parse(EMAIL_URL))
elif PRODUCTION:
    raise ImproperlyConfigured(
        "EMAIL_URL is required when MAILLON_ENV=production: smtp://user:password@host:587/?tls=True, "
        "or « none » to send no e-mail (no password reset, no invitation by e-mail)")
elif TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
else:
    EMAIL_BACKEND = "maillon.notifications.backends.OutboxEmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Maillon <noreply@maillon.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# FranceConnect (OpenID Connect) for citizens of communes (maillon/citizens/franceconnect.py): the
# provider's discovery document (or its issuer, « /.well-known/openid-configuration » appended),
# and the client registered with it. Unset: the « FranceConnect » button is not shown. The redirect
# URI to register is <address>/citoyens/franceconnect/retour/ (and, to end FranceConnect's session
# too, <address>/citoyens/franceconnect/fin/ as post-logout URI).
_fc_issuer = env("MAILLON_FRANCECONNECT_ISSUER").rstrip("/")
FRANCECONNECT = {
    "discovery_url": env("MAILLON_FRANCECONNECT_DISCOVERY_URL")
    or (f"{_fc_issuer}/.well-known/openid-configuration" if _fc_issuer else ""),
    "client_id": env("MAILLON_FRANCECONNECT_CLIENT_ID"),
    "client_secret": env("MAILLON_FRANCECONNECT_CLIENT_SECRET"),
    "scope": env("MAILLON_FRANCECONNECT_SCOPE", "openid given_name family_name email"),
    "acr_values": env("MAILLON_FRANCECONNECT_ACR_VALUES", "eidas1"),
}

# Web Push (notifications/push.py): the VAPID key pair that signs every push, and who to contact
# (mailto: or https:). Several nodes must share one key: set it from the environment (PEM or the
# raw base64url key); without it, one is generated once into the data directory.
VAPID_PRIVATE_KEY = env("MAILLON_VAPID_PRIVATE_KEY")
VAPID_PUBLIC_KEY = env("MAILLON_VAPID_PUBLIC_KEY")
VAPID_SUBJECT = env("MAILLON_VAPID_SUBJECT")

# Internationalisation: French first, Europe/Paris.
LANGUAGE_CODE = "fr"
# The interface is French for everyone, whatever the browser asks (msgids are English).
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# Static and media files, served by the app itself (WhiteNoise).
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = []
MEDIA_URL = "/media/"  # logos: organisations.views.logo; later documents get access-checked views
MEDIA_ROOT = Path(env("MAILLON_MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (TESTING or DEBUG)
        else "maillon.ui.storage.CompactStaticFilesStorage"  # WhiteNoise's, our CSS without comments
    },
}
WHITENOISE_USE_FINDERS = TESTING or DEBUG
WHITENOISE_MAX_AGE = 31536000 if PRODUCTION else 3600
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Whole request body, files included (core/edge.py): refused with 413 before it is read.
MAILLON_MAX_REQUEST_BYTES = envint("MAILLON_MAX_REQUEST_MB", 30) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Usage statistics (stats app, README « Statistics »): raw page views kept STATS_RAW_DAYS days,
# daily aggregates STATS_KEEP_MONTHS months (the CNIL's exemption: 25 at most); page views wait in
# each process's memory and are written every STATS_FLUSH_SECONDS s or STATS_BATCH_SIZE views.
STATS_RAW_DAYS = envint("MAILLON_STATS_RAW_DAYS", 7)
STATS_KEEP_MONTHS = min(envint("MAILLON_STATS_KEEP_MONTHS", 25), 25)

# Targeted mailings (mailings app): messages per second a worker sends, rows it claims at once, how
# old a claimed batch must be to count as interrupted (« failed », sent again only by hand), and
# how long one sending task runs before it hands the rest to a new one.
MAILINGS_RATE = float(env("MAILLON_MAILINGS_RATE", "60"))
MAILINGS_BATCH = envint("MAILLON_MAILINGS_BATCH", 20)
MAILINGS_STALE_SECONDS = envint("MAILLON_MAILINGS_STALE_SECONDS", 300)
MAILINGS_TASK_SECONDS = envint("MAILLON_MAILINGS_TASK_SECONDS", 60)
STATS_FLUSH_SECONDS = envint("MAILLON_STATS_FLUSH_SECONDS", 5)
STATS_BATCH_SIZE = envint("MAILLON_STATS_BATCH_SIZE", 200)
STATS_BACKGROUND_FLUSH = MAILLON_ENV != "test"  # tests write the buffer themselves (stats/tests)

# Wagtail (content back office; see the content issue)
WAGTAIL_SITE_NAME = "Maillon"
WAGTAILADMIN_BASE_URL = MAILLON_BASE_URL  # Wagtail's own links (its e-mails, previews) too
WAGTAIL_I18N_ENABLED = False
WAGTAIL_ALLOW_UNICODE_SLUGS = False  # page addresses in plain ASCII (« Événements » → evenements)
# Editors log in through allauth (MFA, rate limits); Wagtail's own password screens are off.
WAGTAILADMIN_LOGIN_URL = "/comptes/login/"
WAGTAIL_FRONTEND_LOGIN_URL = "/comptes/login/"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False  # passwords are set through allauth only (policy, limits)
# No shared passwords on pages or document collections: a password that is not a person's
# account would be a login without MFA nor rate limits. Restrict to logged-in people or groups.
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no third-party avatars (privacy, CSP)
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français"), ("en", "English")]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "maillon.core.logfilters.RefusalWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["refusals"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
