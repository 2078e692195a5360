"""What the strategy page reads of the program library, for the page's composition in
``public/selectors.py``."""

from django.db.models import Prefetch

from programs.models import evidence_prefetches
from strategy.models import StrategyProgram


def page_program_prefetches(path: str = "") -> list:
    """A page's promising programs with their evidence, for pages at ``path``."""
    return [
        Prefetch(
            f"{path}program_links", queryset=StrategyProgram.objects.select_related("program")
        ),
        *evidence_prefetches(f"{path}program_links__program__"),
    ]
