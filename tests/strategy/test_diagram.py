"""The map diagram's arrows never run through a box they do not join."""

import re
from types import SimpleNamespace

from strategy.diagram import layout


def strategy(pk, title):
    return SimpleNamespace(pk=pk, title=title)


def band(*strategies):
    return SimpleNamespace(visible_strategies=list(strategies))


def link(cause, effect):
    return SimpleNamespace(cause_id=cause.pk, effect_id=effect.pk, cause=cause, effect=effect)


def points(path: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", path)]


def crosses(box, path: str) -> bool:
    """Whether a straight segment of ``path`` passes through ``box``'s inside."""
    corners = points(path)
    for (x1, y1), (x2, y2) in zip(corners, corners[1:], strict=False):
        for step in range(101):
            x, y = x1 + (x2 - x1) * step / 100, y1 + (y2 - y1) * step / 100
            if box.x < x < box.x + box.width and box.y < y < box.y + box.height:
                return True
    return False


def test_an_arrow_that_skips_a_band_goes_around_the_box_in_between():
    top, middle, bottom = (
        strategy(1, "Coalitions"),
        strategy(2, "Reduce access"),
        strategy(3, "Deaths"),
    )
    diagram = layout([band(top), band(middle), band(bottom)], [link(top, bottom)])

    (arrow,) = diagram.arrows
    middle_box = next(box for box in diagram.boxes if box.strategy is middle)
    assert " L" in arrow.path, "routed with straight lines around the box"
    assert not crosses(middle_box, arrow.path)


def test_an_arrow_between_neighbouring_bands_stays_a_single_curve():
    upper, lower = strategy(1, "Increase access"), strategy(2, "Reduce deaths")
    diagram = layout([band(upper), band(lower)], [link(upper, lower)])

    (arrow,) = diagram.arrows
    assert " C" in arrow.path and " L" not in arrow.path


def test_upward_arrows_past_other_columns_avoid_every_box():
    first = [strategy(pk, f"Outcome {pk}") for pk in range(1, 4)]
    second = [strategy(pk, f"Process {pk}") for pk in range(4, 7)]
    third = [strategy(pk, f"Resource {pk}") for pk in range(7, 10)]
    links = [link(third[0], first[2]), link(third[2], first[0]), link(third[1], first[1])]
    diagram = layout([band(*first), band(*second), band(*third)], links)

    for arrow, joined in zip(diagram.arrows, links, strict=True):
        for box in diagram.boxes:
            if box.strategy not in (joined.cause, joined.effect):
                assert not crosses(box, arrow.path), (arrow.description, box.strategy.title)
