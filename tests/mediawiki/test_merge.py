"""The wiki import merges into local work: it never silently replaces what people wrote here.

An import remembers what it wrote (``ImportRecord``: the wiki page, its
revision, a digest per field); a later one changes a field only while it is
still what the import wrote. Content the import did not write keeps its text.
Strategies already on a map keep their places, programs match by a
normalised name, and the report shows every change and every field kept.
"""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.urls import reverse
from reversion.models import Version

from demo.data import FEATURED_SLUG
from mediawiki.importer import import_dump
from mediawiki.models import ImportRecord, value_digest
from mediawiki.reader import program_key
from programs.models import Program, Resource
from scorecards.models import Action, Measure
from strategy.models import Band, Strategy, StrategyMap, StrategyProgram, StrategyResource
from tests.mediawiki.test_import import (
    SAMPLES,
    TOP,
    ZOOM,
    export,
    import_page,
    run,
    strategy_page,
    xml_file,
)
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db

EXPORTS = Path(__file__).parent / "exports"
# Re-importing the maps and a page with a scorecard onto what an import wrote: reading the
# file's rows, the page's parts and their import records (one query a kind), no writes.
QUERIES_TO_MERGE = 60
SLUG = "close-open-air-drug-markets"
TITLE = "Close Open-Air Drug Markets"
PROGRAMS = """
== Promising Programs ==
=== Drug Market Intervention Strategy ===
The Drug Market Intervention, first developed in High Point, NC, in 2004, closes markets.
"""


def page_body(intro: str, rest: str = "") -> str:
    return f"{intro}\n{rest}"


def record_of(obj) -> ImportRecord:
    return ImportRecord.objects.get(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    )


def printed(*args) -> str:
    out = io.StringIO()
    call_command("import_mediawiki", *args, stdout=out)
    return out.getvalue()


# The import record ------------------------------------------------------------------------


def test_an_import_records_the_wiki_page_its_revision_and_a_digest_of_each_field_it_wrote():
    _report, page = import_page(page_body("Open markets hurt the blocks around them.", PROGRAMS))

    record = record_of(page)
    assert record.page_title == TITLE
    assert record.revision_id == 3  # the page's revision in the export
    assert record.revision_timestamp == datetime.datetime(2019, 5, 1, 12, tzinfo=datetime.UTC)
    assert record.digests["intro"] == value_digest("Open markets hurt the blocks around them.")
    assert record.digests["title"] == value_digest(TITLE)
    program = Program.objects.get()
    assert record_of(program).digests["description"] == value_digest(program.description)
    link = page.program_links.get()
    assert record_of(link).wrote("note", link.note)
    zoom = StrategyMap.objects.get(slug="cut-off-the-illegal-supply")
    assert record_of(zoom).page_title == "ZOOM MAP - Cut Off the Illegal Supply"


def test_a_dry_run_leaves_no_import_record():
    run(export(TOP, ZOOM, strategy_page("Open markets hurt the blocks around them.")), dry_run=True)

    assert not ImportRecord.objects.exists()


def test_a_later_import_changes_a_field_nobody_changed_here():
    import_page(page_body("Open markets hurt the blocks around them."))

    report, page = import_page(page_body("Open markets hurt whole neighbourhoods."))

    assert page.intro == "Open markets hurt whole neighbourhoods."
    assert record_of(page).wrote("intro", "Open markets hurt whole neighbourhoods.")
    assert not report.conflicts
    change = next(c for c in report.by_page[TITLE].changes if c.label == TITLE)
    assert [(f.name, f.old, f.new) for f in change.fields] == [
        (
            "Introduction",
            "Open markets hurt the blocks around them.",
            "Open markets hurt whole neighbourhoods.",
        )
    ]


def test_a_field_changed_here_is_kept_and_reported_as_a_conflict_with_both_texts():
    import_page(page_body("Open markets hurt the blocks around them."))
    Strategy.objects.filter(slug=SLUG).update(intro="Our coordinator's own words.")

    report, page = import_page(page_body("Open markets hurt whole neighbourhoods."))

    assert page.intro == "Our coordinator's own words."
    [conflict] = report.conflicts
    assert (conflict.kind, conflict.label, conflict.field.name) == ("page", TITLE, "Introduction")
    assert conflict.field.old == "Our coordinator's own words."
    assert conflict.field.new == "Open markets hurt whole neighbourhoods."
    assert conflict in report.by_page[TITLE].kept
    # Still a conflict next time: the record keeps what the import last wrote.
    again, _page = import_page(page_body("Open markets hurt whole neighbourhoods."))
    assert len(again.conflicts) == 1
    text = "\n".join(again.lines())
    assert "Conflict, kept as it is here" in text
    assert "here: Our coordinator's own words." in text
    assert "wiki: Open markets hurt whole neighbourhoods." in text


def test_a_field_changed_here_to_what_the_wiki_now_says_is_no_conflict_and_follows_the_wiki():
    import_page(page_body("First words."))
    Strategy.objects.filter(slug=SLUG).update(intro="Second words.")

    report, page = import_page(page_body("Second words."))
    assert not report.conflicts
    later, page = import_page(page_body("Third words."))

    assert not later.conflicts
    assert page.intro == "Third words."


def test_content_the_import_did_not_create_keeps_its_text_and_the_report_lists_the_differences(
    owner,
):
    import_page(page_body("Open markets hurt the blocks around them."))
    ImportRecord.objects.all().delete()  # as if the page had been written here
    Strategy.objects.filter(slug=SLUG).update(intro="Curated here.")

    report, page = import_page(page_body("The wiki's words."))

    assert page.intro == "Curated here."
    assert not report.conflicts
    [difference] = [d for d in report.differences if d.field.name == "Introduction"]
    assert (difference.field.old, difference.field.new) == ("Curated here.", "The wiki's words.")
    assert "Kept as it is here (content the import did not write)" in "\n".join(report.lines())


def test_an_empty_field_of_local_content_is_filled_from_the_wiki():
    import_page(page_body(""))
    ImportRecord.objects.all().delete()

    _report, page = import_page(page_body("The wiki's words."))

    assert page.intro == "The wiki's words."
    assert record_of(page).wrote("intro", "The wiki's words.")


def test_a_second_run_of_the_same_file_writes_no_record_and_reports_no_change():
    import_page(page_body("Words.", PROGRAMS))
    before = list(ImportRecord.objects.values_list("pk", "imported_at"))

    report, _page = import_page(page_body("Words.", PROGRAMS))

    assert list(ImportRecord.objects.values_list("pk", "imported_at")) == before
    assert not report.pages and not report.changed_anything


def test_deleting_an_imported_row_deletes_its_import_record():
    _report, page = import_page(page_body("Words.", PROGRAMS))
    link = page.program_links.get()

    link.delete()

    assert not ImportRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(StrategyProgram)
    ).exists()
    assert ImportRecord.objects.filter(object_id=page.pk).exists()


# Strategies keep their places -------------------------------------------------------------


def local_zoom_map():
    """The site's own zoom map of "Cut Off the Illegal Supply", with a curated band."""
    import_dump(source=io.BytesIO(export(TOP)))
    ImportRecord.objects.all().delete()
    subject = Strategy.objects.get(slug="cut-off-the-illegal-supply")
    zoom = StrategyMap.objects.create(
        title="Cut Off the Illegal Supply",
        slug="cut-off-the-illegal-supply",
        parent=subject.map,
        zooms_into=subject,
    )
    curated = Band.objects.create(map=zoom, title="Open-air markets", order=0)
    Band.objects.create(map=zoom, title="Covert markets", order=1)
    Strategy.objects.create(
        title="Policing Hot Spots", slug="policing-hot-spots", map=zoom, band=curated, position=0
    )
    page = Strategy.objects.create(
        title=TITLE, slug=SLUG, map=zoom, band=curated, position=1, intro="Curated."
    )
    return zoom, curated, page


def test_a_strategy_already_on_a_map_keeps_its_band_and_position():
    zoom, curated, page = local_zoom_map()

    report = run(export(TOP, ZOOM, strategy_page("Wiki words.")))

    page.refresh_from_db()
    assert (page.band, page.position) == (curated, 1)
    # The wiki's band "Street markets" is not made: no strategy needed it.
    assert list(zoom.bands.values_list("title", flat=True)) == [
        "Open-air markets",
        "Covert markets",
    ]
    [place] = [d for d in report.differences if d.field.name == "Place on the map"]
    assert place.field.old == (
        "map “Cut Off the Illegal Supply”, band “Open-air markets”, position 2"
    )
    assert place.field.new == "map “Cut Off the Illegal Supply”, band “Street markets”, position 1"


def test_a_new_strategy_goes_after_the_strategies_of_its_band_in_a_band_made_for_it():
    zoom, _curated, _page = local_zoom_map()
    zoom_page = (
        ZOOM[0],
        ZOOM[1] + "* [[Close Open-Air Drug Markets]]\n* [[Watch the Stash Houses]]\n"
        "== Open-air markets ==\n* [[Policing Hot Spots]]\n* [[Lock the Alleys]]\n",
    )

    run(export(TOP, zoom_page))

    new = Strategy.objects.get(slug="lock-the-alleys")
    assert (new.band.title, new.position) == ("Open-air markets", 2)
    made = Strategy.objects.get(slug="watch-the-stash-houses")
    assert made.band.title == "Street markets"
    assert made.band.order == 2  # after the map's own bands
    assert made.position == 0


# Programs match by a normalised name ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Drug Market Intervention Strategy", "drug market intervention"),
        ("Drug Market Intervention (DMI)", "drug market intervention"),
        ("drug-market intervention program", "drug market intervention"),
        ("Communities That Care Model", "communities that care"),
        ("Safe & Sound Initiative", "safe and sound"),
        ("Strategy", "strategy"),
    ],
)
def test_program_key_ignores_case_punctuation_an_abbreviation_and_a_trailing_kind(name, key):
    assert program_key(name) == key


@pytest.mark.parametrize(
    "wiki_name",
    [
        "Drug Market Intervention Strategy",
        "Drug Market Intervention (DMI)",
        "drug market intervention",
        "Drug-Market Intervention Program",
    ],
)
def test_a_wiki_program_matches_the_sites_program_by_its_normalised_name(wiki_name):
    program = ProgramFactory(name="Drug Market Intervention", description="Curated text.")
    body = f"Words.\n== Promising Programs ==\n=== {wiki_name} ===\nThe wiki's text on it.\n"

    report, page = import_page(body)

    assert Program.objects.get() == program
    assert page.program_links.get().program == program
    program.refresh_from_db()
    assert program.description == "Curated text."
    if wiki_name != program.name:
        assert report.by_page[TITLE].matches == [
            f"the wiki's program “{wiki_name}” is the site's “Drug Market Intervention”"
        ]
        assert f"Matched: the wiki's program “{wiki_name}”" in "\n".join(report.lines())


def test_a_program_named_on_two_pages_takes_the_first_pages_text_once():
    other = strategy_page("Words.\n" + PROGRAMS.replace("closes markets", "helps"), "Other Page")
    zoom = (ZOOM[0], ZOOM[1] + "* [[Other Page]]\n")

    report = run(export(TOP, zoom, strategy_page("Words.\n" + PROGRAMS), other))

    program = Program.objects.get()
    assert program.description.endswith("closes markets.")
    assert not report.conflicts and not report.differences


# Dry run: every change, page by page -----------------------------------------------------


def test_the_dry_run_prints_every_change_page_by_page_as_field_differences(tmp_path):
    path = tmp_path / "wiki.xml"
    path.write_bytes(export(TOP, ZOOM, strategy_page("First words.\n\nSecond line.")))
    call_command("import_mediawiki", str(path), stdout=io.StringIO())
    path.write_bytes(export(TOP, ZOOM, strategy_page("First words.\n\nA new second line.")))

    out = printed(str(path), "--dry-run")

    assert "Nothing was saved" in out
    assert "Page by page, what the import would change" in out
    section = out[out.index(f"“{TITLE}”\n") :]
    assert f"Change page “{TITLE}”" in section
    assert "    Introduction:" in section
    assert "      - Second line." in section
    assert "      + A new second line." in section
    assert Strategy.objects.get(slug=SLUG).intro == "First words.\n\nSecond line."


def test_the_dry_run_lists_what_it_would_create_with_its_fields():
    report = run(export(TOP, ZOOM, strategy_page("Words.\n" + PROGRAMS)), dry_run=True)

    changes = report.by_page[TITLE].changes
    program = next(c for c in changes if c.kind == "program")
    assert program.created and program.label == "Drug Market Intervention Strategy"
    assert any(
        f.name == "First implemented place" and f.new == "High Point, NC" for f in program.fields
    )
    assert not Program.objects.exists()


def test_the_admin_check_shows_every_change_and_every_field_kept_page_by_page(client, editor):
    call_command("load_demo", stdout=io.StringIO())
    client.force_login(editor)
    data = (EXPORTS / "three-pages-0.11.xml").read_bytes()

    check = client.post(
        reverse("admin:strategy_strategymap_import_mediawiki"), {"file": xml_file(data)}
    )

    assert check.status_code == 200
    html = check.content.decode()
    assert "Page by page: what the import would change" in html
    assert "Kept as it is here" in html and "Place on the map" in html
    assert "band “Illegal supply”" in html
    assert "Matched: the wiki&#x27;s program" in html or "Matched: the wiki's program" in html
    assert "Here (kept)" in html and "In the wiki" in html


# Revisions credit whoever ran the import ------------------------------------------------


def test_the_command_credits_the_import_to_the_user_it_names(tmp_path, editor):
    path = tmp_path / "wiki.xml"
    path.write_bytes(export(TOP, ZOOM, strategy_page("Words.")))

    printed(str(path), "--user", editor.username)

    page = Strategy.objects.get(slug=SLUG)
    revision = Version.objects.get_for_object(page).latest("revision__date_created").revision
    assert revision.user == editor
    assert revision.comment == "Imported from MediaWiki (wiki.xml)"


def test_a_later_import_is_one_revision_of_the_page_by_its_importer(tmp_path, editor):
    path = tmp_path / "wiki.xml"
    path.write_bytes(export(TOP, ZOOM, strategy_page("Words.")))
    printed(str(path))
    path.write_bytes(export(TOP, ZOOM, strategy_page("Other words.")))

    printed(str(path), "--user", editor.email)

    page = Strategy.objects.get(slug=SLUG)
    versions = Version.objects.get_for_object(page)
    assert [v.revision.user for v in versions] == [editor, None]


def test_the_command_refuses_a_user_who_is_not_an_editor_or_not_there(tmp_path, owner):
    path = tmp_path / "wiki.xml"
    path.write_bytes(export(TOP))

    with pytest.raises(CommandError, match="not an editor"):
        printed(str(path), "--user", owner.username)
    with pytest.raises(CommandError, match="No account has the username or e-mail address"):
        printed(str(path), "--user", "nobody")
    assert not StrategyMap.objects.exists()


# The old site's page shapes, one fixture each -------------------------------------------


def import_fixture(name: str):
    report = import_dump(source=EXPORTS / name)
    return report, Strategy.objects.get(slug=SLUG)


def test_a_section_headed_introductory_paragraph_is_the_introduction():
    report, page = import_fixture("introductory-paragraph.xml")

    assert page.intro == (
        "Open-air drug markets bring violence to the blocks around them. This page gathers "
        "what has closed them for good."
    )
    assert "Other notes" not in page.intro
    assert not [w for w in report.warnings if "Introductory" in w.message]


@pytest.mark.parametrize("name", ["table-cells-on-one-line.xml", "table-cell-per-line.xml"])
def test_wikitables_of_measures_and_actions_read_with_cells_on_one_line_or_one_per_line(name):
    _report, page = import_fixture(name)

    objective = page.objectives.get()
    assert objective.title == "Close the Eastside market."
    measures = [(m.name, m.data_source.name) for m in Measure.objects.filter(objective=objective)]
    assert measures == [
        ("Drug sale arrests in Eastside", "Police records"),
        ("Calls about dealing", "County 311 line"),
    ]
    actions = {
        a.title: (a.lead.name if a.lead else None, sorted(p.name for p in a.partners.all()))
        for a in Action.objects.filter(objective=objective)
    }
    assert actions == {
        "Hold a call-in": ("City Police Department", ["Eastside Neighbors"]),
        "Offer jobs": (None, ["Workforce Board"]),
    }


def test_partners_in_a_cell_are_separated_by_semicolons_or_commas():
    _report, page = import_fixture("partners-in-a-cell.xml")

    actions = {
        a.title: (a.lead.name if a.lead else None, sorted(p.name for p in a.partners.all()))
        for a in Action.objects.filter(objective__strategy=page)
    }
    assert actions == {
        "Hold a call-in": ("City Police Department", ["Eastside Neighbors", "Grace Chapel"]),
        "Offer jobs": (
            None,
            ["County Health Department", "Eastside Neighbors", "Workforce Board"],
        ),
    }


def test_bullet_lines_without_a_link_are_leads_without_an_address_shown_unlinked(client):
    import_dump(source=EXPORTS / "resource-leads.xml", publish=True)
    page = Strategy.objects.get(slug=SLUG)

    def section(name):
        return [(x.resource.title, x.resource.url) for x in page.resource_links_in(name)]

    assert section(StrategyResource.Section.TOOLS) == [
        ("Street Market Toolkit", "https://example.org/toolkit"),
        ("Ask the county health department for its overdose dashboard", ""),
    ]
    assert section(StrategyResource.Section.INVESTIGATE) == [
        ("More research on illegal sales of opioids", ""),
        ("The state police's annual drug seizure report", ""),
    ]
    assert "Other notes" not in page.intro
    html = client.get(page.get_absolute_url()).content.decode()
    item = re.search(r"<li[^>]*>[^<]*More research on illegal sales of opioids[^<]*</li>", html)
    assert item is not None  # shown as text, not as a link
    assert '<a href="https://example.org/toolkit">Street Market Toolkit</a>' in html


# Done when: the sample into the demo -----------------------------------------------------


def demo_state():
    strategies = {
        s.slug: (s.map.slug, s.band.title, s.position, s.title, s.intro, s.status)
        for s in Strategy.objects.select_related("map", "band")
    }
    maps = {
        m.slug: (m.title, m.summary, m.parent_id, m.zooms_into_id)
        for m in StrategyMap.objects.all()
    }
    bands = {(b.map_id, b.title): b.order for b in Band.objects.all()}
    programs = {
        p.slug: (p.name, p.summary, p.description, p.first_implemented_place)
        for p in Program.objects.all()
    }
    links = {
        (link.strategy_id, link.program_id): (link.note, link.order)
        for link in StrategyProgram.objects.all()
    }
    resources = {r.pk: (r.title, r.url, r.description) for r in Resource.objects.all()}
    return strategies, maps, bands, programs, links, resources


@pytest.mark.parametrize("sample", SAMPLES)
def test_importing_the_sample_into_the_demo_replaces_no_curated_work_and_reports_every_difference(
    sample,
):
    call_command("load_demo", stdout=io.StringIO())
    before = demo_state()

    report = import_dump(source=sample)

    # Nothing curated moved or changed: bands, positions, introductions, summaries, programs.
    after = demo_state()
    assert after[:-1] == before[:-1]
    resources = after[-1]
    assert {pk: resources[pk] for pk in before[-1]} == before[-1]  # new citations may come
    assert not Band.objects.filter(title="Strategies").exists()
    assert not Program.objects.filter(name="Drug Market Intervention Strategy").exists()
    assert not Resource.objects.filter(url="").exists()
    access_map = StrategyMap.objects.get(slug="reduce-access-to-opioids")
    for band in access_map.bands.all():
        assert band.strategies.exists()
    # …and the report says where the wiki differs, field by field.
    text = "\n".join(report.lines())  # what the command prints
    kept = {(k.kind, k.label, k.field.name) for k in report.differences}
    dmi = "Coordinate & Improve Efforts to Reduce Illegal Sales of Opioids"
    assert ("map", "Opioid Top-Level Strategy Map", "Summary") in kept
    assert ("map", "Reduce Access to Opioids", "Summary") in kept
    assert ("page", dmi, "Place on the map") in kept
    assert ("page", "Disrupt the Supply of Illegal Drugs", "Place on the map") in kept
    assert ("page", "Reduce Non-Medical Access to Prescription Drugs", "Place on the map") in kept
    assert ("program", "Drug Market Intervention", "Description") in kept
    assert ("program on the page", "Drug Market Intervention", "Note") in kept
    assert (
        "the wiki's program “Drug Market Intervention Strategy” is the site's "
        "“Drug Market Intervention”" in text
    )
    assert "band “Illegal supply”" in text and "band “Diversion of prescription drugs”" in text
    assert "which is not in the file; not imported as a resource" in text
    featured = Strategy.objects.get(slug=FEATURED_SLUG)
    assert featured.page_manager.username == "manager"


# Queries ----------------------------------------------------------------------------------


def scorecard_page(size: int):
    measures = "\n".join(f"* Measure {n} — Police records" for n in range(size))
    actions = "\n".join(
        f"* Action {n} — City Police Department; Eastside Neighbors" for n in range(size)
    )
    return strategy_page(
        "Words.\n== Scorecard Building ==\n=== Potential Objective Details ===\nClose it.\n"
        f"=== Potential Measures & Data Sources ===\n{measures}\n"
        f"=== Potential Actions & Partners ===\n{actions}\n"
    )


@pytest.mark.parametrize("size", [2, 12])
def test_merging_into_an_imported_page_reads_its_records_in_a_query_per_kind(
    size, django_assert_num_queries
):
    data = export(TOP, ZOOM, scorecard_page(size))
    run(data)
    Strategy.objects.filter(slug=SLUG).update(intro="Changed here.")

    # The same count at both sizes: records come with the page's parts, one query a kind.
    with django_assert_num_queries(QUERIES_TO_MERGE):
        report = run(data)

    assert len(report.conflicts) == 1
    assert Measure.objects.count() == size


def test_a_new_zoom_map_of_a_strategy_kept_on_another_map_goes_under_that_map():
    import_dump(source=io.BytesIO(export(TOP)))
    top = StrategyMap.objects.get(parent=None)
    subject = Strategy.objects.get(slug="fewer-overdose-deaths")
    local = StrategyMap.objects.create(
        title="Fewer Overdose Deaths", slug="local-zoom", parent=top, zooms_into=subject
    )
    band = Band.objects.create(map=local, title="Supply", order=0)
    kept = Strategy.objects.get(slug="cut-off-the-illegal-supply")
    Strategy.objects.filter(pk=kept.pk).update(map=local, band=band, position=0)

    report = run(export(TOP, ZOOM, strategy_page("Words.")))

    zoom = StrategyMap.objects.get(zooms_into=kept)
    assert zoom.parent == local
    kept.refresh_from_db()
    assert kept.map == local
    assert any(
        d.label == "Cut Off the Illegal Supply" and d.field.name == "Place on the map"
        for d in report.differences
    )


@pytest.mark.parametrize("sample", SAMPLES)
def test_publishing_the_sample_into_the_demo_keeps_curated_statuses_and_reports_the_wikis(sample):
    call_command("load_demo", stdout=io.StringIO())
    statuses = dict(Strategy.objects.values_list("slug", "status"))

    report = import_dump(source=sample, publish=True)

    assert dict(Strategy.objects.filter(slug__in=statuses).values_list("slug", "status")) == (
        statuses
    )
    assert statuses[FEATURED_SLUG] == Strategy.Status.PUBLISHED
    dmi = "Coordinate & Improve Efforts to Reduce Illegal Sales of Opioids"
    [status] = [d for d in report.differences if d.label == dmi and d.field.name == "Status"]
    assert (status.field.old, status.field.new) == ("Published", "Under construction")


def test_a_page_the_import_made_a_draft_is_published_by_a_later_run_with_publish_unless_set_here():
    import_page(page_body("Words."))
    other = strategy_page("Words.", "Other Page")
    zoom = (ZOOM[0], ZOOM[1] + "* [[Other Page]]\n")
    run(export(TOP, zoom, strategy_page("Words."), other))
    Strategy.objects.filter(slug="other-page").update(status=Strategy.Status.ARCHIVED)

    report = run(export(TOP, zoom, strategy_page("Words."), other), publish=True)

    assert Strategy.objects.get(slug=SLUG).status == Strategy.Status.PUBLISHED
    assert Strategy.objects.get(slug="other-page").status == Strategy.Status.ARCHIVED
    [conflict] = [c for c in report.conflicts if c.field.name == "Status"]
    assert conflict.label == "Other Page"


DMI_PAGE = "Coordinate & Improve Efforts to Reduce Illegal Sales of Opioids"


REWRITE = EXPORTS / "three-pages-0.11.xml"


@pytest.mark.parametrize("publish", [False, True])
@pytest.mark.parametrize("sample", SAMPLES)
def test_the_report_lists_under_construction_only_pages_whose_status_the_import_sets(
    sample, publish
):
    call_command("load_demo", stdout=io.StringIO())
    args = [str(sample), "--dry-run"] + (["--publish"] if publish else [])

    text = printed(*args)

    # The curated DMI page keeps its status, so it is not listed as under construction…
    assert "Under construction (" not in text
    report = import_dump(source=sample, dry_run=True, publish=publish)
    assert DMI_PAGE not in report.under_construction
    assert Strategy.objects.get(title=DMI_PAGE).status == Strategy.Status.PUBLISHED


@pytest.mark.parametrize(
    ("publish", "state"),
    [
        (False, "drafts; --publish shows them as “Under construction”"),
        (True, "published as “Under construction”"),
    ],
)
def test_the_report_lists_a_page_whose_status_the_import_still_owns(publish, state):
    import_dump(source=REWRITE)  # the import made the DMI page, a draft

    text = printed(str(REWRITE), *(["--publish"] if publish else []))

    assert f"Under construction ({state}): {DMI_PAGE}." in text
    expected = Strategy.Status.UNDER_CONSTRUCTION if publish else Strategy.Status.DRAFT
    assert Strategy.objects.get(title=DMI_PAGE).status == expected


def test_the_report_leaves_out_a_page_whose_status_was_set_here_after_an_import():
    import_dump(source=REWRITE)
    Strategy.objects.filter(title=DMI_PAGE).update(status=Strategy.Status.PUBLISHED)

    report = import_dump(source=REWRITE, publish=True)

    assert report.under_construction == []
    assert Strategy.objects.get(title=DMI_PAGE).status == Strategy.Status.PUBLISHED
