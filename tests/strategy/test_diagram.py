"""The map diagram's geometry, as Graphviz lays it out: every arrow keeps clear of every box
it does not join and of every band title, no two arrows run along each other, and
everything lies inside the drawing."""

import itertools
import random
import shutil
from types import SimpleNamespace

import pytest

from strategy import diagram as diagram_module
from strategy.diagram import arrows_alongside, layout, sample_points

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is missing")


class Named(SimpleNamespace):
    def __str__(self):
        return self.title


def strategy(pk, title, theme=None):
    return Named(pk=pk, title=title, theme=theme, theme_id=theme and theme.pk)


def band(pk, title, *strategies):
    return SimpleNamespace(pk=pk, title=title, visible_strategies=list(strategies))


def link(cause, effect):
    return SimpleNamespace(cause_id=cause.pk, effect_id=effect.pk, cause=cause, effect=effect)


def samples(arrow) -> list[tuple[float, float]]:
    """Points along the arrow's curves, about a pixel apart, its head's tip last."""
    return [*sample_points(arrow.points, spacing=1.0), arrow.tip]


def inside(point, x, y, width, height, margin=0.5) -> bool:
    px, py = point
    return x + margin < px < x + width - margin and y + margin < py < y + height - margin


def problems(drawn, *, alongside=True) -> list[str]:
    """Every way the drawing breaks its rules, in words."""
    found = []
    boxes = {box.strategy.pk: box for box in drawn.boxes}
    for box in drawn.boxes:
        if box.x < 0 or box.y < 0 or box.right > drawn.width or box.bottom > drawn.height:
            found.append(f"{box.strategy.title} lies outside the drawing")
    for row in drawn.rows:
        if row.x < 0 or row.y < 0 or row.x + row.width > drawn.width:
            found.append(f"band {row.band.title} lies outside the drawing")
    paths = {}
    for arrow in drawn.arrows:
        name = arrow.description
        points = samples(arrow)
        paths[name] = points
        for point in points:
            if not (0 <= point[0] <= drawn.width and 0 <= point[1] <= drawn.height):
                found.append(f"{name} leaves the drawing at {point}")
                break
        for pk, box in boxes.items():
            if pk in (arrow.cause_id, arrow.effect_id):
                continue
            if any(inside(p, box.x, box.y, box.width, box.height) for p in points):
                found.append(f"{name} crosses the box {box.strategy.title}")
        for area in drawn.title_areas:
            if any(inside(p, *area) for p in points):
                found.append(f"{name} crosses a band title")
        # Its own two boxes: it touches their edges, never runs through them.
        for pk in (arrow.cause_id, arrow.effect_id):
            box = boxes[pk]
            if any(inside(p, box.x, box.y, box.width, box.height, margin=2) for p in points):
                found.append(f"{name} runs through its own box {box.strategy.title}")
    for first, second in arrows_alongside(drawn.arrows) if alongside else ():
        names = drawn.arrows[first].description, drawn.arrows[second].description
        found.append("{} and {} run along each other".format(*names))
    return found


def generated_map(seed, *, bands=4, per_band=(1, 7), links=9):
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    themes = [SimpleNamespace(pk=t, name=f"Theme {t}", colour="#1f77b4") for t in (1, 2)]
    pk = itertools.count(1)
    made = []
    for b in range(bands):
        members = [
            strategy(
                next(pk),
                rng.choice(["Reduce", "Increase", "Strengthen"])
                + " "
                + " ".join(
                    rng.choice(["access", "opioid", "community", "treatment"])
                    for _ in range(rng.randint(1, 6))
                ),
                theme=rng.choice([None, None, *themes]),
            )
            for _ in range(rng.randint(*per_band))
        ]
        made.append(band(b + 1, f"Band {b} " + "perspective " * rng.randint(0, 3), *members))
    every = [s for b in made for s in b.visible_strategies]
    pairs = set()
    while len(pairs) < min(links, len(every) * (len(every) - 1) // 2):
        cause, effect = rng.sample(every, 2)
        if (effect.pk, cause.pk) not in pairs:
            pairs.add((cause.pk, effect.pk))
    by_pk = {s.pk: s for s in every}
    return made, [link(by_pk[c], by_pk[e]) for c, e in sorted(pairs)]


DEMO_TOP_MAP = (
    [
        (
            "Community Results",
            ["Reduce Opioid Overdose Deaths", "Reduce Opioid Misuse and Addiction"],
        ),
        (
            "Reduce Supply and Access",
            ["Reduce Access to Opioids", "Reduce Prescription of Opioids"],
        ),
        (
            "Treatment, Rescue and Recovery",
            [
                "Increase Access to Overdose Reversal Medications",
                "Expand Access to Medication-Assisted Treatment",
            ],
        ),
        ("Coalition Capacity", ["Strengthen Community Coalitions"]),
    ],
    [(3, 2), (4, 2), (5, 1), (6, 1), (7, 3)],
)


def demo_map():
    pk = itertools.count(1)
    bands = [
        band(i + 1, title, *(strategy(next(pk), name) for name in names))
        for i, (title, names) in enumerate(DEMO_TOP_MAP[0])
    ]
    by_pk = {s.pk: s for b in bands for s in b.visible_strategies}
    return bands, [link(by_pk[c], by_pk[e]) for c, e in DEMO_TOP_MAP[1]]


def test_the_demo_top_map_keeps_every_arrow_clear_of_boxes_titles_and_other_arrows():
    bands, links = demo_map()

    drawn = layout(bands, links)

    assert len(drawn.arrows) == 5
    assert problems(drawn) == []


@pytest.mark.parametrize("seed", range(12))
def test_generated_maps_keep_every_arrow_clear_of_boxes_and_titles(seed):
    bands, links = generated_map(seed)

    drawn = layout(bands, links)

    assert len(drawn.arrows) == len(links)
    assert problems(drawn, alongside=False) == []


def test_generated_maps_seldom_bring_two_arrows_alongside():
    """dot may route two long arrows level through one gap for a short stretch; the layout
    is then tried with other gaps. Over a dozen dense random maps that leaves at most a
    pair on two of them (real maps, sparser, show none: the demo test above)."""
    pairs = [len(arrows_alongside(layout(*generated_map(seed)).arrows)) for seed in range(12)]

    assert max(pairs) <= 1 and sum(pairs) <= 2, pairs


def test_a_zoom_map_of_49_pages_in_wrapped_bands_keeps_every_arrow_clear():
    """The benchmark's zoom map: 49 pages dealt over five bands, each page leading to the next."""
    bands = [band(b, f"Perspective {b}") for b in range(5)]
    pages = [strategy(pk, f"Strategy number {pk} of the zoom map") for pk in range(1, 50)]
    for i, page in enumerate(pages):
        bands[i % 5].visible_strategies.append(page)

    drawn = layout(bands, [link(a, b) for a, b in itertools.pairwise(pages)])

    assert max(len(row.boxes) for row in drawn.rows) > diagram_module.MAX_COLUMNS
    assert problems(drawn) == []


def test_arrows_within_a_band_and_skipping_bands_keep_clear():
    a, b, c = strategy(1, "Alpha"), strategy(2, "Bravo"), strategy(3, "Charlie")
    d, e = strategy(4, "Delta"), strategy(5, "Echo")
    f = strategy(6, "Foxtrot")
    bands = [band(1, "Top", a, b, c), band(2, "Middle", d, e), band(3, "Bottom", f)]
    links = [link(a, c), link(b, a), link(f, a), link(f, c), link(d, e), link(f, b)]

    drawn = layout(bands, links)

    assert problems(drawn) == []


def test_the_checks_catch_an_arrow_through_a_box():
    bands, links = demo_map()
    drawn = layout(bands, links)
    arrow, box = drawn.arrows[0], drawn.boxes[-1]
    middle = (box.centre_x, box.y + box.height / 2)
    arrow.points = [middle, middle, middle, middle]

    assert any("crosses the box" in problem for problem in problems(drawn))


def test_the_checks_catch_two_arrows_running_along_each_other():
    bands, links = demo_map()
    drawn = layout(bands, links)
    first, second = drawn.arrows[:2]
    second.points = [(x + 1.5, y) for x, y in first.points]

    assert any("run along each other" in problem for problem in problems(drawn))


def test_boxes_keep_the_authored_order_within_a_band_and_share_its_height():
    bands, links = generated_map(3, bands=3, per_band=(3, 5), links=6)

    drawn = layout(bands, links)

    for row, made in zip(drawn.rows, bands, strict=True):
        assert [box.strategy for box in row.boxes] == made.visible_strategies
        first_line = row.boxes[: diagram_module.MAX_COLUMNS]
        assert [box.x for box in first_line] == sorted(box.x for box in first_line)
        assert len({box.height for box in row.boxes}) == 1


def test_each_arrow_has_its_own_head_at_its_effect():
    bands, links = demo_map()

    drawn = layout(bands, links)

    boxes = {box.strategy.pk: box for box in drawn.boxes}
    tips = [arrow.tip for arrow in drawn.arrows]
    assert len(set(tips)) == len(tips)
    for arrow in drawn.arrows:
        effect = boxes[arrow.effect_id]
        x, y = arrow.tip
        assert effect.x - 1 <= x <= effect.right + 1 and effect.y - 1 <= y <= effect.bottom + 1


def test_the_layout_is_kept_and_dot_runs_once_per_drawing(monkeypatch):
    bands, links = generated_map(5)
    runs = []
    real = diagram_module._run_dot
    monkeypatch.setattr(diagram_module, "_run_dot", lambda source: runs.append(1) or real(source))

    first = layout(bands, links)
    laid_out = len(runs)
    second = layout(bands, links)
    assert len(runs) == laid_out, "the same map is drawn from the cache"
    bands[0].visible_strategies[0].title += " and more words"
    layout(bands, links)

    assert first.arrows[0].path == second.arrows[0].path
    assert len(runs) > laid_out


def test_without_dot_there_is_no_diagram(monkeypatch):
    import graphviz

    def missing(*args, **kwargs):
        raise graphviz.ExecutableNotFound(["dot"])

    monkeypatch.setattr(graphviz, "pipe", missing)
    bands, links = generated_map(11)

    assert layout(bands, links) is None
