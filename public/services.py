"""Writes of the public site: restoring a strategy page to one of its revisions.

A page's revision holds its parts from several apps (programs and resources
listed, the scorecard, experts), which ``public/history.py`` knows as part
kinds; restoring walks the same kinds. Like every service it takes
keyword-only arguments, validates before writing and runs in one transaction
recording one revision.
"""

import reversion
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection
from django.utils import timezone
from reversion.models import Version

from base.revisions import recorded_change
from public import history
from strategy.models import Strategy


def _path_to_page(kind: history.PartKind) -> str:
    """The ORM path from a part to its page: "objective__strategy" for a measure."""
    step = kind.parent_field.removesuffix("_id")
    if kind.parent_kind is None:
        return step
    parent = next(k for k in history.KINDS if k.key == kind.parent_kind)
    return f"{step}__{_path_to_page(parent)}"


def _page_tables() -> list[str]:
    """The tables a page's revision writes to, many-to-many tables included."""
    tables = []
    for model in (Strategy, *(kind.model for kind in history.KINDS)):
        tables.append(model._meta.db_table)
        tables.extend(
            field.remote_field.through._meta.db_table for field in model._meta.many_to_many
        )
    return tables


def revert_page(*, strategy: Strategy, version: Version, user) -> Strategy:
    """Put a page and its parts back as they were at the revision holding ``version``.

    ``version`` is one of the page's own versions (as its history lists them);
    any other raises ``history.UnknownRevision``. Only editors may revert.
    Only this page's objects are restored, even from a revision that also
    holds other pages: the page's current parts are replaced by those of the
    revision (parts added since are deleted, parts deleted since come back
    with their ids). A part that has moved to another page since moves back,
    and that page's history records it. Reviews are not part of a revision
    and are left alone. The revert is recorded as a new revision by ``user``,
    so it can be reverted in turn. Returns the page as restored (its slug
    may have changed). Raises ``ValidationError``, changing nothing, if the
    revision can no longer be read or restored as it was.
    """
    if not user.has_perm("reversion.revert_revision"):
        raise PermissionDenied("Only editors may restore an earlier revision of a page.")
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
    when = timezone.localtime(version.revision.date_created)
    try:
        with recorded_change(user=user, comment=f"Restored the revision of {when:%Y-%m-%d %H:%M}"):
            # Admin saves of the page and its parts lock the page first too.
            saves = (
                Strategy.objects.select_for_update()
                .filter(pk=strategy.pk)
                .order_by()
                .values_list("version", flat=True)
                .get()
            )
            other_pages = set()
            for kind in history.KINDS:
                path = _path_to_page(kind)
                other_pages.update(
                    kind.model._default_manager.filter(pk__in=list(found.parts[kind.key]))
                    .exclude(**{path: strategy})
                    .values_list(path, flat=True)
                )
            # Recorded once the page is whole again (below), not object by object.
            with reversion.create_revision(manage_manually=True, atomic=False):
                # Deleting the top-level parts deletes the rest with them. Deleting
                # and re-creating, rather than updating in place, means two parts
                # that swapped a unique value (a period, an expert) never collide.
                for kind in history.KINDS:
                    if kind.parent_kind is None:
                        kind.model._default_manager.filter(
                            **{kind.parent_field: strategy.pk}
                        ).delete()
                found.page.revert()
                for kind in history.KINDS:  # parents before children
                    for stored in found.parts[kind.key].values():
                        stored.revert()
                # A part brought back from another page may bring parts added there since.
                for kind in history.KINDS:
                    kind.model._default_manager.filter(**{_path_to_page(kind): strategy}).exclude(
                        pk__in=list(found.parts[kind.key])
                    ).delete()
            # Foreign keys are checked at commit; check now, so that a revision
            # naming something deleted since is refused here, with a message.
            connection.check_constraints(table_names=_page_tables())
            restored = Strategy.objects.get(pk=strategy.pk)
            restored.clean()
            # Restoring is a change made now: the save counter goes on from where it
            # was (an open form must not match a counter restored from the past).
            restored.version = saves
            restored.save(update_fields=["updated_at"])
            reversion.add_to_revision(restored)
            for page in Strategy.objects.filter(pk__in=other_pages - {None, strategy.pk}):
                reversion.add_to_revision(page)
    except IntegrityError as error:
        raise ValidationError(
            "That revision cannot be restored as it was: it refers to something deleted or "
            "changed since (a band, a program, a partner, a person). Nothing was changed."
        ) from error
    return restored
