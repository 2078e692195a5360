"""Every admin save and every content service records one revision of the whole page."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from reversion.models import Revision, Version

from programs.models import Implementation, Outcome, Program
from reviews import services as review_services
from reviews.models import ExpertAssignment
from scorecards.models import Action, DataPoint, Measure, Objective
from strategy import services
from strategy.models import Strategy, StrategyProgram, StrategyResource
from tests.admin_forms import admin_form_data
from tests.programs.factories import EvidenceRatingFactory, OutcomeFactory
from tests.reviews.factories import ExpertAssignmentFactory
from tests.scorecards.factories import ActionFactory, DataPointFactory
from tests.strategy.factories import (
    StrategyFactory,
    StrategyProgramFactory,
    StrategyResourceFactory,
)

pytestmark = pytest.mark.django_db


def models_in(revision):
    return {version.content_type.model_class() for version in revision.version_set.all()}


@pytest.fixture
def full_page(page):
    point = DataPointFactory(measure__objective__strategy=page)
    ActionFactory(objective=point.measure.objective)
    StrategyProgramFactory(strategy=page)
    StrategyResourceFactory(strategy=page)
    ExpertAssignmentFactory(strategy=page)
    return page


def test_admin_save_of_a_strategy_records_the_whole_page_with_its_author(client, owner, full_page):
    url = reverse("admin:strategy_strategy_change", args=[full_page.pk])
    client.force_login(owner)
    client.post(url, admin_form_data(client.get(url), title="Revised"))

    revision = Revision.objects.get()
    assert revision.user == owner
    assert models_in(revision) >= {
        Strategy,
        StrategyProgram,
        StrategyResource,
        Objective,
        Measure,
        DataPoint,
        Action,
        ExpertAssignment,
    }
    saved = Version.objects.get_for_object(full_page).get()
    assert saved.field_dict["title"] == "Revised"


def test_admin_save_of_a_measure_records_the_page_it_belongs_to(client, owner, full_page):
    measure = Measure.objects.get(objective__strategy=full_page)
    url = reverse("admin:scorecards_measure_change", args=[measure.pk])
    client.force_login(owner)
    client.post(url, admin_form_data(client.get(url), name="Renamed measure"))

    revision = Revision.objects.get()
    assert revision.user == owner
    assert Version.objects.get_for_object(full_page).filter(revision=revision).exists()
    assert {Strategy, Measure, DataPoint, Action} <= models_in(revision)


def test_admin_save_of_a_program_records_implementations_outcomes_and_ratings(client, editor):
    outcome = OutcomeFactory()
    program = outcome.implementation.program
    EvidenceRatingFactory(program=program)
    url = reverse("admin:programs_program_change", args=[program.pk])
    client.force_login(editor)
    client.post(url, admin_form_data(client.get(url), summary="Updated summary"))

    revision = Revision.objects.get()
    assert revision.user == editor
    assert {Program, Implementation, Outcome} <= models_in(revision)
    assert "EvidenceRating" in {model.__name__ for model in models_in(revision)}


def test_publish_service_records_a_revision_with_its_author(owner):
    draft = StrategyFactory(page_manager=owner, status=Strategy.Status.DRAFT)

    changed = services.publish_strategies(user=owner, strategies=Strategy.objects.all())

    assert changed == 1
    draft.refresh_from_db()
    assert draft.status == Strategy.Status.PUBLISHED
    revision = Revision.objects.get()
    assert (revision.user, revision.comment) == (owner, "Published")


def test_publish_service_refuses_pages_the_user_does_not_manage(owner, outsider):
    StrategyFactory(page_manager=owner, status=Strategy.Status.DRAFT)
    theirs = StrategyFactory(page_manager=outsider, status=Strategy.Status.DRAFT)

    with pytest.raises(PermissionDenied, match=theirs.title):
        services.publish_strategies(user=owner, strategies=Strategy.objects.all())

    assert not Strategy.objects.filter(status=Strategy.Status.PUBLISHED).exists()
    assert not Revision.objects.exists()


def test_mark_reviewed_restarts_the_review_cycle(owner, page):
    on = datetime.date(2026, 1, 31)

    review_services.mark_reviewed(user=owner, strategies=Strategy.objects.all(), on=on)

    page.refresh_from_db()
    assert page.last_reviewed == on
    assert page.review_due == datetime.date(2027, 1, 31)
    assert Revision.objects.get().comment == "Marked reviewed on Jan 31, 2026"


def test_mark_reviewed_refuses_a_future_date(owner, page):
    with pytest.raises(ValidationError):
        review_services.mark_reviewed(
            user=owner,
            strategies=Strategy.objects.all(),
            on=datetime.date.today() + datetime.timedelta(days=2),
        )
    page.refresh_from_db()
    assert page.last_reviewed is None


def test_publish_admin_action_publishes_own_drafts(client, owner):
    draft = StrategyFactory(page_manager=owner, status=Strategy.Status.DRAFT)
    client.force_login(owner)

    response = client.post(
        reverse("admin:strategy_strategy_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )

    assert "Published 1 page(s)." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Strategy.Status.PUBLISHED
    assert Revision.objects.get().user == owner


def test_mark_reviewed_admin_action_sets_todays_date(client, editor, page):
    client.force_login(editor)
    client.post(
        reverse("admin:strategy_strategy_changelist"),
        {"action": "mark_reviewed", "_selected_action": [page.pk]},
    )
    page.refresh_from_db()
    assert page.last_reviewed is not None
    assert Revision.objects.get().user == editor


def test_bulk_publish_records_one_revision_per_page(editor):
    drafts = StrategyFactory.create_batch(2, status=Strategy.Status.DRAFT)

    services.publish_strategies(user=editor, strategies=Strategy.objects.all())

    for draft in drafts:
        revision = Version.objects.get_for_object(draft).get().revision
        pages = revision.version_set.filter(content_type__model="strategy")
        assert [version.object_id for version in pages] == [str(draft.pk)]


def test_publish_action_on_several_pages_records_one_revision_each(client, editor):
    drafts = StrategyFactory.create_batch(2, status=Strategy.Status.DRAFT)
    client.force_login(editor)

    client.post(
        reverse("admin:strategy_strategy_changelist"),
        {"action": "publish", "_selected_action": [draft.pk for draft in drafts]},
    )

    assert Revision.objects.count() == 2
    for draft in drafts:
        revision = Version.objects.get_for_object(draft).get().revision
        assert revision.user == editor
        pages = revision.version_set.filter(content_type__model="strategy")
        assert [version.object_id for version in pages] == [str(draft.pk)]
