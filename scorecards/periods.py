"""Reporting periods: a year (2024), a quarter (2024-Q1), a month (2024-03) or a day (2024-03-15).

A period is stored as its normalised label; its first day orders periods of
mixed lengths on one time line.
"""

import datetime
import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

PERIOD_HELP = "YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD."
_PATTERNS = {
    "year": re.compile(r"^(\d{4})$"),
    "quarter": re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE),
    "month": re.compile(r"^(\d{4})-(\d{1,2})$"),
    "day": re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
}


@dataclass(frozen=True)
class Period:
    label: str
    start: datetime.date

    @property
    def end(self) -> datetime.date:
        """The first day after the period."""
        if len(self.label) == 4:
            return datetime.date(self.start.year + 1, 1, 1)
        if "Q" in self.label:
            return add_months(self.start, 3)
        if len(self.label) == 7:
            return add_months(self.start, 1)
        return self.start + datetime.timedelta(days=1)


def parse_period(text: str) -> Period:
    """Parse a period label; raise ValidationError with a readable message if it is not one."""
    value = (text or "").strip()
    try:
        if match := _PATTERNS["year"].match(value):
            year = int(match[1])
            return Period(f"{year:04d}", datetime.date(year, 1, 1))
        if match := _PATTERNS["quarter"].match(value):
            year, quarter = int(match[1]), int(match[2])
            return Period(f"{year:04d}-Q{quarter}", datetime.date(year, 3 * quarter - 2, 1))
        if match := _PATTERNS["month"].match(value):
            year, month = int(match[1]), int(match[2])
            start = datetime.date(year, month, 1)
            return Period(f"{year:04d}-{month:02d}", start)
        if match := _PATTERNS["day"].match(value):
            day = datetime.date(int(match[1]), int(match[2]), int(match[3]))
            return Period(day.isoformat(), day)
    except ValueError:
        pass
    raise ValidationError(
        "“%(value)s” is not a period; use " + PERIOD_HELP,
        code="invalid_period",
        params={"value": value},
    )


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, clamped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("every month has a 28th")


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
