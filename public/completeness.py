"""What a strategy page still lacks: the checklist page managers work through.

Computed from the page's data (as loaded by ``public.selectors.with_page_content()``,
so it costs no queries of its own), never ticked by hand.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone

from base.periods import add_months

# Text the old wiki template left in place of real content.
PLACEHOLDERS = re.compile(
    r"\[insert [^\]]*\]|\[fill out [^\]]*\]|under construction|add an? intro paragraph here",
    re.IGNORECASE,
)
FRESH_MONTHS = 12


@dataclass(frozen=True)
class Check:
    label: str
    done: bool


@dataclass(frozen=True)
class Checklist:
    checks: list[Check]

    @property
    def score(self) -> int:
        """Per cent of checks done."""
        return round(100 * sum(check.done for check in self.checks) / len(self.checks))

    @property
    def missing(self) -> list[Check]:
        return [check for check in self.checks if not check.done]


def _texts(strategy) -> list[str]:
    texts = [strategy.title, strategy.intro]
    texts += [link.note for link in strategy.program_links.all()]
    texts += [link.note for link in strategy.resource_links.all()]
    for objective in strategy.objectives.all():
        texts += [objective.title, objective.details]
        texts += [measure.name for measure in objective.measures.all()]
        texts += [f"{action.title} {action.description}" for action in objective.actions.all()]
    texts += [f"{a.expert_name} {a.area}" for a in strategy.expert_assignments.all()]
    return texts


def checklist(strategy, *, today: datetime.date | None = None) -> Checklist:
    today = today or timezone.localdate()
    measures = [m for objective in strategy.objectives.all() for m in objective.measures.all()]
    latest = [m.latest for m in measures if m.latest is not None]
    fresh_since = add_months(today, -FRESH_MONTHS)
    return Checklist(
        [
            Check("A page manager is named", strategy.page_manager_id is not None),
            Check("At least one subject-matter expert", bool(strategy.expert_assignments.all())),
            Check("The introduction is written", bool(strategy.intro.strip())),
            Check("At least one promising program", bool(strategy.program_links.all())),
            # A page without measures is asked for one, not for its sources.
            Check("Every measure names its data source", all(m.data_source_id for m in measures))
            if measures
            else Check("At least one measure", False),
            Check(
                "Data newer than a year",
                bool(latest) and max(point.start for point in latest) >= fresh_since,
            ),
            Check(
                "No placeholder text left",
                not any(PLACEHOLDERS.search(text or "") for text in _texts(strategy)),
            ),
        ]
    )
