"""Backup and restore: the documented dumpdata command round-trips the whole site."""

import json
import re
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from demo.data import FEATURED_SLUG
from strategy.models import Strategy
from tests.roles import create_role_groups
from tests.scorecards.factories import DataPointFactory
from tests.strategy.factories import UserFactory

pytestmark = pytest.mark.django_db

# The README's command, less -o (the tests pass output=).
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"]
DUMP_ARGS = ["--natural-foreign", *[arg for app in EXCLUDED for arg in ("-e", app)]]


@pytest.fixture(autouse=True)
def fresh_content_type_cache():
    """Flushing renumbers content types; nothing may keep the ids cached across it."""
    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


def dump(path) -> str:
    call_command("dumpdata", *DUMP_ARGS, indent=2, output=str(path), verbosity=0)
    return path.read_text()


def empty_the_database():
    """What `migrate` leaves in a new database: content types, permissions and the roles."""
    # PostgreSQL will not truncate inside the test's transaction while foreign-key
    # checks are still deferred; run them now.
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()
    create_role_groups()


def restore(path):
    call_command("loaddata", str(path), verbosity=0)


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def to_milliseconds(text: str) -> str:
    """Times to the millisecond, as Django's JSON serializer keeps them, written alike.

    The pages show times to the microsecond; a backup keeps the millisecond, so a
    time restored from "…:11.000Z" (under a millisecond past the second) has no
    fraction at all and is written "…:11Z".
    """

    def shortened(match) -> str:
        milliseconds = match[2]
        return match[1] + (f".{milliseconds}" if milliseconds and milliseconds != "000" else "")

    return re.sub(r"(\d\d:\d\d:\d\d)(?:\.(\d{3})\d*)?", shortened, text)


def pages(client) -> dict[str, str]:
    """The pages whose content comes from every part of the backup, as the public sees them."""
    urls = [
        reverse("strategy:home"),
        reverse("strategy:strategy-detail", args=[FEATURED_SLUG]),
        reverse("strategy:strategy-history", args=[FEATURED_SLUG]),
        reverse("scorecards:scorecard", args=[FEATURED_SLUG]),
        reverse("api:strategy-detail", args=[FEATURED_SLUG]),
    ]
    answers = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        answers[url] = to_milliseconds(response.content.decode())
    return answers


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())
    # Ids with a gap, as on any site where an account was once deleted: a restore
    # that renumbered rows would now show up as different ids.
    UserFactory(username="gone").delete()
    UserFactory(username="after-the-gap")


def test_backup_restores_the_whole_site_into_an_empty_database(client, demo, tmp_path):
    counts, html = row_counts(), pages(client)
    backup = dump(tmp_path / "backup.json")

    empty_the_database()
    assert Strategy.objects.count() == 0
    assert get_user_model().objects.count() == 0
    restore(tmp_path / "backup.json")

    assert row_counts() == counts
    assert pages(client) == html
    again = dump(tmp_path / "again.json")
    assert to_milliseconds(again) == to_milliseconds(backup), "same rows, same ids, same values"


def test_backup_holds_the_revisions_and_no_sessions_or_sign_in_records(demo, tmp_path):
    models = {row["model"] for row in json.loads(dump(tmp_path / "backup.json"))}

    assert {"reversion.revision", "reversion.version", "auth.user", "auth.group"} <= models
    assert not models & {"contenttypes.contenttype", "auth.permission", "sessions.session"}


def test_restored_site_takes_new_content(demo, tmp_path):
    dump(tmp_path / "backup.json")
    empty_the_database()
    restore(tmp_path / "backup.json")

    # loaddata moves PostgreSQL's id sequences past the restored rows.
    page = Strategy.objects.get(slug=FEATURED_SLUG)
    point = DataPointFactory(measure__objective__strategy=page)

    assert point.pk > 0


def test_restored_accounts_keep_their_passwords_and_roles(client, demo, tmp_path):
    dump(tmp_path / "backup.json")
    empty_the_database()
    restore(tmp_path / "backup.json")

    manager = get_user_model().objects.get(username="manager")
    assert manager.groups.get().name == "Page managers"
    assert manager.has_perm("scorecards.change_measure")
    assert manager.check_password("demo-manager-2026")
