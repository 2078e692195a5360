"""Writes that change strategy pages.

Each service takes keyword-only arguments, validates before writing, runs in
one transaction and records a revision per page naming its author (so that
reverting one page never reverts another), whether it is called from the
admin, a view or a management command.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet

from base.revisions import ChangeKind, recorded_change
from strategy.models import Strategy


def _check_editable(*, user, strategies: QuerySet[Strategy]) -> list[Strategy]:
    pages = list(strategies)
    refused = [page.title for page in pages if not user.has_perm("strategy.change_strategy", page)]
    if refused:
        raise PermissionDenied(f"You may not change: {', '.join(refused)}.")
    return pages


def publish_strategies(*, user, strategies: QuerySet[Strategy]) -> int:
    """Make pages public, one revision per page. Returns how many changed status."""
    with transaction.atomic():
        pages = _check_editable(user=user, strategies=strategies)
        changed = [page for page in pages if page.status != Strategy.Status.PUBLISHED]
        for page in changed:
            with recorded_change(user=user, comment="Published", kind=ChangeKind.PUBLISH):
                page.status = Strategy.Status.PUBLISHED
                page.save(update_fields=["status"])
    return len(changed)
