"""The strategy page's content, composed from what each app says the page reads of it."""

from django.db.models import QuerySet

from programs.selectors import page_program_prefetches
from reviews.selectors import page_review_prefetches
from scorecards.selectors import page_scorecard_prefetches
from strategy.models import Strategy
from strategy.selectors import PAGE_RELATIONS, resource_link_prefetches


def with_page_content(pages: QuerySet[Strategy]) -> QuerySet[Strategy]:
    """``pages`` with everything the strategy page shows, in a fixed number of queries."""
    return pages.select_related(*PAGE_RELATIONS).prefetch_related(
        *page_program_prefetches(),
        *resource_link_prefetches(),
        *page_scorecard_prefetches(),
        *page_review_prefetches(),
    )
