import datetime
import functools

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.rules import is_editor, is_signed_in, may_read_drafts
from base.markup import MARKDOWN_HELP
from base.periods import add_months, check_date

MAX_REVIEW_INTERVAL_MONTHS = 120


class StrategyMapQuerySet(models.QuerySet):
    def top_level(self):
        return self.filter(parent__isnull=True)


@reversion.register()
class StrategyMap(models.Model):
    """The top-level map (no parent) or a zoom map detailing one strategy of its parent."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(blank=True, help_text=MARKDOWN_HELP)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The map this one zooms out of. Leave empty for the top-level map.",
    )
    zooms_into = models.OneToOneField(
        "Strategy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="zoom_map",
        help_text="The strategy on the parent map that this zoom map details.",
        error_messages={"unique": "Another zoom map already details this strategy."},
    )

    objects = StrategyMapQuerySet.as_manager()

    class Meta:
        ordering = ["parent_id", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="map_is_not_its_own_parent",
                violation_error_message="A map cannot zoom out of itself.",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.parent_id is None:
            return reverse("strategy:home")
        return reverse("strategy:map-detail", args=[self.slug])

    def clean(self):
        if self.parent_id is None:
            if self.zooms_into_id is not None:
                raise ValidationError(
                    {"zooms_into": "Only a zoom map can detail a strategy; choose its parent map."}
                )
            others = StrategyMap.objects.top_level().exclude(pk=self.pk)
            if others.exists():
                raise ValidationError(
                    {
                        "parent": f"“{others.first()}” is already the top-level map; "
                        "choose the map this one zooms out of."
                    }
                )
            return
        if self.pk is not None and self.pk in {m.pk for m in self.parent.ancestors()}:
            raise ValidationError(
                {"parent": "A map cannot zoom out of itself or of one of its own zoom maps."}
            )
        if self.zooms_into_id is not None and self.zooms_into.map_id != self.parent_id:
            raise ValidationError(
                {
                    "zooms_into": f"“{self.zooms_into}” is on the map “{self.zooms_into.map}”, "
                    f"not on this map's parent “{self.parent}”."
                }
            )

    def ancestors(self) -> list["StrategyMap"]:
        """Maps from the top level down to this one. One query per level above this map."""
        chain = [self]
        # clean() refuses cycles; the guard keeps a cycle written around it from hanging a page.
        while chain[0].parent_id is not None and chain[0].parent_id not in {m.pk for m in chain}:
            chain.insert(0, chain[0].parent)
        return chain


@reversion.register()
class Band(models.Model):
    """A labelled row of a map (a perspective such as "Community Results")."""

    map = models.ForeignKey(StrategyMap, on_delete=models.CASCADE, related_name="bands")
    title = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["map_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["map", "title"],
                name="unique_band_title_per_map",
                violation_error_message="This map already has a band with that title.",
            )
        ]

    def __str__(self):
        return f"{self.map}: {self.title}"

    def get_absolute_url(self):
        return f"{self.map.get_absolute_url()}#band-{self.pk}"


HEX_COLOUR = RegexValidator(
    r"^#[0-9A-Fa-f]{6}$", "Give the colour as # and six hexadecimal digits, such as #1f77b4."
)


@reversion.register()
class Theme(models.Model):
    """A strand of strategies that runs across a map's bands, as in Balanced Scorecard maps.

    The map draws it as a stripe of its colour behind its strategies, and names it
    in the legend.
    """

    name = models.CharField(max_length=100, unique=True)
    colour = models.CharField(
        max_length=7, validators=[HEX_COLOUR], help_text="As # and six hexadecimal digits."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # One spelling per colour, so that "#ABCDEF" and "#abcdef" are one.
        self.colour = self.colour.lower()
        super().save(*args, **kwargs)


class StrategyQuerySet(models.QuerySet):
    def public(self):
        """Pages the public may read: drafts and archived pages stay hidden."""
        return self.filter(status__in=Strategy.PUBLIC_STATUSES)

    def editable_by(self, user):
        """Pages this user may change: all for editors, their own for page managers.

        The rows ``user.has_perm("strategy.change_strategy", page)`` allows.
        """
        if is_editor(user):
            return self
        if not is_signed_in(user):
            return self.none()
        return self.filter(page_manager=user)

    def visible_to(self, user):
        """What this user may read: public pages, and every page for signed-in staff.

        Staff (page managers, editors) preview drafts and archived pages on the
        site, under a "not public" banner; they change only what the admin lets them.
        """
        if may_read_drafts(user):
            return self.all()
        return self.public()


_SLUG = "\x00slug"  # stands for the slug in the compiled lookup


class StrategyManager(models.Manager.from_queryset(StrategyQuerySet)):
    def find_visible(self, slug: str, user) -> "Strategy | None":
        """``visible_to(user).get(slug=slug)``, or None, at half the cost.

        The strategy page reads its row on every request the page cache does
        not answer, and building and compiling the query cost as much as
        running it; its SQL is compiled once per process instead. It reads the
        whole table: call it on ``Strategy.objects``, not on a related manager.
        """
        sql, params = _visible_page_lookup(may_read_drafts(user))
        found = list(self.raw(sql, [slug if p == _SLUG else p for p in params]))
        return found[0] if found else None


@functools.cache
def _visible_page_lookup(drafts: bool) -> tuple[str, tuple]:
    pages = Strategy.objects.all() if drafts else Strategy.objects.public()
    return pages.filter(slug=_SLUG).order_by().query.sql_with_params()


# The review dates are worked out from the reviews and marks of review, which the
# revision holds (so its diff shows them); a revision never stores or restores the dates.
@reversion.register(
    exclude=("last_reviewed", "review_due"),
    follow=(
        "program_links",
        "resource_links",
        "objectives",
        "expert_assignments",
        "reviews",
        "review_marks",
    ),
)
class Strategy(models.Model):
    """One strategy page: everything a coalition knows and plans about one strategy."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        UNDER_CONSTRUCTION = "under_construction", "Under construction"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    PUBLIC_STATUSES = (Status.UNDER_CONSTRUCTION, Status.PUBLISHED)

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    map = models.ForeignKey(StrategyMap, on_delete=models.PROTECT, related_name="strategies")
    band = models.ForeignKey(Band, on_delete=models.PROTECT, related_name="strategies")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order within the band.")
    theme = models.ForeignKey(
        Theme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="strategies",
        help_text="The strand of the map this strategy belongs to, shown as a coloured stripe.",
    )
    intro = models.TextField("introduction", blank=True, help_text=MARKDOWN_HELP)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    page_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_strategies",
    )
    # The newest of the page's reviews and marks of review, kept here by
    # reviews.services.refresh_review_date for lists to filter and sort on.
    last_reviewed = models.DateField(null=True, blank=True, editable=False, validators=[check_date])
    review_interval_months = models.SmallIntegerField(
        "review interval (months)",
        default=12,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_REVIEW_INTERVAL_MONTHS)],
    )
    # Stored rather than computed in queries: calendar-month arithmetic has no
    # portable SQL, and review lists filter and sort on it.
    review_due = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = StrategyManager()

    class Meta:
        verbose_name_plural = "strategies"
        ordering = ["map_id", "band__order", "position", "title"]
        permissions = [("edit_all_strategies", "Can edit every strategy page")]
        indexes = [
            # The page-to-map and status of many pages at once, as map roll-ups and
            # "pages this reader may see" read them, without reading the wide rows
            # (introduction, search document).
            models.Index(fields=["id", "map", "status"], name="strategy_id_map_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_interval_months__gte=0),
                name="review_interval_not_negative",
                violation_error_message="The review interval cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(review_interval_months__lte=MAX_REVIEW_INTERVAL_MONTHS),
                name="review_interval_at_most_ten_years",
                violation_error_message="The review interval can be at most ten years.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.review_due = self.derived_review_due
        if self.pk is not None:
            self.version += 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "review_due", "version", "updated_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("strategy:strategy-detail", args=[self.slug])

    def clean(self):
        errors = {}
        if self.band_id is not None and self.map_id is not None and self.band.map_id != self.map_id:
            errors["band"] = f"“{self.band.title}” is a band of another map."
        zoom_map = StrategyMap.objects.filter(zooms_into=self).first() if self.pk else None
        if zoom_map is not None and self.map_id is not None and zoom_map.parent_id != self.map_id:
            errors["map"] = (
                f"The zoom map “{zoom_map}” details this strategy on “{zoom_map.parent}”; "
                "it must stay on that map."
            )
        if self.last_reviewed is not None and self.last_reviewed > timezone.localdate():
            errors["last_reviewed"] = "A review date cannot be in the future."
        if errors:
            raise ValidationError(errors)

    @property
    def derived_review_due(self) -> datetime.date | None:
        """When the page is next due for review: ``review_due`` as ``save()`` stores it."""
        if not self.last_reviewed:
            return None
        return add_months(self.last_reviewed, self.review_interval_months)

    def is_visible_to(self, user) -> bool:
        """The rule of ``StrategyQuerySet.visible_to`` for one loaded page (no query)."""
        return self.is_public or may_read_drafts(user)

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES

    def number_footnotes(self) -> list:
        """Number the sources cited by this page's program outcomes, in order of first citation.

        Sets ``footnote`` on each outcome and returns the cited resources. Works
        on the prefetched data of ``public.selectors.with_page_content()``.
        """
        references = []
        for link in self.program_links.all():
            for implementation in link.program.implementations.all():
                for outcome in implementation.outcomes.all():
                    if outcome.source is None:
                        outcome.footnote = None
                        continue
                    if outcome.source not in references:
                        references.append(outcome.source)
                    outcome.footnote = references.index(outcome.source) + 1
        return references

    def resource_links_in(self, section: str) -> list["StrategyResource"]:
        """The page's resource links in one section; uses prefetched links when there are any."""
        return [link for link in self.resource_links.all() if link.section == section]

    def breadcrumb(self) -> list[StrategyMap]:
        """The maps above this page, top-level first."""
        return self.map.ancestors()


@reversion.register()
class StrategyLink(models.Model):
    """A cause-and-effect arrow between two strategies on one map."""

    cause = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="effect_links")
    effect = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="cause_links")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["cause_id", "effect_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cause_id", "effect_id"],
                name="unique_strategy_link",
                violation_error_message="These strategies are already linked.",
            ),
            models.CheckConstraint(
                condition=~Q(cause=F("effect")),
                name="strategy_link_between_two_strategies",
                violation_error_message="A strategy cannot cause itself.",
            ),
        ]

    def __str__(self):
        return f"{self.cause} → {self.effect}"

    def get_absolute_url(self):
        return self.cause.map.get_absolute_url()

    def clean(self):
        if self.cause_id and self.effect_id and self.cause.map_id != self.effect.map_id:
            raise ValidationError({"effect": "Both strategies must be on the same map."})


@reversion.register()
class StrategyProgram(models.Model):
    """A promising program listed on a strategy page."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="program_links")
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="strategy_links"
    )
    note = models.TextField(
        blank=True, help_text="Why this program fits this page. " + MARKDOWN_HELP
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "promising program"
        ordering = ["strategy_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "program"],
                name="unique_program_per_strategy",
                violation_error_message="This program is already on the page.",
            )
        ]

    def __str__(self):
        return f"{self.program} on {self.strategy}"

    def get_absolute_url(self):
        return f"{self.strategy.get_absolute_url()}#programs"


@reversion.register()
class StrategyResource(models.Model):
    """A resource listed on a strategy page, under Tools & Resources or Resources to Investigate."""

    class Section(models.TextChoices):
        TOOLS = "tools", "Tools & Resources"
        INVESTIGATE = "investigate", "Resources to Investigate"

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="resource_links")
    resource = models.ForeignKey(
        "programs.Resource", on_delete=models.PROTECT, related_name="strategy_links"
    )
    section = models.CharField(max_length=20, choices=Section.choices)
    note = models.CharField(max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "resource link"
        ordering = ["strategy_id", "section", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "resource", "section"],
                name="unique_resource_per_section",
                violation_error_message="This resource is already listed in that section.",
            )
        ]

    def __str__(self):
        return f"{self.resource} ({self.get_section_display()})"

    def get_absolute_url(self):
        return f"{self.strategy.get_absolute_url()}#{self.section}"
