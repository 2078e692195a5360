"""What the strategy page reads of its scorecard, for the page's composition in
``public/selectors.py``."""

from scorecards.models import scorecard_prefetches


def page_scorecard_prefetches(path: str = "") -> list:
    """A page's objectives with their measures, points and actions, for pages at ``path``."""
    return [f"{path}objectives", *scorecard_prefetches(f"{path}objectives__")]
