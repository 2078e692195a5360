"""The public page history: the list of revisions, and diffs between two of them."""

import datetime
import html

import pytest
import reversion
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags
from reversion.models import Version

from base.revisions import recorded_change
from public import history
from reviews import services as review_services
from scorecards.models import Action, Measure
from strategy.models import Strategy, StrategyProgram
from tests.admin_forms import admin_form_data
from tests.programs.factories import ProgramFactory
from tests.reviews.factories import ExpertAssignmentFactory
from tests.revisions import page_change
from tests.scorecards.factories import (
    ActionFactory,
    DataPointFactory,
    MeasureFactory,
    ObjectiveFactory,
)
from tests.strategy.factories import (
    PageManagerFactory,
    StrategyFactory,
    StrategyProgramFactory,
    StrategyResourceFactory,
)

pytestmark = pytest.mark.django_db


def history_url(page, **query) -> str:
    url = reverse("strategy:strategy-history", args=[page.slug])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def version_ids(page) -> list[int]:
    """The page's versions, oldest first."""
    return list(
        Version.objects.get_for_object(page).order_by("revision_id").values_list("pk", flat=True)
    )


def diff_url(page, old: int, new: int) -> str:
    return history_url(page, **{"from": old, "to": new})


def text_of(response) -> str:
    """The page's text, without tags (changed words are wrapped in their own)."""
    assert response.status_code == 200
    return html.unescape(strip_tags(response.content.decode()))


def test_history_lists_revisions_newest_first_with_author_and_comment(client, page):
    author = PageManagerFactory(first_name="Ada", last_name="Lovelace")
    with page_change(page, comment="Demo content"):
        pass
    with page_change(page, user=author, comment="Rewrote the introduction"):
        page.intro = "A new introduction."
        page.save()

    response = client.get(history_url(page))

    entries = response.context["entries"]
    assert [(entry.author, entry.comment) for entry in entries] == [
        ("Ada Lovelace", "Rewrote the introduction"),
        ("system", "Demo content"),
    ], "a revision without a user was written by the system"
    content = text_of(response)
    for words in ("Ada Lovelace", "Rewrote the introduction", "system", "Demo content"):
        assert words in content
    first, second = version_ids(page)
    changes_link = f'href="?from={first}&amp;to={second}#changes"'
    assert changes_link in response.content.decode(), "each revision links to its changes"


def test_history_shows_admin_change_messages_as_text(client, editor, page):
    url = reverse("admin:strategy_strategy_change", args=[page.pk])
    client.force_login(editor)
    client.post(url, admin_form_data(client.get(url), title="Retitled"))

    content = text_of(client.get(history_url(page)))

    assert "Changed Title." in content
    assert '[{"changed"' not in content


def test_diff_shows_a_changed_title_and_introduction(client, owner, page):
    with page_change(page, user=owner, comment="First"):
        page.title = "Reduce illegal sales"
        page.intro = "Police and pharmacies work together.\nShared line stays."
        page.save()
    with page_change(page, user=owner, comment="Second"):
        page.title = "Coordinate efforts to reduce illegal sales"
        page.intro = "Police, pharmacies and schools work together.\nShared line stays."
        page.status = Strategy.Status.UNDER_CONSTRUCTION
        page.save()
    old, new = version_ids(page)

    content = text_of(client.get(diff_url(page, old, new)))

    assert "Reduce illegal sales" in content
    assert "Coordinate efforts to reduce illegal sales" in content
    assert "Introduction" in content, "fields are named by their verbose names"
    assert "Police and pharmacies work together." in content
    assert "Police, pharmacies and schools work together." in content
    assert "Shared line stays." in content
    assert "Removed" in content and "Added" in content, "changes are marked in words"
    assert "Under construction" in content and "Published" in content, "choices by their labels"


def test_diff_labels_no_blank_line_as_added_or_removed(client, owner, page):
    with page_change(page, user=owner, comment="First"):
        page.intro = "Police and pharmacies work together."
        page.save()
    with page_change(page, user=owner, comment="Second"):
        page.intro = "Police and pharmacies work together.\n\nSchools join them."
        page.save()
    old, new = version_ids(page)

    content = client.get(diff_url(page, old, new)).content.decode()

    lines = content.split('class="diff-lines"')[1].split("</td>")[0]
    assert lines.count('<span class="diff-badge">Added</span>') == 1  # the new paragraph
    assert "Schools join them." in lines
    assert 'class="diff-line diff-blank"' in lines  # the blank line, without a label
    assert "Removed" not in lines


def test_the_diff_of_a_review_shows_its_comments_escaped(client, owner, reviewer, page):
    with page_change(page, user=owner, comment="First"):
        page.intro = "Words."
        page.save()
    page.created_at = page.created_at - datetime.timedelta(days=30)
    page.save(update_fields=["created_at"])
    review_services.add_review(
        strategy=page,
        reviewer=reviewer,
        reviewed_on=datetime.date.today(),
        comments="Data are current.\nCheck <b>2025</b> & the partners.",
    )
    old, new = version_ids(page)[-2:]

    content = client.get(diff_url(page, old, new)).content.decode()

    added = content.split('class="diff-part diff-added"')[1].split("</li>")[0]
    assert "Data are current.<br>Check &lt;b&gt;2025&lt;/b&gt; &amp; the partners." in added


def test_diff_shows_added_and_removed_parts_of_the_page(client, owner, page):
    kept_program = StrategyProgramFactory(strategy=page, program__name="Drug Market Intervention")
    dropped_program = StrategyProgramFactory(strategy=page, program__name="Pill Mill Crackdown")
    objective = ObjectiveFactory(strategy=page, title="Close the open drug market")
    MeasureFactory(objective=objective, name="Burglaries reported")
    with page_change(page, user=owner, comment="Before"):
        pass
    with page_change(page, user=owner, comment="After"):
        dropped_program.delete()
        StrategyProgram.objects.create(
            strategy=page, program=ProgramFactory(name="Prescription Monitoring")
        )
        Measure.objects.filter(objective=objective).delete()
        ActionFactory(objective=objective, title="Hold a call-in meeting")
        kept_program.note = "Works with street outreach."
        kept_program.save()
    old, new = version_ids(page)

    response = client.get(diff_url(page, old, new))

    content = text_of(response)
    diff = response.context["comparison"].diff
    sections = {section.title: section for section in diff.sections}
    programs = sections["Promising programs"]
    assert [part.label for part in programs.added] == ["Prescription Monitoring"]
    assert [part.label for part in programs.removed] == ["Pill Mill Crackdown"]
    assert [part.label for part in programs.changed] == ["Drug Market Intervention"]
    assert [part.label for part in sections["Measures"].removed] == ["Burglaries reported"]
    assert sections["Measures"].removed[0].context == "Objective: Close the open drug market"
    assert [part.label for part in sections["Actions"].added] == ["Hold a call-in meeting"]
    assert "Objectives" not in sections, "an unchanged objective is not listed"
    for words in ("Prescription Monitoring", "Pill Mill Crackdown", "Works with street outreach."):
        assert words in content


def test_diff_names_related_objects_by_their_current_names(client, owner, page):
    new_manager = PageManagerFactory(first_name="Grace", last_name="Hopper")
    action = ActionFactory(objective__strategy=page, lead__name="City Police")
    with page_change(page, user=owner, comment="Before"):
        pass
    with page_change(page, user=owner, comment="After"):
        page.page_manager = new_manager
        page.save()
        action.status = Action.Status.DONE
        action.lead = None
        action.save()
    old, new = version_ids(page)

    content = text_of(client.get(diff_url(page, old, new)))

    assert "Grace Hopper" in content
    assert owner.get_full_name() in content
    assert "City Police" in content and "(none)" in content
    assert "In progress" in content and "Done" in content


def test_diff_of_a_revision_with_itself_has_no_differences(client, owner, page):
    with page_change(page, user=owner, comment="Only"):
        pass
    (only,) = version_ids(page)

    content = text_of(client.get(diff_url(page, only, only)))

    assert "No differences" in content


def test_history_of_a_draft_is_hidden_from_the_public(client, owner):
    draft = StrategyFactory(page_manager=owner, status=Strategy.Status.DRAFT)
    with page_change(draft, user=owner, comment="Started"):
        pass

    assert client.get(history_url(draft)).status_code == 404
    client.force_login(owner)
    assert client.get(history_url(draft)).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"from": "abc", "to": "1"},
        {"from": "", "to": ""},
        {"from": "1.5", "to": "1"},
        {"to": "1"},
        {"from": "999999", "to": "1"},
    ],
)
def test_ids_that_are_not_revisions_answer_not_found(client, owner, page, query):
    with page_change(page, user=owner, comment="Only"):
        pass
    (only,) = version_ids(page)
    query = {key: only if value == "1" else value for key, value in query.items()}

    response = client.get(history_url(page, **query))

    assert response.status_code == 404
    assert "not in this page's history" in response.content.decode()


def test_a_revision_of_another_page_answers_not_found(client, owner, page):
    other = StrategyFactory(page_manager=owner)
    with page_change(page, user=owner, comment="Mine"):
        pass
    with page_change(other, user=owner, comment="Theirs"):
        pass
    (mine,) = version_ids(page)
    (theirs,) = version_ids(other)

    assert client.get(diff_url(page, mine, theirs)).status_code == 404
    assert client.get(diff_url(page, theirs, mine)).status_code == 404


def test_script_in_an_old_title_and_introduction_is_escaped(client, owner, page):
    with page_change(page, user=owner, comment="<script>alert('comment')</script>"):
        page.title = "<script>alert('title')</script>"
        page.intro = "<script>alert('intro')</script>"
        page.save()
    with page_change(page, user=owner, comment="Cleaned up"):
        page.title = "Safe title"
        page.intro = "Safe introduction."
        page.save()
    old, new = version_ids(page)

    response = client.get(diff_url(page, old, new))

    raw = response.content.decode()
    assert response.status_code == 200
    assert "<script>" not in raw
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in raw
    assert "&lt;script&gt;alert(&#x27;intro&#x27;)&lt;/script&gt;" in raw


def test_a_stored_part_that_no_longer_loads_is_left_out_with_a_note(client, owner, page):
    MeasureFactory(objective__strategy=page, name="Unreadable measure")
    with page_change(page, user=owner, comment="Before"):
        pass
    with page_change(page, user=owner, comment="After"):
        page.title = "Still readable"
        page.save()
    old, new = version_ids(page)
    Version.objects.get_for_model(Measure).update(serialized_data="not what it was")

    content = text_of(client.get(diff_url(page, old, new)))

    assert "Still readable" in content
    assert "2 stored parts of these revisions could not be read" in content


def test_page_state_leaves_out_other_pages_in_a_shared_revision(owner, page):
    other = StrategyFactory(page_manager=owner)
    StrategyProgramFactory(strategy=page, program__name="Mine")
    StrategyProgramFactory(strategy=other, program__name="Theirs")
    DataPointFactory(measure__objective__strategy=page)
    DataPointFactory(measure__objective__strategy=other)
    with recorded_change(user=owner, comment="Bulk import"):
        reversion.add_to_revision(page)
        reversion.add_to_revision(other)

    state = history.page_state(Version.objects.get_for_object(page).get())

    assert [snapshot.label for snapshot in state.parts["programs"].values()] == [
        f"Mine on {page.title}"
    ]
    for key in ("objectives", "measures", "data_points"):
        assert len(state.parts[key]) == 1, key


def test_line_diff_marks_changed_words_and_folds_unchanged_lines():
    old = "\n".join(["intro", *(f"line {n}" for n in range(10)), "Police work alone."])
    new = "\n".join(["intro", *(f"line {n}" for n in range(10)), "Police work with schools."])

    lines = history.line_diff(old, new)

    assert [line.kind for line in lines] == ["skipped", "same", "same", "removed", "added"]
    assert lines[0].skipped == 9
    removed, added = lines[-2:]
    assert [s.text for s in removed.segments if s.changed] == ["alone."]
    assert [s.text for s in added.segments if s.changed] == ["with schools."]


# -- Queries ------------------------------------------------------------------------------


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def make_revisions(page, user, count):
    for number in range(count):
        with page_change(page, user=user, comment=f"Edit {number}"):
            page.title = f"Title {number}"
            page.save()


def test_history_list_costs_the_same_queries_however_many_revisions(client, owner):
    small, large = StrategyFactory(page_manager=owner), StrategyFactory(page_manager=owner)
    make_revisions(small, owner, 2)
    make_revisions(large, PageManagerFactory(), 8)

    # The page with its breadcrumb's maps; the versions with their revisions and users.
    assert queries_for(client, history_url(small)) == queries_for(client, history_url(large)) == 2


def fill_page(page, size):
    for _ in range(size):
        StrategyProgramFactory(strategy=page)
        StrategyResourceFactory(strategy=page)
        point = DataPointFactory(measure__objective__strategy=page)
        ActionFactory(objective=point.measure.objective)
        ExpertAssignmentFactory(strategy=page)


def revise_everything(page, user):
    """Two revisions; the second changes something of every kind on the page."""
    with page_change(page, user=user, comment="Before"):
        pass
    with page_change(page, user=user, comment="After"):
        page.title = f"{page.title} (revised)"
        page.page_manager = PageManagerFactory()
        page.save()
        StrategyProgram.objects.filter(strategy=page).first().delete()
        StrategyProgramFactory(strategy=page)
        for action in Action.objects.filter(objective__strategy=page):
            action.lead = None
            action.save()
        Measure.objects.filter(objective__strategy=page).first().delete()
        DataPointFactory(measure=Measure.objects.filter(objective__strategy=page).first())
    return version_ids(page)


def test_diff_costs_the_same_queries_however_big_the_page(client, owner):
    small, large = StrategyFactory(page_manager=owner), StrategyFactory(page_manager=owner)
    fill_page(small, 2)
    fill_page(large, 6)
    small_ids, large_ids = revise_everything(small, owner), revise_everything(large, owner)

    # The list's 2, one per revision compared, and one per related model named
    # (people, partners, programs).
    assert (
        queries_for(client, diff_url(small, *small_ids))
        == queries_for(client, diff_url(large, *large_ids))
        == 2 + 2 + 3
    )
