"""A map page's content: its bands and boxes with their roll-ups, what it highlights
(``?status=`` and ``?partner=``) and the words in its boxes.

``map_context`` is shared by the map pages and the briefing books, which draw the same map.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Prefetch

from accounts.rules import may_read_drafts
from scorecards.rollups import PartnerWork, Performance, partners_for, rollups_for
from strategy.diagram import layout
from strategy.models import Strategy, StrategyLink

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


def map_context(user, strategy_map, query) -> dict:
    """The map page's context: ``strategy_map`` as ``user`` may read it, with the highlights
    ``query`` (the request's GET, or ``{}``) asks for.

    A fixed number of queries: the bands with their strategies, the roll-ups, the
    partners, the links, and one per map above this one for the breadcrumb.
    """
    visible = Strategy.objects.visible_to(user)
    bands = list(
        strategy_map.bands.prefetch_related(
            Prefetch(
                "strategies",
                queryset=visible.select_related("zoom_map", "theme"),
                to_attr="visible_strategies",
            )
        )
    )
    on_map = [strategy for band in bands for strategy in band.visible_strategies]
    rollups = rollups_for(on_map, visible=visible)
    for strategy in on_map:
        strategy.rollup = rollups[strategy.pk]
    partners = partners_for(on_map, visible=visible)
    highlight = map_highlight(query, partners)
    for strategy in on_map:
        strategy.matches = highlight.matches(strategy)
    links = list(
        StrategyLink.objects.filter(cause__map=strategy_map).select_related("cause", "effect")
    )
    diagram = layout(bands, links, details=box_details)
    shown = {strategy.pk for strategy in on_map}
    themes = {s.theme_id: s.theme for s in on_map if s.theme_id}
    return {
        "map": strategy_map,
        "bands": bands,
        "diagram": diagram,
        "breadcrumb": strategy_map.ancestors()[:-1],
        "performances": list(Performance),
        "themes": sorted(themes.values(), key=lambda theme: (theme.order, theme.name)),
        "highlight": highlight,
        "show_publication": may_read_drafts(user),
        "matching": sum(1 for strategy in on_map if strategy.matches),
        "strategy_count": len(on_map),
        "status_links": [
            (
                p,
                highlight.address(status=None if p is highlight.status else p.slug),
                p is highlight.status,
            )
            for p in Performance
        ],
        "partner_links": [
            (
                partner,
                highlight.address(partner=None if partner is highlight.partner else partner.slug),
                partner is highlight.partner,
            )
            for partner in partners.values()
        ],
        "connections": [arrow.description for arrow in diagram.arrows]
        if diagram
        else [
            f"{link.cause} leads to {link.effect}"
            for link in links
            if {link.cause_id, link.effect_id} <= shown
        ],
    }
