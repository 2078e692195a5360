"""Editors restore a page to an earlier revision from its public history."""

from dataclasses import dataclass

import pytest
import reversion
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision, Version

from base.revisions import recorded_change
from programs.models import Program
from public import history, services
from scorecards.models import Action, DataPoint, Objective
from strategy.models import Strategy, StrategyProgram
from tests.admin_forms import admin_form_data
from tests.revisions import confirm_restore, page_change
from tests.scorecards.factories import (
    ActionFactory,
    DataPointFactory,
    MeasureFactory,
    ObjectiveFactory,
    PartnerFactory,
)
from tests.strategy.factories import StrategyFactory, StrategyProgramFactory

pytestmark = pytest.mark.django_db


def revert_url(page, version) -> str:
    return reverse("strategy:strategy-revert", args=[page.slug, version.pk])


def history_url(page) -> str:
    return reverse("strategy:strategy-history", args=[page.slug])


@dataclass
class Revised:
    page: Strategy
    first: Version  # the page's version in its first revision
    kept: Objective
    removed_id: int  # an objective deleted in the second revision
    added: Objective  # an objective added in the second revision
    point: DataPoint


@pytest.fixture
def revised(page, owner) -> Revised:
    """A page with two revisions: as it was, then retitled with one objective swapped."""
    kept = ObjectiveFactory(strategy=page, title="Close the open drug market")
    point = DataPointFactory(
        measure=MeasureFactory(objective=kept, name="Burglaries"), period="2024", value=90
    )
    removed = ObjectiveFactory(strategy=page, title="Offer treatment at arrest")
    # Only planned: no work recorded on it, so a restore may remove it.
    action = ActionFactory(
        objective=removed,
        title="Train officers",
        status=Action.Status.PLANNED,
        start_date=None,
        due_date=None,
    )
    action.partners.set([PartnerFactory(name="County Health Department")])
    with page_change(page, user=owner, comment="First"):
        page.title, page.slug, page.intro = "Old title", "old-title", "Old introduction."
        page.save()
    first = Version.objects.get_for_object(page).get()
    with page_change(page, user=owner, comment="Second"):
        page.title, page.slug, page.intro = "New title", "new-title", "New introduction."
        page.save()
        removed_id = removed.pk
        removed.delete()
        added = ObjectiveFactory(strategy=page, title="Added later")
        point.value = 95
        point.save()
    return Revised(page, first, kept, removed_id, added, point)


def test_editor_restores_the_page_and_its_parts(client, editor, revised):
    client.force_login(editor)

    response = confirm_restore(client, revised.page, revised.first)

    assert response.status_code == 302
    page = Strategy.objects.get(pk=revised.page.pk)
    assert (page.title, page.intro) == ("Old title", "Old introduction.")
    restored = Objective.objects.get(pk=revised.removed_id)
    assert (restored.title, restored.strategy_id) == ("Offer treatment at arrest", page.pk)
    action = Action.objects.get(objective=restored)
    assert action.title == "Train officers"
    assert [p.name for p in action.partners.all()] == ["County Health Department"]
    assert not Objective.objects.filter(pk=revised.added.pk).exists(), "added since: deleted"
    assert DataPoint.objects.get(pk=revised.point.pk).value == 95, "data stays as recorded"
    assert Objective.objects.get(pk=revised.kept.pk).title == "Close the open drug market"


def test_restore_redirects_to_the_page_at_its_restored_address(client, editor, revised):
    client.force_login(editor)

    response = confirm_restore(client, revised.page, revised.first, follow=True)

    assert response.redirect_chain == [
        (reverse("strategy:strategy-detail", args=["old-title"]), 302)
    ]
    assert "Restored the revision of" in response.content.decode()


def test_restore_is_recorded_as_a_new_revision_by_the_editor(client, editor, revised):
    client.force_login(editor)
    when = timezone.localtime(revised.first.revision.date_created)
    saves_before = Strategy.objects.get(pk=revised.page.pk).version

    confirm_restore(client, revised.page, revised.first)

    assert Strategy.objects.get(pk=revised.page.pk).version == saves_before + 1, (
        "the save counter goes on, not back to the restored revision's"
    )
    revision = Revision.objects.latest("pk")
    assert revision.user == editor
    assert revision.comment == f"Restored the revision of {when:%Y-%m-%d %H:%M}"
    page = Strategy.objects.get(pk=revised.page.pk)
    assert len(history.page_history(page)) == 3
    state = history.page_state(Version.objects.get_for_object(page).first())
    assert state.page.fields["title"] == "Old title"
    assert set(state.parts["objectives"]) == {str(revised.kept.pk), str(revised.removed_id)}


def test_a_restore_can_itself_be_undone(client, editor, revised):
    client.force_login(editor)
    second = Version.objects.get_for_object(revised.page).first()
    confirm_restore(client, revised.page, revised.first)

    page = Strategy.objects.get(pk=revised.page.pk)
    confirm_restore(client, page, second)

    page.refresh_from_db()
    assert (page.title, page.slug) == ("New title", "new-title")
    assert Objective.objects.filter(pk=revised.added.pk).exists()
    assert not Objective.objects.filter(pk=revised.removed_id).exists()


@pytest.mark.parametrize("who", ["owner", "outsider", "reviewer"])
def test_only_editors_may_restore(client, request, who, revised):
    client.force_login(request.getfixturevalue(who))

    response = confirm_restore(client, revised.page, revised.first)

    assert response.status_code == 403
    assert Strategy.objects.get(pk=revised.page.pk).title == "New title"


def test_a_refused_restore_answers_the_sites_page_saying_so(client, owner, revised):
    client.force_login(owner)

    response = confirm_restore(client, revised.page, revised.first)

    assert response.status_code == 403
    assert "Your account may not do this here." in response.content.decode()
    assert 'href="/"' in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, revised):
    response = confirm_restore(client, revised.page, revised.first)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert Strategy.objects.get(pk=revised.page.pk).title == "New title"


def test_opening_the_restore_address_shows_a_preview_and_restores_nothing(client, editor, revised):
    client.force_login(editor)

    response = client.get(revert_url(revised.page, revised.first))

    assert response.status_code == 200
    assert "What the restore changes" in response.content.decode()
    assert Strategy.objects.get(pk=revised.page.pk).title == "New title"


def test_a_version_of_another_page_is_not_found(client, editor, revised):
    other = StrategyFactory()
    with page_change(other, user=editor):
        pass
    client.force_login(editor)

    foreign = client.post(revert_url(revised.page, Version.objects.get_for_object(other).get()))
    unknown = client.post(reverse("strategy:strategy-revert", args=["new-title", 999999]))

    assert (foreign.status_code, unknown.status_code) == (404, 404)
    assert Strategy.objects.get(pk=revised.page.pk).title == "New title"


def test_a_revision_holding_several_pages_restores_only_this_one(client, editor, owner, page):
    other = StrategyFactory(title="Other page before")
    with recorded_change(user=editor, comment="Bulk"):
        reversion.add_to_revision(page)
        reversion.add_to_revision(other)
    bulk = Version.objects.get_for_object(page).get()
    original_title = page.title
    for strategy in (page, other):
        with page_change(strategy, user=owner):
            strategy.title = f"{strategy.title} (changed)"
            strategy.save()
    client.force_login(editor)

    confirm_restore(client, page, bulk)

    assert Strategy.objects.get(pk=page.pk).title == original_title
    assert Strategy.objects.get(pk=other.pk).title == "Other page before (changed)"
    assert len(history.page_history(other)) == 2, "the other page's history is untouched"


def test_history_offers_restore_previews_to_editors_only(client, editor, owner, revised):
    url = history_url(revised.page)
    assert "Restore this revision" not in client.get(url).content.decode()
    client.force_login(owner)
    assert "Restore this revision" not in client.get(url).content.decode()

    client.force_login(editor)
    content = client.get(url).content.decode()

    assert content.count("Restore this revision") == 1, "the current revision has no link"
    assert f'href="{revert_url(revised.page, revised.first)}"' in content


def test_a_revision_whose_address_is_taken_now_is_refused(client, editor, revised):
    StrategyFactory(slug="old-title")
    client.force_login(editor)

    response = confirm_restore(client, revised.page, revised.first, follow=True)

    assert response.redirect_chain[-1][0] == history_url(revised.page)
    assert "now belongs to another page" in response.content.decode()
    assert Strategy.objects.get(pk=revised.page.pk).title == "New title"
    assert not Revision.objects.filter(user=editor).exists()


def test_a_revision_naming_something_deleted_since_is_refused(client, editor, owner, page):
    link = StrategyProgramFactory(strategy=page, program__name="Pill Mill Crackdown")
    with page_change(page, user=owner):
        pass
    first = Version.objects.get_for_object(page).get()
    with page_change(page, user=owner):
        page.title = "Without the program"
        page.save()
        link.delete()
    Program.objects.filter(name="Pill Mill Crackdown").delete()
    client.force_login(editor)

    response = confirm_restore(client, page, first, follow=True)

    assert "cannot be restored as it was" in response.content.decode()
    assert Strategy.objects.get(pk=page.pk).title == "Without the program"
    assert not StrategyProgram.objects.exists()
    assert not Revision.objects.filter(user=editor).exists()


def test_an_admin_form_opened_before_a_restore_cannot_save_over_it(client, editor, revised):
    client.force_login(editor)
    url = reverse("admin:strategy_strategy_change", args=[revised.page.pk])
    stale_form = client.get(url)
    confirm_restore(client, revised.page, revised.first)

    response = client.post(url, admin_form_data(stale_form, title="Stale"))

    assert response.status_code == 200
    assert "Not saved" in response.content.decode()
    assert Strategy.objects.get(pk=revised.page.pk).title == "Old title"


def test_service_refuses_non_editors_and_foreign_versions(owner, editor, revised):
    with pytest.raises(PermissionDenied):
        services.revert_page(strategy=revised.page, version=revised.first, user=owner)
    other = StrategyFactory()
    with page_change(other, user=editor):
        pass
    with pytest.raises(history.UnknownRevision):
        services.revert_page(
            strategy=revised.page,
            version=Version.objects.get_for_object(other).get(),
            user=editor,
        )
    assert Strategy.objects.get(pk=revised.page.pk).title == "New title"
