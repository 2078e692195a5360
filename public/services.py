"""Writes of the public site: restoring a strategy page to one of its revisions.

A page's revision holds its parts from several apps (programs and resources
listed, the scorecard, experts, reviews), which ``public/history.py`` knows as
part kinds; restoring walks the same kinds. A restore brings back text and
structure. Records of fact stay as they are: data points, reviews and marks of
review, and so the review dates worked out from them; a measure or action that
has data and was not in the revision is kept. ``restore_plan`` says what a
restore would do (the preview shows it), and ``revert_page`` does exactly
that. Like every service it takes keyword-only arguments, validates before
writing and runs in one transaction recording one revision.
"""

from dataclasses import dataclass

import reversion
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection
from django.utils import timezone
from reversion.models import Version

from base.revisions import ChangeKind, recorded_change
from public import history
from reviews.services import newest_review_date
from scorecards.models import Action, DataPoint
from strategy.models import Strategy

MAY_NOT_RESTORE = "Only editors may restore an earlier revision of a page."
# The page's own fields a restore leaves as they are: its review cycle.
KEPT_PAGE_FIELDS = ("review_interval_months",)
# Parts with no data of their own, and unique per page: replaced as a whole.
LINK_KINDS = ("programs", "resources", "experts")
# The scorecard's structure, restored in place so that its data stays attached.
SCORECARD_KINDS = ("objectives", "measures", "actions")
KEPT_WITH_DATA = "kept because it has data"
KEPT_FOR_PARTS = "kept because a measure or action on it has data"


class PageChangedSincePreview(ValidationError):
    """The page has a newer revision than the one the preview was worked out from."""


def _path_to_page(kind: history.PartKind) -> str:
    """The ORM path from a part to its page: "objective__strategy" for a measure."""
    step = kind.parent_field.removesuffix("_id")
    if kind.parent_kind is None:
        return step
    return f"{step}__{_path_to_page(history.KIND[kind.parent_kind])}"


def _page_tables() -> list[str]:
    """The tables a page's revision writes to, many-to-many tables included."""
    tables = []
    for model in (Strategy, *(kind.model for kind in history.KINDS)):
        tables.append(model._meta.db_table)
        tables.extend(
            field.remote_field.through._meta.db_table for field in model._meta.many_to_many
        )
    return tables


def action_has_data(fields) -> bool:
    """An action whose work has begun: a status other than planned, or a start date."""
    return fields.get("status") != Action.Status.PLANNED or fields.get("start_date") is not None


@dataclass(frozen=True)
class KeptPart:
    """A part added since the revision that the restore keeps, and why."""

    kind: history.PartKind
    label: str
    reason: str


@dataclass(frozen=True)
class RestorePlan:
    """What restoring the revision holding ``version`` would do to the page now."""

    strategy: Strategy
    version: Version
    found: history.PageVersions
    now: history.PageState
    after: history.PageState  # the page as the restore leaves it
    kept: tuple[KeptPart, ...]
    diff: history.PageDiff  # from now to ``after``
    # The page's newest version now: a confirmation must have seen the same.
    now_version_id: int | None = None

    @property
    def records_of_review(self) -> str:
        """The page's reviews and marks of review, counted ("3 reviews and 1 mark of
        review"); empty when it has neither."""
        reviews = len(self.now.parts["reviews"])
        marks = len(self.now.parts["review_marks"])
        counted = []
        if reviews:
            counted.append(f"{reviews} review{'' if reviews == 1 else 's'}")
        if marks:
            counted.append(f"{marks} mark{'' if marks == 1 else 's'} of review")
        return " and ".join(counted)


def _newest_version_id(strategy: Strategy) -> int | None:
    return Version.objects.get_for_object(strategy).values_list("pk", flat=True).first()


def restore_plan(*, strategy: Strategy, version: Version) -> RestorePlan:
    """Work out, without writing, what restoring the page to ``version``'s revision does.

    Raises ``history.UnknownRevision`` for a version that is not one of the
    page's, and ``ValidationError`` for a revision that cannot be restored
    (it can no longer be read in full, or its address belongs to another page).
    """
    if not Version.objects.get_for_object(strategy).filter(pk=version.pk).exists():
        raise history.UnknownRevision
    found = history.page_versions(version)
    if found.page is None or found.unreadable:
        raise ValidationError(
            "That revision can no longer be read in full (the page's fields have changed "
            "since), so it cannot be restored."
        )
    old_slug = found.page.field_dict["slug"]
    if Strategy.objects.filter(slug=old_slug).exclude(pk=strategy.pk).exists():
        raise ValidationError(
            f"That revision cannot be restored: its address “{old_slug}” now belongs to "
            "another page."
        )
    now = history.live_state(strategy)
    then = {
        key: {object_id: history.snapshot(stored) for object_id, stored in parts.items()}
        for key, parts in found.parts.items()
    }
    page_fields = dict(found.page.field_dict)
    page_fields.update({name: now.page.fields.get(name) for name in KEPT_PAGE_FIELDS})
    after = {key: dict(parts) for key, parts in then.items() if not history.KIND[key].record}
    for kind in history.KINDS:
        if kind.record:
            after[kind.key] = dict(now.parts[kind.key])

    kept: list[KeptPart] = []
    measured = {str(point.fields["measure_id"]) for point in now.parts["data_points"].values()}
    for object_id, measure in now.parts["measures"].items():
        if object_id not in after["measures"] and object_id in measured:
            after["measures"][object_id] = measure
            kept.append(KeptPart(history.KIND["measures"], measure.label, KEPT_WITH_DATA))
    for object_id, action in now.parts["actions"].items():
        if object_id not in after["actions"] and action_has_data(action.fields):
            after["actions"][object_id] = action
            kept.append(KeptPart(history.KIND["actions"], action.label, KEPT_WITH_DATA))
    holding = {
        str(part.fields["objective_id"])
        for key in ("measures", "actions")
        for part in after[key].values()
    }
    holders = []
    for object_id, objective in now.parts["objectives"].items():
        if object_id not in after["objectives"] and object_id in holding:
            after["objectives"][object_id] = objective
            holders.append(KeptPart(history.KIND["objectives"], objective.label, KEPT_FOR_PARTS))
    # Data points are records: those there now stay as they are, and a measure
    # that comes back brings back the points it had.
    after["data_points"] = {
        object_id: point
        for object_id, point in then["data_points"].items()
        if str(point.fields["measure_id"]) not in now.parts["measures"]
    }
    after["data_points"].update(now.parts["data_points"])

    after_state = history.PageState(
        page=history.Snapshot(found.page.object_id, found.page.object_repr, page_fields),
        parts=after,
    )
    return RestorePlan(
        strategy=strategy,
        version=version,
        found=found,
        now=now,
        after=after_state,
        kept=(*holders, *kept),
        diff=history.diff_states(now, after_state),
        now_version_id=_newest_version_id(strategy),
    )


def revert_page(
    *, strategy: Strategy, version: Version, user, seen_version_id: int | None = None
) -> Strategy:
    """Restore the page's text and structure as they were at the revision holding ``version``.

    ``version`` is one of the page's own versions (as its history lists them);
    any other raises ``history.UnknownRevision``. Only editors may restore.
    ``seen_version_id``, when given, is the page's newest version when the
    preview was shown: if the page has changed since, nothing is restored.
    Only this page's objects are restored, even from a revision that also
    holds other pages; what it does is ``restore_plan``: the page's fields
    (but not its review cycle), its program, resource and expert lists, and
    its objectives, measures and actions go back to the revision (parts
    deleted since come back with their ids; parts added since go, unless a
    measure or action has data). Data points, reviews and marks of review
    stay as they are, and so do the review dates worked out from them. A
    part that has moved to another page since moves back, and that page's
    history records it. The restore is recorded as a new revision by
    ``user``, so it can be undone in turn. Returns the page as restored (its
    slug may have changed). Raises ``ValidationError``, changing nothing, if
    the revision can no longer be read or restored as it was.
    """
    if not user.has_perm("reversion.revert_revision"):
        raise PermissionDenied(MAY_NOT_RESTORE)
    when = timezone.localtime(version.revision.date_created)
    try:
        with recorded_change(
            user=user,
            comment=f"Restored the revision of {when:%Y-%m-%d %H:%M}",
            kind=ChangeKind.RESTORE,
        ):
            # Admin saves of the page and its parts lock the page first too.
            strategy = Strategy.objects.select_for_update().order_by().get(pk=strategy.pk)
            saves = strategy.version
            plan = restore_plan(strategy=strategy, version=version)
            if seen_version_id is not None and seen_version_id != plan.now_version_id:
                raise PageChangedSincePreview(
                    "The page has changed since the preview was shown: look at the "
                    "differences again before restoring. Nothing was changed."
                )
            _restore(strategy, plan)
            # Foreign keys are checked at commit; check now, so that a revision
            # naming something deleted since is refused here, with a message.
            connection.check_constraints(table_names=_page_tables())
            restored = Strategy.objects.get(pk=strategy.pk)
            for name in KEPT_PAGE_FIELDS:
                setattr(restored, name, plan.now.page.fields[name])
            restored.last_reviewed = newest_review_date(strategy.pk)
            restored.clean()
            # Restoring is a change made now: the save counter goes on from where it
            # was (an open form must not match a counter restored from the past).
            restored.version = saves
            restored.save(update_fields=["updated_at", "last_reviewed", *KEPT_PAGE_FIELDS])
            reversion.add_to_revision(restored)
            for page in Strategy.objects.filter(pk__in=_other_pages(strategy, plan)):
                reversion.add_to_revision(page)
    except IntegrityError as error:
        raise ValidationError(
            "That revision cannot be restored as it was: it refers to something deleted or "
            "changed since (a band, a program, a partner, a person). Nothing was changed."
        ) from error
    return restored


def _other_pages(strategy: Strategy, plan: RestorePlan) -> set:
    """Pages that parts of the revision have moved to since; the restore takes them back."""
    pages = set()
    for key in (*LINK_KINDS, *SCORECARD_KINDS):
        kind = history.KIND[key]
        path = _path_to_page(kind)
        pages.update(
            kind.model._default_manager.filter(pk__in=list(plan.found.parts[key]))
            .exclude(**{path: strategy})
            .values_list(path, flat=True)
        )
    return pages - {None, strategy.pk}


def _restore(strategy: Strategy, plan: RestorePlan) -> None:
    found, after = plan.found, plan.after.parts
    # Points of a measure that comes back, unless they are there now (under a
    # measure moved to another page since): a restore never changes a value.
    returning = [
        found.parts["data_points"][object_id]
        for object_id in after["data_points"].keys() - plan.now.parts["data_points"].keys()
    ]
    there = {
        str(pk)
        for pk in DataPoint.objects.filter(
            pk__in=[stored.object_id for stored in returning]
        ).values_list("pk", flat=True)
    }
    # Recorded once the page is whole again (by the caller), not object by object.
    with reversion.create_revision(manage_manually=True, atomic=False):
        # Deleting and re-creating the lists, rather than updating in place,
        # means two rows that swapped a unique value (an expert) never collide.
        for key in LINK_KINDS:
            kind = history.KIND[key]
            kind.model._default_manager.filter(**{kind.parent_field: strategy.pk}).delete()
        found.page.revert()
        for key in (*LINK_KINDS, *SCORECARD_KINDS):  # parents before children
            for stored in found.parts[key].values():
                stored.revert()
        for stored in returning:
            if stored.object_id not in there:
                stored.revert()
        # Parts added since, and parts a part brought back from another page
        # brought with it; children first, so no data goes with a parent.
        for key in ("actions", "measures", "objectives", *LINK_KINDS):
            kind = history.KIND[key]
            kind.model._default_manager.filter(**{_path_to_page(kind): strategy}).exclude(
                pk__in=list(after[key])
            ).delete()
