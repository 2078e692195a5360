"""What the strategy page reads of this app's own rows, for the page's composition in
``public/selectors.py``."""

from django.db.models import Prefetch

from strategy.models import StrategyResource

# Two levels of parents cover the breadcrumb of a page on a zoom map of a zoom map.
PAGE_RELATIONS = ("map__parent__parent", "band", "page_manager", "zoom_map")


def resource_link_prefetches(path: str = "") -> list:
    """The resources a page lists, for pages at ``path``."""
    return [
        Prefetch(
            f"{path}resource_links", queryset=StrategyResource.objects.select_related("resource")
        )
    ]
