"""/changes/ and its Atom feeds: every change to the pages the reader may see, newest first."""

import datetime
import importlib

import defusedxml.ElementTree as ElementTree
import pytest
import reversion
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision, Version

from base.models import ChangeKind, RevisionKind
from base.revisions import change_kind
from changes.views import CHANGES_PER_PAGE
from reviews.services import add_review, mark_reviewed
from strategy.models import Strategy
from strategy.services import publish_strategies
from tests.changes.factories import record_change
from tests.strategy.factories import BandFactory, StrategyFactory, StrategyMapFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
CHANGES = "/changes/"


def newest_kind() -> str:
    return RevisionKind.objects.get(revision=Revision.objects.latest("pk")).kind


# -- What each revision records as its kind -----------------------------------------------


def test_every_revision_records_its_kind_of_change(owner, editor, reviewer, page):
    record_change(page, user=owner)
    assert newest_kind() == ChangeKind.EDIT

    draft = StrategyFactory(page_manager=owner, status=Strategy.Status.DRAFT)
    publish_strategies(user=owner, strategies=Strategy.objects.filter(pk=draft.pk))
    assert newest_kind() == ChangeKind.PUBLISH

    add_review(strategy=page, reviewer=reviewer, reviewed_on=timezone.localdate(), comments="Fine.")
    assert newest_kind() == ChangeKind.REVIEW

    mark_reviewed(user=owner, strategies=Strategy.objects.filter(pk=page.pk))
    assert newest_kind() == ChangeKind.MARKED_REVIEWED


def test_a_revision_saved_outside_recorded_change_is_an_edit_unless_told(page):
    with reversion.create_revision():
        reversion.add_to_revision(page)
    assert newest_kind() == ChangeKind.EDIT

    with change_kind(ChangeKind.RESTORE), reversion.create_revision():
        reversion.add_to_revision(page)
    assert newest_kind() == ChangeKind.RESTORE


def test_revisions_recorded_before_kinds_get_theirs_from_their_comments():
    kind_of = importlib.import_module("base.migrations.0002_kinds_of_earlier_revisions").kind_of

    assert kind_of("Reviewed on 2026-03-04") == "review"
    assert kind_of("Answered the review by Sam Okafor of 2026-03-04") == "answer"
    assert kind_of("Marked reviewed on 2026-03-04") == "marked_reviewed"
    assert kind_of("Uploaded scorecard data (2 added, 0 changed)") == "data"
    assert kind_of("Restored the revision of 2026-03-04 14:02") == "restore"
    assert kind_of("Published") == "publish"
    assert kind_of("Imported from MediaWiki (wiki.xml)") == "import"
    assert kind_of("Demo content") == "import"
    assert kind_of("Changed Introduction.") == "edit"
    assert kind_of("Published the new figures") == "edit"


# -- The list ---------------------------------------------------------------------------


def test_changes_list_newest_first_with_who_page_summary_and_a_link_to_the_diff(
    client, owner, page
):
    record_change(page, user=owner, comment="First words")
    record_change(page, user=owner, comment="Second thoughts on the introduction")
    first, second = Version.objects.get_for_object(page).order_by("pk")

    response = client.get(CHANGES)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Second thoughts") < html.index("First words")
    assert owner.get_full_name() in html
    assert page.title in html
    history = reverse("strategy:strategy-history", args=[page.slug])
    diff = f"{history}?from={first.pk}&amp;to={second.pk}#changes"
    assert diff in html
    assert client.get(diff.replace("&amp;", "&")).status_code == 200


def test_the_first_revision_of_a_page_links_to_its_place_in_the_history(client, page):
    record_change(page, comment="Created")
    (version,) = Version.objects.get_for_object(page)

    html = client.get(CHANGES).content.decode()

    assert f"/history/#revision-{version.pk}" in html
    assert "First revision" in html


def test_drafts_changes_are_hidden_from_the_public_and_shown_to_staff(client, owner, page):
    draft = StrategyFactory(title="Secret plan", status=Strategy.Status.DRAFT)
    record_change(draft, comment="Drafted the secret")
    record_change(page, comment="Public edit")

    public = client.get(CHANGES).content.decode()
    client.force_login(owner)
    staff = client.get(CHANGES).content.decode()

    assert "Public edit" in public and "Drafted the secret" not in public
    assert "Secret plan" not in public
    assert "Drafted the secret" in staff


def test_map_filter_keeps_the_map_and_its_zoom_maps(client):
    top_band = BandFactory()
    on_top = StrategyFactory(band=top_band, title="On the top map")
    zoom = StrategyMapFactory(parent=top_band.map, zooms_into=on_top, slug="zoom-a")
    deeper_page = StrategyFactory(band__map=zoom, title="On the zoom map")
    deepest_map = StrategyMapFactory(parent=zoom, zooms_into=deeper_page, slug="zoom-deeper")
    deepest = StrategyFactory(band__map=deepest_map, title="On the deeper zoom map")
    elsewhere = StrategyFactory(band__map=StrategyMapFactory(parent=top_band.map, slug="zoom-b"))
    for strategy in (on_top, deeper_page, deepest, elsewhere):
        record_change(strategy, comment=f"Edited {strategy.title}")

    html = client.get(CHANGES, {"map": "zoom-a"}).content.decode()

    assert f"Edited {deeper_page.title}" in html
    assert f"Edited {deepest.title}" in html
    assert f"Edited {on_top.title}" not in html
    assert f"Edited {elsewhere.title}" not in html
    assert "2 changes on" in html


def test_kind_filter_keeps_one_kind(client, page):
    record_change(page, comment="An edit", kind=ChangeKind.EDIT)
    record_change(page, comment="Uploaded scorecard data (1 added)", kind=ChangeKind.DATA)

    html = client.get(CHANGES, {"kind": "data"}).content.decode()

    assert "Uploaded scorecard data" in html
    assert "An edit" not in html


def test_an_unknown_filter_says_so_and_is_left_out(client, page):
    record_change(page, comment="An edit")

    response = client.get(CHANGES, {"map": "no-such-map", "kind": "gossip"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is no map with the address “no-such-map”." in html
    assert "“gossip” is not a kind of change." in html
    assert "An edit" in html


def test_changes_are_paginated_and_a_page_past_the_end_shows_the_last(client, page):
    for number in range(CHANGES_PER_PAGE + 1):
        record_change(page, comment=f"Edit number {number}.")

    first = client.get(CHANGES).content.decode()
    second = client.get(CHANGES, {"page": 2}).content.decode()

    assert "Edit number 50." in first and "Edit number 0." not in first
    assert "Edit number 0." in second
    assert 'rel="next"' in first
    past_the_end = client.get(CHANGES, {"page": 99})
    assert past_the_end.status_code == 200
    assert "Page 2 of 2" in past_the_end.content.decode()
    assert "Edit number 0." in past_the_end.content.decode()
    not_a_number = client.get(CHANGES, {"page": "last"})
    assert not_a_number.status_code == 200
    assert "Page 1 of 2" in not_a_number.content.decode()


def queries_for(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def fill(size: int, owner):
    for _ in range(size):
        strategy = StrategyFactory(page_manager=owner)
        record_change(strategy, user=owner)
        record_change(strategy, user=owner, kind=ChangeKind.DATA)


@pytest.mark.parametrize("signed_in", [False, True])
def test_changes_cost_the_same_queries_at_two_sizes(client, settings, owner, signed_in):
    settings.PAGE_CACHE_SECONDS = 0
    if signed_in:
        client.force_login(owner)
    fill(1, owner)
    small = queries_for(client, CHANGES), queries_for(client, CHANGES, {"kind": "data"})
    fill(30, owner)
    large = queries_for(client, CHANGES), queries_for(client, CHANGES, {"kind": "data"})

    assert small == large
    if not signed_in:
        # The maps, the count, the page's versions, their pages.
        assert small == (4, 4)


def test_changes_page_announces_its_feed_and_the_header_links_to_it(client, page):
    record_change(page)

    html = client.get(CHANGES, {"kind": "edit"}).content.decode()

    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/changes/feed/?kind=edit"' in html
    assert '<a class="nav-link" href="/changes/">Recent changes</a>' in html


# -- The feeds ----------------------------------------------------------------------------


def entries(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ElementTree.fromstring(response.content).findall(f"{ATOM}entry")


def test_site_feed_is_atom_with_each_change_and_its_diff_link(client, owner, page):
    record_change(page, user=owner, comment="Created")
    record_change(page, user=owner, comment="Reworded the introduction")
    draft = StrategyFactory(status=Strategy.Status.DRAFT)
    record_change(draft, comment="Hidden draft work")

    found = entries(client.get("/changes/feed/"))

    assert len(found) == 2
    newest = found[0]
    assert newest.find(f"{ATOM}title").text == f"{page.title}: Reworded the introduction"
    assert newest.find(f"{ATOM}author/{ATOM}name").text == owner.get_full_name()
    assert "/history/?from=" in newest.find(f"{ATOM}link").get("href")
    assert newest.find(f"{ATOM}link").get("href").startswith("http://testserver/")


def test_site_feed_takes_the_lists_filters_and_refuses_unknown_ones(client, page):
    record_change(page, comment="An edit")
    record_change(page, comment="New values", kind=ChangeKind.DATA)

    (only,) = entries(client.get("/changes/feed/", {"kind": "data"}))

    assert only.find(f"{ATOM}title").text.endswith("New values")
    assert client.get("/changes/feed/", {"map": "nowhere"}).status_code == 404


def test_page_feed_lists_that_pages_changes_and_hides_drafts(client, page):
    other = StrategyFactory()
    record_change(page, comment="On this page")
    record_change(other, comment="On another page")
    draft = StrategyFactory(status=Strategy.Status.DRAFT)

    (only,) = entries(client.get(f"/strategies/{page.slug}/feed/"))

    assert only.find(f"{ATOM}title").text == f"{page.title}: On this page"
    assert client.get(f"/strategies/{draft.slug}/feed/").status_code == 404


def test_strategy_page_announces_its_feed(client, page):
    html = client.get(page.get_absolute_url()).content.decode()

    assert (
        f'<link rel="alternate" type="application/atom+xml" title="Changes to “{page.title}”" '
        f'href="/strategies/{page.slug}/feed/">'
    ) in html


def test_a_change_dated_in_the_past_is_listed_by_its_date(client, page):
    record_change(page, comment="Now")
    record_change(page, comment="Long ago", at=timezone.now() - datetime.timedelta(days=400))

    html = client.get(CHANGES).content.decode()

    assert html.index("Now") < html.index("Long ago")
