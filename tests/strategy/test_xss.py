"""Script typed into any field comes out as text: no tag, attribute or URL it smuggles in runs."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from strategy.models import Strategy
from tests.programs.factories import EvidenceRatingFactory, OutcomeFactory, ResourceFactory
from tests.reviews.factories import ExpertAssignmentFactory, ReviewFactory
from tests.scorecards.factories import (
    ActionFactory,
    DataPointFactory,
    DataSourceFactory,
    PartnerFactory,
)
from tests.strategy.factories import (
    BandFactory,
    StrategyFactory,
    StrategyLinkFactory,
    StrategyProgramFactory,
    StrategyResourceFactory,
    TopLevelMapFactory,
)

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "javascript:alert(1)",
    "[click](javascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<iframe src=javascript:alert(1)></iframe>",
    "<a href=javascript:alert(1)>x</a>",
    "<body onload=alert(1)>",
    "<style>body{display:none}</style>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><img src=x onerror=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
    "![x](javascript:alert(1))",
    '<a href="  javascript:alert(1)">x</a>',
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<input autofocus onfocus=alert(1)>",
    "{{ request }}{% debug %}",
]

# The site's own pages use none of these; forms are allowed for the site's own
# search and filter forms, whose actions and attributes are still checked.
FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "style", "math"}


class ActiveContentFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            scheme = (value or "").strip().lower()
            if name in {"href", "src", "action", "data"} and scheme.startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.problems.append(f"{tag} {name}={value}")


def assert_inert(html: str):
    finder = ActiveContentFinder()
    finder.feed(html)
    assert finder.problems == []


def short(payload, length):
    return payload[:length]


def build_site_full_of(payload):
    band = BandFactory(map=TopLevelMapFactory(title=payload, summary=payload), title=payload)
    page = StrategyFactory(band=band, title=payload, intro=payload, slug="page")
    StrategyLinkFactory(cause=page, effect=StrategyFactory(band=band, title=payload))
    link = StrategyProgramFactory(
        strategy=page, note=payload, program__name=payload, program__summary=short(payload, 300)
    )
    program = link.program
    program.description = payload
    program.first_implemented_place = payload
    program.website = payload
    program.save()
    EvidenceRatingFactory(program=program, source=payload, outcome_rated=payload, url=payload)
    OutcomeFactory(
        implementation__program=program,
        implementation__place=payload,
        implementation__notes=payload,
        indicator=payload,
        period=short(payload, 100),
        source=ResourceFactory(title=payload, publisher=payload, url=payload),
    )
    StrategyResourceFactory(
        strategy=page,
        note=payload,
        resource=ResourceFactory(title=payload, publisher=payload, url=payload),
    )
    point = DataPointFactory(
        measure__objective__strategy=page,
        measure__objective__title=payload,
        measure__objective__details=payload,
        measure__name=payload,
        measure__unit=short(payload, 50),
        measure__data_source=DataSourceFactory(name=payload, url=payload),
        note=payload,
    )
    action = ActionFactory(
        objective=point.measure.objective,
        title=payload,
        description=payload,
        lead=PartnerFactory(name=payload),
    )
    action.partners.add(PartnerFactory(name=payload + " 2"))
    ExpertAssignmentFactory(strategy=page, expert=None, expert_name=payload, area=payload)
    ReviewFactory(strategy=page, reviewer=None, reviewer_name=payload, comments=payload)
    page.page_manager.first_name = payload[:150]
    page.page_manager.save()
    return page, program


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_every_field_comes_out_inert(client, payload):
    page, program = build_site_full_of(payload)
    assert page.status == Strategy.Status.PUBLISHED

    for url in [
        reverse("strategy:home"),
        page.get_absolute_url(),
        reverse("programs:list"),
        program.get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode())
