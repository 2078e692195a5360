"""Lay out a strategy map with Graphviz's ``dot``: bands as rows, strategies as boxes, links as
arrows.

Sizes are decided here (box widths from the number of columns, heights from the
wrapped titles, one height per band); ``dot`` decides where each box goes and
routes each arrow around every box; the template draws the result as SVG. Why
Graphviz: docs/architecture.md, "The map diagram".

The graph given to ``dot``:

- each band is one or more *rows* of at most ``MAX_COLUMNS`` boxes, each row a
  rank of its own (``rank=same``); the band's title is a node at the left of
  its first row (and an invisible spacer of the same width at the left of the
  others), so an arrow routes around the title as around any box;
- invisible edges keep the authored order within a row (a flat edge puts its
  tail left of its head) and the title column straight;
- every arrow is given to ``dot`` from the upper box to the lower one (drawn
  back when its cause is the lower), leaving and entering through ports of its
  own along the boxes' edges, so that no two arrows share an end;
- strategies of one theme in successive bands are tied by invisible edges, so
  ``dot`` stacks them and the theme's stripe runs straight down the map.

The positions ``dot`` returns (``-Tjson``) are kept in the cache under a hash
of the graph: ``dot`` runs again only when something that changes the drawing
changes. Without ``dot`` installed, ``layout`` returns None and the page shows
the map as a list.
"""

import functools
import hashlib
import json
import logging
import math
import shutil
import textwrap
from collections import defaultdict
from dataclasses import dataclass, field

import graphviz
from django.core.cache import cache
from redis import RedisError

logger = logging.getLogger(__name__)

MAX_COLUMNS = 5
# The page's width at a desktop size, in the diagram's units (its pixels when not scaled).
TARGET_WIDTH = 1100
TITLE_COLUMN = 150
# The least gaps between boxes of a row and between rows (room for arrows), tried in turn.
SPACINGS = [(40, 56), (40, 72), (56, 56), (48, 88), (64, 64), (40, 104), (72, 80), (56, 120)]
MIN_BOX_WIDTH = 176
MAX_BOX_WIDTH = 300
MARGIN = 12
BAND_PADDING = 10
BOX_PADDING = 12
TITLE_SIZE = 15
TITLE_LINE = 19
# A character's width at a size, as a share of the size: generous, so lines never overflow.
CHARACTER_WIDTH = 0.6
BAND_TITLE_SIZE = 13
BAND_TITLE_LINE = 17
SMALL_SIZE = 12.5
SMALL_LINE = 17
THEME_BAR = 6
ARROW_LENGTH = 10
ARROW_HALF_WIDTH = 5
CACHE_SECONDS = 30 * 24 * 3600


@dataclass
class Box:
    strategy: object
    x: float
    y: float
    width: float
    height: float
    lines: list[str]
    # The words under the title: the performance and the measures' counts, wrapped.
    detail_lines: list[str] = field(default_factory=list)

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def centre_x(self) -> float:
        return self.x + self.width / 2

    @property
    def text_x(self) -> float:
        return self.x + BOX_PADDING

    @property
    def tag_x(self) -> float:
        return self.right - 8

    def title_line_ys(self) -> list[tuple[str, float]]:
        top = self.y + THEME_BAR + BOX_PADDING + TITLE_SIZE - 2
        return [(line, top + TITLE_LINE * i) for i, line in enumerate(self.lines)]

    @property
    def status_y(self) -> float:
        return self.y + THEME_BAR + BOX_PADDING + TITLE_SIZE - 2 + TITLE_LINE * len(self.lines) + 4

    def detail_line_ys(self) -> list[tuple[str, float]]:
        return [
            (line, self.status_y + SMALL_LINE * (i + 1)) for i, line in enumerate(self.detail_lines)
        ]

    @property
    def zoom_y(self) -> float:
        return self.bottom - BOX_PADDING + 2


@dataclass
class BandRow:
    band: object
    x: float
    y: float
    width: float
    height: float
    title_lines: list[str]
    boxes: list[Box] = field(default_factory=list)
    title_y: float = 0

    def title_line_ys(self) -> list[tuple[str, float]]:
        return [
            (line, self.title_y + BAND_TITLE_SIZE + BAND_TITLE_LINE * i)
            for i, line in enumerate(self.title_lines)
        ]

    @property
    def title_x(self) -> float:
        return self.x + BAND_PADDING


@dataclass
class Arrow:
    link: object
    # Cubic Bézier curves end to end: a start point, then three points a curve.
    points: list[tuple[float, float]]
    tip: tuple[float, float]
    description: str

    @property
    def path(self) -> str:
        start, *rest = self.points
        curves = " ".join(
            "C" + " ".join(f"{x:.1f},{y:.1f}" for x, y in rest[i : i + 3])
            for i in range(0, len(rest), 3)
        )
        return f"M{start[0]:.1f},{start[1]:.1f} {curves}"

    @property
    def base(self) -> tuple[float, float]:
        """Where the arrowhead meets the line: the end of the curves nearer the tip."""
        first, last = self.points[0], self.points[-1]
        return first if math.dist(first, self.tip) < math.dist(last, self.tip) else last

    @property
    def head(self) -> str:
        """The arrowhead as a polygon's points: a triangle from the line's end to the tip."""
        (bx, by), (tx, ty) = self.base, self.tip
        length = math.dist(self.base, self.tip) or 1
        nx, ny = -(ty - by) / length, (tx - bx) / length
        corners = [
            (bx + nx * ARROW_HALF_WIDTH, by + ny * ARROW_HALF_WIDTH),
            (tx, ty),
            (bx - nx * ARROW_HALF_WIDTH, by - ny * ARROW_HALF_WIDTH),
        ]
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in corners)

    @property
    def cause_id(self) -> int:
        return self.link.cause_id

    @property
    def effect_id(self) -> int:
        return self.link.effect_id


@dataclass
class Stripe:
    """A theme's colour running down the map: around its boxes in each row, and from
    one row's to the next."""

    theme: object
    # (top, bottom, left, right) of the theme's boxes in each row that has any, top first.
    spans: list[tuple[float, float, float, float]]

    @property
    def path(self) -> str:
        parts = []
        for top, bottom, left, right in self.spans:
            parts.append(f"M{left:.1f},{top:.1f} H{right:.1f} V{bottom:.1f} H{left:.1f} Z")
        for upper, lower in zip(self.spans, self.spans[1:], strict=False):
            _, upper_bottom, upper_left, upper_right = upper
            lower_top, _, lower_left, lower_right = lower
            parts.append(
                f"M{upper_left:.1f},{upper_bottom:.1f} H{upper_right:.1f} "
                f"L{lower_right:.1f},{lower_top:.1f} H{lower_left:.1f} Z"
            )
        return " ".join(parts)


@dataclass
class MapDiagram:
    width: float
    height: float
    rows: list[BandRow]
    arrows: list[Arrow]
    stripes: list[Stripe]
    box_width: float

    @property
    def boxes(self) -> list[Box]:
        return [box for row in self.rows for box in row.boxes]

    @property
    def title_areas(self) -> list[tuple[float, float, float, float]]:
        """Each band title's rectangle (x, y, width, height), which no arrow may cross."""
        return [
            (row.title_x, row.title_y, TITLE_COLUMN, BAND_TITLE_LINE * len(row.title_lines) + 4)
            for row in self.rows
        ]


def dot_available() -> bool:
    return shutil.which("dot") is not None


# Titles are wrapped on every render, cached or not; they seldom change.
@functools.lru_cache(maxsize=8192)
def _wrap(text: str, width: float, size: float) -> list[str]:
    characters = max(int(width / (size * CHARACTER_WIDTH)), 8)
    # Not at hyphens: the lines are joined by a space in the name a screen reader hears.
    return textwrap.wrap(text, characters, break_on_hyphens=False) or [""]


def box_width(columns: int) -> float:
    """As wide as lets the widest row fill the page, within bounds."""
    free = TARGET_WIDTH - TITLE_COLUMN - 2 * MARGIN - columns * SPACINGS[0][0]
    return round(min(max(free / columns, MIN_BOX_WIDTH), MAX_BOX_WIDTH))


@dataclass
class _Plan:
    """What is given to ``dot``, with the sizes the drawing needs."""

    source: str
    width: float
    rows: list[tuple[object, int, list]]  # (band, row number within the band, strategies)
    heights: dict[int, float]  # band pk → the height of its boxes
    lines: dict[int, list[str]]
    details: dict[int, list[str]]
    band_titles: dict[int, list[str]]
    edges: dict[str, object]  # edge id → StrategyLink


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _inches(points: float) -> str:
    return f"{points / 72:.4f}"


def _ports(name: str, width: float, height: float, top: int, bottom: int) -> str:
    """A node of exactly ``width`` × ``height`` whose top and bottom edges are cut into
    ``top`` and ``bottom`` ports (``n0``…, ``s0``…), one for each arrow that ends there."""

    def edge(count: int, prefix: str) -> str:
        cells = (
            "".join(
                f'<TD PORT="{prefix}{i}" WIDTH="{width / count:.2f}" HEIGHT="1" '
                'FIXEDSIZE="TRUE"></TD>'
                for i in range(count)
            )
            or f'<TD WIDTH="{width:.2f}" HEIGHT="1" FIXEDSIZE="TRUE"></TD>'
        )
        return (
            '<TR><TD><TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
            f"<TR>{cells}</TR></TABLE></TD></TR>"
        )

    label = (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
        f"{edge(top, 'n')}"
        f'<TR><TD WIDTH="{width:.2f}" HEIGHT="{height - 2:.2f}" FIXEDSIZE="TRUE"></TD></TR>'
        f"{edge(bottom, 's')}</TABLE>>"
    )
    return f"{name} [shape=plain, fixedsize=false, width=0, height=0, label={label}];"


def _plan(bands, links, *, details, spacing: tuple[int, int]) -> _Plan:
    """``details(strategy)`` gives the words under a box's title (they set its height);
    ``spacing`` the least gaps between boxes of a row and between rows."""
    columns = min(max((len(band.visible_strategies) for band in bands), default=1), MAX_COLUMNS)
    columns = max(columns, 1)
    width = box_width(columns)
    rows, heights, lines, detail_lines, band_titles = [], {}, {}, {}, {}
    for band in bands:
        strategies = band.visible_strategies
        band_titles[band.pk] = _wrap(
            band.title.upper(), TITLE_COLUMN - 2 * BAND_PADDING, BAND_TITLE_SIZE
        )
        for strategy in strategies:
            lines[strategy.pk] = list(_wrap(strategy.title, width - 2 * BOX_PADDING, TITLE_SIZE))
            detail_lines[strategy.pk] = [
                line
                for part in details(strategy)
                for line in _wrap(part, width - 2 * BOX_PADDING, SMALL_SIZE)
            ]
        # A line at the foot for the zoom link and the page's state, as staff see it.
        footer = any(
            getattr(s, "zoom_map", None) or getattr(s, "status", "published") != "published"
            for s in strategies
        )
        heights[band.pk] = max(
            [
                THEME_BAR
                + 2 * BOX_PADDING
                + TITLE_LINE * len(lines[s.pk])
                + SMALL_LINE * (1 + len(detail_lines[s.pk]))
                + (SMALL_LINE + 4 if footer else 0)
                for s in strategies
            ]
            + [BAND_TITLE_LINE * len(band_titles[band.pk]) + 2 * BAND_PADDING]
        )
        for number, start in enumerate(range(0, max(len(strategies), 1), columns)):
            rows.append((band, number, strategies[start : start + columns]))

    where = {}  # strategy pk → (row index, column)
    for index, (_band, _number, chunk) in enumerate(rows):
        for column, strategy in enumerate(chunk):
            where[strategy.pk] = (index, column)
    drawn = [link for link in links if link.cause_id in where and link.effect_id in where]

    # Each arrow given to dot from its upper end to its lower; a flat one left to right.
    top_ports, bottom_ports = defaultdict(list), defaultdict(list)
    oriented = []
    for number, link in enumerate(drawn):
        cause, effect = where[link.cause_id], where[link.effect_id]
        upper, lower = (cause, effect) if cause <= effect else (effect, cause)
        upper_id, lower_id = (
            (link.cause_id, link.effect_id) if cause <= effect else (link.effect_id, link.cause_id)
        )
        oriented.append((f"L{number}", link, upper_id, lower_id, upper[0] == lower[0]))
        if upper[0] != lower[0]:
            bottom_ports[upper_id].append((lower[1], lower[0], f"L{number}"))
            top_ports[lower_id].append((upper[1], -upper[0], f"L{number}"))
        elif abs(upper[1] - lower[1]) > 1:
            # Over the boxes between: out of one's top and into the other's, the nearer
            # ends of both.
            top_ports[upper_id].append((lower[1], 0, f"L{number}"))
            top_ports[lower_id].append((upper[1], 0, f"L{number}"))
    # Ports along an edge in the order of the boxes at the arrows' other ends, so that
    # arrows leaving one edge do not cross at once.
    port_of = {}
    for ports, prefix in ((bottom_ports, "s"), (top_ports, "n")):
        for pk, found in ports.items():
            for i, (_, _, edge_id) in enumerate(sorted(found)):
                port_of[(pk, edge_id)] = f"{prefix}{i}"

    out = [
        "digraph map {",
        f"graph [rankdir=TB, newrank=true, splines=spline, nodesep={_inches(spacing[0])}, "
        f"ranksep={_inches(spacing[1])}, pad=0, margin=0];",
        'node [shape=box, fixedsize=true, label=""];',
        "edge [arrowsize=0.9];",
    ]
    # An arrow between boxes of one row with others between them runs over them, through
    # a node of its own in a narrow rank of its own above the row.
    corridors = defaultdict(list)
    for edge_id, _link, upper_id, lower_id, flat in oriented:
        if flat and abs(where[upper_id][1] - where[lower_id][1]) > 1:
            corridors[where[upper_id][0]].append(edge_id)
    spine = []
    for index, (band, _number, chunk) in enumerate(rows):
        # One rank each, so that no two such arrows run level with each other.
        for edge_id in corridors[index]:
            out.append(f"c{edge_id} [shape=point, style=invis, width=0.01];")
            out.append(f"h{edge_id} [shape=point, style=invis, width=0.05];")
            out.append(f"{{rank=same; c{edge_id}; h{edge_id};}}")
            spine.append(f"c{edge_id}")
        height = heights[band.pk]
        title = f"t{index}"
        out.append(f"{title} [width={_inches(TITLE_COLUMN)}, height={_inches(height)}];")
        spine.append(title)
        names = [title]
        for strategy in chunk:
            name = f"s{strategy.pk}"
            names.append(name)
            out.append(
                _ports(
                    name,
                    width,
                    height,
                    len(top_ports[strategy.pk]),
                    len(bottom_ports[strategy.pk]),
                )
            )
        out.append("{rank=same; " + "; ".join(names) + ";}")
        if len(names) > 1:
            # The first box beside the title, the rest in their order after it.
            out.append(f"{names[0]} -> {names[1]} [style=invis, weight=50];")
            if len(names) > 2:
                out.append(" -> ".join(names[1:]) + " [style=invis, weight=4];")
    if len(spine) > 1:
        out.append(" -> ".join(spine) + " [style=invis, weight=1000];")
    # Rows of one band stacked column by column.
    for index in range(1, len(rows)):
        (band, _, above), (same_band, _, below) = rows[index - 1], rows[index]
        if band is same_band:
            for upper, lower in zip(above, below, strict=False):
                out.append(f"s{upper.pk} -> s{lower.pk} [style=invis, weight=2];")
    # A theme's strategies stacked band by band.
    by_theme = defaultdict(list)
    for index, (_band, _number, chunk) in enumerate(rows):
        for strategy in chunk:
            if getattr(strategy, "theme_id", None):
                by_theme[strategy.theme_id].append((index, strategy))
    for members in by_theme.values():
        for (upper_row, upper), (lower_row, lower) in zip(members, members[1:], strict=False):
            if upper_row != lower_row:
                out.append(f"s{upper.pk} -> s{lower.pk} [style=invis, weight=8];")

    edges = {}
    for edge_id, link, upper_id, lower_id, flat in oriented:
        edges[edge_id] = link
        backwards = upper_id != link.cause_id
        direction = "back" if backwards else "forward"
        if flat:
            left, right = sorted((upper_id, lower_id), key=lambda pk: where[pk][1])
            backwards = left != link.cause_id
            direction = "back" if backwards else "forward"
            if abs(where[left][1] - where[right][1]) == 1:
                out.append(
                    f"s{left} -> s{right} [tailport=e, headport=w, id={edge_id}, "
                    f"dir={direction}, constraint=false];"
                )
                continue
            # Up from the cause to its node above the row, then down into the effect.
            cause, effect = link.cause_id, link.effect_id
            out.append(
                f"h{edge_id} -> s{cause}:{port_of[(cause, edge_id)]}:n [id={edge_id}up, dir=none];"
            )
            out.append(f"h{edge_id} -> s{effect}:{port_of[(effect, edge_id)]}:n [id={edge_id}];")
            continue
        out.append(
            f"s{upper_id}:{port_of[(upper_id, edge_id)]}:s -> "
            f"s{lower_id}:{port_of[(lower_id, edge_id)]}:n [id={edge_id}, dir={direction}];"
        )
    out.append("}")
    return _Plan(
        source="\n".join(out),
        width=width,
        rows=rows,
        heights=heights,
        lines=lines,
        details=detail_lines,
        band_titles=band_titles,
        edges=edges,
    )


def _run_dot(source: str) -> dict:
    """What the diagram needs of ``dot``'s JSON: the bounding box, node centres, edge paths."""
    found = json.loads(graphviz.pipe("dot", "json", source.encode(), quiet=True))
    nodes = {
        item["name"]: tuple(map(float, item["pos"].split(",")))
        for item in found.get("objects", [])
        if "pos" in item
    }
    edges = {item["id"]: item["pos"] for item in found.get("edges", []) if "id" in item}
    return {"bb": [float(v) for v in found["bb"].split(",")], "nodes": nodes, "edges": edges}


def _cached(key: str):
    try:
        return cache.get(key)
    except RedisError:
        logger.warning("Cache unavailable; laying the map out again", exc_info=True)
        return None


def _keep(key: str, value) -> None:
    try:
        cache.set(key, value, CACHE_SECONDS)
    except RedisError:
        logger.warning("Cache unavailable; map layout not stored", exc_info=True)


def _parse_edge(pos: str) -> tuple[list[tuple[float, float]], tuple[float, float]]:
    """dot's ``pos`` of an edge: its spline points, and the tip of its one arrowhead."""
    tip, points = None, []
    for part in pos.split():
        if part.startswith(("s,", "e,")):
            x, y = part[2:].split(",")
            tip = (float(x), float(y))
        else:
            x, y = part.split(",")
            points.append((float(x), float(y)))
    return points, tip


def layout(bands, links, *, details=lambda strategy: []) -> MapDiagram | None:
    """The diagram of ``bands`` (each with its ``visible_strategies``) and ``links``.

    A link to a strategy not on the diagram is skipped. ``details(strategy)`` gives
    the lines of words under a box's title. None when Graphviz's ``dot`` is missing.

    dot routes each arrow clear of every box but may bring two arrows alongside each
    other; the layout is then tried again with other gaps (``SPACINGS``), and the one
    with the fewest such pairs is kept, under the first graph's hash.
    """
    bands, links = list(bands), list(links)
    first = _plan(bands, links, details=details, spacing=SPACINGS[0])
    key = "map-layout:" + hashlib.sha256(first.source.encode()).hexdigest()
    if (stored := _cached(key)) is not None:
        choice, positions = stored
        if choice:
            first = _plan(bands, links, details=details, spacing=SPACINGS[choice])
        return _drawing(first, positions)
    best = None
    for choice, spacing in enumerate(SPACINGS):
        plan = first if choice == 0 else _plan(bands, links, details=details, spacing=spacing)
        try:
            positions = _run_dot(plan.source)
        except graphviz.ExecutableNotFound:
            return None
        except graphviz.CalledProcessError:
            logger.exception("dot could not lay the map out")
            return None
        drawn = _drawing(plan, positions)
        alongside = len(arrows_alongside(drawn.arrows))
        if best is None or alongside < best[0]:
            best = (alongside, choice, positions, drawn)
        if not alongside:
            break
    _alongside, choice, positions, drawn = best
    _keep(key, (choice, positions))
    return drawn


# How near two arrows may come along a stretch, and how long a stretch counts.
ALONGSIDE_DISTANCE = 2.5
ALONGSIDE_LENGTH = 40.0
SAMPLE_SPACING = 1.5


def sample_points(points, spacing: float = SAMPLE_SPACING) -> list[tuple[float, float]]:
    """Points along cubic Bézier curves given end to end (a start, then three a curve),
    at most about ``spacing`` apart."""
    found = []
    for i in range(0, len(points) - 1, 3):
        p0, p1, p2, p3 = points[i : i + 4]
        # The control polygon is at least as long as the curve.
        steps = max(int((math.dist(p0, p1) + math.dist(p1, p2) + math.dist(p2, p3)) / spacing), 4)
        for step in range(steps + 1):
            t = step / steps
            u = 1 - t
            found.append(
                tuple(
                    u**3 * a + 3 * u * u * t * b + 3 * u * t * t * c + t**3 * d
                    for a, b, c, d in zip(p0, p1, p2, p3, strict=True)
                )
            )
    return found


def arrows_alongside(arrows) -> set[tuple[int, int]]:
    """The pairs of arrows (by index) that run within ALONGSIDE_DISTANCE of each other
    for ALONGSIDE_LENGTH or more. Points are bucketed in a grid, so this stays fast."""
    cell = ALONGSIDE_DISTANCE
    grid = defaultdict(list)
    sampled = [sample_points(arrow.points) for arrow in arrows]
    for index, points in enumerate(sampled):
        for point in points:
            grid[(int(point[0] // cell), int(point[1] // cell))].append((index, point))
    found = set()
    for index, points in enumerate(sampled):
        runs, previous = defaultdict(float), None
        for point in points:
            gx, gy = int(point[0] // cell), int(point[1] // cell)
            near = {
                other
                for dx in (-1, 0, 1)
                for dy in (-1, 0, 1)
                for other, q in grid.get((gx + dx, gy + dy), ())
                if other != index and math.dist(point, q) <= ALONGSIDE_DISTANCE
            }
            step = math.dist(point, previous) if previous else 0.0
            for other in list(runs):
                if other not in near:
                    del runs[other]
            for other in near:
                runs[other] += step
                if runs[other] >= ALONGSIDE_LENGTH:
                    found.add((min(index, other), max(index, other)))
            previous = point
    return found


def _drawing(plan: _Plan, positions: dict) -> MapDiagram:
    _left, _bottom, right, top = positions["bb"]
    nodes = positions["nodes"]
    # A small map is drawn as wide as a large one, its bands across the page, so that
    # its text is not scaled up past the page's own.
    width = max(right + 2 * MARGIN, TARGET_WIDTH)

    def flip(x: float, y: float) -> tuple[float, float]:
        # dot's y runs upwards; the diagram's downwards, inside the margin.
        return x + MARGIN, top - y + MARGIN

    rows, by_band = [], {}
    for index, (band, number, chunk) in enumerate(plan.rows):
        height = plan.heights[band.pk]
        cx, cy = flip(*nodes[f"t{index}"])
        boxes = []
        for strategy in chunk:
            sx, sy = flip(*nodes[f"s{strategy.pk}"])
            boxes.append(
                Box(
                    strategy=strategy,
                    x=sx - plan.width / 2,
                    y=sy - height / 2,
                    width=plan.width,
                    height=height,
                    lines=plan.lines[strategy.pk],
                    detail_lines=plan.details[strategy.pk],
                )
            )
        if number == 0:
            row = BandRow(
                band=band,
                x=cx - TITLE_COLUMN / 2 - BAND_PADDING,
                y=cy - height / 2 - BAND_PADDING,
                width=0,
                height=height + 2 * BAND_PADDING,
                title_lines=plan.band_titles[band.pk],
                title_y=cy - height / 2,
            )
            row.width = width - MARGIN + BAND_PADDING - row.x
            rows.append(row)
            by_band[band.pk] = row
        else:
            row = by_band[band.pk]
            row.height = cy + height / 2 + BAND_PADDING - row.y
        row.boxes.extend(boxes)

    arrows = []
    for edge_id, link in plan.edges.items():
        points, tip = _parse_edge(positions["edges"][edge_id])
        if up := positions["edges"].get(f"{edge_id}up"):
            rising, _ = _parse_edge(up)
            rising.reverse()
            points = [*rising, rising[-1], points[0], *points]
        arrows.append(
            Arrow(
                link=link,
                points=[flip(x, y) for x, y in points],
                tip=flip(*tip),
                description=f"{link.cause} leads to {link.effect}",
            )
        )
    # Reading order: by the band and place of the effect, then of the cause.
    order = {box.strategy.pk: i for i, box in enumerate(b for r in rows for b in r.boxes)}
    arrows.sort(key=lambda a: (order[a.effect_id], order[a.cause_id]))

    stripes, themed = [], defaultdict(lambda: defaultdict(list))
    for row in rows:
        for box in row.boxes:
            if theme := getattr(box.strategy, "theme", None):
                themed[theme.pk][round(box.y)].append(box)
    for by_row in themed.values():
        spans = [
            (
                min(b.y for b in boxes) - 6,
                max(b.bottom for b in boxes) + 6,
                min(b.x for b in boxes) - 6,
                max(b.right for b in boxes) + 6,
            )
            for _y, boxes in sorted(by_row.items())
        ]
        theme = next(iter(by_row.values()))[0].strategy.theme
        stripes.append(Stripe(theme=theme, spans=spans))
    height = top + 2 * MARGIN
    return MapDiagram(
        width=math.ceil(width),
        height=math.ceil(height),
        rows=rows,
        arrows=arrows,
        stripes=stripes,
        box_width=plan.width,
    )
