"""A large, realistic coalition site, written with bulk inserts.

At 2,000 strategies: 40 zoom maps under a top-level map, 400 programs,
10,000 measures with 200,000 quarterly values, 20,000 reviews and 5,000
resources, plus the people, partners, actions and links between pages that
a real site has. Every page has the same shape at any size, so a page's
query count can be compared between a small site and a large one.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from accounts import roles
from base.periods import parse_period
from programs.models import EvidenceRating, Implementation, Program, Resource
from reviews.models import ExpertAssignment, Review
from scorecards.models import Action, DataPoint, DataSource, Measure, Objective, Partner
from strategy.models import (
    Band,
    Strategy,
    StrategyLink,
    StrategyMap,
    StrategyProgram,
    StrategyResource,
)

BATCH = 2000
STRATEGIES_PER_ZOOM_MAP = 50
OBJECTIVES_PER_STRATEGY = 2
MEASURES_PER_STRATEGY = 5
POINTS_PER_MEASURE = 20
REVIEWS_PER_STRATEGY = 10
PROGRAMS_PER_STRATEGY = 2
BAND_TITLES = ["Community outcomes", "Customers", "Processes", "Partners", "Resources"]
TOPICS = [
    "naloxone distribution",
    "drug market intervention",
    "prescription drug monitoring",
    "school-based prevention",
    "faith community recovery support",
    "medication-assisted treatment",
    "syringe services",
    "peer recovery coaching",
    "drug take-back days",
    "law enforcement assisted diversion",
    "family support groups",
    "emergency department bridge programs",
    "recovery housing",
    "youth mentoring",
    "prescriber education",
]
MEASURE_NAMES = [
    "Overdose deaths",
    "Emergency visits for overdose",
    "Naloxone kits distributed",
    "People in treatment",
    "Open-air drug market complaints",
    "Opioid prescriptions per 1,000 residents",
    "Youth reporting past-month misuse",
]


@dataclass(frozen=True)
class Size:
    strategies: int

    @property
    def zoom_maps(self) -> int:
        return max(1, self.strategies // STRATEGIES_PER_ZOOM_MAP)

    @property
    def programs(self) -> int:
        return max(2, self.strategies // 5)

    @property
    def resources(self) -> int:
        return max(3, self.strategies * 5 // 2)

    @property
    def people(self) -> int:
        return max(3, self.strategies // 20)

    def describe(self) -> dict:
        return {
            "strategies": self.strategies,
            "zoom_maps": self.zoom_maps,
            "programs": self.programs,
            "measures": self.strategies * MEASURES_PER_STRATEGY,
            "data_points": self.strategies * MEASURES_PER_STRATEGY * POINTS_PER_MEASURE,
            "reviews": self.strategies * REVIEWS_PER_STRATEGY,
            "resources": self.resources,
        }


def _paragraph(rng: random.Random, topic: str) -> str:
    others = rng.sample(TOPICS, 3)
    return (
        f"The coalition supports **{topic}** alongside {others[0]} and {others[1]}. "
        f"Partners meet monthly to review the scorecard, and the page manager records what "
        f"changed. See also [{others[2]}](https://example.org/{others[2].replace(' ', '-')})."
    )


def _reviewed_on(page: int) -> datetime.date:
    return datetime.date(2026, 1 + page % 10, 1)


def _people(size: Size) -> tuple[list, list]:
    managers = _users("manager", "Page", roles.PAGE_MANAGERS, size)
    reviewers = _users("reviewer", "Expert", roles.REVIEWERS, size)
    return managers, reviewers


def _users(role_name: str, first_name: str, role: str, size: Size) -> list:
    """``size.people`` accounts holding ``role``, named "<first_name> <Role_name> <n>"."""
    users = get_user_model().objects.bulk_create(
        get_user_model()(
            username=f"{role_name}{i}",
            first_name=first_name,
            last_name=f"{role_name.title()} {i}",
            password=make_password(None),
        )
        for i in range(size.people)
    )
    Group.objects.get(name=role).user_set.add(*users)
    return users


def _maps(size: Size, rng: random.Random, managers: list) -> list[Strategy]:
    top = StrategyMap.objects.create(
        title="Coalition strategy map", slug="coalition", summary="The top-level map."
    )
    top_bands = Band.objects.bulk_create(
        Band(map=top, title=title, order=i) for i, title in enumerate(BAND_TITLES)
    )
    top_strategies = Strategy.objects.bulk_create(
        Strategy(
            title=f"Objective {i}: {TOPICS[i % len(TOPICS)].capitalize()}",
            slug=f"objective-{i}",
            map=top,
            band=top_bands[i % len(top_bands)],
            position=i,
            intro=_paragraph(rng, TOPICS[i % len(TOPICS)]),
            status=Strategy.Status.PUBLISHED,
            page_manager=managers[i % len(managers)],
        )
        for i in range(max(5, size.zoom_maps))
    )
    zoom_maps = StrategyMap.objects.bulk_create(
        StrategyMap(
            title=f"Zoom map {i}",
            slug=f"zoom-{i}",
            parent=top,
            zooms_into=top_strategies[i],
            summary=_paragraph(rng, TOPICS[i % len(TOPICS)]),
        )
        for i in range(size.zoom_maps)
    )
    zoom_bands = Band.objects.bulk_create(
        Band(map=zoom, title=title, order=i)
        for zoom in zoom_maps
        for i, title in enumerate(BAND_TITLES)
    )
    width = len(BAND_TITLES)
    bands_of = [zoom_bands[n * width : (n + 1) * width] for n in range(len(zoom_maps))]
    pages = []
    for i in range(size.strategies - len(top_strategies)):
        page = Strategy(
            title=f"{TOPICS[i % len(TOPICS)].capitalize()} {i}",
            slug=f"strategy-{i}",
            map=zoom_maps[i % len(zoom_maps)],
            band=bands_of[i % len(zoom_maps)][i % len(BAND_TITLES)],
            position=i,
            intro="\n\n".join(_paragraph(rng, TOPICS[(i + k) % len(TOPICS)]) for k in range(3)),
            # One page in twenty is still a draft, as on a real site.
            status=Strategy.Status.DRAFT if i % 20 == 19 else Strategy.Status.PUBLISHED,
            page_manager=managers[i % len(managers)],
            last_reviewed=_reviewed_on(i),
        )
        # bulk_create skips Strategy.save(), which derives the due date.
        page.review_due = page.derived_review_due
        pages.append(page)
    strategies = Strategy.objects.bulk_create(pages, batch_size=BATCH)
    every = top_strategies + strategies
    StrategyLink.objects.bulk_create(
        (
            StrategyLink(cause=cause, effect=effect, note="Feeds")
            for cause, effect in zip(every, every[1:], strict=False)
            if cause.map_id == effect.map_id and cause.band_id != effect.band_id
        ),
        batch_size=BATCH,
    )
    return every


def _library(size: Size, rng: random.Random, strategies: list[Strategy]) -> None:
    programs = Program.objects.bulk_create(
        Program(
            name=f"{TOPICS[i % len(TOPICS)].title()} program {i}",
            slug=f"program-{i}",
            summary=f"A {TOPICS[i % len(TOPICS)]} program with local evidence.",
            description=_paragraph(rng, TOPICS[i % len(TOPICS)]),
            first_implemented_place="High Point, NC",
            first_implemented_year=2004,
        )
        for i in range(size.programs)
    )
    EvidenceRating.objects.bulk_create(
        EvidenceRating(
            program=program,
            source="CrimeSolutions",
            rating=EvidenceRating.Rating.values[i % len(EvidenceRating.Rating.values)],
        )
        for i, program in enumerate(programs)
    )
    Implementation.objects.bulk_create(
        Implementation(program=program, place="Rutland, VT", start_year=2013)
        for program in programs
    )
    StrategyProgram.objects.bulk_create(
        (
            StrategyProgram(strategy=strategy, program=programs[(i + k) % len(programs)], order=k)
            for i, strategy in enumerate(strategies)
            for k in range(PROGRAMS_PER_STRATEGY)
        ),
        batch_size=BATCH,
    )
    resources = Resource.objects.bulk_create(
        (
            Resource(
                title=f"{TOPICS[i % len(TOPICS)].capitalize()} toolkit {i}",
                url=f"https://example.org/resources/{i}",
                publisher="State Department of Health",
                year=2015 + i % 10,
                kind=Resource.Kind.values[i % len(Resource.Kind.values)],
            )
            for i in range(size.resources)
        ),
        batch_size=BATCH,
    )
    sections = StrategyResource.Section.values
    StrategyResource.objects.bulk_create(
        (
            StrategyResource(
                strategy=strategies[i % len(strategies)],
                resource=resource,
                section=sections[i // len(strategies) % len(sections)],
                order=i,
            )
            for i, resource in enumerate(resources)
        ),
        batch_size=BATCH,
    )


def _scorecards(size: Size, rng: random.Random, strategies: list[Strategy]) -> None:
    sources = DataSource.objects.bulk_create(
        DataSource(name=f"{name} reports", publisher="County Health") for name in MEASURE_NAMES
    )
    partners = Partner.objects.bulk_create(
        Partner(name=f"Partner {i}", slug=f"partner-{i}", sector=Partner.Sector.values[i % 5])
        for i in range(max(3, size.people))
    )
    objectives = Objective.objects.bulk_create(
        (
            Objective(strategy=strategy, title=f"Objective {k + 1} of {strategy.title}", order=k)
            for strategy in strategies
            for k in range(OBJECTIVES_PER_STRATEGY)
        ),
        batch_size=BATCH,
    )
    actions = Action.objects.bulk_create(
        (
            Action(
                objective=objective,
                title=f"Action for {objective.title}",
                status=Action.Status.values[i % len(Action.Status.values)],
                lead=partners[i % len(partners)],
                start_date=datetime.date(2025, 1, 1),
                due_date=datetime.date(2026, 12, 31),
            )
            for i, objective in enumerate(objectives)
        ),
        batch_size=BATCH,
    )
    Action.partners.through.objects.bulk_create(
        (
            Action.partners.through(action=action, partner=partners[(i + 1) % len(partners)])
            for i, action in enumerate(actions)
        ),
        batch_size=BATCH,
    )
    measures = Measure.objects.bulk_create(
        (
            Measure(
                objective=objectives[s * OBJECTIVES_PER_STRATEGY + m % OBJECTIVES_PER_STRATEGY],
                name=MEASURE_NAMES[(s + m) % len(MEASURE_NAMES)],
                unit="people",
                polarity=Measure.Polarity.values[m % 2],
                data_source=sources[(s + m) % len(sources)],
                baseline_value=100,
                baseline_period="2021",
                target_value=80,
                target_period="2027",
                order=m,
            )
            for s in range(len(strategies))
            for m in range(MEASURES_PER_STRATEGY)
        ),
        batch_size=BATCH,
    )
    # The POINTS_PER_MEASURE quarters up to 2026-Q3, counted back in quarters.
    newest = 2026 * 4 + 2
    periods = [
        parse_period(f"{(newest - q) // 4}-Q{(newest - q) % 4 + 1}")
        for q in range(POINTS_PER_MEASURE)
    ]
    DataPoint.objects.bulk_create(
        (
            DataPoint(
                measure=measure,
                period=period.label,
                period_start=period.start,
                value=rng.randint(60, 120),
            )
            for measure in measures
            for period in periods
        ),
        batch_size=BATCH * 5,
    )


def _reviews(strategies: list[Strategy], reviewers: list, rng: random.Random) -> None:
    Review.objects.bulk_create(
        (
            Review(
                strategy=strategy,
                reviewer=reviewers[(i + k) % len(reviewers)],
                reviewed_on=datetime.date(2025, 1 + k, 1 + i % 28),
                comments=f"Consider {rng.choice(TOPICS)}; the measures look current.",
            )
            for i, strategy in enumerate(strategies)
            for k in range(REVIEWS_PER_STRATEGY)
        ),
        batch_size=BATCH,
    )
    ExpertAssignment.objects.bulk_create(
        (
            ExpertAssignment(
                strategy=strategy, expert=reviewers[i % len(reviewers)], area="Treatment"
            )
            for i, strategy in enumerate(strategies)
        ),
        batch_size=BATCH,
    )


def build_site(strategies: int, *, seed: int = 7) -> dict:
    """Fill an empty database; returns the sizes written."""
    size = Size(strategies)
    rng = random.Random(seed)  # noqa: S311 - sample text, not secrets
    managers, reviewers = _people(size)
    pages = _maps(size, rng, managers)
    _library(size, rng, pages)
    _scorecards(size, rng, pages)
    _reviews(pages, reviewers, rng)
    return size.describe()
