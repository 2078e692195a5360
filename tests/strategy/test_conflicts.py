"""Edit conflicts: a change form opened before someone else's save may not save over it."""

import datetime
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import reversion
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from reversion.models import Revision, Version

from base.revisions import recorded_change
from base.stamps import LOADED_VERSION, EditStamp
from scorecards.models import Action, Measure, Objective, Partner
from strategy.models import Strategy
from strategy.ownership import ContentVersionAdmin
from tests.admin_forms import admin_form_data
from tests.scorecards.factories import (
    ActionFactory,
    DataPointFactory,
    MeasureFactory,
    ObjectiveFactory,
    PartnerFactory,
)

pytestmark = pytest.mark.django_db


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def open_form(client, obj):
    response = client.get(change_url(obj))
    assert response.status_code == 200
    return response


def save(client, obj, form, **changes):
    return client.post(change_url(obj), admin_form_data(form, **changes))


def conflict_message(response) -> str:
    assert response.status_code == 200, "a refused save shows the form again"
    errors = response.context["adminform"].form.non_field_errors()
    assert len(errors) == 1
    return errors[0]


def saved_on(user) -> str:
    revision = Revision.objects.filter(user=user).latest("pk")
    return date_format(timezone.localtime(revision.date_created), "M j, Y, g:i a")


@pytest.fixture
def recorded_page(page):
    """The page with a first revision, as every page has once the demo or an admin saved it."""
    objective = ObjectiveFactory(strategy=page, title="Close the open drug market")
    measure = MeasureFactory(objective=objective, name="Burglaries reported")
    DataPointFactory(measure=measure, period="2024", value=90)
    ActionFactory(objective=objective, title="Hold a call-in meeting")
    with recorded_change(user=None, comment="Demo content"):
        reversion.add_to_revision(page)
    return page


def test_second_save_of_a_strategy_is_refused_naming_who_saved_first(owner, editor, recorded_page):
    page = recorded_page
    first, second = session(owner), session(editor)
    first_form, second_form = open_form(first, page), open_form(second, page)

    assert save(first, page, first_form, title="Coordinate enforcement").status_code == 302
    response = save(second, page, second_form, intro="An editor's introduction.")

    message = conflict_message(response)
    assert "Not saved" in message
    assert owner.get_full_name() in message, "names who saved in between"
    assert saved_on(owner) in message, "and when"
    page.refresh_from_db()
    assert page.title == "Coordinate enforcement", "the first save survives"
    assert page.intro != "An editor's introduction."
    assert not Revision.objects.filter(user=editor).exists(), (
        "nothing recorded for the refused save"
    )


def test_conflict_message_links_to_the_difference_on_the_public_history(
    client, owner, editor, recorded_page
):
    page = recorded_page
    opened = Version.objects.get_for_object(page).get()
    first, second = session(owner), session(editor)
    first_form, second_form = open_form(first, page), open_form(second, page)
    save(first, page, first_form, title="Coordinate enforcement")
    newest = Version.objects.get_for_object(page).first()

    response = save(second, page, second_form, intro="Changed.")

    history = reverse("strategy:strategy-history", args=[page.slug])
    link = f'href="{history}?from={opened.pk}&amp;to={newest.pk}#changes"'
    assert link in response.content.decode(), "the link is rendered, not escaped"
    diff = second.get(f"{history}?from={opened.pk}&to={newest.pk}")
    assert diff.status_code == 200
    assert "Coordinate enforcement" in diff.content.decode()


def test_a_fresh_form_after_a_conflict_saves(owner, editor, recorded_page):
    page = recorded_page
    first, second = session(owner), session(editor)
    first_form, second_form = open_form(first, page), open_form(second, page)
    save(first, page, first_form, title="Coordinate enforcement")
    conflict_message(save(second, page, second_form, intro="Refused introduction."))

    response = save(second, page, open_form(second, page), intro="Accepted introduction.")

    assert response.status_code == 302
    page.refresh_from_db()
    assert (page.title, page.intro) == ("Coordinate enforcement", "Accepted introduction.")


def test_resubmitting_a_refused_form_is_refused_again(owner, editor, recorded_page):
    page = recorded_page
    first, second = session(owner), session(editor)
    first_form, second_form = open_form(first, page), open_form(second, page)
    save(first, page, first_form, title="Coordinate enforcement")
    refused = save(second, page, second_form, intro="Refused introduction.")

    # The form comes back with what the editor typed, still stamped with the old version.
    again = second.post(change_url(page), admin_form_data(refused))

    conflict_message(again)
    page.refresh_from_db()
    assert page.title == "Coordinate enforcement"


def test_a_refused_strategy_form_saves_none_of_its_inlines(owner, editor, recorded_page):
    page = recorded_page
    objective = Objective.objects.get(strategy=page)
    first, second = session(owner), session(editor)
    first_form, second_form = open_form(first, page), open_form(second, page)
    save(first, page, first_form, title="Coordinate enforcement")
    conflict_message(save(second, page, second_form, **{"objectives-0-title": "Renamed inline"}))

    objective.refresh_from_db()
    assert objective.title == "Close the open drug market"


def test_the_same_person_in_two_tabs_is_refused_too(owner, recorded_page):
    page = recorded_page
    first_tab, second_tab = session(owner), session(owner)
    first_form, second_form = open_form(first_tab, page), open_form(second_tab, page)

    assert save(first_tab, page, first_form, title="From the first tab").status_code == 302
    message = conflict_message(save(second_tab, page, second_form, title="From the second tab"))

    assert owner.get_full_name() in message
    page.refresh_from_db()
    assert page.title == "From the first tab"


def test_a_page_never_saved_in_the_admin_is_protected_from_its_first_save(owner, editor, page):
    first, second = session(owner), session(editor)
    first_form, second_form = open_form(first, page), open_form(second, page)
    stamp = EditStamp.parse(first_form.context["adminform"].form[LOADED_VERSION].value())
    assert stamp == EditStamp(version_id=None, row_version=page.version)

    save(first, page, first_form, title="First title")
    message = conflict_message(save(second, page, second_form, title="Second title"))

    assert owner.get_full_name() in message
    history = reverse("strategy:strategy-history", args=[page.slug])
    assert f"{history}#revisions" in message, "no earlier revision to compare: the history"
    page.refresh_from_db()
    assert page.title == "First title"


def test_a_save_that_records_no_revision_still_makes_an_open_page_form_stale(editor, recorded_page):
    """A new review moves the page's review date without a revision; the save counter sees it."""
    client = session(editor)
    stale_form = open_form(client, recorded_page)
    reviewed = Strategy.objects.get(pk=recorded_page.pk)
    reviewed.last_reviewed = datetime.date(2026, 3, 4)
    reviewed.save(update_fields=["last_reviewed"])

    message = conflict_message(save(client, recorded_page, stale_form, title="Stale"))

    assert "its history does not record" in message
    assert change_url(recorded_page) in message, "a link to open the form again"
    page = Strategy.objects.get(pk=recorded_page.pk)
    assert (page.title, page.last_reviewed) == (recorded_page.title, datetime.date(2026, 3, 4))


def test_a_post_without_the_loaded_version_is_refused_once_the_page_has_revisions(
    editor, recorded_page
):
    client = session(editor)
    data = admin_form_data(open_form(client, recorded_page), title="Scripted")
    del data[LOADED_VERSION]

    conflict_message(client.post(change_url(recorded_page), data))

    assert Strategy.objects.get(pk=recorded_page.pk).title != "Scripted"


def test_second_save_of_an_objective_is_refused(owner, editor, recorded_page):
    objective = Objective.objects.get(strategy=recorded_page)
    action = Action.objects.get(objective=objective)
    first, second = session(editor), session(owner)
    first_form, second_form = open_form(first, objective), open_form(second, objective)

    assert save(first, objective, first_form, title="Shut the market").status_code == 302
    message = conflict_message(
        save(second, objective, second_form, **{"actions-0-title": "A stale action title"})
    )

    assert editor.get_full_name() in message
    assert saved_on(editor) in message
    objective.refresh_from_db()
    action.refresh_from_db()
    assert objective.title == "Shut the market"
    assert action.title == "Hold a call-in meeting", "the actions inline is not saved either"


def test_second_save_of_a_measure_is_refused(owner, editor, recorded_page):
    measure = Measure.objects.get(objective__strategy=recorded_page)
    first, second = session(owner), session(editor)
    first_form, second_form = open_form(first, measure), open_form(second, measure)

    assert save(first, measure, first_form, unit="reports").status_code == 302
    message = conflict_message(
        save(second, measure, second_form, unit="incidents a year", **{"data_points-0-value": 5})
    )

    assert owner.get_full_name() in message
    measure.refresh_from_db()
    assert measure.unit == "reports"
    assert measure.data_points.get().value == 90


def test_a_save_anywhere_on_the_page_refuses_an_open_form_for_another_part(
    owner, editor, recorded_page
):
    """A page's revision holds all of it, so any save on the page makes open forms stale."""
    measure = Measure.objects.get(objective__strategy=recorded_page)
    editor_client, owner_client = session(editor), session(owner)
    measure_form = open_form(editor_client, measure)
    save(owner_client, recorded_page, open_form(owner_client, recorded_page), title="Retitled")

    response = save(editor_client, measure, measure_form, unit="x")

    assert owner.get_full_name() in conflict_message(response)
    measure.refresh_from_db()
    assert measure.unit == "incidents"


def test_an_add_form_has_no_version_to_check(owner, recorded_page):
    client = session(owner)
    response = client.get(reverse("admin:scorecards_objective_add"))

    assert LOADED_VERSION not in response.context["adminform"].form.fields


def test_content_outside_the_pages_is_protected_as_well(editor):
    partner = PartnerFactory(name="County Health Department")
    first, second = session(editor), session(editor)
    first_form, second_form = open_form(first, partner), open_form(second, partner)

    save(first, partner, first_form, name="County Health Dept.")
    message = conflict_message(save(second, partner, second_form, name="Health Department"))

    assert reverse("admin:scorecards_partner_history", args=[partner.pk]) in message
    assert Partner.objects.get(pk=partner.pk).name == "County Health Dept."


@pytest.mark.django_db(transaction=True)
def test_two_saves_posted_at_the_same_moment_cannot_both_win(monkeypatch, owner, editor, page):
    """The check locks the page, so a second save waits for the first and then sees it.

    On SQLite the second save waits for the first's write lock instead of failing
    with "database is locked"; it needs the test database on disk, as below.
    """
    if connection.vendor == "sqlite" and not os.environ.get("SQLITE_TEST_DATABASE"):
        pytest.skip("threads cannot wait on an in-memory SQLite database; see the test below")
    first, second = session(owner), session(editor)
    first_form, second_form = open_form(first, page), open_form(second, page)
    first_checked = threading.Event()
    check = ContentVersionAdmin.edit_conflict

    def check_then_wait(model_admin, request, obj, loaded):
        conflict = check(model_admin, request, obj, loaded)
        if threading.current_thread().name == "first":
            first_checked.set()
            # Still inside the first save's transaction: let the second save start now.
            threading.Event().wait(0.5)
        return conflict

    monkeypatch.setattr(ContentVersionAdmin, "edit_conflict", check_then_wait)
    responses = {}

    def post(name, client, form, **changes):
        try:
            responses[name] = save(client, page, form, **changes)
        finally:
            connection.close()

    first_save = threading.Thread(
        target=post, name="first", args=("first", first, first_form), kwargs={"title": "First"}
    )
    second_save = threading.Thread(
        target=post, name="second", args=("second", second, second_form), kwargs={"title": "Second"}
    )
    first_save.start()
    assert first_checked.wait(10)
    second_save.start()
    first_save.join(10)
    second_save.join(10)

    assert responses["first"].status_code == 302
    assert owner.get_full_name() in conflict_message(responses["second"])
    assert Strategy.objects.get(pk=page.pk).title == "First"


def test_two_saves_at_the_same_moment_on_sqlite_get_the_conflict_message_not_a_503(tmp_path):
    """The test above, on an SQLite file as `make run` has; in a process of its own."""
    if connection.vendor != "sqlite" or os.environ.get("SQLITE_TEST_DATABASE"):
        pytest.skip("runs the test above on an SQLite file")
    race = f"{__file__}::test_two_saves_posted_at_the_same_moment_cannot_both_win"

    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", race],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "SQLITE_TEST_DATABASE": str(tmp_path / "race.sqlite3")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout[-3000:]
    assert "1 passed" in result.stdout


def test_a_view_only_form_carries_no_stamp(owner):
    """Page managers may view partners, not change them: nothing to save, nothing to check."""
    partner = PartnerFactory()
    response = open_form(session(owner), partner)

    assert LOADED_VERSION not in response.context["adminform"].form.fields
    assert "Loaded version" not in response.content.decode()
