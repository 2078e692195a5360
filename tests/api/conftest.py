import datetime
from dataclasses import dataclass

import pytest

from strategy.models import Strategy, StrategyMap, StrategyResource
from tests.programs.factories import (
    EvidenceRatingFactory,
    OutcomeFactory,
    ProgramFactory,
    ResourceFactory,
)
from tests.reviews.factories import ExpertAssignmentFactory, ReviewFactory
from tests.scorecards.factories import (
    ActionFactory,
    DataPointFactory,
    MeasureFactory,
    PartnerFactory,
)
from tests.strategy.factories import (
    BandFactory,
    StrategyFactory,
    StrategyLinkFactory,
    StrategyMapFactory,
    StrategyProgramFactory,
    StrategyResourceFactory,
    TopLevelMapFactory,
)


@dataclass
class Site:
    top: StrategyMap
    zoom: StrategyMap
    pages: list[Strategy]
    draft: Strategy
    archived: Strategy


def fill_page(page: Strategy, size: int):
    """Give a page ``size`` of everything it can hold, every optional value set."""
    for _ in range(size):
        program_link = StrategyProgramFactory(strategy=page, note="Fits the *local* market.")
        program = program_link.program
        OutcomeFactory(implementation__program=program, source=ResourceFactory())
        EvidenceRatingFactory(program=program, rated_on=datetime.date(2024, 5, 1))
        for section in StrategyResource.Section.values:
            StrategyResourceFactory(strategy=page, section=section, note="Start here.")
        measure = MeasureFactory(objective__strategy=page, target_period="2030", tolerance=2)
        for period, value in (("2025-Q4", 90), ("2026-Q1", 80), ("2026-Q2", 70)):
            DataPointFactory(measure=measure, period=period, value=value)
        action = ActionFactory(objective=measure.objective)
        action.partners.add(PartnerFactory(), PartnerFactory())
        ExpertAssignmentFactory(strategy=page)
        ReviewFactory(strategy=page)


def build_site(size: int) -> Site:
    """A top-level map of ``size`` published pages (the first one zoomed into), each holding
    ``size`` of everything, linked in a chain; and a draft and an archived page, linked and
    listing programs, that nobody may see through the API."""
    top = TopLevelMapFactory(summary="The coalition's plan.")
    band = BandFactory(map=top, title="Community Results")
    pages = [
        StrategyFactory(band=band, position=n, last_reviewed=datetime.date(2026, 1, 5))
        for n in range(size)
    ]
    zoom = StrategyMapFactory(parent=top, zooms_into=pages[0], title="Zoom on the first page")
    BandFactory(map=zoom)
    StrategyFactory(band=zoom.bands.get(), status=Strategy.Status.UNDER_CONSTRUCTION)
    for cause, effect in zip(pages, pages[1:], strict=False):
        StrategyLinkFactory(cause=cause, effect=effect, note="Leads to")
    for page in pages:
        fill_page(page, size)
    draft = StrategyFactory(band=band, title="Secret draft", status=Strategy.Status.DRAFT)
    archived = StrategyFactory(band=band, title="Old archived", status=Strategy.Status.ARCHIVED)
    for hidden in (draft, archived):
        fill_page(hidden, 1)
        StrategyLinkFactory(cause=pages[0], effect=hidden)
        StrategyProgramFactory(strategy=hidden, program=pages[0].program_links.first().program)
    return Site(top=top, zoom=zoom, pages=pages, draft=draft, archived=archived)


@pytest.fixture
def site(db) -> Site:
    return build_site(2)


@pytest.fixture
def many_programs(db):
    return ProgramFactory.create_batch(51)
