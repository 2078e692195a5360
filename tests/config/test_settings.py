import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import Env, parse_cache_url, parse_database_url, parse_email_url

REPO_ROOT = Path(__file__).resolve().parents[2]
BASE_DIR = Path("/srv/strategy-maps")


# Env readers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("true", True),
        ("True", True),
        ("1", True),
        ("yes", True),
        (" on ", True),
        ("false", False),
        ("FALSE", False),
        ("0", False),
        ("no", False),
        ("off", False),
    ],
)
def test_bool_understands_common_words(raw, expected):
    assert Env({"FLAG": raw}).bool("FLAG", not expected) is expected


@pytest.mark.parametrize("environ", [{}, {"FLAG": ""}, {"FLAG": "   "}])
def test_bool_falls_back_to_default_when_unset_or_blank(environ):
    assert Env(environ).bool("FLAG", True) is True
    assert Env(environ).bool("FLAG", False) is False


def test_bool_refuses_maybe_and_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match=r"^DJANGO_DEBUG='maybe' is not a boolean"):
        Env({"DJANGO_DEBUG": "maybe"}).bool("DJANGO_DEBUG", False)


def test_list_splits_on_commas_and_drops_blanks():
    env = Env({"HOSTS": " example.org, www.example.org ,,"})

    assert env.list("HOSTS", ["localhost"]) == ["example.org", "www.example.org"]


def test_list_default_is_a_copy():
    default = ["localhost"]

    result = Env({}).list("HOSTS", default)
    result.append("evil.example")

    assert result is not default
    assert default == ["localhost"]


def test_list_of_only_commas_is_refused():
    with pytest.raises(ImproperlyConfigured, match=r"^HOSTS=',,' names no values"):
        Env({"HOSTS": ",,"}).list("HOSTS", [])


def test_required_returns_the_stripped_value():
    assert Env({"SECRET": "  s3cret  "}).required("SECRET", "always") == "s3cret"


@pytest.mark.parametrize("environ", [{}, {"DJANGO_SECRET_KEY": "  "}])
def test_required_names_the_missing_variable(environ):
    with pytest.raises(ImproperlyConfigured) as excinfo:
        Env(environ).required("DJANGO_SECRET_KEY", "when DJANGO_ENV=production")

    assert str(excinfo.value) == "DJANGO_SECRET_KEY must be set when DJANGO_ENV=production."


def test_choice_is_case_insensitive_and_names_the_variable_otherwise():
    choices = ("development", "production")

    assert Env({"DJANGO_ENV": "Production"}).choice("DJANGO_ENV", "development", choices) == (
        "production"
    )
    with pytest.raises(ImproperlyConfigured, match=r"^DJANGO_ENV='staging' must be one of"):
        Env({"DJANGO_ENV": "staging"}).choice("DJANGO_ENV", "development", choices)


def test_env_reads_os_environ_by_default(monkeypatch):
    monkeypatch.setenv("STRATEGY_MAPS_TEST_VALUE", "from-the-process")

    assert Env().str("STRATEGY_MAPS_TEST_VALUE", "default") == "from-the-process"


# parse_database_url


def test_sqlite_url_with_three_slashes_is_relative_to_the_project():
    assert parse_database_url("DATABASE_URL", "sqlite:///db.sqlite3", BASE_DIR) == {
        "ENGINE": "config.sqlite",
        "NAME": str(BASE_DIR / "db.sqlite3"),
        "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        "CONN_MAX_AGE": 60,
    }


def test_sqlite_url_with_four_slashes_is_absolute():
    config = parse_database_url("DATABASE_URL", "sqlite:////var/lib/app/db.sqlite3", BASE_DIR)

    assert config["NAME"] == "/var/lib/app/db.sqlite3"
    assert config["CONN_MAX_AGE"] == 60, "connections are kept between requests"


def test_sqlite_url_without_a_file_is_refused():
    with pytest.raises(ImproperlyConfigured, match=r"^DATABASE_URL='sqlite:///' names no"):
        parse_database_url("DATABASE_URL", "sqlite:///", BASE_DIR)


def test_postgres_url_with_user_password_and_port():
    url = "postgres://maps:p%40ss@db.internal:6543/strategy?sslmode=require"

    config = parse_database_url("DATABASE_URL", url, BASE_DIR)

    assert config == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "strategy",
        "USER": "maps",
        "PASSWORD": "p@ss",
        "HOST": "db.internal",
        "PORT": "6543",
        "OPTIONS": {"sslmode": "require"},
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def test_postgresql_scheme_without_port_or_password():
    config = parse_database_url("DATABASE_URL", "postgresql://maps@localhost/strategy", BASE_DIR)

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"], config["HOST"], config["PORT"]) == (
        "maps",
        "",
        "localhost",
        "",
    )


@pytest.mark.parametrize("url", ["postgres://maps@localhost:5432/", "postgres://maps@localhost"])
def test_postgres_url_without_a_database_name_is_refused(url):
    with pytest.raises(ImproperlyConfigured, match=r"^DATABASE_URL='.*' names no database\."):
        parse_database_url("DATABASE_URL", url, BASE_DIR)


def test_postgres_url_with_a_malformed_port_is_refused():
    with pytest.raises(ImproperlyConfigured, match="has a malformed port"):
        parse_database_url("DATABASE_URL", "postgres://maps@localhost:port/strategy", BASE_DIR)


def test_mysql_url_is_refused_naming_the_variable():
    with pytest.raises(ImproperlyConfigured) as excinfo:
        parse_database_url("DATABASE_URL", "mysql://maps@localhost/strategy", BASE_DIR)

    assert str(excinfo.value).startswith("DATABASE_URL='mysql://maps@localhost/strategy'")
    assert "is not understood" in str(excinfo.value)


def test_env_database_uses_the_default_url_when_unset():
    config = Env({}).database("DATABASE_URL", "sqlite:///db.sqlite3", BASE_DIR)

    assert config["NAME"] == str(BASE_DIR / "db.sqlite3")


# parse_cache_url


def test_locmem_cache_url():
    assert parse_cache_url("CACHE_URL", "locmem://") == {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "default",
    }
    assert parse_cache_url("CACHE_URL", "locmem://pages")["LOCATION"] == "pages"


def test_redis_cache_url_keeps_the_url_as_location_with_short_timeouts():
    assert parse_cache_url("CACHE_URL", "redis://cache.internal:6379/1") == {
        "BACKEND": "config.cache.SharedRedisCache",
        "LOCATION": "redis://cache.internal:6379/1",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }


def test_redis_cache_url_without_a_host_is_refused():
    with pytest.raises(ImproperlyConfigured, match=r"^CACHE_URL='redis://' names no host"):
        parse_cache_url("CACHE_URL", "redis://")


def test_dummy_cache_url():
    assert parse_cache_url("CACHE_URL", "dummy://") == {
        "BACKEND": "django.core.cache.backends.dummy.DummyCache"
    }


def test_cache_url_with_an_unknown_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured, match=r"^CACHE_URL='memcached://x' is not understood"):
        parse_cache_url("CACHE_URL", "memcached://x")


# parse_email_url


def test_console_email_url():
    assert parse_email_url("EMAIL_URL", "console://") == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"
    }


def test_smtp_email_url_uses_starttls_on_the_submission_port_by_default():
    assert parse_email_url("EMAIL_URL", "smtp://mailer:se%2Fcret@mail.example.org") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "se/cret",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True,
    }


def test_smtps_email_url_uses_ssl_on_port_465_unless_given():
    implicit = parse_email_url("EMAIL_URL", "smtps://mail.example.org")
    explicit = parse_email_url("EMAIL_URL", "smtps://mail.example.org:2465")

    assert (implicit["EMAIL_PORT"], implicit["EMAIL_USE_SSL"], implicit["EMAIL_USE_TLS"]) == (
        465,
        True,
        False,
    )
    assert explicit["EMAIL_PORT"] == 2465


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("smtp://", "names no host"),
        ("smtp://mail.example.org:abc", "has a malformed port"),
        ("sendmail://localhost", "is not understood"),
    ],
)
def test_bad_email_urls_are_refused_naming_the_variable(url, problem):
    with pytest.raises(ImproperlyConfigured) as excinfo:
        parse_email_url("EMAIL_URL", url)

    assert str(excinfo.value).startswith(f"EMAIL_URL={url!r}")
    assert problem in str(excinfo.value)


# The settings module at start-up (manage.py check in a fresh interpreter)

SETTINGS_VARIABLES = (
    "DJANGO_ENV",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_DEBUG",
    "DATABASE_URL",
    "CACHE_URL",
    "EMAIL_URL",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_SECURE_PROXY_SSL_HEADER",
    # Set by the browser tests for their own process only.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def manage_py_check(*options, **variables):
    environ = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    environ.update(variables)
    return subprocess.run(  # noqa: S603 - fixed argv, no shell
        [sys.executable, "manage.py", "check", *options],
        cwd=REPO_ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_without_a_secret_key_refuses_to_start():
    result = manage_py_check(DJANGO_ENV="production", DJANGO_ALLOWED_HOSTS="maps.example.org")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_ENV=production" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    result = manage_py_check(DJANGO_ENV="production", DJANGO_SECRET_KEY="x" * 50)

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set when DJANGO_ENV=production" in result.stderr


def test_development_with_an_unreadable_debug_flag_refuses_to_start():
    result = manage_py_check(DJANGO_ENV="development", DJANGO_DEBUG="maybe")

    assert result.returncode != 0
    assert "DJANGO_DEBUG='maybe' is not a boolean" in result.stderr


def production(tmp_path, **overrides):
    return {
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "a-long-random-secret-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "maps.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CACHE_URL": "redis://127.0.0.1:6379/1",
        **overrides,
    }


def test_production_with_secret_hosts_database_and_cache_starts(tmp_path):
    result = manage_py_check(**production(tmp_path))

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("variable", ["DATABASE_URL", "CACHE_URL"])
def test_production_refuses_to_start_without_a_shared_database_or_cache(tmp_path, variable):
    environment = production(tmp_path)
    del environment[variable]

    result = manage_py_check(**environment)

    assert result.returncode != 0
    assert f"{variable} must be set when DJANGO_ENV=production" in result.stderr


def test_production_profile_passes_the_deployment_checks_without_a_warning(tmp_path):
    result = manage_py_check("--deploy", "--fail-level", "WARNING", **production(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_choice_accepts_any_case_and_refuses_unknown_values_naming_the_variable():
    levels = ("debug", "info", "warning")
    assert Env({"DJANGO_LOG_LEVEL": "WARNING"}).choice("DJANGO_LOG_LEVEL", "info", levels) == (
        "warning"
    )
    with pytest.raises(ImproperlyConfigured, match=r"^DJANGO_LOG_LEVEL='loud' must be one of"):
        Env({"DJANGO_LOG_LEVEL": "loud"}).choice("DJANGO_LOG_LEVEL", "info", levels)


@pytest.mark.parametrize("count", ["-1", "one"])
def test_an_unreadable_proxy_count_refuses_to_start_naming_the_variable(count):
    result = manage_py_check(DJANGO_PROXY_COUNT=count)

    assert result.returncode != 0
    assert f"DJANGO_PROXY_COUNT={count!r} must be a whole number of at least 0" in result.stderr


@pytest.mark.parametrize("cache_url", ["locmem://", "dummy://"])
def test_production_refuses_a_cache_only_one_process_can_see(tmp_path, cache_url):
    result = manage_py_check(**production(tmp_path, CACHE_URL=cache_url))

    assert result.returncode != 0
    assert "CACHE_URL must name a Redis server when DJANGO_ENV=production" in result.stderr
