"""Site search: what it finds for whom, how it ranks and highlights, and what it costs."""

import pytest
import reversion
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from programs.models import Program, Resource
from public import search as site_search
from public.search import (
    EMPTY_QUERY,
    LONG_QUERY,
    MAX_QUERY_LENGTH,
    MEASURE_FIELDS,
    NO_WORDS,
    ONLY_COMMON_WORDS,
    PROGRAM_FIELDS,
    RESOURCE_FIELDS,
    STRATEGY_FIELDS,
    Highlighter,
    excerpt,
    ranked,
    search,
    stored_document,
)
from scorecards.models import Measure
from strategy.models import Strategy, StrategyResource
from tests.programs.factories import ProgramFactory, ResourceFactory
from tests.scorecards.factories import MeasureFactory
from tests.strategy.factories import BandFactory, StrategyFactory, StrategyResourceFactory

pytestmark = pytest.mark.django_db

SEARCH_URL = reverse("strategy:search")


def search_html(client, query) -> str:
    response = client.get(SEARCH_URL, {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def titles(group) -> list[str]:
    return [hit.obj.title for hit in group.hits]


def test_title_match_ranks_before_body_match(client):
    # Alphabetical order would put the body match first; only the rank puts it second.
    body_match = StrategyFactory(title="Access to treatment", intro="Pharmacies stock naloxone.")
    title_match = StrategyFactory(title="Naloxone in every pharmacy", intro="Kits save lives.")

    results = search("naloxone", user=AnonymousUser())

    assert titles(results.strategies) == [title_match.title, body_match.title]
    html = search_html(client, "naloxone")
    assert html.index(title_match.get_absolute_url()) < html.index(body_match.get_absolute_url())


def test_every_word_must_match_and_a_word_start_is_enough(client):
    both = StrategyFactory(title="Naloxone in pharmacies", intro="Prevents overdose deaths.")
    StrategyFactory(title="Naloxone training", intro="Teaches first responders.")

    results = search("overd NALOXONE", user=AnonymousUser())

    assert titles(results.strategies) == [both.title]


def test_programs_and_resources_are_found_by_their_body_fields():
    program = ProgramFactory(
        name="Drug Market Intervention", description="Offers buprenorphine to dealers."
    )
    resource = ResourceFactory(title="Field guide", publisher="Buprenorphine Institute")

    results = search("buprenorphine", user=AnonymousUser())

    assert [hit.obj for hit in results.programs.hits] == [program]
    assert [hit.obj for hit in results.resources.hits] == [resource]
    assert results.count == 2


def test_matched_words_are_highlighted_from_their_start_whatever_the_case(client):
    StrategyFactory(title="Close open-air drug Markets", intro="Market days draw buyers.")

    html = search_html(client, "market")

    assert "Close open-air drug <mark>Markets</mark>" in html
    assert "<mark>Market</mark> days draw buyers." in html
    assert "super<mark>" not in html


def test_highlighting_never_breaks_an_entity_or_lets_markup_through():
    highlight = Highlighter(["amp", "lt"])

    assert highlight("R&D amp <b>lt</b>") == (
        "R&amp;D <mark>amp</mark> &lt;b&gt;<mark>lt</mark>&lt;/b&gt;"
    )


def test_a_long_intro_is_cut_to_a_plain_excerpt_around_the_first_match():
    intro = (
        "## Background\n\n"
        + "Coalitions meet every month to plan. " * 15
        + "\n\n- Pharmacies stock **naloxone** kits, see [the guide](https://example.org/guide).\n"
        + "\nMore planning follows. " * 15
    )

    text = excerpt(intro, Highlighter(["naloxone"]))

    assert text.startswith("… ") and text.endswith(" …")
    assert "Pharmacies stock <mark>naloxone</mark> kits, see the guide." in text
    assert len(text) < 300
    for syntax in ("**", "##", "](", "https://example.org/guide", "- Pharmacies"):
        assert syntax not in text


def test_anonymous_visitors_do_not_find_drafts_or_their_measures(client):
    draft = StrategyFactory(title="Naloxone vending machines", status=Strategy.Status.DRAFT)
    MeasureFactory(objective__strategy=draft, name="Naloxone kits dispensed")
    StrategyFactory(title="Naloxone archive", status=Strategy.Status.ARCHIVED)

    assert search("naloxone", user=AnonymousUser()).count == 0
    html = search_html(client, "naloxone")
    assert "Naloxone vending machines" not in html and "kits dispensed" not in html
    assert "Nothing matched" in html


def test_measures_are_found_by_name_and_unit_and_lead_to_their_place_on_the_page(client):
    page = StrategyFactory(title="Reduce illegal sales")
    burglaries = MeasureFactory(
        objective__strategy=page,
        objective__title="Close the open-air market",
        name="Burglaries in the target area",
        unit="incidents per quarter",
    )
    calls = MeasureFactory(objective__strategy=page, name="Overdose calls", unit="incidents")

    html = search_html(client, "burglaries")

    assert f'href="{page.get_absolute_url()}#measure-{burglaries.pk}"' in html
    assert "<mark>Burglaries</mark> in the target area" in html
    assert "Objective: Close the open-air market · on Reduce illegal sales" in html
    assert "Measured in incidents per quarter" in html
    by_unit = search("incidents", user=AnonymousUser()).measures
    assert [hit.obj for hit in by_unit.hits] == [burglaries, calls], "equal ranks, by name"


def test_staff_find_drafts_and_their_measures_labelled_as_not_public(client, owner):
    draft = StrategyFactory(title="Naloxone vending machines", status=Strategy.Status.DRAFT)
    MeasureFactory(objective__strategy=draft, name="Naloxone kits dispensed", unit="kits")
    client.force_login(owner)

    html = search_html(client, "naloxone")

    assert draft.get_absolute_url() in html
    assert "Draft: not public" in html
    assert "Measured in kits · Draft page: not public" in html


def test_a_resource_links_to_its_url_and_lists_only_the_pages_the_visitor_may_read(client):
    resource = ResourceFactory(title="Naloxone toolkit", url="https://example.org/naloxone")
    public = StrategyResourceFactory(resource=resource, strategy__title="Public page").strategy
    StrategyResourceFactory(
        resource=resource, strategy=public, section=StrategyResource.Section.INVESTIGATE
    )
    StrategyResourceFactory(
        resource=resource, strategy__title="Hidden page", strategy__status=Strategy.Status.DRAFT
    )
    ResourceFactory(title="Naloxone leaflet", url="")

    html = search_html(client, "naloxone")

    assert '<a href="https://example.org/naloxone"><mark>Naloxone</mark> toolkit</a>' in html
    assert html.count(f'href="{public.get_absolute_url()}#') == 1, "each page once"
    assert "Hidden page" not in html
    assert '<h3 class="h5 mb-1"><mark>Naloxone</mark> leaflet</h3>' in html
    assert "Not listed on a public strategy page yet." in html


def test_results_page_has_one_heading_echoes_the_query_and_counts_results(client):
    StrategyFactory(title="Naloxone in pharmacies")
    ProgramFactory(name="Naloxone Access Program")

    html = search_html(client, "naloxone")

    assert html.count("<h1") == 1
    assert 'name="q" value="naloxone"' in html
    assert "2 results for “naloxone”." in html
    assert ">Strategy pages <" in html and ">Programs <" in html
    assert ">Resources <" not in html, "kinds without results are left out"


def test_no_results_says_what_to_try(client):
    html = search_html(client, "zyxwvut")

    assert "Nothing matched “zyxwvut”." in html
    assert "use fewer words" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", EMPTY_QUERY),
        ("   ", EMPTY_QUERY),
        ("naloxone " * 30, LONG_QUERY),
        ("?!… -- ** __ ()", NO_WORDS),
        ("the and of", ONLY_COMMON_WORDS),
    ],
    ids=["empty", "blank", "too-long", "punctuation-only", "common-words-only"],
)
def test_unusable_queries_get_a_friendly_message_without_touching_the_database(
    client, django_assert_num_queries, query, message
):
    with django_assert_num_queries(0):
        assert search(query, user=AnonymousUser()).problem == message
    html = search_html(client, query)
    assert message in html
    assert "results for" not in html and "Nothing matched" not in html


def test_a_query_of_exactly_the_maximum_length_is_run(client):
    query = ("naloxone " * 30)[:MAX_QUERY_LENGTH]
    StrategyFactory(title="Naloxone in pharmacies")

    assert search(query, user=AnonymousUser()).count == 1


def test_markup_in_titles_intros_and_the_query_comes_out_escaped(client):
    StrategyFactory(
        title='<script>alert("naloxone")</script> Naloxone',
        intro='<img src=x onerror="alert(1)"> Naloxone **kits** <b>bold</b>',
    )

    html = search_html(client, "naloxone")
    echoed = search_html(client, '"><script>alert(2)</script>')

    assert "<script>alert" not in html + echoed
    assert "<img" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(&quot;<mark>naloxone</mark>&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; <mark>Naloxone</mark> kits" in html
    assert 'value="&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"' in echoed
    assert "Nothing matched “&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;”." in echoed


def test_only_the_best_results_of_each_kind_are_listed(client, monkeypatch):
    monkeypatch.setattr(site_search, "RESULTS_PER_KIND", 2)
    for number in range(3):
        StrategyFactory(title=f"Naloxone {number}")

    results = search("naloxone", user=AnonymousUser())
    assert len(results.strategies.hits) == 2 and results.strategies.more

    html = search_html(client, "naloxone")
    assert "(2+)" in html
    assert "Only the best 2 are listed" in html


def fill_library(size):
    """``size`` matching pages, programs and resources, each resource listed on two pages."""
    for number in range(size):
        page = StrategyFactory(title=f"Naloxone page {number}")
        MeasureFactory(objective__strategy=page, name=f"Naloxone kits given {number}")
        ProgramFactory(name=f"Naloxone program {number}")
        link = StrategyResourceFactory(strategy=page, resource__title=f"Naloxone kit {number}")
        StrategyResourceFactory(resource=link.resource)


@pytest.mark.parametrize("size", [1, 6])
def test_search_costs_the_same_queries_whatever_the_number_of_results(client, size):
    fill_library(size)

    with CaptureQueriesContext(connection) as queries:
        html = search_html(client, "naloxone")

    assert f"{size * 4} results" in html
    # One query per kind, and one for the pages that list the resources found.
    assert len(queries) == 5


def test_rows_are_loaded_without_their_search_document(client):
    page = StrategyFactory(title="Naloxone in pharmacies")
    StrategyResourceFactory(strategy=page, resource__title="Naloxone toolkit")
    ProgramFactory(name="Naloxone Access Program")
    MeasureFactory(objective__strategy=page, name="Naloxone kits given")

    with CaptureQueriesContext(connection) as queries:
        list(Strategy.objects.all())
        list(page.band.strategies.all())
        list(Program.objects.all())
        list(Resource.objects.all())
        list(Measure.objects.all())
        search_html(client, "naloxone")

    for query in queries:
        selected = query["sql"].split(" FROM ")[0]
        # Search names the document only to rank by it.
        assert selected.count("search_document") == selected.count("ts_rank("), query["sql"]


def test_revisions_do_not_store_the_search_document():
    with reversion.create_revision():
        stored = [StrategyFactory(title="Naloxone"), ProgramFactory(), ResourceFactory()]

    for obj in stored:
        assert "search_document" not in Version.objects.get_for_object(obj).get().serialized_data


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="stored search documents and their GIN indexes exist on PostgreSQL only",
)

SEARCHED = [
    (Strategy, STRATEGY_FIELDS, "strategy_search_document_gin"),
    (Measure, MEASURE_FIELDS, "measure_search_document_gin"),
    (Program, PROGRAM_FIELDS, "program_search_document_gin"),
    (Resource, RESOURCE_FIELDS, "resource_search_document_gin"),
]


@postgresql_only
@pytest.mark.parametrize(("model", "fields", "index"), SEARCHED)
def test_postgresql_search_can_use_the_gin_index(model, fields, index):
    with connection.cursor() as cursor:
        # Tiny test tables make a sequential scan cheapest; forbid it to see
        # whether the planner can use the index at all (the query must search
        # the indexed column). SET LOCAL ends with the test's transaction.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname = %s", [index])
        assert cursor.fetchone() == (index,)

    plan = ranked(model.objects.all(), fields, ["naloxone", "pharm"]).explain()

    assert f"Bitmap Index Scan on {index}" in plan


@postgresql_only
def test_the_stored_documents_are_the_searched_fields():
    StrategyFactory(title="Naloxone in pharmacies", intro="## Kits\n\nOverdose *deaths* fall.")
    StrategyFactory(title="Untitled page", intro="")
    ProgramFactory(name="Drug Market Intervention", summary="", description="Buprenorphine.")
    ProgramFactory(name="Cure Violence", summary="Violence interrupters", description="")
    ResourceFactory(title="Field guide", publisher="", description="Naloxone training.")
    ResourceFactory(title="Overdose report", publisher="CDC", description="")
    MeasureFactory(name="Naloxone kits given", unit="kits")
    MeasureFactory(name="Overdose deaths", unit="")

    for model, fields, _ in SEARCHED:
        rows = model.objects.annotate(expected=fields.vector()).order_by("pk")
        stored = list(rows.annotate(stored=stored_document(model)).values_list("stored", flat=True))
        assert stored == list(rows.values_list("expected", flat=True))
        assert all(stored), f"every {model.__name__} has a document"


@postgresql_only
def test_pages_programs_and_resources_inserted_in_bulk_are_found():
    band = BandFactory()
    Strategy.objects.bulk_create(
        [
            Strategy(
                title="Vending machines",
                slug="vending-machines",
                map=band.map,
                band=band,
                intro="Free naloxone kits in every lobby.",
                status=Strategy.Status.PUBLISHED,
            )
        ]
    )
    Program.objects.bulk_create([Program(name="Naloxone Access Program", slug="naloxone-access")])
    Resource.objects.bulk_create([Resource(title="Field guide", publisher="Naloxone Institute")])

    results = search("naloxone", user=AnonymousUser())

    assert titles(results.strategies) == ["Vending machines"]
    assert [hit.obj.name for hit in results.programs.hits] == ["Naloxone Access Program"]
    assert [hit.obj.title for hit in results.resources.hits] == ["Field guide"]


@postgresql_only
def test_rows_changed_with_queryset_update_are_found_by_their_new_words_only():
    page = StrategyFactory(title="Vending machines", intro="Kits in every lobby.")
    program = ProgramFactory(name="Access Program", summary="Kits in every lobby.")
    resource = ResourceFactory(title="Field guide", publisher="Lobby Institute")

    Strategy.objects.filter(pk=page.pk).update(intro="Naloxone kits at the pharmacy counter.")
    Program.objects.filter(pk=program.pk).update(summary="Naloxone for every household.")
    Resource.objects.filter(pk=resource.pk).update(publisher="Naloxone Institute")
    measure = MeasureFactory(objective__strategy=page, name="Lobby kits")
    Measure.objects.filter(pk=measure.pk).update(name="Naloxone kits given")

    results = search("naloxone", user=AnonymousUser())
    assert [hit.obj for hit in results.strategies.hits] == [page]
    assert [hit.obj for hit in results.measures.hits] == [measure]
    assert [hit.obj for hit in results.programs.hits] == [program]
    assert [hit.obj for hit in results.resources.hits] == [resource]
    assert search("lobby", user=AnonymousUser()).count == 0


@postgresql_only
def test_a_page_saved_from_a_loaded_instance_is_found_by_its_new_words_only():
    StrategyFactory(slug="vending", title="Vending machines", intro="Kits in every lobby.")
    page = Strategy.objects.get(slug="vending")  # holds the document stored when it was created
    page.intro = "Naloxone kits at the pharmacy counter."
    page.save()

    assert titles(search("naloxone", user=AnonymousUser()).strategies) == ["Vending machines"]
    assert search("lobby", user=AnonymousUser()).count == 0


@postgresql_only
def test_on_thousands_of_pages_the_strategy_query_reads_the_gin_index_not_the_table():
    band = BandFactory()
    words = ["coalition", "enforcement", "treatment", "prevention", "housing", "schools"]
    # Introductions about as long as real pages' (some 1,000 characters); one page in
    # a hundred mentions the word searched for.
    Strategy.objects.bulk_create(
        Strategy(
            title=f"{words[number % len(words)].title()} strategy {number}",
            slug=f"page-{number}",
            map=band.map,
            band=band,
            intro=" ".join(words[(number + k) % len(words)] for k in range(120))
            + (" Pharmacies stock naloxone." if number % 100 == 0 else ""),
            status=Strategy.Status.PUBLISHED,
        )
        for number in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE strategy_strategy")

    with CaptureQueriesContext(connection) as queries:
        results = search("naloxone", user=AnonymousUser())
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + queries[0]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert len(results.strategies.hits) == 30
    assert "Bitmap Index Scan on strategy_search_document_gin" in plan
    assert "Seq Scan on strategy_strategy" not in plan
