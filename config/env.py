"""Typed readers for settings that come from the environment.

Every reader raises ImproperlyConfigured naming the variable when a value is
missing where it is required or cannot be understood, so a misconfigured
deployment stops at start-up instead of misbehaving later.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


class Env:
    """Reads variables from a mapping (os.environ unless a test passes one)."""

    def __init__(self, environ: Mapping[str, str] | None = None):
        self.environ = os.environ if environ is None else environ

    def raw(self, name: str) -> str | None:
        value = self.environ.get(name)
        if value is None or value.strip() == "":
            return None
        return value.strip()

    def required(self, name: str, reason: str) -> str:
        value = self.raw(name)
        if value is None:
            raise ImproperlyConfigured(f"{name} must be set {reason}.")
        return value

    def str(self, name: str, default: str) -> str:
        value = self.raw(name)
        return default if value is None else value

    def bool(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        if value.lower() in TRUE_WORDS:
            return True
        if value.lower() in FALSE_WORDS:
            return False
        raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use true or false.")

    def int_at_least(self, name: str, default: int, minimum: int) -> int:
        value = self.raw(name)
        if value is None:
            return default
        if not value.isdigit() or int(value) < minimum:
            raise ImproperlyConfigured(
                f"{name}={value!r} must be a whole number of at least {minimum}."
            )
        return int(value)

    def list(self, name: str, default: list[str]) -> list[str]:
        value = self.raw(name)
        if value is None:
            return list(default)
        items = [item.strip() for item in value.split(",") if item.strip()]
        if not items:
            raise ImproperlyConfigured(f"{name}={value!r} names no values.")
        return items

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.str(name, default).lower()
        if value not in choices:
            raise ImproperlyConfigured(f"{name}={value!r} must be one of: {', '.join(choices)}.")
        return value

    def database(self, name: str, default: str, base_dir: Path) -> dict:
        return parse_database_url(name, self.str(name, default), base_dir)

    def cache(self, name: str, default: str) -> dict:
        return parse_cache_url(name, self.str(name, default))


# Connections are kept between requests: opening one costs more than most pages' queries.
CONNECTION_SECONDS = 60
# SQLite allows one writer at a time. A transaction that starts by reading and then
# writes cannot wait for another writer (that could deadlock), so it fails at once
# with "database is locked". Taking the write lock when the transaction begins lets
# a second save wait, up to the timeout, then see the first (an edit conflict).
SQLITE_OPTIONS = {"timeout": 20, "transaction_mode": "IMMEDIATE"}


def parse_database_url(name: str, url: str, base_dir: Path) -> dict:
    """Turn sqlite:///path or postgres://user:pass@host:port/db into DATABASES['default']."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///db.sqlite3 is relative to the project; sqlite:////abs/path is absolute.
        path = unquote(parts.path)
        if path in ("", "/"):
            raise ImproperlyConfigured(f"{name}={url!r} names no database file.")
        location = Path(path[1:]) if path.startswith("//") else base_dir / path.lstrip("/")
        return {
            "ENGINE": "config.sqlite",
            "NAME": str(location),
            "OPTIONS": dict(SQLITE_OPTIONS),
            "CONN_MAX_AGE": CONNECTION_SECONDS,
        }
    if parts.scheme in ("postgres", "postgresql", "pgsql"):
        database = unquote(parts.path.lstrip("/"))
        if not database:
            raise ImproperlyConfigured(f"{name}={url!r} names no database.")
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"{name}={url!r} has a malformed port.") from None
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": database,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": CONNECTION_SECONDS,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(
        f"{name}={url!r} is not understood; use sqlite:///path or postgres://user@host:port/name."
    )


REDIS_CACHE_BACKEND = "config.cache.SharedRedisCache"


def parse_cache_url(name: str, url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": parts.netloc or "default",
        }
    if parts.scheme in ("redis", "rediss"):
        if not parts.hostname:
            raise ImproperlyConfigured(f"{name}={url!r} names no host.")
        # Seconds: an unreachable Redis must fail a request quickly, not hang a worker.
        options = {"socket_connect_timeout": 2, "socket_timeout": 2}
        return {"BACKEND": REDIS_CACHE_BACKEND, "LOCATION": url, "OPTIONS": options}
    if parts.scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"{name}={url!r} is not understood; use locmem:// or redis://host:port/db."
    )


def parse_email_url(name: str, url: str) -> dict:
    """Turn console:// or smtp[s]://user:pass@host:port into EMAIL_* settings."""
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme in ("smtp", "smtps", "submission"):
        if not parts.hostname:
            raise ImproperlyConfigured(f"{name}={url!r} names no host.")
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"{name}={url!r} has a malformed port.") from None
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": port or (465 if parts.scheme == "smtps" else 587),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": parts.scheme == "smtps",
            "EMAIL_USE_TLS": parts.scheme != "smtps",
        }
    raise ImproperlyConfigured(
        f"{name}={url!r} is not understood; use console:// or smtp://user:pass@host:port."
    )
