"""The updates queue: what is due or overdue for a person, read in four queries.

Four kinds of item, each linking to where it is done (``updates/links.py``):

- **values due** on the measures a person owns (their own, or unowned on the
  pages they manage): each period whose value is due by today with no value
  stored for it, the newest due and those left out before it
  (``Measure.missing_due_periods``);
- **actions** they are responsible for that are past their due date or have
  not changed for 90 days (``Action.objects.needing_attention``);
- **reviews to answer** on the pages they manage: comments not yet marked
  addressed;
- **pages to review**: public pages they manage whose review is due, or that
  were never reviewed (``reviews.services.due_for_review``).

Items on a page with no manager, with nobody named for them, are in no one's
own queue unless asked for (``with_nobody_named``): editors, who answer for
every page, get them in theirs, to name someone. Archived pages are left out.
Each measure's data points come with it as one aggregate
(``Measure.objects.with_points()``), so working out what is missing runs no
query per measure.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import get_text_list

from accounts.people import person_name
from reviews.models import Review
from reviews.services import due_for_review
from scorecards.models import UNCHANGED_AFTER, Action, Measure
from strategy.models import Strategy
from updates import links


class Kind(StrEnum):
    VALUE = "values"
    ACTION = "actions"
    REVIEW = "reviews"
    PAGE = "page-reviews"


HEADINGS = {
    Kind.VALUE: "Values to enter",
    Kind.ACTION: "Actions to update",
    Kind.REVIEW: "Reviews to answer",
    Kind.PAGE: "Pages to review",
}


# What one item and several items of each kind are called in counts ("1 value to enter").
NOUNS = {
    Kind.VALUE: ("value to enter", "values to enter"),
    Kind.ACTION: ("action to update", "actions to update"),
    Kind.REVIEW: ("review to answer", "reviews to answer"),
    Kind.PAGE: ("page to review", "pages to review"),
}


def _day(day: datetime.date) -> str:
    return date_format(day, "M j, Y")


@dataclass(frozen=True)
class Item:
    """One thing a person should do, and where to do it."""

    kind: Kind
    title: str
    page: Strategy
    # Who answers for it; None when nobody is named (a page without a manager).
    person: object | None
    # The day it fell due; None for a page that was never reviewed.
    due: datetime.date | None
    overdue: bool
    # Why it is in the queue, in words ("due Nov 29, 2026").
    reason: str
    url: str
    # What the link does ("Enter the value").
    task: str

    @property
    def sort_key(self):
        return (not self.overdue, self.due or datetime.date.min, self.page.title, self.title)

    @property
    def person_name(self) -> str:
        return person_name(self.person, "")

    @property
    def name_someone_url(self) -> str:
        """Where someone is named to answer for it, when nobody is: its page's admin form."""
        return links.page_manager_url(self.page) if self.person is None else ""


@dataclass
class Group:
    kind: Kind
    items: list[Item] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return HEADINGS[self.kind]

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def overdue(self) -> int:
        return sum(item.overdue for item in self.items)

    @property
    def summary(self) -> str:
        """Its count in words: "1 value to enter", "2 values to enter"."""
        one, several = NOUNS[self.kind]
        return f"{self.count} {one if self.count == 1 else several}"


@dataclass
class Queue:
    """Items grouped by kind (in the order of ``Kind``), overdue first, then oldest due first."""

    today: datetime.date
    groups: list[Group]

    @classmethod
    def of(cls, items: Iterable[Item], *, today: datetime.date) -> "Queue":
        groups = {kind: Group(kind) for kind in Kind}
        for item in items:
            groups[item.kind].items.append(item)
        for group in groups.values():
            group.items.sort(key=lambda item: item.sort_key)
        return cls(today=today, groups=list(groups.values()))

    @property
    def count(self) -> int:
        return sum(group.count for group in self.groups)

    @property
    def overdue(self) -> int:
        return sum(group.overdue for group in self.groups)

    @property
    def items(self) -> list[Item]:
        return [item for group in self.groups for item in group.items]

    @property
    def summary(self) -> str:
        """The count of each kind listed, in words: "1 value to enter and 2 pages to review"."""
        return get_text_list([group.summary for group in self.groups if group.count], "and")

    def by_person(self, *, nobody_named_to: Iterable = ()) -> list[tuple[object, "Queue"]]:
        """Each person with their own queue, in the order of their names.

        The items with nobody named go to each of ``nobody_named_to`` (the
        editors), as ``update_queue(person, with_nobody_named=True)`` gives them.
        """
        people, items, nobody_named = {}, {}, []
        for item in self.items:
            if item.person is None:
                nobody_named.append(item)
                continue
            people.setdefault(item.person.pk, item.person)
            items.setdefault(item.person.pk, []).append(item)
        if nobody_named:
            for person in nobody_named_to:
                people.setdefault(person.pk, person)
                items.setdefault(person.pk, []).extend(nobody_named)
        return [
            (person, Queue.of(items[pk], today=self.today))
            for pk, person in sorted(
                people.items(), key=lambda entry: (person_name(entry[1], "").lower(), entry[0])
            )
        ]


def _not_archived(queryset: QuerySet, page: str) -> QuerySet:
    return queryset.exclude(**{f"{page}status": Strategy.Status.ARCHIVED})


def _nobody_named(*lookups: str) -> Q:
    """Rows with none of ``lookups`` set: nobody named for them, nor a manager of their page."""
    return Q(**{f"{lookup}__isnull": True for lookup in lookups})


def _values_due(person, today: datetime.date, with_nobody_named: bool) -> list[Item]:
    measures = _not_archived(Measure.objects.all(), "objective__strategy__")
    if person is not None:
        mine = measures.owned_by(person)
        if with_nobody_named:
            mine |= measures.filter(_nobody_named("owner", "objective__strategy__page_manager"))
        measures = mine
    measures = measures.with_points().select_related("owner", "objective__strategy__page_manager")
    items = []
    for measure in measures:
        for period in measure.missing_due_periods(today):
            due = measure.due_on(period)
            items.append(
                Item(
                    kind=Kind.VALUE,
                    title=f"{measure.name}: the value for {period.label}",
                    page=measure.objective.strategy,
                    person=measure.responsible_person,
                    due=due,
                    overdue=due < today,
                    reason=f"due {_day(due)}" if due == today else f"overdue since {_day(due)}",
                    url=links.value_entry_url(measure),
                    task="Enter the value",
                )
            )
    return items


def _actions(person, today: datetime.date, with_nobody_named: bool) -> list[Item]:
    actions = _not_archived(Action.objects.all(), "objective__strategy__")
    if person is not None:
        mine = actions.responsible(person)
        if with_nobody_named:
            mine |= actions.filter(
                _nobody_named("responsible", "objective__strategy__page_manager")
            )
        actions = mine
    actions = actions.needing_attention(today=today).select_related(
        "responsible", "objective__strategy__page_manager"
    )
    items = []
    for action in actions:
        if action.due_date is not None and action.due_date < today:
            due, overdue = action.due_date, True
            reason = f"past its due date, {_day(action.due_date)}"
        else:
            changed = timezone.localdate(action.updated_at)
            due, overdue = changed + UNCHANGED_AFTER, False
            reason = f"unchanged since {_day(changed)}"
        items.append(
            Item(
                kind=Kind.ACTION,
                title=f"{action.title} ({action.get_status_display().lower()})",
                page=action.objective.strategy,
                person=action.responsible_person,
                due=due,
                overdue=overdue,
                reason=reason,
                url=links.action_update_url(action),
                task="Update the action",
            )
        )
    return items


def _reviews(person, with_nobody_named: bool) -> list[Item]:
    reviews = _not_archived(Review.objects.filter(addressed_at__isnull=True), "strategy__")
    if person is not None:
        mine = Q(strategy__page_manager=person)
        if with_nobody_named:
            mine |= _nobody_named("strategy__page_manager")
        reviews = reviews.filter(mine)
    reviews = reviews.select_related("strategy__page_manager", "reviewer")
    return [
        Item(
            kind=Kind.REVIEW,
            title=f"The review by {review.reviewer_display} of {_day(review.reviewed_on)}",
            page=review.strategy,
            person=review.strategy.page_manager,
            due=review.reviewed_on,
            overdue=False,
            reason="not yet marked addressed",
            url=links.review_answer_url(review),
            task="Answer the review",
        )
        for review in reviews
    ]


def _pages_due(person, today: datetime.date, with_nobody_named: bool) -> list[Item]:
    pages = due_for_review(today)
    if person is not None:
        mine = Q(page_manager=person)
        if with_nobody_named:
            mine |= _nobody_named("page_manager")
        pages = pages.filter(mine)
    items = []
    for page in pages.select_related("page_manager"):
        if page.review_due is None:
            reason = "never reviewed"
        elif page.review_due == today:
            reason = f"review due {_day(page.review_due)}"
        else:
            reason = f"review overdue since {_day(page.review_due)}"
        items.append(
            Item(
                kind=Kind.PAGE,
                title="The page's review",
                page=page,
                person=page.page_manager,
                due=page.review_due,
                overdue=page.review_due is not None and page.review_due < today,
                reason=reason,
                url=links.mark_reviewed_url(page),
                task="Mark it reviewed",
            )
        )
    return items


def update_queue(person, *, today: datetime.date, with_nobody_named: bool = False) -> Queue:
    """What is due for ``person`` (everyone's, with who answers for each, when None).

    ``with_nobody_named`` adds the items nobody answers for (on pages with no
    manager, with no owner or responsible person named): an editor's own queue
    has them. Four queries, whatever the number of measures, data points,
    actions, reviews and pages.
    """
    return Queue.of(
        [
            *_values_due(person, today, with_nobody_named),
            *_actions(person, today, with_nobody_named),
            *_reviews(person, with_nobody_named),
            *_pages_due(person, today, with_nobody_named),
        ],
        today=today,
    )


def people_with_queues() -> QuerySet:
    """The people an editor may choose to see the queue of: active staff, by name."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .order_by("first_name", "last_name", "username")
    )
