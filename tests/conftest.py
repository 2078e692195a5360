import pytest

from tests.strategy.factories import (
    EditorFactory,
    PageManagerFactory,
    ReviewerFactory,
    StrategyFactory,
)


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
