import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from accounts import roles
from strategy.models import (
    Band,
    Strategy,
    StrategyLink,
    StrategyMap,
    StrategyProgram,
    StrategyResource,
)
from tests.programs.factories import ProgramFactory, ResourceFactory


def member_of(group_name):
    """Put the created user into one of the role groups the migrations create."""

    def join(user, create, extracted, **kwargs):
        if create:
            user.groups.add(Group.objects.get(name=group_name))

    return factory.PostGeneration(join)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("correct horse battery staple")


class PageManagerFactory(UserFactory):
    is_staff = True
    role = member_of(roles.PAGE_MANAGERS)


class EditorFactory(UserFactory):
    is_staff = True
    role = member_of(roles.EDITORS)


class ReviewerFactory(UserFactory):
    role = member_of(roles.REVIEWERS)


class StrategyMapFactory(DjangoModelFactory):
    """A zoom map under a fresh top-level map, unless ``parent`` is given."""

    class Meta:
        model = StrategyMap

    title = factory.Sequence(lambda n: f"Zoom map {n}")
    slug = factory.Sequence(lambda n: f"zoom-map-{n}")
    parent = factory.LazyFunction(
        lambda: StrategyMap.objects.top_level().first() or TopLevelMapFactory()
    )


class TopLevelMapFactory(StrategyMapFactory):
    title = "Opioid Top-Level Strategy Map"
    slug = "top-level"
    parent = None

    class Meta:
        model = StrategyMap
        django_get_or_create = ("slug",)


class BandFactory(DjangoModelFactory):
    class Meta:
        model = Band

    map = factory.SubFactory(StrategyMapFactory)
    title = factory.Sequence(lambda n: f"Band {n}")
    order = factory.Sequence(lambda n: n)


class StrategyFactory(DjangoModelFactory):
    class Meta:
        model = Strategy

    title = factory.Sequence(lambda n: f"Strategy {n}")
    slug = factory.Sequence(lambda n: f"strategy-{n}")
    band = factory.SubFactory(BandFactory)
    map = factory.SelfAttribute("band.map")
    intro = "Coalitions coordinate enforcement with community support."
    status = Strategy.Status.PUBLISHED
    page_manager = factory.SubFactory(PageManagerFactory)


class StrategyLinkFactory(DjangoModelFactory):
    class Meta:
        model = StrategyLink

    cause = factory.SubFactory(StrategyFactory)
    effect = factory.SubFactory(StrategyFactory, band=factory.SelfAttribute("..cause.band"))


class StrategyProgramFactory(DjangoModelFactory):
    class Meta:
        model = StrategyProgram

    strategy = factory.SubFactory(StrategyFactory)
    program = factory.SubFactory(ProgramFactory)


class StrategyResourceFactory(DjangoModelFactory):
    class Meta:
        model = StrategyResource

    strategy = factory.SubFactory(StrategyFactory)
    resource = factory.SubFactory(ResourceFactory)
    section = StrategyResource.Section.TOOLS
