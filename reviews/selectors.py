"""What the strategy page reads of its reviews (composed in ``public/selectors.py``)."""

from django.db.models import Prefetch

from reviews.models import ExpertAssignment, Review

DUE_SOON_DAYS = 30
NEWEST_COMMENTS = 20


def page_review_prefetches(path: str = "") -> list:
    """A page's experts and reviews with their people, for pages at ``path``."""
    return [
        Prefetch(
            f"{path}expert_assignments", queryset=ExpertAssignment.objects.select_related("expert")
        ),
        Prefetch(f"{path}reviews", queryset=Review.objects.select_related("reviewer")),
    ]
