import datetime

import factory
from factory.django import DjangoModelFactory

from reviews.models import ExpertAssignment, Review, ReviewMark
from tests.strategy.factories import ReviewerFactory, StrategyFactory, UserFactory


class ReviewFactory(DjangoModelFactory):
    class Meta:
        model = Review

    strategy = factory.SubFactory(StrategyFactory)
    reviewer = factory.SubFactory(ReviewerFactory)
    reviewed_on = datetime.date(2026, 3, 4)
    comments = "The program list is current; add the 2025 outcome data."


class ExpertAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = ExpertAssignment

    strategy = factory.SubFactory(StrategyFactory)
    expert = factory.SubFactory(UserFactory)
    area = "Drug market interventions"


class ReviewMarkFactory(DjangoModelFactory):
    class Meta:
        model = ReviewMark

    strategy = factory.SubFactory(StrategyFactory)
    marked_on = datetime.date(2026, 3, 4)
    marked_by = factory.SubFactory(UserFactory)
