"""``{% measure_chart measure %}``: a measure's SVG chart and the table of its numbers.

Built here rather than in a template: a strategy page draws several charts of
twenty points or more, and the template language spent most of the page's
render time on their coordinates.

The chart carries its own colours, widths and fonts as SVG attributes, so that it reads
the same wherever it is put (a page, an embed on another site, a briefing book) without
the site's stylesheet; the classes are there for a stylesheet that wants to change them.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from scorecards.charts import FONT_SIZE, TICK_GAP, label_width

register = template.Library()

FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"
# Text colours are 4.5:1 or more on white (docs/accessibility.md).
TEXT = "#3a4350"
AXIS = "#6c757d"
GRID = "#e9ecef"
VALUES = "#0a4fb3"
TARGET = "#198754"
TARGET_TEXT = "#0f5132"
# Half a label's height: a label at a line's y, moved down by this, is centred on it
# (``dominant-baseline`` would do it, but not every SVG renderer reads it).
MIDDLE = round(FONT_SIZE * 0.35, 1)
LEGEND_SWATCH = 18
LEGEND_SPACE = 14


def _y(value: float) -> str:
    return f"{value:.1f}"


def _legend(chart) -> list[SafeString]:
    """Swatches naming the lines that carry no label of their own; none for values alone."""
    if not chart.has_legend:
        return []
    items = [("Values", VALUES, "2", "none")]
    if chart.path:
        items.append(("Path to target", TARGET, "1.5", "2 3"))
    if chart.forecast_line:
        items.append(("At this rate", VALUES, "2", "6 4"))
    x, y, parts = 8, chart.legend_y, []
    for words, colour, width, dashes in items:
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}" '
                'stroke-dasharray="{}"></line>'
                '<text x="{}" y="{}" dy="{}" fill="{}">{}</text>',
                x,
                y,
                x + LEGEND_SWATCH,
                y,
                colour,
                width,
                dashes,
                x + LEGEND_SWATCH + 4,
                y,
                MIDDLE,
                TEXT,
                words,
            )
        )
        x += LEGEND_SWATCH + 4 + label_width(words) + LEGEND_SPACE
    return [format_html('<g class="chart-legend">{}</g>', SafeString("".join(parts)))]


@register.simple_tag
def measure_chart(measure, show_numbers=False) -> SafeString:
    """The chart and its numbers table, or nothing for a measure without data it can judge.

    The table holds the values the chart draws, and the forecast, for those who cannot see
    it."""
    chart = measure.chart
    if chart is None:
        return SafeString("")
    pk, name = measure.pk, measure.name
    dots = chart.dots
    left, right = chart.plot_left, chart.plot_right
    top, bottom = chart.plot_top, chart.plot_bottom
    parts = [
        format_html(
            '<svg class="measure-chart" viewBox="0 0 {} {}" width="{}" role="img" '
            'aria-labelledby="chart-title-{} chart-desc-{}" font-family="{}" font-size="{}">'
            '<title id="chart-title-{}">{}</title><desc id="chart-desc-{}">{}</desc>',
            chart.width,
            chart.height,
            chart.width,
            pk,
            pk,
            FONT,
            FONT_SIZE,
            pk,
            name,
            pk,
            chart.description,
        ),
        format_html_join(
            "",
            '<line class="chart-grid" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"></line>',
            ((left, _y(tick.y), right, _y(tick.y), GRID) for tick in chart.y_ticks),
        ),
        format_html(
            '<line class="chart-axis" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"></line>'
            '<line class="chart-axis" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"></line>',
            left,
            bottom,
            right,
            bottom,
            AXIS,
            left,
            top,
            left,
            bottom,
            AXIS,
        ),
        format_html_join(
            "",
            '<text class="chart-tick" x="{}" y="{}" dy="{}" text-anchor="end" fill="{}">{}</text>',
            ((left - TICK_GAP, _y(tick.y), MIDDLE, TEXT, tick.label) for tick in chart.y_ticks),
        ),
        format_html_join(
            "",
            '<text class="chart-period" x="{}" y="{}" text-anchor="{}" fill="{}">{}</text>',
            (
                (_y(label.x), chart.period_labels_y, label.anchor, TEXT, label.label)
                for label in chart.period_labels
            ),
        ),
    ]
    # The baseline is labelled at the right and the target at the left: far from the
    # values, which start near the baseline and, as they improve, end near the target,
    # and from the path between them.
    for level, kind, label_x, anchor, line, text, dashes in (
        (chart.baseline, "baseline", right, "end", AXIS, TEXT, "4 3"),
        (chart.target, "target", left + 4, "start", TARGET, TARGET_TEXT, "none"),
    ):
        if level:
            parts.append(
                format_html(
                    '<line class="chart-{}" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" '
                    'stroke-width="1.5" stroke-dasharray="{}"></line>'
                    '<text class="chart-level-label chart-{}-label" x="{}" y="{}" dy="-4" '
                    'text-anchor="{}" fill="{}" font-weight="600">{}</text>',
                    kind,
                    left,
                    _y(level.y),
                    right,
                    _y(level.y),
                    line,
                    dashes,
                    kind,
                    label_x,
                    _y(level.y),
                    anchor,
                    text,
                    level.label,
                )
            )
    if chart.path:
        path = chart.path
        parts.append(
            format_html(
                '<line class="chart-path" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" '
                'stroke-width="1.5" stroke-dasharray="2 3"></line>',
                _y(path.x1),
                _y(path.y1),
                _y(path.x2),
                _y(path.y2),
                TARGET,
            )
        )
    if len(dots) > 1:
        parts.append(
            format_html(
                '<polyline class="chart-line" points="{}" fill="none" stroke="{}" '
                'stroke-width="2" stroke-linejoin="round"></polyline>',
                chart.line,
                VALUES,
            )
        )
    if chart.forecast_line:
        line = chart.forecast_line
        parts.append(
            format_html(
                '<line class="chart-forecast" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" '
                'stroke-width="2" stroke-dasharray="6 4"></line>'
                '<circle class="chart-forecast-point" cx="{}" cy="{}" r="3.5" fill="#fff" '
                'stroke="{}" stroke-width="1.5"><title>At this rate: {}</title></circle>',
                _y(line.x1),
                _y(line.y1),
                _y(line.x2),
                _y(line.y2),
                VALUES,
                _y(line.x2),
                _y(line.y2),
                VALUES,
                chart.forecast_words,
            )
        )
    parts.append(
        format_html_join(
            "",
            '<circle class="chart-point" cx="{}" cy="{}" r="3.5" fill="{}">'
            "<title>{}: {}</title></circle>",
            (
                (_y(dot.x), _y(dot.y), VALUES, dot.point.period, chart.value(dot.point.value))
                for dot in dots
            ),
        )
    )
    if chart.point_label:
        label = chart.point_label
        parts.append(
            format_html(
                '<text class="chart-point-label" x="{}" y="{}" dy="{}" text-anchor="{}" '
                'fill="{}" font-weight="600">{}</text>',
                _y(label.x),
                _y(dots[0].y),
                MIDDLE,
                label.anchor,
                VALUES,
                label.label,
            )
        )
    parts.extend(_legend(chart))
    parts.append(SafeString("</svg>"))
    forecast_row = (
        format_html(
            '<tfoot><tr><th scope="row">At this rate</th><td>{}</td></tr></tfoot>',
            chart.forecast_words,
        )
        if chart.forecast_words
        else ""
    )
    parts.append(
        format_html(
            '<div class="{}"><table class="table table-sm measure-numbers">'
            "<caption>{}: values by period</caption>"
            '<thead><tr><th scope="col">Period</th><th scope="col">Value</th></tr></thead>'
            "<tbody>{}</tbody>{}</table></div>",
            "table-responsive" if show_numbers else "visually-hidden",
            name,
            format_html_join(
                "",
                '<tr><th scope="row">{}</th><td>{}</td></tr>',
                ((dot.point.period, chart.value(dot.point.value)) for dot in dots),
            ),
            forecast_row,
        )
    )
    return SafeString("".join(parts))
