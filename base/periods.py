"""Reporting periods: a year (2024), a quarter (2024-Q1), a month (2024-03) or a day (2024-03-15).

A period is stored as its normalised label; its first day orders periods of
mixed lengths on one time line. Periods, and the dates people type, fall within
a window of years: from ``FIRST_YEAR`` to ``YEARS_AHEAD`` years after this one.
"""

import calendar
import datetime
import functools
import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

PERIOD_HELP = "YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD."
# Older figures than this are history, not a coalition's data; later ones are typos.
FIRST_YEAR = 1900
YEARS_AHEAD = 100
OUTSIDE_WINDOW = "outside_window"
_PATTERNS = {
    "year": re.compile(r"^(\d{4})$"),
    "quarter": re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE),
    "month": re.compile(r"^(\d{4})-(\d{1,2})$"),
    "day": re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
}


def last_year() -> int:
    """The latest year a period or a typed date may have."""
    return timezone.localdate().year + YEARS_AHEAD


def year_window() -> str:
    """The window of years in words, e.g. "1900–2126"."""
    return f"{FIRST_YEAR}–{last_year()}"


def in_window(year: int) -> bool:
    return FIRST_YEAR <= year <= last_year()


def check_date(day: datetime.date) -> None:
    """Validator for a date a person types: its year is within the window."""
    if not in_window(day.year):
        raise ValidationError(
            "%(day)s is outside %(window)s: a date’s year must be within it.",
            code=OUTSIDE_WINDOW,
            params={"day": day.isoformat(), "window": year_window()},
        )


@dataclass(frozen=True)
class Period:
    label: str
    start: datetime.date

    @functools.cached_property
    def end(self) -> datetime.date:
        """The first day after the period (the calendar's last day for a period that ends it)."""
        if len(self.label) == 4:
            return add_months(self.start, 12)
        if "Q" in self.label:
            return add_months(self.start, 3)
        if len(self.label) == 7:
            return add_months(self.start, 1)
        return datetime.date.max if self.start == datetime.date.max else self.start + _ONE_DAY


_ONE_DAY = datetime.timedelta(days=1)


def not_begun_message(period: Period) -> str:
    """Why no value is taken yet for ``period``, a period that begins after today."""
    return (
        f"{period.label} has not begun yet (it begins on {period.start.isoformat()}): "
        "values are entered for periods under way or over"
    )


def parse_period(text: str) -> Period:
    """Parse a period label; raise ValidationError with a readable message if it is not one,
    or if its year is outside the window."""
    value = (text or "").strip()
    kind, match = next(
        ((kind, match) for kind, pattern in _PATTERNS.items() if (match := pattern.match(value))),
        (None, None),
    )
    if match is None:
        raise _not_a_period(value)
    if not in_window(int(match[1])):
        raise ValidationError(
            "“%(value)s” is outside %(window)s: a period’s year must be within it.",
            code=OUTSIDE_WINDOW,
            params={"value": value, "window": year_window()},
        )
    year, *parts = (int(part) for part in match.groups())
    try:
        if kind == "year":
            return Period(f"{year:04d}", datetime.date(year, 1, 1))
        if kind == "quarter":
            return Period(f"{year:04d}-Q{parts[0]}", datetime.date(year, 3 * parts[0] - 2, 1))
        if kind == "month":
            return Period(f"{year:04d}-{parts[0]:02d}", datetime.date(year, parts[0], 1))
        day = datetime.date(year, *parts)
        return Period(day.isoformat(), day)
    except ValueError:
        raise _not_a_period(value) from None


def _not_a_period(value: str) -> ValidationError:
    return ValidationError(
        "“%(value)s” is not a period; use " + PERIOD_HELP,
        code="invalid_period",
        params={"value": value},
    )


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, clamped to the end of a shorter month, and to the
    calendar's first and last day (``date.min``, ``date.max``) rather than past them."""
    month_index = day.year * 12 + day.month - 1 + months
    if month_index < datetime.MINYEAR * 12:
        return datetime.date.min
    if month_index >= (datetime.MAXYEAR + 1) * 12:
        return datetime.date.max
    year, month = divmod(month_index, 12)
    month += 1
    if day.day <= 28:  # every month has the day: most calls, and a map makes thousands
        return datetime.date(year, month, day.day)
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Frequency(models.TextChoices):
    """How often a figure is reported: the length of its periods."""

    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    YEARLY = "yearly", "Yearly"


_MONTHS_IN = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}


def period_of(day: datetime.date, frequency: str) -> Period:
    """The period of ``frequency`` that ``day`` falls in."""
    if frequency == Frequency.YEARLY:
        return Period(f"{day.year:04d}", datetime.date(day.year, 1, 1))
    if frequency == Frequency.QUARTERLY:
        quarter = (day.month - 1) // 3 + 1
        return Period(f"{day.year:04d}-Q{quarter}", datetime.date(day.year, 3 * quarter - 2, 1))
    return Period(f"{day.year:04d}-{day.month:02d}", datetime.date(day.year, day.month, 1))


def frequency_of(period: Period) -> str | None:
    """The frequency whose periods are as long as ``period``; None for a day, which no
    figure is reported by."""
    if len(period.label) == 4:
        return Frequency.YEARLY
    if "Q" in period.label:
        return Frequency.QUARTERLY
    if len(period.label) == 7:
        return Frequency.MONTHLY
    return None


_LENGTH_NAMES = {
    Frequency.YEARLY: "a year",
    Frequency.QUARTERLY: "a quarter",
    Frequency.MONTHLY: "a month",
    None: "a day",
}


def wrong_length_message(period: Period, frequency: str, measure: str) -> str | None:
    """Why ``period`` takes no value of ``measure`` (its name), reported at ``frequency``:
    the period is of another length. None when it fits."""
    length = frequency_of(period)
    if length == frequency:
        return None
    return (
        f"“{period.label}” is {_LENGTH_NAMES[length]}, but “{measure}” is reported "
        f"{Frequency(frequency).label.lower()}: write {_LENGTH_NAMES[frequency]}, such as "
        f"{period_of(period.start, frequency).label}, or change its reporting frequency "
        "in the admin"
    )


def shift_period(period: Period, frequency: str, steps: int) -> Period:
    """The period ``steps`` periods of ``frequency`` after ``period`` (before, when negative)."""
    return period_of(add_months(period.start, steps * _MONTHS_IN[frequency]), frequency)


def ended_periods(frequency: str, *, before: datetime.date, count: int) -> list[Period]:
    """The ``count`` newest periods of ``frequency`` that ended by ``before``, oldest first."""
    current = period_of(before, frequency)
    return [shift_period(current, frequency, -step) for step in range(count, 0, -1)]


class PeriodFormField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return parse_period(value).label if value else value


class PeriodField(models.CharField):
    """A CharField that accepts only period labels and stores them normalised."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("help_text", PERIOD_HELP)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return parse_period(value).label if value else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PeriodFormField, **kwargs})
