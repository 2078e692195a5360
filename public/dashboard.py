"""The review dashboard: pages due for review, the newest comments, and a manager's
pages with their completeness checklists, each read in a fixed number of queries."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q

from public.completeness import Checklist, checklist
from reviews.models import Review
from scorecards.models import Measure
from strategy.models import Strategy

DUE_SOON_DAYS = 30
NEWEST_COMMENTS = 20


@dataclass(frozen=True)
class ManagedPage:
    strategy: Strategy
    checklist: Checklist


def _with_checklist_data(pages):
    """What ``completeness.checklist`` reads, prefetched: six queries whatever the number."""
    return pages.prefetch_related(
        "program_links",
        "resource_links",
        "objectives",
        Prefetch("objectives__measures", queryset=Measure.objects.with_points()),
        "objectives__actions",
        "expert_assignments",
    )


def review_dashboard(user, *, today: datetime.date) -> dict:
    """The review dashboard of one user: only pages they may read.

    Three queries for a user who manages no page, nine for one who does,
    however many pages and reviews there are.
    """
    visible = Strategy.objects.visible_to(user).exclude(status=Strategy.Status.ARCHIVED)
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    pages = list(
        visible.filter(Q(review_due__lte=soon) | Q(last_reviewed__isnull=True))
        .select_related("page_manager")
        .order_by("review_due", "title")
    )
    newest_comments = list(
        Review.objects.filter(strategy__in=visible)
        .select_related("strategy", "reviewer")
        .order_by("-created_at", "-id")[:NEWEST_COMMENTS]
    )
    managed = _with_checklist_data(
        Strategy.objects.filter(page_manager=user)
        .exclude(status=Strategy.Status.ARCHIVED)
        .order_by("title")
    )
    return {
        "today": today,
        "due_soon_days": DUE_SOON_DAYS,
        "overdue": [p for p in pages if p.review_due is not None and p.review_due < today],
        "due_soon": [p for p in pages if p.review_due is not None and p.review_due >= today],
        "never_reviewed": [p for p in pages if p.review_due is None],
        "newest_comments": newest_comments,
        "managed_pages": [ManagedPage(page, checklist(page, today=today)) for page in managed],
    }
