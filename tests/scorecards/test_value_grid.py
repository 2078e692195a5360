"""The data-entry grid in the admin: a page's measures by recent periods, saved through the
upload's checks in one revision, each problem in its box. Every test posts the form as a
browser without JavaScript does."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision

from base.periods import Frequency, shift_period
from scorecards import admin_grid
from scorecards.models import DataPoint, Measure
from strategy.models import Strategy
from tests.scorecards.factories import DataPointFactory, MeasureFactory, ObjectiveFactory
from tests.strategy.factories import UserFactory

pytestmark = pytest.mark.django_db


class FormReader(HTMLParser):
    """The fields a browser would post from the grid's form, with their values."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.in_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "value-grid-form":
            self.in_form = True
        elif tag == "input" and self.in_form and attrs.get("type") != "submit":
            self.fields.append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


def form_of(response) -> dict[str, list[str]]:
    reader = FormReader()
    reader.feed(response.text)
    fields: dict[str, list[str]] = {}
    for name, value in reader.fields:
        fields.setdefault(name, []).append(value)
    return fields


def grid_url(page, objective=None) -> str:
    url = reverse("admin:strategy_strategy_enter_values", args=[page.pk])
    return f"{url}?objective={objective.pk}" if objective else url


def submit(client, page, response=None, objective=None, **boxes):
    """Post the grid as loaded in ``response`` (else loaded now), with ``boxes`` typed in:
    ``value_<measure id>_<period>`` and ``note_…`` (dashes as underscores)."""
    response = response or client.get(grid_url(page, objective))
    fields = form_of(response)
    for name, value in boxes.items():
        kind, measure, period = name.split("_", 2)
        key = f"{kind}-{measure}-{period.replace('_', '-')}"
        assert key in fields, f"no box {key}"
        fields[key] = [value]
    return client.post(grid_url(page, objective), fields)


def box(measure, period, kind="value") -> str:
    return f"{kind}_{measure.pk}_{period.label.replace('-', '_')}"


def periods_of(measure):
    """The grid's columns for ``measure``: four periods up to the newest due, and the next."""
    newest = measure.latest_due_period(timezone.localdate())
    return [shift_period(newest, measure.frequency, step) for step in range(-3, 2)]


def stored(page) -> set[tuple[str, str, Decimal, str]]:
    return {
        (point.measure.name, point.period, point.value, point.note)
        for point in DataPoint.objects.filter(measure__objective__strategy=page).select_related(
            "measure"
        )
    }


@pytest.fixture
def burglaries(page):
    """A quarterly count whose target is 60 or fewer."""
    measure = MeasureFactory(objective__strategy=page, name="Burglaries reported")
    DataPointFactory(measure=measure, period=periods_of(measure)[0].label, value=100, note="Q")
    return measure


@pytest.fixture
def calls(burglaries):
    return MeasureFactory(
        objective=burglaries.objective,
        name="Calls for service",
        polarity=Measure.Polarity.HIGHER_IS_BETTER,
        baseline_value=None,
        target_value=None,
    )


def cell_errors(response) -> dict[str, list[str]]:
    return {cell.key: cell.errors for cell in response.context["grid"].cells if cell.errors}


# Showing the grid


def test_grid_shows_measures_periods_and_stored_values(client, owner, page, burglaries, calls):
    first, *_, newest_due, next_due = periods_of(burglaries)
    client.force_login(owner)

    response = client.get(grid_url(page))

    assert response.status_code == 200
    text = response.text
    assert "Quarterly measures" in text
    assert "each value is due 60 days after its quarter ends" in text
    assert "Burglaries reported" in text and "Calls for service" in text
    for period in periods_of(burglaries):
        assert f">{period.label}<" in text
    fields = form_of(response)
    assert fields[f"value-{burglaries.pk}-{first.label}"] == ["100"]
    assert fields[f"note-{burglaries.pk}-{first.label}"] == ["Q"]
    assert fields[f"value-{calls.pk}-{next_due.label}"] == [""]
    assert 'src="/static/scorecards/grid.js"' in text
    assert "<script>" not in text  # the content security policy allows no inline script


def test_measures_of_different_frequencies_get_their_own_columns(client, owner, page, burglaries):
    yearly = MeasureFactory(
        objective=burglaries.objective,
        name="Overdose deaths",
        frequency=Frequency.YEARLY,
        lag_days=180,
    )
    client.force_login(owner)

    response = client.get(grid_url(page))

    groups = response.context["grid"].groups
    assert [(group.heading, [row.measure for row in group.rows]) for group in groups] == [
        ("Quarterly measures", [burglaries]),
        ("Yearly measures", [yearly]),
    ]
    assert [column.period for column in groups[1].columns] == periods_of(yearly)
    assert "each value is due 180 days after its year ends" in response.text


def test_grid_for_one_objective_shows_only_its_measures(client, owner, page, burglaries, calls):
    other = MeasureFactory(objective__strategy=page, name="Arrests made")
    client.force_login(owner)

    response = client.get(grid_url(page, other.objective))

    assert response.status_code == 200
    assert "Arrests made" in response.text
    assert "Burglaries reported" not in response.text
    assert "Every measure of the page" in response.text


def test_an_objective_of_another_page_is_404(client, owner, page, burglaries):
    client.force_login(owner)
    elsewhere = ObjectiveFactory()

    assert client.get(grid_url(page, elsewhere)).status_code == 404
    assert client.get(grid_url(page) + "?objective=x").status_code == 404


def queries_to_show(client, page) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(grid_url(page))
    assert response.status_code == 200
    return len(queries)


def test_grid_costs_the_same_queries_for_one_measure_and_for_many(client, owner, page):
    client.force_login(owner)
    one = MeasureFactory(objective__strategy=page)
    small = queries_to_show(client, page)

    for frequency in (Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.YEARLY):
        for _ in range(4):
            measure = MeasureFactory(objective__strategy=page, frequency=frequency)
            next_due = periods_of(measure)[-1]
            for step in range(10):
                period = shift_period(next_due, frequency, -step)
                DataPointFactory(measure=measure, period=period.label, note="A note")
    DataPointFactory.create_batch(10, measure=one)

    assert queries_to_show(client, page) == small


def test_a_page_with_more_measures_than_a_form_holds_is_entered_by_objective(
    client, owner, page, burglaries, monkeypatch
):
    monkeypatch.setattr(admin_grid, "MAX_MEASURES", 1)
    MeasureFactory(objective__strategy=page, name="Arrests made")
    client.force_login(owner)

    response = client.get(grid_url(page))

    assert "more than one form can hold" in response.text
    assert f"?objective={burglaries.objective.pk}" in response.text
    assert 'id="value-grid-form"' not in response.text


# Saving


def test_two_new_values_are_stored_in_one_revision_by_the_user(
    client, owner, page, burglaries, calls
):
    *_, newest_due, next_due = periods_of(burglaries)
    client.force_login(owner)

    response = submit(
        client,
        page,
        **{
            box(burglaries, newest_due): "55",
            box(calls, newest_due): "1,234.5",
            box(calls, newest_due, "note"): "From the dispatch log",
        },
    )

    assert response.status_code == 302
    assert response.url == grid_url(page)
    assert stored(page) == {
        ("Burglaries reported", periods_of(burglaries)[0].label, Decimal("100.00"), "Q"),
        ("Burglaries reported", newest_due.label, Decimal("55.00"), ""),
        ("Calls for service", newest_due.label, Decimal("1234.50"), "From the dispatch log"),
    }
    revision = Revision.objects.get()
    assert revision.user == owner
    assert revision.comment == "Entered values in the grid (2 added, 0 changed)"
    shown = client.get(response.url)
    assert "Saved in one revision of the page: 2 values added, 0 changed." in shown.text
    assert form_of(shown)[f"value-{calls.pk}-{newest_due.label}"] == ["1234.5"]


def test_a_changed_value_and_note_replace_the_stored_ones(client, owner, page, burglaries):
    first = periods_of(burglaries)[0]
    client.force_login(owner)

    submit(
        client,
        page,
        **{box(burglaries, first): "90", box(burglaries, first, "note"): "Revised count"},
    )

    point = DataPoint.objects.get(measure=burglaries, period=first.label)
    assert (point.value, point.note) == (Decimal("90.00"), "Revised count")
    assert Revision.objects.get().comment == "Entered values in the grid (0 added, 1 changed)"


def test_an_unchanged_form_rewrites_nothing(client, owner, page, burglaries, calls):
    client.force_login(owner)

    response = submit(client, page)

    assert response.status_code == 302
    assert not Revision.objects.exists()
    assert "Nothing was changed" in client.get(response.url).text


def test_the_same_value_typed_differently_rewrites_nothing(client, owner, page, burglaries):
    client.force_login(owner)

    response = submit(client, page, **{box(burglaries, periods_of(burglaries)[0]): "100.00"})

    assert response.status_code == 302
    assert not Revision.objects.exists()
    assert "already stored as typed" in client.get(response.url).text


BAD_VALUES = {
    "text": ("about ten", "The value “about ten” is not a number"),
    "three decimal places": ("1.125", "The value “1.125” has more than two decimal places."),
    "too large": ("1000000000000", "The value “1000000000000” is too large"),
}


@pytest.mark.parametrize(("value", "message"), BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_a_bad_value_is_shown_in_its_box_and_nothing_is_stored(
    client, owner, page, burglaries, calls, value, message
):
    *_, newest_due, next_due = periods_of(burglaries)
    before = stored(page)
    client.force_login(owner)

    response = submit(
        client,
        page,
        **{box(burglaries, newest_due): "55", box(calls, next_due): value},
    )

    assert response.status_code == 200
    assert list(cell_errors(response)) == [f"{calls.pk}-{next_due.label}"]
    assert message in cell_errors(response)[f"{calls.pk}-{next_due.label}"][0]
    assert "1 value below has a problem, shown in its box. Nothing was saved." in response.text
    fields = form_of(response)
    assert fields[f"value-{calls.pk}-{next_due.label}"] == [value]
    assert fields[f"value-{burglaries.pk}-{newest_due.label}"] == ["55"]  # kept as typed
    assert stored(page) == before
    assert not Revision.objects.exists()


def test_the_grid_offers_and_reads_only_periods_of_each_measures_frequency(
    client, owner, page, burglaries
):
    newest_due = periods_of(burglaries)[-2]
    client.force_login(owner)
    response = client.get(grid_url(page))
    fields = form_of(response)
    year = newest_due.label[:4]
    assert f"value-{burglaries.pk}-{year}" not in fields
    # A box for a year, written into the form by hand, is not read.
    fields[f"value-{burglaries.pk}-{year}"] = ["5"]
    fields[f"value-{burglaries.pk}-{newest_due.label}"] = ["55"]

    client.post(grid_url(page), fields)

    assert {point.period for point in DataPoint.objects.filter(measure=burglaries)} == {
        periods_of(burglaries)[0].label,
        newest_due.label,
    }


def test_a_note_without_a_value_is_refused_in_its_box(client, owner, page, burglaries):
    newest_due = periods_of(burglaries)[-2]
    client.force_login(owner)

    response = submit(client, page, **{box(burglaries, newest_due, "note"): "Late"})

    assert cell_errors(response) == {f"{burglaries.pk}-{newest_due.label}": ["The value is empty."]}
    assert DataPoint.objects.count() == 1


def test_a_value_cannot_be_cleared_in_the_grid(client, owner, page, burglaries):
    first = periods_of(burglaries)[0]
    client.force_login(owner)

    response = submit(client, page, **{box(burglaries, first): ""})

    assert cell_errors(response) == {
        f"{burglaries.pk}-{first.label}": [admin_grid.REMOVE_ELSEWHERE]
    }
    assert DataPoint.objects.get().value == 100


def test_a_value_changed_after_the_grid_was_loaded_is_not_overwritten(
    client, owner, page, burglaries
):
    first, *_, newest_due, _next = periods_of(burglaries)
    client.force_login(owner)
    loaded = client.get(grid_url(page))
    DataPoint.objects.filter(measure=burglaries).update(value=80, note="Revised by the police")
    DataPointFactory(measure=burglaries, period=newest_due.label, value=70)

    response = submit(
        client,
        page,
        loaded,
        **{box(burglaries, first): "90", box(burglaries, newest_due): "55"},
    )

    assert response.status_code == 200
    errors = cell_errors(response)
    assert errors[f"{burglaries.pk}-{first.label}"] == [
        "Someone changed this value after you opened the grid: it is now 80 (note: “Revised by "
        "the police”). Your entry is kept here; save again to store it instead."
    ]
    assert "it is now 70" in errors[f"{burglaries.pk}-{newest_due.label}"][0]
    assert not Revision.objects.exists()
    # Saving the form shown again, knowingly, replaces them.
    response = submit(client, page, response)
    assert response.status_code == 302
    assert DataPoint.objects.get(period=first.label).value == 90
    assert DataPoint.objects.get(period=newest_due.label).value == 55


def test_a_value_changed_elsewhere_in_a_box_left_alone_is_kept(client, owner, page, burglaries):
    first, *_, newest_due, _next = periods_of(burglaries)
    client.force_login(owner)
    loaded = client.get(grid_url(page))
    DataPoint.objects.filter(measure=burglaries).update(value=80)

    response = submit(client, page, loaded, **{box(burglaries, newest_due): "55"})

    assert response.status_code == 302
    assert DataPoint.objects.get(period=first.label).value == 80


# Who may use it


def test_another_manager_gets_404_and_nothing_is_stored(client, outsider, page, burglaries):
    client.force_login(outsider)

    assert client.get(grid_url(page)).status_code == 404
    response = client.post(grid_url(page), {f"value-{burglaries.pk}-2025-Q1": "1", "shown": "{}"})
    assert response.status_code == 404
    assert DataPoint.objects.count() == 1


def test_staff_who_may_only_view_the_page_get_403(client, page, burglaries):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_strategy"))
    Strategy.objects.filter(pk=page.pk).update(page_manager=viewer)
    client.force_login(viewer)

    assert client.get(grid_url(page)).status_code == 403
    assert client.post(grid_url(page), {"shown": "{}"}).status_code == 403


def test_a_reviewer_is_sent_to_sign_in(client, reviewer, page, burglaries):
    client.force_login(reviewer)

    response = client.get(grid_url(page))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_an_editor_enters_values_on_any_page(client, editor, page, burglaries):
    newest_due = periods_of(burglaries)[-2]
    client.force_login(editor)

    submit(client, page, **{box(burglaries, newest_due): "58"})

    assert Revision.objects.get().user == editor


# The story behind the curve


def test_a_value_leaving_its_measure_off_track_asks_once_for_a_note(
    client, owner, page, burglaries
):
    newest_due = periods_of(burglaries)[-2]
    client.force_login(owner)

    response = submit(client, page, **{box(burglaries, newest_due): "130"})

    assert response.status_code == 200
    assert "Nothing is saved yet." in response.text
    [asked] = [cell for cell in response.context["grid"].cells if cell.asks_note]
    assert asked.key == f"{burglaries.pk}-{newest_due.label}"
    assert "Off track with this value: why? (optional)" in response.text
    assert not DataPoint.objects.filter(period=newest_due.label).exists()
    # Saved as it is the second time: the note is optional.
    assert submit(client, page, response).status_code == 302
    assert DataPoint.objects.get(period=newest_due.label).note == ""


def test_the_note_given_when_asked_is_stored_and_shown_beside_the_latest_value(
    client, owner, page, burglaries
):
    newest_due = periods_of(burglaries)[-2]
    Strategy.objects.filter(pk=page.pk).update(status=Strategy.Status.PUBLISHED)
    client.force_login(owner)
    asked = submit(client, page, **{box(burglaries, newest_due): "63"})
    assert "At risk with this value" in asked.text

    response = submit(
        client, page, asked, **{box(burglaries, newest_due, "note"): "Two shops broken into twice"}
    )

    assert response.status_code == 302
    assert DataPoint.objects.get(period=newest_due.label).note == "Two shops broken into twice"
    client.logout()
    card = client.get(page.get_absolute_url()).text
    assert '<span class="value-note">Two shops broken into twice</span>' in card


def test_the_card_shows_only_the_newest_values_note(client, page, burglaries):
    Strategy.objects.filter(pk=page.pk).update(status=Strategy.Status.PUBLISHED)
    DataPointFactory(measure=burglaries, period=periods_of(burglaries)[1].label, value=90)

    card = client.get(page.get_absolute_url()).text

    assert "90 (" in card
    assert 'class="value-note"' not in card


def test_a_value_with_its_note_or_on_track_is_saved_at_once(client, owner, page, burglaries):
    *_, newest_due, next_due = periods_of(burglaries)
    client.force_login(owner)

    on_track = submit(client, page, **{box(burglaries, newest_due): "50"})
    noted = submit(
        client,
        page,
        **{box(burglaries, next_due): "140", box(burglaries, next_due, "note"): "A bad winter"},
    )

    assert on_track.status_code == noted.status_code == 302
    assert DataPoint.objects.count() == 3


def test_an_older_value_that_is_not_the_latest_asks_for_nothing(client, owner, page, burglaries):
    periods = periods_of(burglaries)
    DataPointFactory(measure=burglaries, period=periods[-2].label, value=50)
    client.force_login(owner)

    response = submit(client, page, **{box(burglaries, periods[1]): "150"})

    assert response.status_code == 302


def test_upload_preview_names_the_measures_the_file_leaves_off_track(
    client, owner, page, burglaries, calls
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    newest_due = periods_of(burglaries)[-2]
    data = (
        f"measure,period,value,note\nBurglaries reported,{newest_due.label},130,\n"
        f"Calls for service,{newest_due.label},12,\n"
    ).encode()
    client.force_login(owner)

    response = client.post(
        reverse("admin:strategy_strategy_upload_data", args=[page.pk]),
        {"file": SimpleUploadedFile("data.csv", data, "text/csv")},
    )

    assert "Measures these values leave off track or at risk" in response.text
    assert (
        f"“Burglaries reported” would be <strong>off track</strong> with 130 for "
        f"{newest_due.label} (line 2), with no note." in response.text
    )
    assert "Calls for service” would be" not in response.text
    assert "the file's <code>note</code> column" in response.text


# Links to it


def test_page_manager_finds_enter_values_on_the_page_form_and_the_objective_form(
    client, owner, page, burglaries
):
    client.force_login(owner)

    change = client.get(reverse("admin:strategy_strategy_change", args=[page.pk]))
    objective = client.get(
        reverse("admin:scorecards_objective_change", args=[burglaries.objective.pk])
    )

    assert f'href="{grid_url(page)}">Enter values</a>' in change.text
    assert f'href="{grid_url(page, burglaries.objective)}">Enter values</a>' in objective.text


def test_the_public_page_links_to_the_grid_for_its_manager_only(client, owner, page, outsider):
    Strategy.objects.filter(pk=page.pk).update(status=Strategy.Status.PUBLISHED)
    link = f'href="{grid_url(page)}">Enter scorecard values</a>'

    assert link not in client.get(page.get_absolute_url()).text
    client.force_login(outsider)
    assert link not in client.get(page.get_absolute_url()).text
    client.force_login(owner)
    assert link in client.get(page.get_absolute_url()).text
