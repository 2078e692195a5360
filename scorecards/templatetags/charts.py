"""``{% measure_chart measure %}``: a measure's SVG chart and the table of its numbers.

Built here rather than in a template: a strategy page draws several charts of
twenty points or more, and the template language spent most of the page's
render time on their coordinates.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from scorecards.charts import TICK_GAP, number

register = template.Library()


def _y(value: float) -> str:
    return f"{value:.1f}"


@register.simple_tag
def measure_chart(measure, show_numbers=False) -> SafeString:
    """The chart and its numbers table, or nothing for a measure without data it can judge.

    The table holds the values the chart draws, for those who cannot see it."""
    chart = measure.chart
    if chart is None:
        return SafeString("")
    pk, name = measure.pk, measure.name
    dots = chart.dots
    described = [f"{len(dots)} value{'s' if len(dots) != 1 else ''}"]
    described.append(f" from {chart.first_period} to {chart.last_period}")
    described.append(f", latest {number(dots[-1].point.value)}")
    for level in (chart.target, chart.baseline):
        if level:
            described.append(f"; {level.label.lower()}")
    described.append(". The numbers are in the table that follows.")
    left, right, bottom = chart.plot_left, chart.plot_right, chart.plot_bottom
    parts = [
        format_html(
            '<svg class="measure-chart" viewBox="0 0 {} {}" width="{}" role="img" '
            'aria-labelledby="chart-title-{} chart-desc-{}">'
            '<title id="chart-title-{}">{}</title><desc id="chart-desc-{}">{}</desc>'
            '<line class="chart-axis" x1="{}" y1="{}" x2="{}" y2="{}"></line>'
            '<line class="chart-axis" x1="{}" y1="8" x2="{}" y2="{}"></line>',
            chart.width,
            chart.height,
            chart.width,
            pk,
            pk,
            pk,
            name,
            pk,
            "".join(described),
            left,
            bottom,
            right,
            bottom,
            left,
            left,
            bottom,
        ),
        format_html_join(
            "",
            '<text class="chart-tick" x="{}" y="{}" text-anchor="end" '
            'dominant-baseline="middle">{}</text>',
            ((left - TICK_GAP, _y(tick.y), tick.label) for tick in chart.y_ticks),
        ),
        format_html(
            '<text class="chart-tick" x="{}" y="{}">{}</text>'
            '<text class="chart-tick" x="{}" y="{}" text-anchor="end">{}</text>',
            left,
            chart.height - 10,
            chart.first_period,
            right,
            chart.height - 10,
            chart.last_period,
        ),
    ]
    # The baseline is labelled at the right and the target at the left: far from the
    # values, which start near the baseline and, as they improve, end near the target.
    for level, kind, label_x, anchor in (
        (chart.baseline, "baseline", right, "end"),
        (chart.target, "target", left + 4, "start"),
    ):
        if level:
            parts.append(
                format_html(
                    '<line class="chart-{}" x1="{}" y1="{}" x2="{}" y2="{}"></line>'
                    '<text class="chart-level-label chart-{}-label" x="{}" y="{}" dy="-4" '
                    'text-anchor="{}">{}</text>',
                    kind,
                    left,
                    _y(level.y),
                    right,
                    _y(level.y),
                    kind,
                    label_x,
                    _y(level.y),
                    anchor,
                    level.label,
                )
            )
    parts.append(format_html('<polyline class="chart-line" points="{}"></polyline>', chart.line))
    parts.append(
        format_html_join(
            "",
            '<circle class="chart-point" cx="{}" cy="{}" r="3.5"><title>{}: {}</title></circle>',
            ((_y(dot.x), _y(dot.y), dot.point.period, number(dot.point.value)) for dot in dots),
        )
    )
    parts.append(SafeString("</svg>"))
    parts.append(
        format_html(
            '<div class="{}"><table class="table table-sm measure-numbers">'
            "<caption>{}: values by period</caption>"
            '<thead><tr><th scope="col">Period</th><th scope="col">Value</th></tr></thead>'
            "<tbody>{}</tbody></table></div>",
            "table-responsive" if show_numbers else "visually-hidden",
            name,
            format_html_join(
                "",
                '<tr><th scope="row">{}</th><td>{}</td></tr>',
                ((dot.point.period, number(dot.point.value)) for dot in dots),
            ),
        )
    )
    return SafeString("".join(parts))
