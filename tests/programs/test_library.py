"""The program library: filters by evidence rating and by strategy page."""

import pytest
from django import forms
from django.test import SimpleTestCase
from django.urls import reverse

from programs.forms import LongSelect
from programs.models import EvidenceRating
from strategy.models import Strategy
from tests.programs.factories import EvidenceRatingFactory, ProgramFactory
from tests.strategy.factories import StrategyProgramFactory

pytestmark = pytest.mark.django_db


def listed(response) -> list[str]:
    return [program.name for program in response.context["programs"]]


def test_library_filters_by_evidence_rating(client):
    EvidenceRatingFactory(program__name="Effective one", rating=EvidenceRating.Rating.EFFECTIVE)
    EvidenceRatingFactory(program__name="Promising one", rating=EvidenceRating.Rating.PROMISING)
    ProgramFactory(name="Unrated one")

    response = client.get(reverse("programs:list"), {"rating": "effective"})

    assert listed(response) == ["Effective one"]
    assert "1 program match the filter" in response.content.decode()


def test_library_filters_by_strategy_page(client):
    link = StrategyProgramFactory(program__name="On the page")
    ProgramFactory(name="Elsewhere")

    response = client.get(reverse("programs:list"), {"strategy": link.strategy.slug})

    assert listed(response) == ["On the page"]


def test_library_combines_both_filters(client):
    link = StrategyProgramFactory(program__name="Both")
    EvidenceRatingFactory(program=link.program, rating=EvidenceRating.Rating.EFFECTIVE)
    StrategyProgramFactory(strategy=link.strategy, program__name="Page only")

    response = client.get(
        reverse("programs:list"), {"strategy": link.strategy.slug, "rating": "effective"}
    )

    assert listed(response) == ["Both"]


def test_unknown_filter_values_show_everything_with_a_message(client):
    ProgramFactory(name="Anything")

    response = client.get(reverse("programs:list"), {"rating": "magic", "strategy": "nope"})

    assert response.status_code == 200
    assert listed(response) == ["Anything"]
    assert "That filter is not available" in response.content.decode()


def test_draft_pages_are_not_offered_as_a_filter_to_the_public(client):
    StrategyProgramFactory(strategy__title="Draft page", strategy__status=Strategy.Status.DRAFT)
    response = client.get(reverse("programs:list"))
    assert "Draft page" not in response.content.decode()


def test_program_list_shows_the_pages_that_recommend_each_program(client):
    link = StrategyProgramFactory(strategy__title="Coordinate Efforts")
    html = client.get(reverse("programs:list")).content.decode()
    assert "Recommended on:" in html
    assert link.strategy.get_absolute_url() in html


def test_library_shows_fifty_programs_a_page_with_links_that_keep_the_filter(client):
    for number in range(53):
        EvidenceRatingFactory(
            program__name=f"Program {number:02}", rating=EvidenceRating.Rating.EFFECTIVE
        )
    ProgramFactory(name="Unrated one")

    first = client.get(reverse("programs:list"), {"rating": "effective"})
    second = client.get(reverse("programs:list"), {"rating": "effective", "page": "2"})

    assert len(listed(first)) == 50
    assert listed(second) == ["Program 50", "Program 51", "Program 52"]
    html = first.content.decode()
    assert "53 programs match the filter; showing 1–50." in html
    assert 'href="?rating=effective&amp;page=2" rel="next"' in html


@pytest.mark.parametrize("page", ["99", "not-a-number"])
def test_a_page_number_out_of_range_shows_the_nearest_page(client, page):
    ProgramFactory(name="Only one")

    response = client.get(reverse("programs:list"), {"page": page})

    assert response.status_code == 200
    assert listed(response) == ["Only one"]


@pytest.mark.parametrize("chosen", [None, "", "page-b"])
def test_the_page_filter_renders_the_same_markup_as_a_standard_select(chosen):
    choices = [("", "Any page"), ("page-a", "Page <A>"), ("page-b", "Page & B")]
    attrs = {"id": "id_strategy", "class": "form-select"}

    fast = LongSelect(choices=choices).render("strategy", chosen, attrs)
    standard = forms.Select(choices=choices).render("strategy", chosen, attrs)

    SimpleTestCase().assertHTMLEqual(fast, standard)


def test_the_page_filter_offers_each_page_with_programs_and_keeps_the_choice(client):
    link = StrategyProgramFactory(strategy__title="Drug Market Intervention")
    StrategyProgramFactory(strategy__title="Naloxone")

    html = client.get(reverse("programs:list"), {"strategy": link.strategy.slug}).content.decode()

    assert (
        f'<option value="{link.strategy.slug}" selected>Drug Market Intervention</option>' in html
    )
    assert ">Naloxone</option>" in html
