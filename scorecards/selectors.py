"""What pages read of scorecards: a page's objectives with their measures and actions,
for the scorecard page, the API and the strategy page's composition in
``public/selectors.py``."""

from django.db.models import Prefetch

from scorecards.models import Action, Measure


def page_scorecard_prefetches(path: str = "") -> list:
    """A page's objectives with their measures, points and actions, for pages at ``path``."""
    return [f"{path}objectives", *scorecard_prefetches(f"{path}objectives__")]


def scorecard_prefetches(path: str = "", *, actions: bool = True) -> list:
    """Objectives' measures (with their points as one aggregate and the newest one's note)
    and, with ``actions``, their actions with lead and partners, for objectives at ``path``."""
    prefetches = [
        Prefetch(
            f"{path}measures",
            queryset=Measure.objects.select_related("data_source").with_points().with_latest_note(),
        )
    ]
    if actions:
        prefetches += [
            Prefetch(f"{path}actions", queryset=Action.objects.select_related("lead")),
            f"{path}actions__partners",
        ]
    return prefetches
