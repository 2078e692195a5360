"""What a map page highlights (``?status=`` and ``?partner=``) and the words in its boxes."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from scorecards.rollups import PartnerWork, Performance

# The query parameters the map pages read.
HIGHLIGHTS = ("status", "partner")


def box_details(strategy) -> list[str]:
    """The words under a box's performance: its measures by status."""
    rollup = strategy.rollup
    return [rollup.summary if rollup.total else "No measures yet"]


@dataclass
class Highlight:
    """The strategies a reader asked to pick out, by rolled-up status, by partner, or both.

    ``problems`` says, in words, which parameters named nothing the map has; those
    are left out and the rest still apply.
    """

    status: Performance | None = None
    partner: PartnerWork | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return self.status is not None or self.partner is not None

    def matches(self, strategy) -> bool | None:
        """Whether ``strategy`` is picked out; None when nothing is highlighted."""
        if not self.active:
            return None
        if self.status is not None and strategy.rollup.performance is not self.status:
            return False
        return not (self.partner is not None and strategy.pk not in self.partner.strategies)

    @property
    def description(self) -> str:
        """What is highlighted, as the page says it: "off track, where Sheriff's Office works"."""
        parts = []
        if self.status is not None:
            parts.append(self.status.label.lower())
        if self.partner is not None:
            parts.append(f"where {self.partner.name} works")
        return ", ".join(parts)

    def address(self, **changes) -> str:
        """The query string with ``changes`` made (None removes a parameter)."""
        query = {
            "status": self.status.slug if self.status else None,
            "partner": self.partner.slug if self.partner else None,
        }
        query.update(changes)
        kept = {name: value for name, value in query.items() if value}
        return f"?{urlencode(kept)}" if kept else "?"


def map_highlight(query, partners: dict[str, PartnerWork]) -> Highlight:
    """The highlight ``query`` asks for; ``partners`` are those working on the map."""
    highlight = Highlight()
    if status := query.get("status", "").strip():
        highlight.status = Performance.from_slug(status)
        if highlight.status is None:
            names = ", ".join(p.label.lower() for p in Performance)
            highlight.problems.append(
                f"There is no status “{status[:60]}” to highlight; the map can highlight {names}."
            )
    if partner := query.get("partner", "").strip():
        highlight.partner = partners.get(partner)
        if highlight.partner is None:
            highlight.problems.append(
                f"No partner “{partner[:60]}” works on this map; "
                "choose one from “Highlight by partner”."
            )
    return highlight
