import factory
from factory.django import DjangoModelFactory

from programs.models import EvidenceRating, Implementation, Outcome, Program, Resource


class ResourceFactory(DjangoModelFactory):
    class Meta:
        model = Resource

    title = factory.Sequence(lambda n: f"Coalition toolkit {n}")
    url = factory.Sequence(lambda n: f"https://example.org/toolkit-{n}")
    publisher = "National Network for Safe Communities"
    year = 2019
    kind = Resource.Kind.TOOLKIT


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    summary = "Closes open-air drug markets."
    first_implemented_place = "High Point, NC"
    first_implemented_year = 2004


class EvidenceRatingFactory(DjangoModelFactory):
    class Meta:
        model = EvidenceRating

    program = factory.SubFactory(ProgramFactory)
    source = "CrimeSolutions"
    rating = EvidenceRating.Rating.PROMISING
    outcome_rated = "Drug offenses"


class ImplementationFactory(DjangoModelFactory):
    class Meta:
        model = Implementation

    program = factory.SubFactory(ProgramFactory)
    place = "Rutland, VT"
    start_year = 2014


class OutcomeFactory(DjangoModelFactory):
    class Meta:
        model = Outcome

    implementation = factory.SubFactory(ImplementationFactory)
    indicator = "Burglaries"
    change_percent = -53
    period = "since 2013"
