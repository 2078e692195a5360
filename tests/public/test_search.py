"""Site search: what it finds for whom, how it ranks and highlights, and what it costs."""

from io import StringIO

import pytest
import reversion
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from demo.data import FEATURED_SLUG
from programs.models import Program, Resource
from public import search as site_search
from public.search import (
    ACTION_FIELDS,
    EMPTY_QUERY,
    EXPERT_FIELDS,
    LONG_QUERY,
    MAX_QUERY_LENGTH,
    MEASURE_FIELDS,
    NO_WORDS,
    OBJECTIVE_FIELDS,
    ONLY_COMMON_WORDS,
    PARTNER_FIELDS,
    PROGRAM_FIELDS,
    RESOURCE_FIELDS,
    RESULTS_PER_KIND,
    REVIEW_FIELDS,
    STRATEGY_FIELDS,
    Highlighter,
    Query,
    excerpt,
    parse_query,
    ranked,
    search,
)
from reviews.models import ExpertAssignment, Review
from scorecards.models import Action, Measure, Objective, Partner
from strategy.models import Strategy, StrategyResource
from tests.programs.factories import (
    EvidenceRatingFactory,
    ImplementationFactory,
    OutcomeFactory,
    ProgramFactory,
    ResourceFactory,
)
from tests.reviews.factories import ExpertAssignmentFactory, ReviewFactory
from tests.scorecards.factories import (
    ActionFactory,
    DataSourceFactory,
    MeasureFactory,
    ObjectiveFactory,
    PartnerFactory,
)
from tests.strategy.factories import (
    BandFactory,
    PageManagerFactory,
    StrategyFactory,
    StrategyProgramFactory,
    StrategyResourceFactory,
    UserFactory,
)

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
    assert "Measured in kits · Data source: " in html
    assert "Draft page: not public" in html


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
    page_url = public.get_absolute_url()
    assert f'href="{page_url}#tools-resource-{resource.pk}">Public page</a> (Tools' in html
    assert f'href="{page_url}#investigate-resource-{resource.pk}">Public page</a> (Res' in html
    assert "Hidden page" not in html
    assert '<h3 class="h5 mb-1"><mark>Naloxone</mark> leaflet</h3>' in html
    assert "Not listed or cited on a public strategy page yet." in html


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
    assert "Nothing matched &quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;." in echoed


def test_only_the_best_results_of_each_kind_are_listed(client, monkeypatch):
    monkeypatch.setattr(site_search, "RESULTS_PER_KIND", 2)
    for number in range(3):
        StrategyFactory(title=f"Naloxone {number}")

    results = search("naloxone", user=AnonymousUser())
    assert len(results.strategies.hits) == 2 and results.strategies.more

    html = search_html(client, "naloxone")
    assert "(2+)" in html
    assert "Only the best 2 are listed" in html


def every_kind_on_one_page(page, word, number=0):
    """One row of every kind on ``page`` (and in the library) whose name holds ``word``."""
    objective = ObjectiveFactory(strategy=page, title=f"{word} objective {number}")
    MeasureFactory(objective=objective, name=f"{word} kits given {number}")
    action = ActionFactory(objective=objective, title=f"{word} action {number}")
    action.partners.add(PartnerFactory(name=f"{word} partner {number}"))
    program = ProgramFactory(name=f"{word} program {number}")
    StrategyProgramFactory(strategy=page, program=program)
    link = StrategyResourceFactory(strategy=page, resource__title=f"{word} kit {number}")
    StrategyResourceFactory(resource=link.resource)
    OutcomeFactory(implementation__program=program, source=link.resource)
    ExpertAssignmentFactory(strategy=page, expert=None, expert_name=f"{word} expert {number}")
    ReviewFactory(strategy=page, comments=f"Add the {word} figures {number}.")
    page.page_manager.last_name = f"{word}son {number}"
    page.page_manager.save()


def fill_site(size):
    """``size`` pages, each with a match of every kind on it."""
    for number in range(size):
        every_kind_on_one_page(StrategyFactory(title=f"Naloxone page {number}"), "Naloxone", number)


@pytest.mark.parametrize("size", [1, 6])
def test_search_costs_the_same_queries_whatever_the_number_of_results(client, size):
    fill_site(size)

    with CaptureQueriesContext(connection) as queries:
        html = search_html(client, "naloxone")

    results = search("naloxone", user=AnonymousUser())
    assert all(group.hits for group in results.groups), "every kind is found"
    # Pages, objectives, measures, actions with their partners, reviews; programs with
    # their pages; resources with the pages that list and cite them; partners with their
    # actions; experts and page managers. (A program matched by its name, its evidence
    # is not read.) On PostgreSQL one statement finds the hits of every kind and reads
    # the first seven kinds' with their pages and partners; then the pages citing the
    # resources, the partners with their actions, the experts and the page managers.
    assert len(queries) == (6 if connection.vendor == "postgresql" else 15)
    assert f"{size * 10} results" in html, "two partners an action: the lead does not match"


def test_rows_are_loaded_without_their_search_document(client):
    every_kind_on_one_page(StrategyFactory(title="Naloxone in pharmacies"), "Naloxone")

    with CaptureQueriesContext(connection) as queries:
        for model in (Strategy, Program, Resource, Measure, Objective, Action, Partner):
            list(model.objects.all())
        list(Review.objects.all())
        list(ExpertAssignment.objects.all())
        search_html(client, "naloxone")

    for query in queries:
        selected = query["sql"].split(" FROM ")[0]
        # Search names the document only to rank by it.
        assert selected.count("search_document") == selected.count("ts_rank("), query["sql"]


def test_revisions_do_not_store_the_search_document():
    with reversion.create_revision():
        page = StrategyFactory(title="Naloxone")
        stored = [page, ProgramFactory(), ResourceFactory(), ObjectiveFactory(strategy=page)]
        stored += [ActionFactory(objective=stored[-1]), PartnerFactory()]
        stored += [ReviewFactory(strategy=page), ExpertAssignmentFactory(strategy=page)]

    for obj in stored:
        assert "search_document" not in Version.objects.get_for_object(obj).get().serialized_data


# Coverage: every word a reader sees on a public page ----------------------------------


def a_page_with_every_part():
    """A published page with one unique word in each part of it a reader sees; returns the
    page and ``{word: (kind, the anchor or address its hit links to)}``."""
    manager = PageManagerFactory(first_name="Priya", last_name="Quillfeather")
    page = StrategyFactory(title="Zebrafinch markets", intro="Open-air **marmoset** dealing.")
    page.page_manager = manager
    page.save()
    testimony = ResourceFactory(title="Testimony on the dormouse", publisher="Gecko Press")
    program = ProgramFactory(
        name="Drug Market Intervention",
        summary="Closes wombat markets.",
        description="A *call-in* with the narwhal families.",
        first_implemented_place="Ocelot Point, NC",
        first_implemented_year=1987,
    )
    rating = EvidenceRatingFactory(program=program, source="Capybara Solutions")
    implementation = ImplementationFactory(
        program=program, place="Rutland, VT", start_year=2014, notes="A tapir market."
    )
    outcome = OutcomeFactory(
        implementation=implementation, indicator="Vandalism", period="since 2013", source=testimony
    )
    StrategyProgramFactory(strategy=page, program=program)
    lead = StrategyResourceFactory(
        strategy=page,
        resource__title="Kestrel toolkit",
        resource__description="How to run a pelican call-in.",
    )
    objective = ObjectiveFactory(
        strategy=page, title="Close the heron market", details="Compared with the ibis year."
    )
    source = DataSourceFactory(name="Flamingo incident reports")
    measure = MeasureFactory(
        objective=objective, name="Burglaries near the quokka", unit="lemurs", data_source=source
    )
    partner = PartnerFactory(name="Westside Neighborhood Association")
    action = ActionFactory(objective=objective, title="Hold the axolotl call-in", lead=partner)
    action.partners.add(PartnerFactory(name="Interfaith Pangolin Council"))
    expert = ExpertAssignmentFactory(
        strategy=page, expert=UserFactory(first_name="Sam", last_name="Okafor"), area="Yak law"
    )
    review = ReviewFactory(strategy=page, reviewer_name="Dr. Lee Carter", reviewer=None)
    Review.objects.filter(pk=review.pk).update(comments="The meerkat figures are sourced.")
    url = page.get_absolute_url()
    where = {
        "zebrafinch": ("strategy", url),
        "marmoset": ("strategy", url),
        "wombat": ("program", program.get_absolute_url()),
        "narwhal": ("program", program.get_absolute_url()),
        "ocelot": ("program", program.get_absolute_url()),
        "1987": ("program", program.get_absolute_url()),
        "capybara": ("program", f"{url}#rating-{rating.pk}"),
        "tapir": ("program", f"{url}#implementation-{implementation.pk}"),
        "vandalism": ("program", f"{url}#outcome-{outcome.pk}"),
        "dormouse": ("resource", f"{url}#reference-{testimony.pk}"),
        "gecko": ("resource", f"{url}#reference-{testimony.pk}"),
        "kestrel": ("resource", f"{url}#tools-resource-{lead.resource.pk}"),
        "pelican": ("resource", f"{url}#tools-resource-{lead.resource.pk}"),
        "heron": ("objective", f"{url}#objective-{objective.pk}"),
        "ibis": ("objective", f"{url}#objective-{objective.pk}"),
        "quokka": ("measure", f"{url}#measure-{measure.pk}"),
        "lemurs": ("measure", f"{url}#measure-{measure.pk}"),
        "flamingo": ("measure", f"{url}#measure-{measure.pk}"),
        "axolotl": ("action", f"{url}#action-{action.pk}"),
        "pangolin": ("action", f"{url}#action-{action.pk}"),
        "westside": ("partner", f"{url}#action-{action.pk}"),
        "quillfeather": ("person", f"{url}#page-manager"),
        "okafor": ("person", f"{url}#expert-{expert.pk}"),
        "yak": ("person", f"{url}#expert-{expert.pk}"),
        "carter": ("review", f"{url}#review-{review.pk}"),
        "meerkat": ("review", f"{url}#review-{review.pk}"),
    }
    return page, where


def links(hit) -> list[str]:
    return [hit.url, *(place.url for place in hit.places)]


def test_every_part_of_a_page_is_found_and_links_to_its_place_on_the_page(client):
    page, where = a_page_with_every_part()
    html = client.get(page.get_absolute_url()).content.decode()

    for word, (kind, url) in where.items():
        results = search(word, user=AnonymousUser())
        found = results.group(kind).hits
        assert found, f"{word!r} finds its {kind}"
        assert url in links(found[0]), (word, links(found[0]))
        if "#" in url and url.startswith(page.get_absolute_url()):
            anchor = url.split("#")[1]
            assert f'id="{anchor}"' in html, f"the page has the anchor {anchor}"


@pytest.mark.parametrize("size", [1, 6])
def test_programs_found_by_their_evidence_cost_the_same_queries_at_any_number(size):
    for number in range(size):
        page = StrategyFactory()
        program = ProgramFactory(name=f"Intervention {number}")
        StrategyProgramFactory(strategy=page, program=program)
        OutcomeFactory(implementation__program=program, indicator="Vandalism")

    with CaptureQueriesContext(connection) as queries:
        results = search("vandalism", user=AnonymousUser())

    assert len(results.programs.hits) == size
    assert all("<mark>Vandalism</mark>" in hit.excerpt for hit in results.programs.hits)
    # The programs' ratings, implementations and outcomes, read to show the line that
    # matched; before them, one query per kind (two for people: experts, page managers)
    # and one for the programs' pages, or on PostgreSQL one statement for every kind that
    # reads the programs it found with their pages.
    assert len(queries) == (1 if connection.vendor == "postgresql" else 10 + 1) + 3


def test_a_program_is_found_by_its_outcome_with_the_measure_of_the_same_word(client):
    a_page_with_every_part()
    Outcome = OutcomeFactory._meta.model
    outcome = Outcome.objects.get(indicator="Vandalism")
    outcome.indicator = "Burglaries"
    outcome.save()

    results = search("burglaries", user=AnonymousUser())

    assert [hit.obj.name for hit in results.programs.hits] == ["Drug Market Intervention"]
    assert [hit.obj.name for hit in results.measures.hits] == ["Burglaries near the quokka"]
    html = search_html(client, "burglaries")
    assert "Rutland, VT, since 2014: <mark>Burglaries</mark> -53 %" in html


def test_words_from_different_parts_of_a_program_find_it_together():
    a_page_with_every_part()

    results = search("tapir vandalism ocelot", user=AnonymousUser())

    assert [hit.obj.name for hit in results.programs.hits] == ["Drug Market Intervention"]
    assert search("tapir quokka", user=AnonymousUser()).count == 0, "one result holds every word"


def test_a_resource_cited_as_a_reference_names_the_page_it_is_cited_on(client):
    page, _ = a_page_with_every_part()

    html = search_html(client, "dormouse")

    assert f'<a href="{page.get_absolute_url()}#reference-' in html.split("Testimony on the")[1]
    assert "(References)" in html
    assert "Not listed or cited" not in html


def test_a_quoted_phrase_matches_its_words_in_a_row_only():
    ProgramFactory(name="Point program", first_implemented_place="High Point, NC")
    ProgramFactory(
        name="Other program", summary="A high bar.", first_implemented_place="Point Hope"
    )

    assert [hit.obj.name for hit in search('"High Point"', user=AnonymousUser()).programs.hits] == [
        "Point program"
    ]
    assert len(search("high point", user=AnonymousUser()).programs.hits) == 2
    assert len(search("“point high”", user=AnonymousUser()).programs.hits) == 0


def test_parse_query_keeps_phrases_and_drops_common_words():
    query, problem = parse_query('"Department of Health" naloxone the "x"')

    assert problem == ""
    assert query == Query(words=("x", "naloxone"), phrases=(("department", "of", "health"),))
    assert query.terms == ("x", "naloxone", "department", "health")
    assert parse_query('"the of"')[1] == ONLY_COMMON_WORDS


def test_the_public_never_finds_a_drafts_parts_and_staff_do(client, owner):
    draft = StrategyFactory(title="Secret naloxone page", status=Strategy.Status.DRAFT)
    every_kind_on_one_page(draft, "Naloxone")

    results = search("naloxone", user=AnonymousUser())

    found = {group.kind: len(group.hits) for group in results.groups if group.hits}
    # The library is public; what it says about the draft is not.
    assert found == {"program": 1, "resource": 1, "partner": 1}
    assert not results.programs.hits[0].places and not results.partners.hits[0].places
    # Listed on the draft and on one public page: only the public page is named.
    places = [place.text for place in results.resources.hits[0].places]
    assert len(places) == 1 and "Secret naloxone page" not in places
    html = search_html(client, "naloxone")
    assert "Secret naloxone page" not in html and "figures" not in html
    staff = search("naloxone", user=owner)
    assert [group.kind for group in staff.groups if not group.hits] == []


def test_the_demo_words_are_found_on_the_drug_market_page(client):
    call_command("load_demo", stdout=StringIO())
    page = Strategy.objects.get(slug=FEATURED_SLUG).get_absolute_url()

    for query, kind in [
        ('"High Point"', "program"),
        ("vandalism", "program"),
        ("burglaries", "program"),
        ("burglaries", "measure"),
        ("Westside", "partner"),
        ("Westside", "action"),
        ('"Sam Okafor"', "person"),
        ("Sam Okafor", "review"),
        ("Rutland testimony", "resource"),
    ]:
        hits = search(query, user=AnonymousUser()).group(kind).hits
        assert any(url.startswith(page) for hit in hits for url in links(hit)), (query, kind)
    html = search_html(client, "Rutland testimony")
    assert "Not listed" not in html
    assert f'href="{page}#reference-' in html


# PostgreSQL: stored documents, their triggers and indexes, typo tolerance -------------

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="stored search documents and their GIN indexes exist on PostgreSQL only",
)

SEARCHED = [
    (Strategy, STRATEGY_FIELDS, "strategy_search_document_gin"),
    (Measure, MEASURE_FIELDS, "measure_search_document_gin"),
    (Program, PROGRAM_FIELDS, "program_search_document_gin"),
    (Resource, RESOURCE_FIELDS, "resource_search_document_gin"),
    (Objective, OBJECTIVE_FIELDS, "objective_search_document_gin"),
    (Action, ACTION_FIELDS, "action_search_document_gin"),
    (Partner, PARTNER_FIELDS, "partner_search_document_gin"),
    (Review, REVIEW_FIELDS, "review_search_document_gin"),
    (ExpertAssignment, EXPERT_FIELDS, "expert_search_document_gin"),
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

    plan = ranked(model.objects.all(), fields, Query(words=("naloxone", "pharm"))).explain()

    assert f"Bitmap Index Scan on {index}" in plan


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
def test_documents_follow_the_related_rows_they_show():
    page, _ = a_page_with_every_part()
    program = Program.objects.get(name="Drug Market Intervention")
    action = Action.objects.get(title="Hold the axolotl call-in")
    expert = ExpertAssignment.objects.get(strategy=page)

    OutcomeFactory._meta.model.objects.filter(indicator="Vandalism").update(indicator="Arson")
    program.ratings.update(source="Crime Solutions")
    Partner.objects.filter(name__startswith="Westside").update(name="Eastside Association")
    action.partners.clear()
    Measure.objects.get().data_source.__class__.objects.update(name="Sheriff reports")
    expert.expert.first_name, expert.expert.last_name = "Samantha", "Okonkwo"
    expert.expert.save()
    ImplementationFactory(program=program, place="Ithaca, NY")

    def kinds(word):
        return {group.kind for group in search(word, user=AnonymousUser()).groups if group.hits}

    for gone in ("vandalism", "capybara", "westside", "flamingo", "okafor"):
        assert kinds(gone) == set(), gone
    assert kinds("pangolin") == {"partner"}, "the partner stays; the action no longer names it"
    assert kinds("arson") == kinds("ithaca") == {"program"}
    assert kinds("eastside") == {"partner", "action"}
    assert kinds("sheriff") == {"measure"}
    assert kinds("okonkwo") == {"person"}


@postgresql_only
def test_a_misspelt_word_shows_the_results_of_the_nearest_indexed_word(client):
    a_page_with_every_part()
    Outcome = OutcomeFactory._meta.model
    Outcome.objects.filter(indicator="Vandalism").update(indicator="Burglaries")

    results = search("buglaries", user=AnonymousUser())
    html = search_html(client, "buglaries")

    assert results.corrected_from == "buglaries" and results.query == "burglaries"
    assert results.programs.hits and results.measures.hits
    assert "Nothing matched “buglaries”. Did you mean <a href=" in html
    assert ">“burglaries”</a>? Showing its results." in html
    assert "?q=burglaries" in html
    assert "<mark>Burglaries</mark> near the quokka" in html
    assert search('"Burglaries near"', user=AnonymousUser()).corrected_from == ""


@postgresql_only
def test_a_correction_that_finds_only_what_the_visitor_may_not_read_is_not_offered(client):
    draft = StrategyFactory(title="Secret page", status=Strategy.Status.DRAFT)
    ObjectiveFactory(strategy=draft, title="Close the quetzal market")

    results = search("quetzl", user=AnonymousUser())

    assert results.count == 0 and results.corrected_from == ""
    assert "Did you mean" not in search_html(client, "quetzl")


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

    assert len(results.strategies.hits) == RESULTS_PER_KIND and results.strategies.more
    assert "Bitmap Index Scan on strategy_search_document_gin" in plan
    assert "Seq Scan on strategy_strategy" not in plan
