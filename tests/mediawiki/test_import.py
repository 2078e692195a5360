"""Importing the old strategy wiki from a MediaWiki XML export (import_mediawiki).

Fixtures are small exports written for these tests (``export()`` below and
``exports/``), each reproducing a quirk of the real export in
/work/shared/samples/. The sample's own tests run on that file when it is at
hand and always on our rewrite of it (``exports/three-pages-0.11.xml``).
"""

import datetime
import io
import tracemalloc
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision, Version

from bench.wiki_generator import write_dump
from mediawiki import admin, importer, reader
from mediawiki.dump import WikiDump
from mediawiki.importer import FALLBACK_BAND, ImportFailed, PageNote, import_dump
from mediawiki.reader import WikitextError, breadcrumb, parse_strategy_page
from programs.models import Program, Resource
from public import history
from reviews.models import ExpertAssignment, Review
from scorecards.models import Action, DataSource, Measure, Objective, Partner
from strategy.models import Band, Strategy, StrategyMap, StrategyProgram
from tests.revisions import confirm_restore, page_change
from tests.strategy.factories import UserFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "exports"
SAMPLE = Path("/work/shared/samples/mediawiki-export.xml")
RIVERSIDE = FIXTURES / "riverside-0.10.xml"
DMI_TITLE = "Coordinate & Improve Efforts to Reduce Illegal Sales of Opioids"

# The shared sample when it is at hand, and our rewrite of it in any case.
SAMPLES = [
    pytest.param(
        SAMPLE,
        id="shared-sample",
        marks=pytest.mark.skipif(not SAMPLE.exists(), reason="the shared sample is absent"),
    ),
    pytest.param(FIXTURES / "three-pages-0.11.xml", id="rewrite"),
]


def export(*pages, version: str = "0.11") -> bytes:
    """A MediaWiki export of ``(title, wikitext)`` pages; a dict page may set ns and redirect."""
    out = [
        f'<mediawiki xmlns="http://www.mediawiki.org/xml/export-{version}/" '
        f'version="{version}" xml:lang="en">',
        "<siteinfo><sitename>Test wiki</sitename><case>first-letter</case></siteinfo>",
    ]
    for number, page in enumerate(pages, 1):
        if isinstance(page, tuple):
            page = {"title": page[0], "text": page[1]}
        redirect = f"<redirect title={quoteattr(page['redirect'])} />" if "redirect" in page else ""
        out.append(
            f"<page><title>{escape(page['title'])}</title><ns>{page.get('ns', 0)}</ns>"
            f"<id>{number}</id>{redirect}<revision><id>{number}</id>"
            "<timestamp>2019-05-01T12:00:00Z</timestamp>"
            "<contributor><username>Coordinator</username><id>1</id></contributor>"
            "<model>wikitext</model><format>text/x-wiki</format>"
            f'<text xml:space="preserve">{escape(page["text"])}</text></revision></page>'
        )
    out.append("</mediawiki>")
    return "\n".join(out).encode()


def run(data: bytes, **options):
    return import_dump(source=io.BytesIO(data), **options)


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def warnings_of(report, title: str) -> list[str]:
    return [note.message for note in report.warnings if note.title == title]


TOP = (
    "Opioid Top-Level Strategy Map",
    """Return to [[Main Page]]

What our coalition is working toward.

== Community Results ==
* [[Fewer Overdose Deaths]]

== Supply ==
* [[Cut Off the Illegal Supply]] ([[ZOOM_MAP_-_Cut_Off_the_Illegal_Supply|Zoom Map]])
""",
)
ZOOM = (
    "ZOOM MAP - Cut Off the Illegal Supply",
    """Return to [[Opioid_Top-Level_Strategy_Map|Opioid Top-Level Strategy Map]]

The strategies under [[Cut Off the Illegal Supply]].

== Street markets ==
* [[Close Open-Air Drug Markets]]
""",
)
CRUMB = (
    "Return to [[Opioid_Top-Level_Strategy_Map|Opioid Top-Level Strategy Map]] or "
    "[[ZOOM_MAP_-_Cut_Off_the_Illegal_Supply|Zoom Map (Cut Off the Illegal Supply)]]\n\n"
)


def strategy_page(body: str, title: str = "Close Open-Air Drug Markets"):
    return (title, CRUMB + body)


def import_page(body: str, **options):
    """Import the two maps and one strategy page; returns (report, the page)."""
    report = run(export(TOP, ZOOM, strategy_page(body)), **options)
    return report, Strategy.objects.get(slug="close-open-air-drug-markets")


# The sample export ------------------------------------------------------------------------


@pytest.mark.parametrize("sample", SAMPLES)
def test_sample_builds_the_map_tree_with_the_dmi_page_under_its_zoom_map(sample):
    report = import_dump(source=sample)

    top = StrategyMap.objects.get(parent=None)
    assert top.title == "Opioid Top-Level Strategy Map"
    assert [band.title for band in top.bands.all()] == [
        "Community Results",
        "Reduce Supply and Access",
        "Treatment, Rescue and Recovery",
        "Coalition Capacity",
    ]
    zoom = StrategyMap.objects.get(title="Reduce Access to Opioids")
    assert zoom.parent == top
    assert zoom.zooms_into.title == "Reduce Access to Opioids"
    assert zoom.zooms_into.map == top
    assert zoom.zooms_into.band.title == "Reduce Supply and Access"
    page = Strategy.objects.get(title=DMI_TITLE)
    assert page.slug == "coordinate-improve-efforts-to-reduce-illegal-sales-of-opioids"
    assert page.map == zoom
    assert page.breadcrumb() == [top, zoom]
    assert [s.title for s in zoom.strategies.all()] == [
        "Disrupt the Supply of Illegal Drugs",
        DMI_TITLE,
        "Reduce Non-Medical Access to Prescription Drugs",
    ]
    assert Strategy.objects.count() == 10
    assert set(Strategy.objects.values_list("status", flat=True)) == {Strategy.Status.DRAFT}

    program = page.program_links.get().program
    assert program.name == "Drug Market Intervention Strategy"
    assert program.origin == "High Point, NC, 2004"
    assert "first developed and implemented in High Point" in page.program_links.get().note
    # Both sections link to wiki pages the file does not hold: reported, not made resources
    # without an address.
    assert not page.resource_links.exists()
    assert not Resource.objects.filter(url="").exists()
    messages = warnings_of(report, DMI_TITLE)
    for missing in ("TR - Coordinate & Improve", "More RTI on Illegal Sales of Opioids"):
        assert any(missing in m and "which is not in the file; not imported" in m for m in messages)
    # The footnote is a resource of its own, cited at the end of the program's text.
    cited = Resource.objects.filter(strategy_links__isnull=True).get()
    assert cited.url.startswith("https://")
    assert page.program_links.get().note.endswith(f"<{cited.url}>")

    # The scorecard is "(Under Construction)" in all three parts, and there is no one to name.
    assert not page.objectives.exists()
    assert report.under_construction == [DMI_TITLE]
    assert page.page_manager is None
    assert not page.expert_assignments.exists() and not page.reviews.exists()
    messages = warnings_of(report, DMI_TITLE)
    assert any("“[insert name here]” is a placeholder" in m for m in messages)
    assert any("“[fill out table below]” is a placeholder" in m for m in messages)
    assert report.created["maps"] == 2 and report.created["pages"] == 10


@pytest.mark.parametrize("sample", SAMPLES)
def test_sample_imported_twice_changes_nothing_the_second_time(sample):
    import_dump(source=sample)
    first = row_counts()

    report = import_dump(source=sample)

    assert row_counts() == first
    assert not report.changed_anything
    assert all(created == updated == 0 for _kind, created, updated in report.rows())
    assert report.pages_imported == report.pages_unchanged == 1


@pytest.mark.parametrize("sample", SAMPLES)
def test_sample_with_publish_shows_the_unfinished_page_as_under_construction(sample):
    import_dump(source=sample, publish=True)

    assert Strategy.objects.get(title=DMI_TITLE).status == Strategy.Status.UNDER_CONSTRUCTION
    # Pages the map lists but the file does not hold have nothing on them yet.
    stub = Strategy.objects.get(title="Reduce Opioid Overdose Deaths")
    assert stub.status == Strategy.Status.UNDER_CONSTRUCTION


# Report, revisions, dry run ---------------------------------------------------------------


def test_report_counts_what_was_created_and_lists_every_warning_with_its_page():
    UserFactory(username="mlee", first_name="Morgan", last_name="Lee")

    report = import_dump(source=RIVERSIDE)

    counts = {kind: (created, updated) for kind, created, updated in report.rows()}
    assert counts == {
        "maps": (3, 0),
        "bands": (4, 0),
        "pages": (6, 0),
        "programs": (1, 0),
        "resources": (6, 0),
        "objectives": (1, 0),
        "measures": (2, 0),
        "data sources": (2, 0),
        "actions": (2, 0),
        "partners": (4, 0),
        "experts": (2, 0),
        "reviews": (3, 0),
    }
    assert report.pages_read == 7
    assert report.version == "0.10"
    assert [(n.title, n.message) for n in report.skipped] == [
        ("Talk:Close Open-Air Drug Markets", "not an article (namespace 1)"),
        ("Open-Air Drug Markets", "a redirect to “Close Open-Air Drug Markets”"),
    ]
    text = str(report)
    assert "Could not place (" in text
    assert "“Share Seizure Data Across Counties”: no map lists it" in text
    assert "Riverside Workforce Board" in text  # its sector is a guess
    assert report.title_only == [
        "Fewer Overdose Deaths",
        "Cut Off the Illegal Supply",
        "Safer Prescribing",
        "Disrupt Trafficking Routes",
    ]


def test_each_changed_page_gets_one_revision_by_the_importer_and_a_rerun_none(editor):
    import_dump(source=RIVERSIDE, user=editor)
    page = Strategy.objects.get(slug="close-open-air-drug-markets")
    versions = Version.objects.get_for_object(page)
    assert versions.count() == 1
    revision = versions.get().revision
    assert revision.user == editor
    assert revision.comment == "Imported from MediaWiki (riverside-0.10.xml)"
    # The revision holds the whole page: its objective, measures, links and experts.
    held = {v.content_type.model for v in revision.version_set.all()}
    assert {"strategy", "objective", "measure", "strategyresource", "expertassignment"} <= held
    revisions = Revision.objects.count()

    import_dump(source=RIVERSIDE, user=editor)

    assert Revision.objects.count() == revisions


ZOOM_TARGET_PAGE = (
    "Cut Off the Illegal Supply",
    """Return to [[Opioid_Top-Level_Strategy_Map|Opioid Top-Level Strategy Map]]

Supply reaches the county by road and by mail.

== Promising Programs ==
=== Focused Deterrence Call-Ins ===
First tried in Boston, MA, in 1996.

== Tools & Resources ==
* [https://example.org/market-toolkit Street Market Toolkit]

== Scorecard Building ==
=== Potential Objective Details ===
Stop the mail route by 2023.
=== Potential Measures & Data Sources ===
* Parcels seized — Postal inspectors
=== Potential Actions & Partners ===
* Train sorting staff — US Postal Inspection Service (lead); City Police Department

'''SUBJECT MATTER EXPERT:''' Pat Kim (policing); Jordan Blake

{| class="wikitable"
! Reviewer !! Date !! Comments
|-
| Pat Kim || 2019-01-15 || Good sources.
|}
""",
)


def stored_revisions() -> tuple[list, list]:
    """Every revision and version as stored, field by field, in the order they were written."""
    revisions = list(
        Revision.objects.order_by("pk").values_list("pk", "date_created", "user", "comment")
    )
    versions = list(
        Version.objects.order_by("pk").values_list(
            "pk",
            "revision",
            "content_type",
            "object_id",
            "db",
            "format",
            "serialized_data",
            "object_repr",
        )
    )
    return revisions, versions


def reset_id_sequences() -> None:
    """New rows get the ids they would get in a database holding only the rows there are now."""
    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def generated_export(folder: Path) -> Path:
    write_dump(folder / "wiki.xml", pages=40)
    return folder / "wiki.xml"


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(lambda folder: RIVERSIDE, id="riverside"),
        pytest.param(lambda folder: FIXTURES / "three-pages-0.11.xml", id="rewrite"),
        pytest.param(
            lambda folder: io.BytesIO(
                export(TOP, ZOOM, strategy_page(SUBSECTIONS), ZOOM_TARGET_PAGE)
            ),
            id="zoom-target-with-a-page",
        ),
        pytest.param(generated_export, id="generated"),
    ],
)
def test_an_import_stores_the_revisions_and_versions_reversion_records_for_its_saves(
    source, editor, monkeypatch, tmp_path
):
    UserFactory(username="mlee", first_name="Morgan", last_name="Lee")
    UserFactory(username="pkim", first_name="Pat", last_name="Kim")
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)

    def stored() -> tuple[list, list]:
        reset_id_sequences()
        with transaction.atomic():
            import_dump(source=source(tmp_path), user=editor, publish=True)
            found = stored_revisions()
            transaction.set_rollback(True)
        return found

    imported = stored()
    # The same import, with django-reversion recording each row as it is saved.
    change = importer._Importer._change
    monkeypatch.setattr(
        importer._Importer,
        "_change",
        lambda self, tally, *, new: change(self, tally, new=False),
    )
    recorded_by_reversion = stored()

    revisions, versions = imported
    assert len(revisions) > 1 and len(versions) > len(revisions)
    assert imported == recorded_by_reversion


def test_an_imported_page_has_a_history_and_can_be_restored_to_its_imported_revision(
    client, editor
):
    import_dump(source=RIVERSIDE, user=editor)
    page = Strategy.objects.get(slug="close-open-air-drug-markets")
    imported = Version.objects.get_for_object(page).get()
    state = history.page_state(imported)
    assert state.unreadable == 0
    assert state.page.fields["intro"] == page.intro
    objective = page.objectives.get()
    objective_id = objective.pk
    assert set(state.parts["objectives"]) == {str(objective_id)}
    assert len(state.parts["measures"]) == 2 and len(state.parts["actions"]) == 2
    assert len(state.parts["experts"]) == 2
    call_in = objective.actions.get(title="Hold the first call-in")
    partners = sorted(call_in.partners.values_list("name", flat=True))
    assert partners == ["Eastside Neighbors Association", "Grace Chapel"]
    with page_change(page, user=editor, comment="Edited"):
        page.intro = "Rewritten."
        page.save()
        objective.delete()

    client.force_login(editor)
    response = client.get(reverse("strategy:strategy-history", args=[page.slug]))
    assert response.status_code == 200
    assert "Imported from MediaWiki (riverside-0.10.xml)" in response.content.decode()
    response = confirm_restore(client, page, imported)
    assert response.status_code == 302

    page.refresh_from_db()
    assert page.intro == state.page.fields["intro"]
    restored = page.objectives.get()
    assert restored.pk == objective_id and restored.measures.count() == 2
    call_in = restored.actions.get(title="Hold the first call-in")
    assert sorted(call_in.partners.values_list("name", flat=True)) == partners


def test_pages_cached_for_readers_show_what_an_import_wrote_on_the_next_request(client):
    run(export(TOP, ZOOM, strategy_page("An intro.")), publish=True)
    home = reverse("strategy:home")
    assert client.get(home)["X-Page-Cache"] == "miss"
    assert client.get(home)["X-Page-Cache"] == "hit"

    added = TOP[1] + "* [[Treat Addiction in Jail]]\n"
    run(export((TOP[0], added), ZOOM, ("Treat Addiction in Jail", "Treatment.")), publish=True)

    response = client.get(home)
    assert response["X-Page-Cache"] == "miss"
    assert "Treat Addiction in Jail" in response.content.decode()


def test_dry_run_writes_nothing_and_reports_what_a_real_run_does():
    before = row_counts()

    dry = import_dump(source=RIVERSIDE, dry_run=True)

    assert row_counts() == before
    assert dry.dry_run and "Nothing was saved" in dry.headline()
    real = import_dump(source=RIVERSIDE)
    assert dry.rows() == real.rows()
    assert dry.warnings == real.warnings and dry.skipped == real.skipped


def test_a_newer_export_updates_in_place_and_keeps_what_it_does_not_mention():
    body = "Open-air markets hurt the blocks around them.\n\n== Scorecard Building ==\n"
    body += "'''Potential Objective Details:''' Close the Eastside market."
    import_page(body)
    page = Strategy.objects.get(slug="close-open-air-drug-markets")
    local = Objective.objects.create(strategy=page, title="Keep the market closed", order=5)
    ExpertAssignment.objects.create(strategy=page, expert_name="A local expert")

    newer = body.replace("hurt the blocks", "bring violence to the blocks")
    newer += "\n{|\n! Reviewer !! Date !! Comments\n|-\n| Pat Kim || 2020-02-02 || Better.\n|}"
    report, page = import_page(newer)

    assert page.intro == "Open-air markets bring violence to the blocks around them."
    assert report.updated["pages"] == 1 and report.created["reviews"] == 1
    assert report.created["pages"] == 0 and report.created["objectives"] == 0
    assert Objective.objects.filter(pk=local.pk).exists()
    assert page.expert_assignments.filter(expert_name="A local expert").exists()
    assert page.objectives.count() == 2


# Bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Reviewer, Date, Comments\nPat, 2019-01-15, fine\n", "not well-formed XML"),
        ((FIXTURES / "truncated.xml").read_bytes(), "in the page “Fewer Overdose Deaths”"),
        ((FIXTURES / "billion-laughs.xml").read_bytes(), "XML bomb"),
        (b"", "not well-formed XML"),
        (b"<html><body><p>Not an export</p></body></html>", "its root element is <html>"),
        (export(), "no pages"),
    ],
    ids=["not-xml", "truncated", "entity-bomb", "empty", "html", "no-pages"],
)
def test_bad_files_are_refused_with_a_clear_error_and_change_nothing(data, message):
    before = row_counts()

    with pytest.raises(ImportFailed) as refused:
        run(data)

    assert message in refused.value.message
    assert "Nothing was imported" in refused.value.message
    assert row_counts() == before


def test_a_failing_page_stops_the_import_naming_it_and_leaves_the_database_as_it_was():
    long_title = (
        "Close " + "very " * 70 + "open markets"
    )  # over the 300 characters a page title has
    top = TOP[1] + f"* [[{long_title}]]\n"
    before = row_counts()

    with pytest.raises(ImportFailed) as failed:
        run(export((TOP[0], top), ZOOM, strategy_page("An intro."), (long_title, "Text.")))

    assert f"The page “{long_title}” could not be imported" in failed.value.message
    assert "at most 300 characters" in failed.value.message
    assert row_counts() == before


def test_keep_going_skips_the_failing_page_reports_it_and_imports_the_rest():
    long_title = "Close " + "very " * 70 + "open markets"
    top = TOP[1] + f"* [[{long_title}]]\n"

    report = run(
        export((TOP[0], top), ZOOM, strategy_page("An intro."), (long_title, "Text.")),
        keep_going=True,
    )

    assert [note.title for note in report.failed] == [long_title]
    assert Strategy.objects.get(slug="close-open-air-drug-markets").intro == "An intro."
    assert not Strategy.objects.filter(title=long_title).exists()


def test_keep_going_forgets_a_failed_page_so_nothing_later_points_at_it(monkeypatch):
    placed = importer._Importer._placed

    def fails_after_saving(self, tally, place, values, **kwargs):
        strategy = placed(self, tally, place, values, **kwargs)
        if place.title == "Cut Off the Illegal Supply":
            raise ValidationError("the disk is full")
        return strategy

    monkeypatch.setattr(importer._Importer, "_placed", fails_after_saving)

    report = run(export(TOP, ZOOM, strategy_page("An intro.")), keep_going=True)

    assert report.failed == [PageNote("Cut Off the Illegal Supply", "the disk is full")]
    assert not Strategy.objects.filter(title="Cut Off the Illegal Supply").exists()
    # Its zoom map is still made, detailing no strategy, and the import commits.
    zoom = StrategyMap.objects.get(slug="cut-off-the-illegal-supply")
    assert zoom.zooms_into is None
    assert zoom.strategies.get().intro == "An intro."


def test_a_page_whose_wikitext_cannot_be_parsed_is_named_and_nothing_is_written(monkeypatch):
    parse = reader.mwparserfromhell.parse

    def fragile(text, *args, **kwargs):
        if "{{{{{broken" in text:
            raise reader.mwparserfromhell.parser.ParserError("unbalanced template")
        return parse(text, *args, **kwargs)

    monkeypatch.setattr(reader.mwparserfromhell, "parse", fragile)
    data = export(TOP, ZOOM, strategy_page("{{{{{broken"))
    before = row_counts()

    with pytest.raises(ImportFailed) as failed:
        run(data)

    assert "“Close Open-Air Drug Markets” could not be imported" in failed.value.message
    assert "could not be parsed" in failed.value.message
    assert row_counts() == before
    report = run(data, keep_going=True)
    assert report.failed[0].title == "Close Open-Air Drug Markets"
    assert StrategyMap.objects.count() == 2


def test_wikitext_the_parser_cannot_give_back_whole_is_refused():
    with pytest.raises(WikitextError, match="could not be parsed"):
        parse_strategy_page("A page", "Text with a \x00 in it.")


def test_the_export_is_streamed_page_by_page_not_read_whole(tmp_path):
    text = "* [[A linked page]] and some words to fill the page. " * 40  # about 2 KB a page
    path = tmp_path / "big.xml"
    with open(path, "wb") as out:
        out.write(b'<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11">')
        for number in range(2500):
            out.write(
                f"<page><title>Page {number}</title><ns>0</ns><id>{number}</id><revision>"
                f"<id>{number}</id><text>{escape(text)}</text></revision></page>".encode()
            )
        out.write(b"</mediawiki>")
    assert path.stat().st_size > 5_000_000

    tracemalloc.start()
    try:
        count = sum(1 for _page in WikiDump(path).pages())
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert count == 2500
    assert peak < 1_000_000  # a few pages' worth, not the 5 MB file


# Map tree and breadcrumbs --------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Return to [[Opioid_Top-Level_Strategy_Map|Opioid Top-Level Strategy Map]] or "
        "[[ZOOM_MAP_-_Cut_Off_the_Illegal_Supply|Zoom Map (Cut Off the Illegal Supply)]]",
        "Return to [[Opioid Top-Level Strategy Map]] or [[ZOOM MAP - Cut Off the Illegal Supply]]",
        "Return to&nbsp;[[Opioid Top-Level Strategy Map]]&nbsp;or&nbsp;"
        "[[ZOOM MAP - Cut Off the Illegal Supply|Zoom Map (Cut Off the Illegal Supply)]]",
        '<span style="color: #555;">Return to</span> [[Opioid Top-Level Strategy Map]] '
        '<span style="font-size: small;">or [[ZOOM_MAP_-_Cut_Off_the_Illegal_Supply|Zoom Map'
        " (Cut Off the Illegal Supply)]]</span>",
        "'''Return to''' [[Opioid_Top-Level_Strategy_Map]] or "
        "[[Cut_Off_Supply_Map|Zoom Map (Cut Off the Illegal Supply)]]",
    ],
    ids=["underscores", "spaces", "nbsp", "stray-spans", "bold-and-label-only"],
)
def test_breadcrumb_in_any_shape_places_an_unlisted_page_on_its_zoom_map(line):
    page = ("Train Pharmacists to Spot Fake Prescriptions", f"{line}\n\nPharmacists see it first.")

    report = run(export(TOP, ZOOM, page))

    placed = Strategy.objects.get(slug="train-pharmacists-to-spot-fake-prescriptions")
    assert placed.map.title == "Cut Off the Illegal Supply"
    assert placed.band.title == FALLBACK_BAND
    assert placed.intro == "Pharmacists see it first."
    assert any("no map lists it" in m for m in warnings_of(report, page[0]))


def test_a_deeper_page_with_two_return_to_lines_builds_the_zoom_map_above_it():
    text = next(p.text for p in WikiDump(RIVERSIDE).pages() if p.title.startswith("Share"))
    assert [ref.name for ref in breadcrumb(text)] == [
        "Opioid Top-Level Strategy Map",
        "Cut Off the Illegal Supply",
        "Disrupt Trafficking Routes",
    ]
    UserFactory(username="mlee", first_name="Morgan", last_name="Lee")
    import_dump(source=RIVERSIDE)

    deep = Strategy.objects.get(title="Share Seizure Data Across Counties")
    assert [m.title for m in deep.breadcrumb()] == [
        "Opioid Top-Level Strategy Map",
        "Cut Off the Illegal Supply",
        "Disrupt Trafficking Routes",
    ]
    assert deep.map.zooms_into == Strategy.objects.get(title="Disrupt Trafficking Routes")
    assert deep.map.zooms_into.map.title == "Cut Off the Illegal Supply"


def test_map_pages_give_bands_in_order_strategies_in_order_and_a_summary():
    run(export(TOP, ZOOM))

    top = StrategyMap.objects.get(parent=None)
    assert top.summary == "What our coalition is working toward."
    assert [(b.title, b.order) for b in top.bands.all()] == [
        ("Community Results", 0),
        ("Supply", 1),
    ]
    zoom = StrategyMap.objects.get(slug="cut-off-the-illegal-supply")
    # A link to a page the import makes points to that page on this site.
    assert zoom.summary == (
        "The strategies under "
        "[Cut Off the Illegal Supply](/strategies/cut-off-the-illegal-supply/)."
    )


def test_a_zoom_map_linked_from_the_map_but_missing_from_the_file_is_reported():
    top = TOP[1] + "* [[Safer Prescribing]] ([[ZOOM MAP - Safer Prescribing|Zoom Map]])\n"

    report = run(export((TOP[0], top), ZOOM))

    assert not StrategyMap.objects.filter(title="Safer Prescribing").exists()
    assert any("“ZOOM MAP - Safer Prescribing”" in m for m in warnings_of(report, TOP[0]))


def test_an_existing_top_level_map_with_another_name_receives_the_imported_bands():
    site_top = StrategyMap.objects.create(title="Our plan", slug="our-plan")

    report = run(export(TOP, ZOOM))

    assert StrategyMap.objects.top_level().get() == site_top
    assert Strategy.objects.get(title="Fewer Overdose Deaths").map == site_top
    assert any("the site's top-level map is “Our plan”" in m for m in warnings_of(report, TOP[0]))


def test_pages_that_no_map_reaches_are_skipped_and_links_follow_redirects():
    top = TOP[1] + "* [[Naloxone Everywhere]]\n"
    report = run(
        export(
            (TOP[0], top),
            {"title": "Naloxone Everywhere", "redirect": "Naloxone in Every Pharmacy", "text": "x"},
            (
                "Naloxone in Every Pharmacy",
                "Return to [[Opioid Top-Level Strategy Map]]\n\nStock it.",
            ),
            ("Meeting minutes 2019", "We met and talked."),
            {"title": "User:Coordinator", "ns": 2, "text": "Hello."},
        )
    )

    assert Strategy.objects.get(title="Naloxone in Every Pharmacy").band.title == "Supply"
    assert not Strategy.objects.filter(title="Naloxone Everywhere").exists()
    skipped = {note.title: note.message for note in report.skipped}
    assert skipped["Meeting minutes 2019"] == "no map lists it and its breadcrumb names no map"
    assert skipped["User:Coordinator"] == "not an article (namespace 2)"
    assert skipped["Naloxone Everywhere"].startswith("a redirect")


# Cleaning and Markdown -----------------------------------------------------------------------


def test_headings_at_any_level_and_wikispaces_wrappers_are_read():
    body = """<div class="wiki" id="content_view" style="display: block;">__NOTOC__
<div class="mw-parser-output">
<span style="font-family: arial;">Markets&nbsp;move when pushed.</span>
<font color="red">So we follow them.</font>

= Promising Programs =
== Hot Spot Policing ==
Officers spend more time where trouble clusters.

= Resources to Investigate =
* [https://example.org/hot-spots Hot spots evidence review]
</div>
</div>"""
    _report, page = import_page(body)

    assert page.intro == "Markets move when pushed.\nSo we follow them."
    assert page.program_links.get().program.name == "Hot Spot Policing"
    link = page.resource_links.get()
    assert (link.section, link.resource.url) == ("investigate", "https://example.org/hot-spots")


def test_bold_italics_lists_and_links_become_markdown():
    body = (
        "'''Bold''' and ''italic'' and '''''both''''', [https://example.org/guide the guide], "
        "[[Fewer Overdose Deaths|our other page]] and [[Some Old Page]].\n"
        "* one\n** one and a half\n* two\n# first\n# second\n"
        "; Term : what it means\n"
        "A line with * a star."
    )
    _report, page = import_page(body)

    assert page.intro == (
        "**Bold** and *italic* and ***both***, [the guide](https://example.org/guide), "
        "[our other page](/strategies/fewer-overdose-deaths/) and Some Old Page.\n"
        "\n"
        "- one\n    - one and a half\n- two\n1. first\n1. second\n"
        "\n"
        "**Term**: what it means\n"
        "A line with \\* a star."
    )


# Promising Programs, resources, references ------------------------------------------------


def test_one_program_per_name_across_pages_linked_from_each_page_that_lists_it():
    first = "== Promising Programs ==\n=== Naloxone Leave-Behind ===\nParamedics leave a kit."
    second = (
        "== Promising Programs ==\n"
        "* '''Naloxone Leave-Behind''' – police leave a kit too.\n"
        "* [[Safe Stations]]: walk into any firehouse for help."
    )
    zoom = ZOOM[1] + "* [[Distribute Naloxone]]\n"
    run(
        export(
            TOP,
            (ZOOM[0], zoom),
            strategy_page(first),
            strategy_page(second, title="Distribute Naloxone"),
        )
    )

    program = Program.objects.get(name="Naloxone Leave-Behind")
    assert program.description == "Paramedics leave a kit."
    notes = dict(program.strategy_links.values_list("strategy__title", "note"))
    assert notes == {
        "Close Open-Air Drug Markets": "Paramedics leave a kit.",
        "Distribute Naloxone": "police leave a kit too.",
    }
    assert Program.objects.get(name="Safe Stations").strategy_links.count() == 1
    assert StrategyProgram.objects.count() == 3


def test_a_programs_own_subheadings_stay_with_it_and_template_headings_start_sections():
    body = """== Promising Programs ==
=== Safe Stations ===
Walk into any firehouse for help.
==== Resources ====
Ask the fire chief for the protocol.
=== Tools & Resources ===
* [https://example.org/safe-station-toolkit Safe Station toolkit]
"""
    _report, page = import_page(body)

    assert page.program_links.get().note == (
        "Walk into any firehouse for help.\n\n#### Resources\n\n"
        "Ask the fire chief for the protocol."
    )
    assert page.resource_links.get().resource.title == "Safe Station toolkit"


def test_links_under_tools_and_resources_to_investigate_become_resources_in_their_section():
    body = """== Tools & Resources ==
* [https://example.org/toolkit Community Toolkit] – how to plan a call-in
* [[Call-In Checklist]]
[https://example.org/guide Planning Guide]
https://example.org/data-dashboard
== Resources to Investigate ==
[[Landlord Training]] — ask the housing office
* County overdose data https://example.org/county-data
"""
    report, page = import_page(body)

    def links(section):
        return [
            (link.resource.title, link.resource.url, link.note)
            for link in page.resource_links_in(section)
        ]

    # Links to wiki pages the file does not hold ("Call-In Checklist", "Landlord Training")
    # are reported and left out: a resource without an address is no link.
    assert links("tools") == [
        ("Community Toolkit", "https://example.org/toolkit", "how to plan a call-in"),
        ("Planning Guide", "https://example.org/guide", ""),
        ("https://example.org/data-dashboard", "https://example.org/data-dashboard", ""),
    ]
    assert links("investigate") == [
        ("County overdose data", "https://example.org/county-data", ""),
    ]
    assert Resource.objects.get(title="Community Toolkit").kind == Resource.Kind.TOOLKIT
    assert not Resource.objects.filter(title__in=["Call-In Checklist", "Landlord Training"])
    messages = warnings_of(report, page.title)
    for missing in ("Call-In Checklist", "Landlord Training"):
        assert any(f"“{missing}”, which is not in the file; not imported" in m for m in messages)


def test_a_resource_list_page_in_the_file_gives_its_links_to_the_section_that_links_it():
    UserFactory(username="mlee", first_name="Morgan", last_name="Lee")
    import_dump(source=RIVERSIDE)

    page = Strategy.objects.get(slug="close-open-air-drug-markets")
    titles = [link.resource.title for link in page.resource_links_in("tools")]
    # The list page's links stand where the link to it stood.
    assert titles == [
        "Street Market Toolkit",
        "Drug Market Intervention planning guide",
        "National Network for Safe Communities",
        "Hot spot mapping guide",
    ]
    assert not Strategy.objects.filter(title__startswith="TR - ").exists()


def test_ref_footnotes_become_cited_resources_and_numbered_sources():
    body = (
        "== Promising Programs ==\n=== Safe Stations ===\n"
        "Walk-ins rose.<ref name=\"eval\">Manchester Fire Department, ''Safe Station report'', "
        "[https://example.org/safe-station-report the report].</ref> They kept rising."
        '<ref name="eval" />'
    )
    _report, page = import_page(body)

    note = page.program_links.get().note
    assert note.count("<sup>[1]</sup>") == 2
    assert note.endswith(
        "**Sources**\n\n1. Manchester Fire Department, Safe Station report, the report. "
        "<https://example.org/safe-station-report>"
    )
    cited = Resource.objects.get(url="https://example.org/safe-station-report")
    assert cited.title == "Manchester Fire Department, Safe Station report, the report"
    assert cited.kind == Resource.Kind.REPORT


# Scorecard Building -------------------------------------------------------------------------

SUBSECTIONS = """== Scorecard Building ==
=== Potential Objective Details ===
Close the Eastside market by 2022. Follow it if it moves.
=== Potential Measures & Data Sources ===
* Drug sale arrests in Eastside — Police records
* Calls about dealing – County 311 line
=== Potential Actions & Partners ===
* Hold a call-in — City Police Department (lead); Eastside Neighbors; Grace Chapel
* Offer jobs – Workforce Board
"""
BOLD_LABELS = """== Scorecard Building ==
'''Potential Objective Details:''' Close the Eastside market by 2022. Follow it if it moves.

'''Potential Measures & Data Sources:'''
* Drug sale arrests in Eastside — Police records
* Calls about dealing – County 311 line

'''Potential Actions & Partners'''
* Hold a call-in — City Police Department (lead); Eastside Neighbors; Grace Chapel
* Offer jobs – Workforce Board
"""
ROW_PER_PART = """== Scorecard Building ==
{| class="wikitable"
|-
| '''Potential Objective Details''' || Close the Eastside market by 2022. Follow it if it moves.
|-
| '''Potential Measures & Data Sources'''
* Drug sale arrests in Eastside — Police records
* Calls about dealing – County 311 line
|-
| '''Potential Actions & Partners'''<br />Hold a call-in — City Police Department (lead); \
Eastside Neighbors; Grace Chapel<br>Offer jobs – Workforce Board
|}
"""


@pytest.mark.parametrize(
    "body", [SUBSECTIONS, BOLD_LABELS, ROW_PER_PART], ids=["subsections", "bold", "table"]
)
def test_scorecard_building_in_each_shape_gives_objective_measures_and_actions(body):
    _report, page = import_page(body)

    objective = page.objectives.get()
    assert objective.title == "Close the Eastside market by 2022."
    assert objective.details == "Close the Eastside market by 2022. Follow it if it moves."
    measures = [(m.name, m.data_source.name) for m in objective.measures.all()]
    assert measures == [
        ("Drug sale arrests in Eastside", "Police records"),
        ("Calls about dealing", "County 311 line"),
    ]
    call_in, jobs = objective.actions.all()
    assert call_in.title == "Hold a call-in"
    assert call_in.lead.name == "City Police Department"
    assert call_in.lead.sector == Partner.Sector.LOCAL_LAW_ENFORCEMENT
    assert sorted(p.name for p in call_in.partners.all()) == ["Eastside Neighbors", "Grace Chapel"]
    assert [p.name for p in jobs.partners.all()] == ["Workforce Board"]
    assert Partner.objects.get(name="Grace Chapel").sector == Partner.Sector.FAITH


def test_a_scorecard_table_with_a_header_row_gives_one_objective_per_row():
    body = """== Scorecard Building ==
{| class="wikitable"
! Objective !! Measures & Data Sources !! Actions & Partners
|-
| Fewer open-air markets || Markets seen — Police patrol logs
| Map the markets — City Police Department
|-
| Fewer overdoses near markets
| Overdose calls — County EMS
| Carry naloxone on patrol — City Police Department; County EMS
|}
"""
    _report, page = import_page(body)

    first, second = page.objectives.all()
    assert first.title == "Fewer open-air markets"
    assert [m.name for m in first.measures.all()] == ["Markets seen"]
    assert [a.title for a in second.actions.all()] == ["Carry naloxone on patrol"]
    assert second.measures.get().data_source == DataSource.objects.get(name="County EMS")


def test_a_part_holding_only_under_construction_stays_empty_and_marks_the_page():
    body = """== Scorecard Building ==
=== Potential Objective Details ===
''(Under Construction)''
=== Potential Measures & Data Sources ===
* Overdose calls — County EMS
=== Potential Actions & Partners ===
(Under Construction)
"""
    report, page = import_page(body, publish=True)

    assert page.status == Strategy.Status.UNDER_CONSTRUCTION
    assert report.under_construction == ["Close Open-Air Drug Markets"]
    # The measure needs an objective: one named after the page, and the report says so.
    assert page.objectives.get().title == page.title
    assert not Action.objects.exists()
    assert Measure.objects.get().name == "Overdose calls"
    assert any("name no objective" in m for m in warnings_of(report, page.title))


def test_a_finished_page_is_published_with_publish_and_a_draft_without():
    _report, page = import_page("Done and dusted.")
    assert page.status == Strategy.Status.DRAFT

    _report, page = import_page("Done and dusted.", publish=True)
    assert page.status == Strategy.Status.PUBLISHED


# People and reviews -------------------------------------------------------------------------


def test_page_manager_and_experts_match_accounts_keep_names_and_report_placeholders():
    manager = UserFactory(username="mlee", first_name="Morgan", last_name="Lee")
    expert = UserFactory(username="pkim", first_name="Pat", last_name="Kim")
    body = (
        "'''PAGE MANAGER:''' Morgan Lee\n\n"
        "'''SUBJECT MATTER EXPERT:''' Dr. Ana Ruiz (street outreach); pkim, [insert name here]"
    )
    report, page = import_page(body)

    assert page.page_manager == manager
    experts = {(a.expert, a.expert_name, a.area) for a in page.expert_assignments.all()}
    assert experts == {(None, "Dr. Ana Ruiz", "street outreach"), (expert, "Pat Kim", "")}
    assert any("[insert name here]" in m for m in warnings_of(report, page.title))


def test_a_credential_followed_by_an_area_stays_with_the_experts_name():
    pat = UserFactory(username="pkim", first_name="Pat", last_name="Kim")
    body = (
        "'''SUBJECT MATTER EXPERT:''' Dr. Ana Ruiz, MD (addiction medicine); "
        "Dr. Pat Kim, PhD, MPH – epidemiology; Jordan Blake, Jr."
    )
    report, page = import_page(body)

    experts = {(a.expert, a.expert_name, a.area) for a in page.expert_assignments.all()}
    assert experts == {
        (None, "Dr. Ana Ruiz, MD", "addiction medicine"),
        (pat, "Pat Kim", "epidemiology"),  # her account, found by the name without credentials
        (None, "Jordan Blake, Jr.", ""),
    }
    assert warnings_of(report, page.title) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dr. Ana Ruiz, MD (addiction medicine)", [("Dr. Ana Ruiz, MD", "addiction medicine")]),
        ("Ana Ruiz, M.D. — addiction medicine", [("Ana Ruiz, M.D.", "addiction medicine")]),
        (
            "Ana Ruiz, MD, PhD (addiction medicine) and Pat Kim (policing)",
            [("Ana Ruiz, MD, PhD", "addiction medicine"), ("Pat Kim", "policing")],
        ),
        ("Ana Ruiz (psychiatry), MD (addiction)", [("Ana Ruiz, MD", "psychiatry; addiction")]),
        ("Ana Ruiz, MD; Pat Kim", [("Ana Ruiz, MD", ""), ("Pat Kim", "")]),
        ("MD (addiction medicine)", [("MD", "addiction medicine")]),
    ],
)
def test_people_keeps_a_credential_and_the_area_after_it_with_the_name_before(text, expected):
    assert [(p.name, p.area) for p in reader.people(text)] == expected


def test_a_review_dated_after_today_is_reported_and_not_imported_nor_the_pages_date():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    body = f"""{{| class="wikitable"
! Reviewer !! Date !! Comments
|-
| Pat Kim || 2019-01-15 || Good sources.
|-
| Ana Ruiz || {tomorrow:%Y-%m-%d} || Typed a year ahead.
|}}"""
    report, page = import_page(body)

    assert list(page.reviews.values_list("reviewer_name", flat=True)) == ["Pat Kim"]
    assert page.last_reviewed.isoformat() == "2019-01-15"
    assert any("after today; it is not imported" in m for m in warnings_of(report, page.title))


def test_a_page_manager_without_an_account_is_kept_in_other_notes_and_reported():
    report, page = import_page("An intro.\n\n'''PAGE MANAGER:''' Jordan Blake")

    assert page.page_manager is None
    assert page.intro == "An intro.\n\n### Other notes\n\n#### Page manager\n\nJordan Blake"
    assert any("“Jordan Blake” has no account" in m for m in warnings_of(report, page.title))


def test_review_table_rows_become_reviews_with_dates_in_any_style_and_empty_rows_skipped():
    body = """'''SUBJECT MATTER EXPERT:''' [fill out table below]
{| class="wikitable"
! Reviewer !! Date !! Comments
|-
| Pat Kim || 12/3/2018 || Add the 311 data.
|-
| Ana Ruiz || 2019-01-15 || Good sources.
|-
| Pat Kim || March 4, 2019 ||
|-
| || ||
|-
| Lee Carter || last spring || Fine.
|}"""
    report, page = import_page(body)

    reviews = [(r.reviewer_name, r.reviewed_on.isoformat(), r.comments) for r in page.reviews.all()]
    assert reviews == [
        ("Pat Kim", "2019-03-04", "(No comments in the wiki.)"),
        ("Ana Ruiz", "2019-01-15", "Good sources."),
        ("Pat Kim", "2018-12-03", "Add the 311 data."),
    ]
    assert page.last_reviewed.isoformat() == "2019-03-04"
    assert any("“last spring” could not be read" in m for m in warnings_of(report, page.title))
    # "[fill out table below]": the experts are the reviewers in the table.
    assert sorted(page.expert_assignments.values_list("expert_name", flat=True)) == [
        "Ana Ruiz",
        "Pat Kim",
    ]


def test_text_that_fits_no_section_is_kept_in_other_notes_and_reported():
    body = """Our intro.

== Tools & Resources ==
Ask the library about this.
== Meeting Notes ==
We met on Tuesday.
=== Follow-up ===
Call the sheriff.
"""
    report, page = import_page(body)

    assert page.intro == (
        "Our intro.\n\n### Other notes\n\n#### Tools & Resources\n\nAsk the library about this."
        "\n\n#### Meeting Notes\n\nWe met on Tuesday.\n\n##### Follow-up\n\nCall the sheriff."
    )
    messages = warnings_of(report, page.title)
    assert any("“Meeting Notes” is not part of the page template" in m for m in messages)
    assert any("text in “Tools & Resources”" in m for m in messages)


def test_categories_images_and_templates_are_reported_not_silently_dropped():
    page = parse_strategy_page(
        "A page",
        "Intro {{Citation needed}} [[File:map.png|thumb]] text.\n[[Category:Supply]]",
    )

    assert page.intro == "Intro {{Citation needed}} text."
    assert any("template {{Citation needed}}" in w for w in page.warnings)
    assert any("image “Map.png”" in w for w in page.warnings)
    assert any("categories (Supply)" in w for w in page.warnings)


# The command ----------------------------------------------------------------------------------


def test_command_prints_the_report_and_stays_quiet_about_progress_off_a_terminal(capsys):
    call_command("import_mediawiki", str(RIVERSIDE))

    out, err = capsys.readouterr()
    assert out.startswith("Imported riverside-0.10.xml (MediaWiki export 0.10): 7 pages read.")
    assert "Could not place" in out
    assert err == ""
    assert Strategy.objects.count() == 6


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_command_shows_progress_on_a_terminal(capsys):
    terminal = Terminal()

    call_command("import_mediawiki", str(RIVERSIDE), stderr=terminal)

    assert "\rImporting page 7 of 7…" in terminal.getvalue()
    assert terminal.getvalue().endswith("\r\033[K")  # the line is cleared for the report
    assert capsys.readouterr().out.startswith("Imported riverside-0.10.xml")


def test_command_dry_run_prints_the_report_and_saves_nothing(capsys):
    call_command("import_mediawiki", str(RIVERSIDE), "--dry-run", "--publish", "--keep-going")

    assert "Nothing was saved" in capsys.readouterr().out
    assert not Strategy.objects.exists()


def test_command_turns_a_bad_file_into_an_error(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_bytes((FIXTURES / "truncated.xml").read_bytes())

    with pytest.raises(CommandError, match="not well-formed XML"):
        call_command("import_mediawiki", str(bad))
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_mediawiki", str(tmp_path / "missing.xml"))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_mediawiki", str(tmp_path))


# The admin upload -----------------------------------------------------------------------------

IMPORT_URL = "admin:strategy_strategymap_import_mediawiki"
CONFIRM_URL = "admin:strategy_strategymap_import_mediawiki_confirm"


def xml_file(data: bytes, name: str = "wiki.xml"):
    return SimpleUploadedFile(name, data, content_type="text/xml")


def test_editor_checks_the_file_then_imports_it_with_the_options_of_the_check(client, editor):
    client.force_login(editor)
    changelist = client.get(reverse("admin:strategy_strategymap_changelist"))
    assert reverse(IMPORT_URL).encode() in changelist.content
    assert client.get(reverse(IMPORT_URL)).status_code == 200
    data = RIVERSIDE.read_bytes()

    check = client.post(reverse(IMPORT_URL), {"file": xml_file(data), "publish": "on"})

    assert check.status_code == 200
    assert b"Nothing was saved" in check.content
    assert b"Share Seizure Data Across Counties" in check.content  # a warning, by page
    assert not Strategy.objects.exists()
    token = check.context["confirm_form"].initial["token"]

    done = client.post(reverse(CONFIRM_URL), {"file": xml_file(data), "token": token})

    assert done.status_code == 200
    assert "Imported wiki.xml" in [str(m) for m in done.context["messages"]][0]
    page = Strategy.objects.get(slug="close-open-air-drug-markets")
    assert page.status == Strategy.Status.PUBLISHED
    assert Version.objects.get_for_object(page).get().revision.user == editor
    # The check is used up: confirming again imports nothing more.
    again = client.post(reverse(CONFIRM_URL), {"file": xml_file(data), "token": token})
    assert again.status_code == 302


def test_confirming_with_another_file_than_the_one_checked_is_refused(client, editor):
    client.force_login(editor)
    check = client.post(reverse(IMPORT_URL), {"file": xml_file(RIVERSIDE.read_bytes())})
    token = check.context["confirm_form"].initial["token"]

    other = export(TOP, ZOOM)
    response = client.post(
        reverse(CONFIRM_URL), {"file": xml_file(other, "other.xml"), "token": token}, follow=True
    )

    assert "is not the file you checked" in str(list(response.context["messages"])[0])
    assert not StrategyMap.objects.exists()


def test_bad_or_oversized_uploads_get_an_error_on_the_form(client, editor, monkeypatch):
    client.force_login(editor)

    bomb_file = xml_file((FIXTURES / "billion-laughs.xml").read_bytes())
    bomb = client.post(reverse(IMPORT_URL), {"file": bomb_file})
    assert "XML bomb" in bomb.context["form"].errors["file"][0]

    monkeypatch.setattr(admin, "MAX_IMPORT_PAGES", 1)
    many = client.post(reverse(IMPORT_URL), {"file": xml_file(RIVERSIDE.read_bytes())})
    assert "holds 2 strategy pages; here at most 1" in many.context["form"].errors["file"][0]

    monkeypatch.setattr(admin, "MAX_IMPORT_BYTES", 1000)
    big = client.post(reverse(IMPORT_URL), {"file": xml_file(RIVERSIDE.read_bytes())})
    assert "the limit here is 20 MB" in big.context["form"].errors["file"][0]
    assert not StrategyMap.objects.exists()


def test_page_managers_may_not_import(client, owner):
    client.force_login(owner)
    owner.user_permissions.add(Permission.objects.get(codename="view_strategymap"))

    changelist = client.get(reverse("admin:strategy_strategymap_changelist"))
    assert changelist.status_code == 200
    assert reverse(IMPORT_URL).encode() not in changelist.content
    assert client.get(reverse(IMPORT_URL)).status_code == 403
    upload = {"file": xml_file(RIVERSIDE.read_bytes())}
    assert client.post(reverse(IMPORT_URL), upload).status_code == 403
    assert client.post(reverse(CONFIRM_URL), {**upload, "token": "x"}).status_code == 403
    assert not StrategyMap.objects.exists()


def test_the_service_refuses_a_user_who_may_not_edit_every_page(owner):
    with pytest.raises(PermissionDenied):
        import_dump(source=RIVERSIDE, user=owner)
    assert not StrategyMap.objects.exists()


def test_the_import_pages_need_a_staff_sign_in(client):
    response = client.get(reverse(IMPORT_URL))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    assert Band.objects.count() == Review.objects.count() == 0
