import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from reviews.models import ExpertAssignment, Review
from tests.reviews.factories import ExpertAssignmentFactory, ReviewFactory
from tests.strategy.factories import StrategyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The user factories hash a password for every page manager; keep that cheap."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def errors_of(instance):
    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    return excinfo.value.message_dict


# Review names its reviewer


def test_review_without_reviewer_or_name_is_rejected():
    review = Review(
        strategy=StrategyFactory(),
        reviewed_on=datetime.date(2026, 3, 4),
        comments="Looks current.",
    )

    assert errors_of(review) == {
        NON_FIELD_ERRORS: ["Choose a reviewer or type the reviewer's name."]
    }


def test_review_with_only_a_typed_name_is_valid():
    review = Review(
        strategy=StrategyFactory(),
        reviewer_name="Dana Whitfield",
        reviewed_on=datetime.date(2026, 3, 4),
        comments="Looks current.",
    )

    review.full_clean()


def test_review_with_only_a_reviewer_account_is_valid():
    ReviewFactory().full_clean()


def test_database_refuses_a_review_that_names_nobody():
    strategy = StrategyFactory()

    with transaction.atomic(), pytest.raises(IntegrityError):
        Review.objects.create(
            strategy=strategy, reviewed_on=datetime.date(2026, 3, 4), comments="Anonymous."
        )

    assert not Review.objects.exists()


def test_database_refuses_removing_the_name_from_a_name_only_review():
    review = ReviewFactory(reviewer=None, reviewer_name="Dana Whitfield")

    with transaction.atomic(), pytest.raises(IntegrityError):
        Review.objects.filter(pk=review.pk).update(reviewer_name="")

    review.refresh_from_db()
    assert review.reviewer_name == "Dana Whitfield"


# ExpertAssignment names its expert, once per page


def test_expert_assignment_without_expert_or_name_is_rejected():
    assignment = ExpertAssignment(strategy=StrategyFactory(), area="Treatment")

    assert errors_of(assignment) == {
        NON_FIELD_ERRORS: ["Choose an expert or type the expert's name."]
    }


def test_database_refuses_an_expert_assignment_that_names_nobody():
    strategy = StrategyFactory()

    with transaction.atomic(), pytest.raises(IntegrityError):
        ExpertAssignment.objects.create(strategy=strategy, area="Treatment")

    assert not ExpertAssignment.objects.exists()


def test_same_expert_cannot_be_assigned_twice_to_one_strategy():
    first = ExpertAssignmentFactory()
    second = ExpertAssignment(strategy=first.strategy, expert=first.expert, area="Other")

    assert errors_of(second) == {NON_FIELD_ERRORS: ["This expert is already on the page."]}


def test_database_refuses_the_same_expert_twice_on_one_strategy():
    first = ExpertAssignmentFactory()

    with transaction.atomic(), pytest.raises(IntegrityError):
        ExpertAssignment.objects.create(strategy=first.strategy, expert=first.expert)

    assert ExpertAssignment.objects.filter(strategy=first.strategy).count() == 1


def test_same_expert_may_serve_on_two_strategies():
    first = ExpertAssignmentFactory()
    elsewhere = ExpertAssignment(strategy=StrategyFactory(), expert=first.expert)

    elsewhere.full_clean()
    elsewhere.save()

    assert first.expert.expert_assignments.count() == 2


def test_two_name_only_experts_may_serve_on_one_strategy():
    strategy = StrategyFactory()
    for name in ("Dana Whitfield", "Lee Okafor"):
        assignment = ExpertAssignment(strategy=strategy, expert_name=name)
        assignment.full_clean()
        assignment.save()

    assert ExpertAssignment.objects.filter(strategy=strategy, expert__isnull=True).count() == 2


def test_existing_assignment_is_valid_when_cleaned_again():
    assignment = ExpertAssignmentFactory()
    assignment.area = "Harm reduction"

    assignment.full_clean()


# How people are shown


def test_reviewer_display_falls_back_to_the_typed_name():
    review = ReviewFactory(reviewer=None, reviewer_name="Dana Whitfield")

    assert review.reviewer_display == "Dana Whitfield"
    assert str(review) == "Dana Whitfield on 2026-03-04"


def test_reviewer_display_prefers_the_full_name():
    user = UserFactory(username="dwhit", first_name="Dana", last_name="Whitfield")
    review = ReviewFactory(reviewer=user, reviewer_name="Typed name")

    assert review.reviewer_display == "Dana Whitfield"


def test_reviewer_display_uses_the_username_without_a_full_name():
    user = UserFactory(username="dwhit", first_name="", last_name="")
    review = ReviewFactory(reviewer=user, reviewer_name="")

    assert review.reviewer_display == "dwhit"


def test_expert_display_falls_back_to_the_typed_name():
    assignment = ExpertAssignmentFactory(expert=None, expert_name="Lee Okafor")

    assert assignment.expert_display == "Lee Okafor"
    assert str(assignment) == "Lee Okafor"


def test_expert_display_prefers_the_full_name():
    user = UserFactory(username="lokafor", first_name="Lee", last_name="Okafor")

    assert ExpertAssignmentFactory(expert=user).expert_display == "Lee Okafor"


def test_expert_display_uses_the_username_without_a_full_name():
    user = UserFactory(username="lokafor", first_name="", last_name="")

    assert ExpertAssignmentFactory(expert=user).expert_display == "lokafor"


def test_deleting_a_reviewer_account_keeps_the_review_and_its_name():
    review = ReviewFactory(reviewer__first_name="Lee", reviewer__last_name="Carter")

    review.reviewer.delete()

    review.refresh_from_db()
    assert review.reviewer is None
    assert review.reviewer_display == "Lee Carter"


def test_deleting_an_expert_account_keeps_the_assignment_and_its_name():
    assignment = ExpertAssignmentFactory(expert__first_name="Sam", expert__last_name="Okafor")

    assignment.expert.delete()

    assignment.refresh_from_db()
    assert assignment.expert is None
    assert assignment.expert_display == "Sam Okafor"
