import os

import pytest
from django.core.cache import cache, caches
from redis import ConnectionError as RedisConnectionError

from tests.roles import create_role_groups
from tests.strategy.factories import (
    EditorFactory,
    PageManagerFactory,
    ReviewerFactory,
    StrategyFactory,
)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """SQLITE_TEST_DATABASE=path runs the tests on that file rather than in memory.

    Threads share an in-memory test database in SQLite's shared-cache mode, which
    locks whole tables and refuses a locked one at once instead of waiting. There,
    a transaction that takes the write lock as it begins (the site's setting, for
    files) would stop every other thread from reading, so in memory transactions
    lock when they first write. Tests of two connections writing at once need a
    file, as the site has.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if path := os.environ.get("SQLITE_TEST_DATABASE"):
        database["TEST"]["NAME"] = path
    elif database["ENGINE"] == "config.sqlite":
        database["OPTIONS"].pop("transaction_mode", None)


@pytest.fixture(autouse=True)
def role_groups(request):
    """Re-create the role groups for transactional tests, whose flush removes migration data."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        create_role_groups()


@pytest.fixture(autouse=True)
def page_cache(settings):
    """The page and fragment caches on, as in production, and empty: another test's pages
    show other rows."""
    settings.PAGE_CACHE_SECONDS = 3600
    settings.FRAGMENT_CACHE_SECONDS = 3600
    cache.clear()


class CacheOutage:
    """Calls to the shared cache that fail, in every thread, as an unreachable Redis does."""

    def __init__(self):
        self._patches = pytest.MonkeyPatch()

    def __call__(self, *methods: str) -> None:
        """Make ``methods`` ("get_many", "set", ...) fail until ``end()``."""

        def unreachable(*args, **kwargs):
            raise RedisConnectionError("Connection refused")

        for method in methods:
            self._patches.setattr(type(caches["default"]), method, unreachable)

    def end(self) -> None:
        self._patches.undo()


@pytest.fixture
def cache_down():
    """``cache_down("get_many", ...)`` cuts those calls to the shared cache; ``cache_down.end()``
    brings it back, as the end of the test does."""
    outage = CacheOutage()
    yield outage
    outage.end()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def owner(db):
    """A page manager who manages ``page``."""
    return PageManagerFactory(username="owner")


@pytest.fixture
def outsider(db):
    """A page manager who manages other pages, never ``page``."""
    return PageManagerFactory(username="outsider")


@pytest.fixture
def editor(db):
    return EditorFactory(username="editor")


@pytest.fixture
def reviewer(db):
    return ReviewerFactory(username="reviewer")


@pytest.fixture
def page(owner):
    return StrategyFactory(page_manager=owner)
