"""Briefing books as built: one PDF per page or map, audience, content version and day."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

# A book still queued or building after this long is taken for lost (its worker stopped):
# its reader is told so and may ask for it again.
STUCK_AFTER = timedelta(minutes=15)


def book_filename(slug: str, *, staff: bool) -> str:
    """A book's file name; a staff edition's says so, so it is not sent on as the public's."""
    return f"{slug}-briefing-book{'-staff-edition' if staff else ''}.pdf"


class BriefingBookQuerySet(models.QuerySet):
    def for_target(self, *, kind: str, target, audience: str):
        """The books of one page or map, for one audience, whatever their version."""
        field = "strategy" if kind == BriefingBook.Kind.PAGE else "strategy_map"
        return self.filter(kind=kind, audience=audience, **{field: target})


class BriefingBook(models.Model):
    """A briefing book, kept until content changes.

    The PDF is stored in the row rather than as a file in MEDIA_ROOT: app
    processes and the worker may run on different machines behind a load
    balancer and share only the database; a book is small (tens to hundreds of
    kilobytes) and only the newest per page or map and audience is kept.

    A book is of one content version (``base.page_cache``) and one day
    (``made_for``): the statuses it prints are judged by the date, as the
    cached pages are. ``audience`` is what its readers may see: the public, or
    staff, who also read drafts; staff's books are kept apart, never shown to
    the public.
    """

    class Kind(models.TextChoices):
        PAGE = "page", "Strategy page"
        MAP = "map", "Map with its pages"

    class Audience(models.TextChoices):
        PUBLIC = "public", "Public pages"
        STAFF = "staff", "Every page, drafts included"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        BUILDING = "building", "Building"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    strategy = models.ForeignKey(
        "strategy.Strategy",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="briefing_books",
    )
    strategy_map = models.ForeignKey(
        "strategy.StrategyMap",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="briefing_books",
    )
    audience = models.CharField(max_length=8, choices=Audience.choices)
    content_version = models.BigIntegerField()
    made_for = models.DateField(help_text="The day whose statuses the book prints.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Whose rights a staff book is built with (the first to ask for it).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    built_at = models.DateTimeField(null=True, blank=True)
    pdf = models.BinaryField(default=b"", blank=True)
    error = models.TextField(blank=True)

    objects = BriefingBookQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="page", strategy__isnull=False, strategy_map__isnull=True)
                    | Q(kind="map", strategy_map__isnull=False, strategy__isnull=True)
                ),
                name="briefing_book_one_target",
            ),
            models.UniqueConstraint(
                fields=["strategy", "audience", "content_version", "made_for"],
                condition=Q(kind="page"),
                name="briefing_book_one_per_page_version",
            ),
            models.UniqueConstraint(
                fields=["strategy_map", "audience", "content_version", "made_for"],
                condition=Q(kind="map"),
                name="briefing_book_one_per_map_version",
            ),
        ]

    def __str__(self):
        target = self.strategy if self.kind == self.Kind.PAGE else self.strategy_map
        return f"Briefing book of {target} ({self.get_status_display().lower()})"

    def get_absolute_url(self) -> str:
        if self.kind == self.Kind.PAGE:
            return reverse("books:page-book", args=[self.strategy.slug])
        return reverse("books:map-book", args=[self.strategy_map.slug])

    @property
    def target(self):
        return self.strategy if self.kind == self.Kind.PAGE else self.strategy_map

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_stuck(self) -> bool:
        """Queued or building for longer than any build takes: its worker is gone."""
        return (
            self.status in (self.Status.QUEUED, self.Status.BUILDING)
            and timezone.now() - self.requested_at > STUCK_AFTER
        )

    @property
    def has_failed(self) -> bool:
        return self.status == self.Status.FAILED or self.is_stuck

    @property
    def filename(self) -> str:
        return book_filename(self.target.slug, staff=self.audience == self.Audience.STAFF)
