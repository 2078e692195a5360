from decimal import Decimal

import reversion
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from base.markup import MARKDOWN_HELP
from base.periods import check_date

YEAR_VALIDATORS = [MinValueValidator(1900), MaxValueValidator(2100)]


@reversion.register()
class Resource(models.Model):
    """A toolkit, guide, report or other source; strategy pages list it and footnotes cite it."""

    class Kind(models.TextChoices):
        TOOLKIT = "toolkit", "Toolkit"
        GUIDE = "guide", "Guide"
        REPORT = "report", "Report"
        DATASET = "dataset", "Dataset"
        TESTIMONY = "testimony", "Testimony"
        WEBSITE = "website", "Website"

    title = models.CharField(max_length=300)
    url = models.URLField("URL", max_length=500, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True, validators=YEAR_VALIDATORS)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.WEBSITE)
    description = models.TextField(blank=True, help_text=MARKDOWN_HELP)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def citation(self) -> str:
        """The resource as a reference line: publisher, title, year."""
        parts = [self.publisher, self.title, str(self.year) if self.year else ""]
        return ". ".join(part for part in parts if part)


def evidence_prefetches(path: str = "") -> list:
    """A program's ratings, implementations and their outcomes, for programs at ``path``."""
    return [
        f"{path}ratings",
        f"{path}implementations",
        models.Prefetch(
            f"{path}implementations__outcomes", queryset=Outcome.objects.select_related("source")
        ),
    ]


class ProgramQuerySet(models.QuerySet):
    def with_evidence(self):
        return self.prefetch_related(*evidence_prefetches())


@reversion.register(follow=("implementations", "ratings"))
class Program(models.Model):
    """A named intervention with evidence behind it, such as Drug Market Intervention."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True, help_text=MARKDOWN_HELP)
    first_implemented_place = models.CharField(max_length=200, blank=True)
    first_implemented_year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=YEAR_VALIDATORS
    )
    website = models.URLField(max_length=500, blank=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programs:detail", args=[self.slug])

    @property
    def origin(self) -> str:
        """Where and when the program started, e.g. "High Point, NC, 2004"."""
        parts = [self.first_implemented_place, str(self.first_implemented_year or "")]
        return ", ".join(part for part in parts if part)


@reversion.register()
class EvidenceRating(models.Model):
    """One source's verdict on a program; sources may disagree, so each is kept."""

    class Rating(models.TextChoices):
        EFFECTIVE = "effective", "Effective"
        PROMISING = "promising", "Promising"
        MIXED = "mixed", "Mixed evidence"
        INSUFFICIENT = "insufficient", "Insufficient evidence"
        INEFFECTIVE = "ineffective", "No effects"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="ratings")
    source = models.CharField(
        max_length=200, help_text="e.g. CrimeSolutions, What Works for Health."
    )
    rating = models.CharField(max_length=20, choices=Rating.choices)
    outcome_rated = models.CharField(max_length=300, blank=True)
    rated_on = models.DateField(null=True, blank=True, validators=[check_date])
    url = models.URLField("URL", max_length=500, blank=True)

    class Meta:
        ordering = ["program_id", "source", "-rated_on"]

    def __str__(self):
        return f"{self.program}: {self.get_rating_display()} ({self.source})"

    def get_absolute_url(self):
        return f"{self.program.get_absolute_url()}#ratings"


@reversion.register(follow=("outcomes",))
class Implementation(models.Model):
    """A place that put a program into practice."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="implementations")
    place = models.CharField(max_length=200)
    start_year = models.PositiveSmallIntegerField(null=True, blank=True, validators=YEAR_VALIDATORS)
    notes = models.TextField(blank=True, help_text=MARKDOWN_HELP)

    class Meta:
        ordering = ["program_id", "start_year", "place"]

    def __str__(self):
        year = f", {self.start_year}" if self.start_year else ""
        return f"{self.program} in {self.place}{year}"

    def get_absolute_url(self):
        return f"{self.program.get_absolute_url()}#implementation-{self.pk}"


@reversion.register()
class Outcome(models.Model):
    """A change seen where a program was implemented, e.g. burglaries -53 % since 2013."""

    implementation = models.ForeignKey(
        Implementation, on_delete=models.CASCADE, related_name="outcomes"
    )
    indicator = models.CharField(max_length=200)
    change_percent = models.DecimalField(
        "change (%)", max_digits=6, decimal_places=1, help_text="Negative for a fall, e.g. -53."
    )
    period = models.CharField(max_length=100, blank=True, help_text='e.g. "since 2013".')
    source = models.ForeignKey(
        Resource,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cited_by_outcomes",
    )

    class Meta:
        ordering = ["implementation_id", "change_percent"]

    def __str__(self):
        period = f" ({self.period})" if self.period else ""
        return f"{self.indicator} {self.change_display}{period}"

    def get_absolute_url(self):
        return self.implementation.get_absolute_url()

    @property
    def change_display(self) -> str:
        change = Decimal(self.change_percent).normalize()
        return f"{'+' if change > 0 else ''}{change:f} %"
