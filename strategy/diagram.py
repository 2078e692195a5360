"""Lay out a strategy map as an SVG diagram: bands as rows, strategies as boxes, links as arrows.

The layout is computed here, from the data, so the template only draws what
it is given: no hand-placed coordinates, no image maps, no JavaScript.
"""

import textwrap
from collections import Counter
from dataclasses import dataclass, field

BOX_WIDTH = 232
COLUMN_GAP = 24
ROW_GAP = 18
MAX_COLUMNS = 5
PADDING = 16
BAND_LABEL_HEIGHT = 30
BAND_GAP = 14
LINE_HEIGHT = 17
TITLE_WRAP = 24  # characters per line of a box title at 14px
BOX_TEXT_TOP = 24
BOX_FOOTER = 52  # the status, measures and zoom lines below the title
ARROW_CLEARANCE = 8  # how near an arrow may pass a box it does not touch
# Where arrows sharing a gap between columns run, from its middle: as many as fit.
LANE_OFFSETS = (0, 5, -5, 10, -10)


@dataclass
class Box:
    strategy: object
    x: int
    y: int
    height: int
    lines: list[str]

    @property
    def width(self) -> int:
        return BOX_WIDTH

    @property
    def centre_x(self) -> int:
        return self.x + BOX_WIDTH // 2

    @property
    def status_y(self) -> int:
        return self.y + BOX_TEXT_TOP + LINE_HEIGHT * len(self.lines) + 4

    @property
    def rollup_y(self) -> int:
        return self.status_y + LINE_HEIGHT

    @property
    def zoom_y(self) -> int:
        return self.rollup_y + LINE_HEIGHT + 2

    def title_line_ys(self) -> list[tuple[str, int]]:
        return [
            (line, self.y + BOX_TEXT_TOP + LINE_HEIGHT * i) for i, line in enumerate(self.lines)
        ]


@dataclass
class BandRow:
    band: object
    y: int
    height: int
    boxes: list[Box] = field(default_factory=list)

    @property
    def label_y(self) -> int:
        return self.y + 21


@dataclass
class Arrow:
    path: str
    description: str


@dataclass
class MapDiagram:
    width: int
    height: int
    rows: list[BandRow]
    arrows: list[Arrow]

    @property
    def boxes(self) -> list[Box]:
        return [box for row in self.rows for box in row.boxes]


def _wrap(title: str) -> list[str]:
    return textwrap.wrap(title, TITLE_WRAP, break_long_words=True) or [""]


def layout(bands, links) -> MapDiagram:
    """Place each band's ``visible_strategies`` in rows of up to five boxes, then route links.

    ``links`` are StrategyLinks; a link to a strategy not on the diagram is skipped.
    """
    columns = max((len(band.visible_strategies) for band in bands), default=1)
    columns = min(max(columns, 1), MAX_COLUMNS)
    width = PADDING * 2 + columns * BOX_WIDTH + (columns - 1) * COLUMN_GAP
    rows, y = [], PADDING
    for band in bands:
        row = BandRow(band=band, y=y, height=0)
        box_y = y + BAND_LABEL_HEIGHT
        strategies = band.visible_strategies
        for start in range(0, max(len(strategies), 1), columns):
            chunk = strategies[start : start + columns]
            wrapped = [_wrap(strategy.title) for strategy in chunk]
            height = BOX_TEXT_TOP + LINE_HEIGHT * max(map(len, wrapped), default=1) + BOX_FOOTER
            for column, (strategy, lines) in enumerate(zip(chunk, wrapped, strict=True)):
                x = PADDING + column * (BOX_WIDTH + COLUMN_GAP)
                row.boxes.append(Box(strategy=strategy, x=x, y=box_y, height=height, lines=lines))
            box_y += (height if chunk else LINE_HEIGHT) + ROW_GAP
        row.height = box_y - y
        rows.append(row)
        y += row.height + BAND_GAP
    boxes = {box.strategy.pk: box for row in rows for box in row.boxes}
    lanes = Counter()
    arrows = [
        _route(boxes[link.cause_id], boxes[link.effect_id], link, boxes.values(), lanes)
        for link in links
        if link.cause_id in boxes and link.effect_id in boxes
    ]
    return MapDiagram(width=width, height=y - BAND_GAP + PADDING, rows=rows, arrows=arrows)


def _route(cause: Box, effect: Box, link, boxes, lanes: Counter) -> Arrow:
    """A curve from the cause's edge to the effect's nearest edge, or, when a box stands
    in between, lines around it through the gap between columns."""
    description = f"{link.cause} leads to {link.effect}"
    if effect.y + effect.height < cause.y:  # effect above
        start, end = (cause.centre_x, cause.y), (effect.centre_x, effect.y + effect.height + 6)
    elif effect.y > cause.y + cause.height:  # effect below
        start, end = (cause.centre_x, cause.y + cause.height), (effect.centre_x, effect.y - 6)
    else:  # same row: side to side
        mid_y = cause.y + cause.height // 2
        if effect.x > cause.x:
            start, end = (cause.x + BOX_WIDTH, mid_y), (effect.x - 6, mid_y)
        else:
            start, end = (cause.x, mid_y), (effect.x + BOX_WIDTH + 6, mid_y)
        middle_x = (start[0] + end[0]) // 2
        path = (
            f"M{start[0]},{start[1]} C{middle_x},{start[1]} {middle_x},{end[1]} {end[0]},{end[1]}"
        )
        return Arrow(path=path, description=description)
    if any(_stands_between(box, start, end) for box in boxes if box not in (cause, effect)):
        return Arrow(path=_around(cause, effect, start, lanes), description=description)
    middle_y = (start[1] + end[1]) // 2
    path = f"M{start[0]},{start[1]} C{start[0]},{middle_y} {end[0]},{middle_y} {end[0]},{end[1]}"
    return Arrow(path=path, description=description)


def _stands_between(box: Box, start: tuple[int, int], end: tuple[int, int]) -> bool:
    top, bottom = sorted((start[1], end[1]))
    left, right = sorted((start[0], end[0]))
    return (
        box.y < bottom
        and box.y + box.height > top
        and box.x < right + ARROW_CLEARANCE
        and box.x + BOX_WIDTH > left - ARROW_CLEARANCE
    )


def _around(cause: Box, effect: Box, start: tuple[int, int], lanes: Counter) -> str:
    """Along the gap between columns next to the effect and into the effect's side: out
    of the cause's side when the gap runs beside it, else out of its top or bottom
    across the free strip beside its row. No box stands in a gap or a strip; arrows
    sharing a gap run in lanes side by side (``lanes`` counts them)."""
    # The gap left of the effect, or right of it in the first column.
    if effect.x > PADDING:
        gap_x, edge_x = effect.x - COLUMN_GAP // 2, effect.x - 6
    else:
        gap_x, edge_x = effect.x + BOX_WIDTH + COLUMN_GAP // 2, effect.x + BOX_WIDTH + 6
    lane = lanes[gap_x]
    lanes[gap_x] += 1
    gap_x += LANE_OFFSETS[lane % len(LANE_OFFSETS)]
    mid_y = effect.y + effect.height // 2
    cause_mid_y = cause.y + cause.height // 2
    if cause.x + BOX_WIDTH < gap_x < cause.x + BOX_WIDTH + COLUMN_GAP:
        leaving = [(cause.x + BOX_WIDTH, cause_mid_y), (gap_x, cause_mid_y)]
    elif cause.x - COLUMN_GAP < gap_x < cause.x:
        leaving = [(cause.x, cause_mid_y), (gap_x, cause_mid_y)]
    else:
        strip_y = start[1] + (ROW_GAP // 2 if effect.y > cause.y else -ROW_GAP // 2)
        leaving = [start, (start[0], strip_y), (gap_x, strip_y)]
    points = [*leaving, (gap_x, mid_y), (edge_x, mid_y)]
    return "M" + " L".join(f"{x},{y}" for x, y in points)
