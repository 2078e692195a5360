"""Settings, read from the environment (see .env.example and the README)."""

import datetime
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import REDIS_CACHE_BACKEND, Env, parse_email_url

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env()

DJANGO_ENV = env.choice("DJANGO_ENV", "development", ("development", "production"))
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env.required("DJANGO_SECRET_KEY", "when DJANGO_ENV=production")
    env.required("DJANGO_ALLOWED_HOSTS", "when DJANGO_ENV=production")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", [])
    # Several processes must share one database and one cache: no silent fallback
    # to a file next to the code or to one process's memory.
    env.required("DATABASE_URL", "when DJANGO_ENV=production")
    env.required("CACHE_URL", "when DJANGO_ENV=production (redis://host:6379/0)")
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", "development-only-key-never-used-in-production")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1"])

DEBUG = env.bool("DJANGO_DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be false when DJANGO_ENV=production.")

INSTALLED_APPS = [
    # Django's admin, whose site names people as the site does (accounts/admin.py).
    "accounts.apps.AuthoringAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Above staticfiles: `runserver` leaves static files to WhiteNoise, so they get
    # the same headers in development as in production.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "reversion",
    # Nested inlines: a page's objectives with their measures, values and actions on one form.
    "nested_admin",
    "csp",
    "axes",
    "rules",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "base",
    "accounts",
    "strategy",
    "programs",
    "scorecards",
    "reviews",
    "public",
    "changes",
    "api",
    "mediawiki",
    "demo",
    "dashboard",
    "updates",
    # The job queue (books.tasks): the tasks' interface, and the database backend's tables.
    # Before books, whose admin.py takes the queue's rows out of the authoring admin.
    "django_tasks",
    "django_tasks_db",
    "books",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above everything that reads the session: a cached page skips all of it, and
    # is stored with the headers the middlewares beneath gave it.
    "base.page_cache.AnonymousPageCacheMiddleware",
    # The headers every answer carries, the database's 503 included.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.BrowserPolicyMiddleware",
    # Above sessions (stored in the database) and everything that asks who is signed in:
    # while the database is unreachable, every page answers a clean 503.
    "config.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # The site's rules (accounts/rules.py), asked first: a rule that says yes
    # (a page's manager, a reviewer at the dashboard) costs no loading of the
    # user's model permissions.
    "rules.permissions.ObjectPermissionBackend",
    # The groups' model permissions.
    "django.contrib.auth.backends.ModelBackend",
]
# Failed sign-ins are counted per username and address together, so an attacker
# elsewhere cannot lock a colleague out; five failures lock that pair for 15 minutes.
# Behind a proxy the address is the one it forwards (PROXY_COUNT below).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "config.proxy.client_address"
AXES_FAILURE_LIMIT = env.int_at_least("DJANGO_SIGNIN_FAILURE_LIMIT", 5, 1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": env.database("DATABASE_URL", "sqlite:///db.sqlite3", BASE_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", "locmem://")}
SHARED_CACHE = CACHES["default"]["BACKEND"] == REDIS_CACHE_BACKEND
if PRODUCTION and not SHARED_CACHE:
    raise ImproperlyConfigured(
        "CACHE_URL must name a Redis server when DJANGO_ENV=production: every process "
        "must see the same cached pages and content version."
    )
# Anonymous readers get whole pages from the cache until content changes
# (base/page_cache.py); a page is kept at most this long. Only with a shared
# cache by default: with one process's memory, a command run beside the server
# (an import, the demo) could not tell the server's cache that content changed.
PAGE_CACHE_SECONDS = env.int_at_least("DJANGO_PAGE_CACHE_SECONDS", 3600 if SHARED_CACHE else 0, 0)
# The parts of a page that are the same for every reader, under the same rules
# and for the same reason (base.page_cache.shared_fragment): signed-in readers
# then render only what is theirs.
FRAGMENT_CACHE_SECONDS = env.int_at_least(
    "DJANGO_FRAGMENT_CACHE_SECONDS", 3600 if SHARED_CACHE else 0, 0
)

# The job queue for long work (a map's briefing book). "immediate" runs each task as it is
# queued, in the request: development and tests need no other process. "database" keeps the
# queue in the site's database and a worker (`manage.py db_worker`, `make worker`,
# deploy/systemd/strategy-maps-worker.service) runs it: no service beyond the database.
TASKS_BACKEND = env.choice(
    "DJANGO_TASKS_BACKEND", "database" if PRODUCTION else "immediate", ("immediate", "database")
)
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASKS_BACKEND],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for one day
LOGIN_REDIRECT_URL = "strategy:home"
LOGOUT_REDIRECT_URL = "strategy:home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("DJANGO_TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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

# The JSON API (api/): public reads, so by default no sign-in is read and nothing is
# parsed; every answer is JSON (api.views.Endpoint also ignores the Accept header).
# Its one write (api/writes.py) reads a token and JSON itself, throttled per person.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "URL_FORMAT_OVERRIDE": None,
    "EXCEPTION_HANDLER": "api.views.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiSchema",
    "DEFAULT_THROTTLE_RATES": {"api-writes": "60/min"},
}
# The API's OpenAPI description (api/schema.py), served at /api/schema/.
SPECTACULAR_SETTINGS = {
    "TITLE": "Strategy maps and scorecards API",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SCHEMA_PATH_PREFIX": "/api/",
    "PATH_CONVERTER_OVERRIDES": {"slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}},
    # Choices stay with their fields rather than becoming components of their own;
    # their words are fields of their own (`status_label`).
    "POSTPROCESSING_HOOKS": ["api.schema.finish_document"],
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

globals().update(parse_email_url("EMAIL_URL", env.str("EMAIL_URL", "console://")))
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", "strategy-maps@localhost")
# Where the site is reached, for links in e-mail sent outside a request (review reminders).
SITE_URL = env.str("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_HSTS_SECONDS = env.int_at_least(
    "DJANGO_SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0, 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", PRODUCTION)
# Only the site's own scripts, styles, images and fonts; Bootstrap's CSS draws a
# few icons from data: URIs. The embed view relaxes frame-ancestors for itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
BROWSER_POLICY_HEADERS = {
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    # The old XSS filter of some browsers could be used to blank parts of a page;
    # the content security policy does its work, so it is turned off explicitly.
    "X-XSS-Protection": "0",
}


def _add_browser_policy_headers(headers, path, url):
    # Static files are answered by WhiteNoise, above the middleware that adds these.
    for name, value in BROWSER_POLICY_HEADERS.items():
        headers.setdefault(name, value)


WHITENOISE_ADD_HEADERS_FUNCTION = _add_browser_policy_headers
ADMIN_PATH = env.str("DJANGO_ADMIN_PATH", "admin/").strip("/") + "/"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
# No script of the site reads the token from the cookie; forms carry it.
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", PRODUCTION)
BEHIND_PROXY = env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies append the reader's address to X-Forwarded-For (config/proxy.py);
# deploy/nginx is one. 0 takes the address the connection comes from.
PROXY_COUNT = env.int_at_least("DJANGO_PROXY_COUNT", 1 if BEHIND_PROXY else 0, 0)

LOG_LEVEL = env.choice(
    "DJANGO_LOG_LEVEL", "info", ("debug", "info", "warning", "error", "critical")
).upper()
# Everything goes to stderr, once: Django's own loggers stop at their handler
# instead of also reaching the root one.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # WeasyPrint reports each step of every book, and each CSS rule of Bootstrap's it
        # does not support (screen-only ones): only its errors are news.
        "weasyprint": {"level": "ERROR"},
    },
}
