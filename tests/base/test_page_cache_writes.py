"""A save and the page cache's content version move together, whether or not Redis answers.

Readers here ask from threads of their own, as visitors served by another
worker process would: their own database connection, and no memory of the
writer's requests. ``cache_down`` makes Redis unreachable for every thread.
"""

import json
import logging
import threading
import time
from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from base import page_cache
from config.middleware import DatabaseUnavailableMiddleware
from mediawiki.importer import ImportFailed
from scorecards.models import DataPoint
from scorecards.uploads import apply_upload
from strategy import services
from strategy.models import Strategy
from tests.admin_forms import admin_form_data
from tests.mediawiki import test_import as wiki
from tests.scorecards.factories import DataPointFactory, MeasureFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Every call the page cache makes to Redis.
CACHE_CALLS = ("add", "incr", "decr", "get", "get_many", "set")


def in_a_thread(work):
    """What ``work()`` returns, run in a thread of its own with its own database connection."""
    results = []

    def run():
        try:
            results.append(work())
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert results, "the thread failed"
    return results[0]


def read(url):
    """An anonymous visitor's answer."""
    return in_a_thread(lambda: Client().get(url))


def read_signed_in(user, url):
    def work():
        client = Client()
        client.force_login(user)
        return client.get(url)

    return in_a_thread(work)


class OpenSave(threading.Thread):
    """A transaction in another thread that has begun writing content, and waits.

    ``finish(change)`` runs ``change()`` in it and commits; with ``cache_gone``,
    Redis becomes unreachable the moment it commits.
    """

    def __init__(self, cache_down):
        super().__init__()
        self.cache_down = cache_down
        self.opened, self.go = threading.Event(), threading.Event()
        self.change, self.cache_gone, self.error = None, False, None
        self.start()
        assert self.opened.wait(10)

    def run(self):
        try:
            with transaction.atomic():
                # Registered first, so it runs first once the rows are committed.
                transaction.on_commit(self._at_commit)
                # As every save of content does before its rows are written.
                page_cache.content_changed()
                self.opened.set()
                self.go.wait(10)
                self.change()
        except Exception as error:  # noqa: BLE001 - reported by finish()
            self.error = error
        finally:
            self.opened.set()
            connections.close_all()

    def _at_commit(self):
        if self.cache_gone:
            self.cache_down(*CACHE_CALLS)

    def finish(self, change, *, cache_gone=False):
        self.change, self.cache_gone = change, cache_gone
        self.go.set()
        self.join(10)
        assert self.error is None, self.error


def unpublish(page):
    return lambda: Strategy.objects.filter(pk=page.pk).update(status=Strategy.Status.DRAFT)


@pytest.fixture
def admin(editor):
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    return client


@pytest.fixture
def unpublishing(admin, page):
    """The admin's change form of ``page`` and the POST that makes it a draft."""
    url = reverse("admin:strategy_strategy_change", args=[page.pk])
    return url, admin_form_data(admin.get(url), status=Strategy.Status.DRAFT)


@contextmanager
def cache_gone_at_commit(cache_down):
    """Redis becomes unreachable the moment the next transaction commits, before its
    on-commit steps run."""
    commit = connection._commit

    def commit_then_lose_the_cache(*args, **kwargs):
        commit(*args, **kwargs)
        cache_down(*CACHE_CALLS)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(connection, "_commit", commit_then_lose_the_cache)
        yield


def test_a_save_while_the_cache_is_unreachable_is_refused_with_503_and_changes_nothing(
    admin, page, unpublishing, cache_down, caplog
):
    url, form = unpublishing
    assert read(page.get_absolute_url())["X-Page-Cache"] == "miss"

    cache_down(*CACHE_CALLS)
    with caplog.at_level(logging.ERROR, logger="config.middleware"):
        response = admin.post(url, form)
    cache_down.end()

    html = response.content.decode()
    assert response.status_code == 503
    assert "<title>The site is briefly unavailable</title>" in html
    assert "your change was not saved: nothing was changed. Go back to the form" in html
    assert response["Retry-After"] == "30"
    assert "Page cache unavailable; refused POST" in caplog.text
    page.refresh_from_db()
    assert page.status == Strategy.Status.PUBLISHED
    # Nothing changed, so the page kept is still right.
    assert read(page.get_absolute_url())["X-Page-Cache"] == "hit"
    # Tried again once Redis is back: saved, and gone from the public site at once.
    assert admin.post(url, form).status_code == 302
    assert read(page.get_absolute_url()).status_code == 404


def test_a_save_whose_cache_goes_away_at_commit_stands_and_no_reader_gets_the_old_page(
    admin, page, unpublishing, cache_down, caplog
):
    url, form = unpublishing
    read(page.get_absolute_url())
    assert read(page.get_absolute_url())["X-Page-Cache"] == "hit"

    with (
        caplog.at_level(logging.WARNING, logger="base.page_cache"),
        cache_gone_at_commit(cache_down),
    ):
        response = admin.post(url, form)

    assert response.status_code == 302, "the save is committed and the editor told so"
    page.refresh_from_db()
    assert page.status == Strategy.Status.DRAFT
    assert "Page cache unavailable after a write" in caplog.text
    assert read(page.get_absolute_url()).status_code == 404
    cache_down.end()
    assert read(page.get_absolute_url()).status_code == 404


def test_a_write_whose_end_was_lost_holds_readers_for_two_minutes_at_most(
    admin, page, cache_down, monkeypatch
):
    url = reverse("admin:strategy_strategy_change", args=[page.pk])
    form = admin_form_data(admin.get(url), title="Drug Market Intervention, High Point")
    read(page.get_absolute_url())
    with cache_gone_at_commit(cache_down):
        assert admin.post(url, form).status_code == 302
    cache_down.end()

    held = read(page.get_absolute_url())
    assert "Drug Market Intervention, High Point" in held.content.decode()
    assert not held.has_header("X-Page-Cache"), "rendered, neither served nor stored"

    later = time.time() + 2 * page_cache.WRITE_WINDOW_SECONDS
    monkeypatch.setattr(time, "time", lambda: later)
    assert read(page.get_absolute_url())["X-Page-Cache"] == "miss"
    hit = read(page.get_absolute_url())
    assert hit["X-Page-Cache"] == "hit"
    assert "Drug Market Intervention, High Point" in hit.content.decode()


def test_a_page_read_while_another_save_is_open_is_not_kept(page, cache_down):
    read(page.get_absolute_url())
    save = OpenSave(cache_down)

    during = read(page.get_absolute_url())
    assert during.status_code == 200
    assert not during.has_header("X-Page-Cache"), "rendered, neither served nor stored"

    save.finish(unpublish(page), cache_gone=True)
    cache_down.end()
    assert read(page.get_absolute_url()).status_code == 404


def test_shared_content_read_while_another_save_is_open_is_not_kept(page, reviewer, cache_down):
    read_signed_in(reviewer, page.get_absolute_url())
    save = OpenSave(cache_down)

    read_signed_in(reviewer, page.get_absolute_url())

    retitle = Strategy.objects.filter(pk=page.pk).update
    save.finish(lambda: retitle(title="Drug Market Intervention, High Point"), cache_gone=True)
    cache_down.end()
    after = read_signed_in(reviewer, page.get_absolute_url()).content.decode()
    assert "Drug Market Intervention, High Point" in after


def test_one_save_committing_does_not_end_another_that_is_still_open(page, cache_down):
    read(page.get_absolute_url())
    first, second = OpenSave(cache_down), OpenSave(cache_down)

    first.finish(lambda: None)
    during = read(page.get_absolute_url())
    assert not during.has_header("X-Page-Cache"), "the second save is still open"

    second.finish(unpublish(page), cache_gone=True)
    cache_down.end()
    assert read(page.get_absolute_url()).status_code == 404


def test_bulk_writes_are_refused_whole_while_the_cache_is_unreachable(
    page, owner, editor, cache_down
):
    measure = MeasureFactory(objective__strategy=page, name="Burglaries reported", unit="")
    DataPointFactory(measure=measure, period="2025-Q1", value=100)
    page.status = Strategy.Status.DRAFT
    page.save()

    cache_down(*CACHE_CALLS)
    with pytest.raises(page_cache.ContentVersionUnavailable):
        apply_upload(
            strategy=page,
            data=b"measure,period,value\nBurglaries reported,2025-Q2,2468\n",
            user=owner,
        )
    with pytest.raises(page_cache.ContentVersionUnavailable):
        services.publish_strategies(user=editor, strategies=Strategy.objects.filter(pk=page.pk))
    cache_down.end()

    assert list(DataPoint.objects.values_list("period", flat=True)) == ["2025-Q1"]
    page.refresh_from_db()
    assert page.status == Strategy.Status.DRAFT


def test_an_upload_refused_while_the_cache_is_unreachable_can_be_confirmed_again(
    page, owner, cache_down
):
    measure = MeasureFactory(objective__strategy=page, name="Burglaries reported", unit="")
    client = Client()
    client.force_login(owner)
    upload = reverse("admin:strategy_strategy_upload_data", args=[page.pk])
    confirm = reverse("admin:strategy_strategy_upload_data_confirm", args=[page.pk])
    data = b"measure,period,value\nBurglaries reported,2025-Q2,2468\n"
    preview = client.post(upload, {"file": SimpleUploadedFile("data.csv", data, "text/csv")})
    token = preview.context["confirm_form"].initial["token"]

    cache_down(*CACHE_CALLS)
    refused = client.post(confirm, {"token": token})
    cache_down.end()
    saved = client.post(confirm, {"token": token})

    assert refused.status_code == 503
    assert saved.status_code == 302
    assert list(measure.data_points.values_list("period", "value")) == [("2025-Q2", 2468)]


def test_the_mediawiki_import_stops_whole_and_says_why_while_the_cache_is_unreachable(
    cache_down,
):
    dump = wiki.export(wiki.TOP, wiki.ZOOM, wiki.strategy_page("Buyers are known."))

    cache_down(*CACHE_CALLS)
    with pytest.raises(ImportFailed) as failed:
        wiki.run(dump)

    assert "the page cache cannot be reached" in str(failed.value)
    assert "Nothing was imported" in str(failed.value)
    assert not Strategy.objects.exists()


def test_signing_in_works_while_the_cache_is_unreachable(editor, cache_down):
    cache_down(*CACHE_CALLS)

    response = Client().post(
        reverse("login"), {"username": "editor", "password": "correct horse battery staple"}
    )

    assert response.status_code == 302


def test_a_save_refused_through_the_api_answers_its_json_error():
    middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse())
    request = RequestFactory().post(reverse("api:index"))

    response = middleware.process_exception(request, page_cache.ContentVersionUnavailable())

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert json.loads(response.content) == {
        "detail": "Your change was not saved: the site cannot reach its cache just now. "
        "Try again in a minute."
    }
