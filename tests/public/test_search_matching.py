"""What a search matches, the same on SQLite (regular expressions over the fields) as on
PostgreSQL (full-text search): punctuation in phrases, word endings, word starts, and
how phrases are highlighted and the query is echoed."""

import re
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from public.search import Highlighter, parse_query, quoted, search
from tests.strategy.factories import StrategyFactory

# The demo's hits for each query, as (kind, title): the same on both databases.
DEMO_HITS = [
    # A phrase matches its words whatever punctuation lies between them.
    ('"drug-sale complaints"', [("measure", "Drug-sale complaints to the city hotline")]),
    (
        '"call-in participants"',
        [
            ("action", "Connect call-in participants to jobs and treatment"),
            ("measure", "Call-in participants who accepted services"),
            ("measure", "Repeat overdoses among call-in participants"),
            ("review", "Review by Sam Okafor, Mar 4, 2026"),
        ],
    ),
    (
        '"Attorney\'s Office"',
        [
            ("action", "Map the market and identify the dealers"),
            ("action", "Share seizure intelligence between the task force and city police"),
            ("measure", "Trafficking cases accepted for federal prosecution"),
            ("partner", "U.S. Attorney's Office"),
        ],
    ),
    (
        '"motor-vehicle theft"',
        [
            ("measure", "Larceny and motor-vehicle thefts in the target area"),
            ("program", "Drug Market Intervention"),
        ],
    ),
    ('"High Point, NC"', [("program", "Drug Market Intervention")]),
    (
        '"Coordinate & Improve"',
        [("strategy", "Coordinate & Improve Efforts to Reduce Illegal Sales of Opioids")],
    ),
    # Word endings: a word finds the other forms of its stem.
    (
        "overdoses",
        [
            ("action", "Follow up within 72 hours after every non-fatal overdose"),
            ("action", "Review every overdose death with the medical examiner"),
            ("measure", "Emergency department visits for opioid overdose"),
            ("measure", "Opioid overdose death rate"),
            ("measure", "Overdose calls from the target area"),
            ("measure", "Overdoses where a bystander gave naloxone before EMS arrived"),
            ("measure", "Repeat overdoses among call-in participants"),
            ("measure", "Suspected opioid overdose deaths reported by the medical examiner"),
            ("objective", "Close the overt drug market in the target neighborhood"),
            ("objective", "Fewer residents die of an opioid overdose"),
            ("objective", "Naloxone within reach wherever an overdose may happen"),
            ("program", "Medications for Opioid Use Disorder"),
            ("program", "Naloxone Education and Distribution"),
            ("program", "Prescription Drug Monitoring Programs"),
            ("review", "Review by Dr. Lee Carter, Dec 3, 2025"),
            ("review", "Review by Sam Okafor, Mar 4, 2026"),
            ("strategy", "Increase Access to Overdose Reversal Medications"),
            ("strategy", "Reduce Opioid Overdose Deaths"),
        ],
    ),
    (
        "burglary",
        [("measure", "Burglaries in the target area"), ("program", "Drug Market Intervention")],
    ),
    (
        '"drug markets"',
        [
            ("objective", "Close the overt drug market in the target neighborhood"),
            ("person", "Sam Okafor"),
            ("program", "Drug Market Intervention"),
            ("resource", "Written testimony on the Drug Market Intervention in Rutland, Vermont"),
            ("strategy", "Coordinate & Improve Efforts to Reduce Illegal Sales of Opioids"),
        ],
    ),
    (
        "policing",
        [
            ("action", "Hold a take-back day each spring and fall at the fire stations"),
            ("action", "Hold the call-in with dealers and their families"),
            ("action", "Map the market and identify the dealers"),
            ("action", "Review every overdose death with the medical examiner"),
            ("action", "Share seizure intelligence between the task force and city police"),
            ("action", "Train every patrol shift and fire company, and restock their kits"),
            ("measure", "Burglaries in the target area"),
            ("measure", "Drug-sale complaints to the city hotline"),
            ("measure", "Larceny and motor-vehicle thefts in the target area"),
            ("measure", "Police officers and firefighters trained to give naloxone"),
            ("measure", "Prescription opioids reported stolen from homes"),
            ("partner", "City Police Department"),
            ("partner", "State Police Drug Task Force"),
            ("person", "Sam Okafor"),
            ("program", "D.A.R.E. (original curriculum)"),
            ("program", "Drug Take-Back Programs"),
            ("strategy", "Coordinate & Improve Efforts to Reduce Illegal Sales of Opioids"),
            ("strategy", "Train First Responders to Administer Naloxone"),
        ],
    ),
    (
        "thefts",
        [
            ("measure", "Larceny and motor-vehicle thefts in the target area"),
            ("program", "Drug Market Intervention"),
        ],
    ),
    # "use" does not find "unused" (the measure holds "Drug Use" in its data source's name).
    (
        "Use the Prescription",
        [
            ("measure", "Adults who misused prescription opioids in the past year"),
            ("strategy", "Use the Prescription Drug Monitoring Program"),
        ],
    ),
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module's tests and rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def found(query: str) -> list[tuple[str, str]]:
    results = search(query, user=AnonymousUser())
    assert results.corrected_from == "", "found as typed, not by a correction"
    return sorted(
        (
            group.kind,
            re.sub(r"<[^>]+>", "", str(hit.title)).replace("&amp;", "&").replace("&#x27;", "'"),
        )
        for group in results.groups
        for hit in group.hits
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "hits"), DEMO_HITS, ids=[query for query, _ in DEMO_HITS])
def test_the_demo_finds_the_same_on_every_database(demo, query, hits):
    assert found(query) == hits


@pytest.mark.django_db
def test_a_searched_phrase_is_highlighted_whole_and_the_query_echoed_once_quoted(demo, client):
    html = client.get(reverse("strategy:search"), {"q": '"drug market"'}).content.decode()

    assert "5 results for &quot;drug market&quot;.</p>" in html
    assert "<mark>Drug Market</mark> Intervention" in html
    assert "Closes overt <mark>drug markets</mark> by combining" in html
    # "market" alone is not the phrase: it is not marked.
    assert "rather than close it" in html and "move a <mark>market</mark>" not in html
    assert "<mark>market</mark>" not in html.lower().replace("<mark>drug market", "")


def test_a_phrase_is_marked_whole_across_punctuation_and_its_words_alone_are_not():
    highlight = Highlighter(["naloxone"], [("drug", "sale"), ("attorney", "s", "office")])

    assert highlight("Drug-sale calls; a drug was seized; Naloxone kits") == (
        "<mark>Drug-sale</mark> calls; a drug was seized; <mark>Naloxone</mark> kits"
    )
    assert highlight("The U.S. Attorney’s Office") == ("The U.S. <mark>Attorney’s Office</mark>")


def test_words_are_marked_from_a_word_start_with_their_other_endings():
    highlight = Highlighter(["burglary", "policing", "u"])

    assert highlight("Burglaries fell; police and policy; unused; campus") == (
        "<mark>Burglaries</mark> fell; <mark>police</mark> and <mark>policy</mark>; "
        "<mark>unused</mark>; campus"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ('"drug-sale complaints"', ["Drug sale complaints", "Drug-sale complaints"]),
        ('"drug sale complaints"', ["Drug sale complaints", "Drug-sale complaints"]),
        ('"sale complaints drug"', []),
        ("burglaries", ["Burglary", "Burglary-free blocks"]),
        ("overd", ["Overdoses", "Repeat overdose calls"]),
        ("use", ["Use the data"]),
    ],
)
def test_phrases_words_and_endings_on_small_pages(query, titles):
    pages = [
        "Drug sale complaints",
        "Drug-sale complaints",
        "Burglary",
        "Burglary-free blocks",
        "Burglar alarms",
        "Overdoses",
        "Repeat overdose calls",
        "Use the data",
        "Unused pills",
        "Sale of drugs",
    ]
    made = {StrategyFactory(title=title).pk for title in pages}

    results = search(query, user=AnonymousUser())

    # Only this test's pages (the module's demo may be loaded alongside).
    assert sorted(hit.obj.title for hit in results.strategies.hits if hit.obj.pk in made) == titles


def test_the_query_is_echoed_in_quotation_marks_unless_it_quotes_a_phrase():
    assert quoted("naloxone") == "“naloxone”"
    assert quoted('"drug market"') == '"drug market"'
    assert quoted("“drug market” naloxone") == "“drug market” naloxone"
    assert quoted('5" pipe') == '“5" pipe”'
    assert quoted('"drug-sale') == '"drug-sale'


def test_a_phrase_keeps_its_common_words_and_a_query_its_single_letters():
    query, _ = parse_query('"Attorney\'s Office" U.S.')

    assert query.phrases == (("attorney", "s", "office"),)
    assert query.words == ("u",)


@pytest.mark.django_db
def test_a_single_letter_matches_word_starts_only_not_every_text_holding_it(demo):
    # "U.S.": the "s" is a stop word, and "u" finds words starting with u. Stop words
    # ("up", "under") are not indexed on PostgreSQL, so the two databases differ by those.
    hits = found("U.S.")
    assert ("partner", "U.S. Attorney's Office") in hits
    assert ("strategy", "Use the Prescription Drug Monitoring Program") in hits
    # Texts with a "u" only inside their words.
    assert ("measure", "Burglaries in the target area") not in hits
    assert ("measure", "Drug-sale complaints to the city hotline") not in hits
    assert ("strategy", "Reduce Opioid Overdose Deaths") not in hits
