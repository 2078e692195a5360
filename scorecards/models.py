import bisect
import datetime
from decimal import Decimal
from functools import cached_property

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Aggregate, F, OuterRef, Q, Subquery
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone

from base.markup import MARKDOWN_HELP
from base.periods import (
    Frequency,
    Period,
    PeriodField,
    check_date,
    not_begun_message,
    parse_period,
    period_of,
    shift_period,
    wrong_length_message,
)
from scorecards.charts import Chart, build_chart
from scorecards.status import (
    Point,
    Status,
    Trajectory,
    Trend,
    change_from_baseline,
    expected_at,
    judgeable,
    measure_status,
    trajectory_to_target,
    trend,
)
from scorecards.values import (
    VALUE_DECIMAL_PLACES,
    VALUE_MAX_DIGITS,
    VALUE_PLACES,
    decimal_places,
    in_range,
)


class PartnerQuerySet(models.QuerySet):
    def annotate_work(self, strategies):
        """Count the actions each partner leads and joins on the given strategy pages."""
        return self.annotate(
            leads=models.Count(
                "led_actions",
                filter=Q(led_actions__objective__strategy__in=strategies),
                distinct=True,
            ),
            joins=models.Count(
                "actions", filter=Q(actions__objective__strategy__in=strategies), distinct=True
            ),
        )


@reversion.register()
class Partner(models.Model):
    """An organisation that leads or joins actions."""

    class Sector(models.TextChoices):
        FEDERAL_LAW_ENFORCEMENT = "federal_law_enforcement", "Federal law enforcement"
        STATE_LAW_ENFORCEMENT = "state_law_enforcement", "State law enforcement"
        LOCAL_LAW_ENFORCEMENT = "local_law_enforcement", "Local law enforcement"
        PUBLIC_HEALTH = "public_health", "Public health"
        HEALTH_CARE = "health_care", "Health care"
        TREATMENT = "treatment", "Treatment"
        SOCIAL_SERVICES = "social_services", "Social services"
        COMMUNITY_LEADERS = "community_leaders", "Community leaders"
        FAITH = "faith", "Faith"
        SCHOOLS = "schools", "Schools"
        BUSINESS = "business", "Business"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    sector = models.CharField(max_length=40, choices=Sector.choices)
    url = models.URLField("URL", max_length=500, blank=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("scorecards:partner-detail", args=[self.slug])


@reversion.register()
class DataSource(models.Model):
    """Where a measure's numbers come from."""

    name = models.CharField(max_length=200, unique=True)
    publisher = models.CharField(max_length=200, blank=True)
    url = models.URLField("URL", max_length=500, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


@reversion.register(follow=("measures", "actions"))
class Objective(models.Model):
    """A scorecard objective on one strategy page."""

    strategy = models.ForeignKey(
        "strategy.Strategy", on_delete=models.CASCADE, related_name="objectives"
    )
    title = models.CharField(max_length=300)
    details = models.TextField(blank=True, help_text=MARKDOWN_HELP)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["strategy_id", "order", "id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{self.strategy.get_absolute_url()}#objective-{self.pk}"


def _as_stored(value) -> Decimal:
    """A value read back from JSON or a subquery, with the two places the column keeps (one out
    of range, which the status refuses to judge, as it is)."""
    number = Decimal(str(value))
    return number.quantize(VALUE_PLACES) if in_range(number) else number


def latest_point(period, start, value) -> Point | None:
    """The newest point from the columns ``with_latest_value()`` annotates."""
    if start is None:
        return None
    return Point(period, datetime.date.fromisoformat(str(start)[:10]), _as_stored(value))


# The columns a measure's status is judged from (with ``with_latest_value()``), in the
# order ``status_from_columns`` reads them: maps and the dashboard judge thousands of
# measures from plain rows, not models.
STATUS_COLUMNS = (
    "baseline_value",
    "baseline_period",
    "target_value",
    "target_period",
    "polarity",
    "stale_after_months",
    "tolerance",
    "latest_period",
    "latest_start",
    "latest_value",
)


def status_from_columns(columns, *, today: datetime.date) -> Status:
    """The status of a measure read as the values of ``STATUS_COLUMNS``."""
    baseline, baseline_period, target, target_period, polarity, stale, tolerance, *latest = columns
    return measure_status(
        latest=latest_point(*latest),
        baseline=baseline,
        baseline_period=baseline_period,
        target=target,
        target_period=target_period,
        lower_is_better=polarity == Measure.Polarity.LOWER_IS_BETTER,
        stale_after_months=stale,
        today=today,
        tolerance=tolerance,
    )


class JSONPoints(Aggregate):
    """A measure's data points as one JSON array of [period, period_start, value] triples.

    One aggregate instead of a prefetch keeps a page's query count flat;
    SQLite and PostgreSQL spell it differently, and neither promises an order.
    """

    function = "JSON_GROUP_ARRAY"
    template = "%(function)s(JSON_ARRAY(%(expressions)s))"
    output_field = models.JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        # ::text so Django's JSONField decodes it as it does on SQLite.
        return self.as_sql(
            compiler,
            connection,
            function="JSON_AGG",
            template="(%(function)s(JSON_BUILD_ARRAY(%(expressions)s)))::text",
            **extra_context,
        )


def owned_by(user, *, owner: str, manager: str) -> Q:
    """Rows ``user`` answers for: named in the ``owner`` field, or, with nobody named, as the
    manager of the page (``manager`` is the lookup to the page's manager)."""
    return Q(**{owner: user}) | Q(**{f"{owner}__isnull": True, manager: user})


class MeasureQuerySet(models.QuerySet):
    def owned_by(self, user):
        """The measures whose values ``user`` enters: theirs, or unowned on pages they manage."""
        return self.filter(
            owned_by(user, owner="owner", manager="objective__strategy__page_manager")
        )

    def with_points(self):
        """Annotate every measure with its data points (read them through ``Measure.series``)."""
        return self.annotate(
            points_data=JSONPoints(
                "data_points__period", "data_points__period_start", "data_points__value"
            )
        )

    def with_latest_note(self):
        """Annotate ``latest_note``: the note of the newest point, the story behind its value."""
        newest = DataPoint.objects.filter(measure=OuterRef("pk")).order_by(
            "-period_start", "-period"
        )
        return self.annotate(latest_note=Subquery(newest.values("note")[:1]))

    def with_latest_value(self):
        """Annotate the newest point: ``latest_value``, ``latest_period``, ``latest_start``."""
        newest = DataPoint.objects.filter(measure=OuterRef("pk")).order_by(
            "-period_start", "-period"
        )
        return self.annotate(
            latest_value=Subquery(newest.values("value")[:1]),
            latest_period=Subquery(newest.values("period")[:1]),
            latest_start=Subquery(newest.values("period_start")[:1]),
        )


# How many periods back the updates queue asks for values left out: older gaps are
# history to fill in, not work due.
MISSING_LOOK_BACK = 8

# Two years: later than that, a figure is no longer a reporting lag but a gap.
MAX_LAG_DAYS = 730


@reversion.register(follow=("data_points",))
class Measure(models.Model):
    """How an objective is measured: a value over time against a baseline and a target."""

    class Polarity(models.TextChoices):
        HIGHER_IS_BETTER = "higher", "Higher is better"
        LOWER_IS_BETTER = "lower", "Lower is better"

    class Kind(models.TextChoices):
        POPULATION = "population", "Population indicator"
        HOW_MUCH = "how_much", "Performance: how much did we do?"
        HOW_WELL = "how_well", "Performance: how well did we do it?"
        BETTER_OFF = "better_off", "Performance: is anyone better off?"

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(max_length=300)
    unit = models.CharField(max_length=50, blank=True, help_text='e.g. "incidents", "%".')
    polarity = models.CharField(
        max_length=10, choices=Polarity.choices, default=Polarity.HIGHER_IS_BETTER
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.POPULATION)
    data_source = models.ForeignKey(
        DataSource, on_delete=models.SET_NULL, null=True, blank=True, related_name="measures"
    )
    baseline_value = models.DecimalField(
        max_digits=VALUE_MAX_DIGITS, decimal_places=VALUE_DECIMAL_PLACES, null=True, blank=True
    )
    baseline_period = PeriodField(blank=True)
    target_value = models.DecimalField(
        max_digits=VALUE_MAX_DIGITS, decimal_places=VALUE_DECIMAL_PLACES, null=True, blank=True
    )
    target_period = PeriodField(blank=True)
    tolerance = models.DecimalField(
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="How far short of its goal (the target, or the path to it) a value may be "
        "and count as at risk rather than off track, in the measure's unit. Empty: 5 % of "
        "the distance from the baseline to the target.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_measures",
        help_text="Who enters its values. Empty: the page's manager.",
    )
    frequency = models.CharField(
        "reporting frequency",
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.QUARTERLY,
        help_text="How often a new value is reported: the length of its periods.",
    )
    lag_days = models.PositiveSmallIntegerField(
        "reporting lag (days)",
        default=60,
        validators=[MaxValueValidator(MAX_LAG_DAYS)],
        help_text="How long after a period ends its value is due (public-health data often "
        "arrives months late). A value for an ended period is accepted at any time.",
    )
    stale_after_months = models.PositiveSmallIntegerField(
        default=13,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="The latest value counts as stale once it is older than this.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["objective_id", "order", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{self.objective.strategy.get_absolute_url()}#measure-{self.pk}"

    @property
    def responsible_person(self):
        """Who is asked for its values: its owner, or the page's manager."""
        return self.owner or self.objective.strategy.page_manager

    def due_on(self, period: Period) -> datetime.date:
        """The day a value for ``period`` falls due: the reporting lag after the period ends."""
        if period.end >= datetime.date.max - datetime.timedelta(days=self.lag_days):
            return datetime.date.max
        return period.end + datetime.timedelta(days=self.lag_days)

    def latest_due_period(self, today: datetime.date) -> Period:
        """The newest period of its frequency whose value is due by ``today``."""
        period = shift_period(period_of(today, self.frequency), self.frequency, -1)
        while self.due_on(period) > today:
            period = shift_period(period, self.frequency, -1)
        return period

    def missing_due_periods(self, today: datetime.date) -> list[Period]:
        """The periods whose values are due by ``today`` and not entered yet, oldest first:
        the newest period due and, back to the measure's first value, those left out before
        it, at most ``MISSING_LOOK_BACK`` periods back. A measure without values is asked
        for the newest alone. A stored value falls in a period when it starts within it (a
        monthly value counts for its quarter)."""
        # Oldest first, so each period is looked up by bisection: an editor's queue reads
        # every measure's series.
        starts = [point.start for point in self.series]
        period = self.latest_due_period(today)
        first_value = starts[0] if starts else period.start
        missing = []
        for _ in range(MISSING_LOOK_BACK):
            if period.end <= first_value:
                break
            at = bisect.bisect_left(starts, period.start)
            if at == len(starts) or starts[at] >= period.end:
                missing.append(period)
            period = shift_period(period, self.frequency, -1)
        return missing[::-1]

    @property
    def lower_is_better(self) -> bool:
        return self.polarity == self.Polarity.LOWER_IS_BETTER

    @cached_property
    def series(self) -> list[Point]:
        """Data points oldest first: from ``with_points()`` if annotated, else one query."""
        if hasattr(self, "points_data"):
            rows = [row for row in self.points_data or [] if row[0] is not None]
            points = [
                Point(period, datetime.date.fromisoformat(str(start)[:10]), _as_stored(value))
                for period, start, value in rows
            ]
        else:
            points = [
                Point(point.period, point.period_start, point.value)
                for point in self.data_points.all()
            ]
        return sorted(points, key=lambda point: (point.start, point.period))

    @cached_property
    def precision(self) -> int:
        """The decimal places the measure's own numbers use: 0 for a count, at most two.

        Read from its values that can be judged, its baseline and its target, so that
        a figure worked out from them (where the path stands) prints as they do.
        """
        numbers = [point.value for point in judgeable(self.series)]
        for level in (self.baseline_value, self.target_value):
            if level is not None and in_range(level):
                numbers.append(level)
        return max((decimal_places(number) for number in numbers), default=0)

    @property
    def is_percentage(self) -> bool:
        """Measured in per cent: its changes read in percentage points."""
        return self.unit.strip() == "%"

    @property
    def latest(self) -> Point | None:
        return self.series[-1] if self.series else None

    @property
    def trajectory(self) -> Trajectory | None:
        return trajectory_to_target(
            baseline=self.baseline_value,
            baseline_period=self.baseline_period,
            target=self.target_value,
            target_period=self.target_period,
        )

    @property
    def expected_at_latest(self) -> Decimal | None:
        """Where the path to the target stands at the end of the newest value's period."""
        return expected_at(self.trajectory, self.latest, today=timezone.localdate())

    @property
    def status(self) -> Status:
        return self.status_with(self.latest)

    def status_with(self, latest: Point | None) -> Status:
        """The status it would have with ``latest`` as its newest value (one about to be
        stored)."""
        return measure_status(
            latest=latest,
            baseline=self.baseline_value,
            baseline_period=self.baseline_period,
            target=self.target_value,
            target_period=self.target_period,
            lower_is_better=self.lower_is_better,
            stale_after_months=self.stale_after_months,
            today=timezone.localdate(),
            tolerance=self.tolerance,
        )

    @property
    def trend(self) -> Trend:
        return trend(self.series, lower_is_better=self.lower_is_better)

    @property
    def change_from_baseline(self) -> Decimal | None:
        return change_from_baseline(self.latest, self.baseline_value)

    @cached_property
    def chart(self) -> Chart | None:
        return build_chart(
            self.series,
            baseline=self.baseline_value,
            baseline_period=self.baseline_period,
            target=self.target_value,
            target_period=self.target_period,
            lower_is_better=self.lower_is_better,
            places=self.precision,
            today=timezone.localdate(),
        )


@reversion.register()
class DataPoint(models.Model):
    """One value of a measure for one period."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="data_points")
    period = PeriodField()
    # Derived from period on save: labels of different lengths (2024, 2024-Q1,
    # 2024-03) only sort correctly by their first day.
    period_start = models.DateField(editable=False)
    value = models.DecimalField(max_digits=VALUE_MAX_DIGITS, decimal_places=VALUE_DECIMAL_PLACES)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["measure_id", "period_start", "period"]
        # The newest value of a measure is read on every map and scorecard.
        indexes = [
            models.Index(fields=["measure", "-period_start", "-period"], name="datapoint_newest")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period"],
                name="one_data_point_per_measure_and_period",
                violation_error_message="This measure already has a value for that period.",
            )
        ]

    def __str__(self):
        return f"{self.measure}: {self.value} ({self.period})"

    def save(self, *args, **kwargs):
        period = parse_period(self.period)
        self.period, self.period_start = period.label, period.start
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.measure.get_absolute_url()

    @classmethod
    def from_db(cls, db, field_names, values):
        point = super().from_db(db, field_names, values)
        point._stored_period = point.period if "period" in field_names else None
        return point

    def clean(self):
        try:
            period = parse_period(self.period)
        except ValidationError:
            return  # the period field reports it
        if period.start > timezone.localdate():
            message = not_begun_message(period)
        elif self._period_entered() and (measure := self._measure_if_set()) is not None:
            message = wrong_length_message(period, measure.frequency, measure.name)
        else:
            message = None
        if message:
            raise ValidationError({"period": message[0].upper() + message[1:] + "."})

    def _period_entered(self) -> bool:
        """Whether the period is new or changed. A stored value keeps its period when its
        measure's frequency changes, so that the frequency can change (the admin
        validates the values shown with the measure)."""
        return self._state.adding or self.period != getattr(self, "_stored_period", None)

    def _measure_if_set(self):
        try:
            return self.measure
        except Measure.DoesNotExist:
            return None  # the measure field reports it


class JudgedStatus(models.Model):
    """A measure's status as last judged, kept so that maps and the dashboard read the
    statuses of thousands of measures with one join instead of judging each again.

    Database triggers (migration 0008) keep it honest whatever writes the rows: every
    measure gets one on insert, and any write to its data points or to the fields its
    status is judged from clears ``code`` and moves ``generation`` on.
    ``scorecards.judged`` judges again the measures without a code, or whose ``until``
    has come, and stores a judgment only if ``generation`` has not moved since the rows
    it was made from were read.
    """

    measure = models.OneToOneField(
        Measure, on_delete=models.CASCADE, primary_key=True, related_name="judged"
    )
    # A Status code; empty until judged.
    code = models.CharField(max_length=20, null=True, db_index=True)
    # The first day the same rows may be judged differently (stale, past the target
    # period); None when only a write can change the judgment.
    until = models.DateField(null=True)
    generation = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.measure_id}: {self.code or 'to be judged'}"


# An action that has not been touched in this long is due a word on where it stands.
UNCHANGED_AFTER = datetime.timedelta(days=90)


class ActionQuerySet(models.QuerySet):
    def responsible(self, user):
        """The actions ``user`` answers for: named responsible, or unnamed on pages they manage."""
        return self.filter(
            owned_by(user, owner="responsible", manager="objective__strategy__page_manager")
        )

    def needing_attention(self, *, today: datetime.date):
        """Open actions past their due date or unchanged for ``UNCHANGED_AFTER``."""
        quiet_since = timezone.now() - UNCHANGED_AFTER
        return self.exclude(status=Action.Status.DONE).filter(
            Q(due_date__lt=today) | Q(updated_at__lt=quiet_since)
        )


@reversion.register(exclude=("updated_at",))
class Action(models.Model):
    """An initiative that moves an objective, with the partners who carry it out."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        STALLED = "stalled", "Stalled"

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True, help_text=MARKDOWN_HELP)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    lead = models.ForeignKey(
        Partner, on_delete=models.SET_NULL, null=True, blank=True, related_name="led_actions"
    )
    partners = models.ManyToManyField(Partner, blank=True, related_name="actions")
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_actions",
        verbose_name="responsible person",
        help_text="Who keeps it moving and its status current, besides the lead partner.",
    )
    start_date = models.DateField(null=True, blank=True, validators=[check_date])
    due_date = models.DateField(null=True, blank=True, validators=[check_date])
    # When the action itself was last saved: an action unchanged for months is due a word.
    # The database's default covers rows written without save(), in bulk or by hand.
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())
    order = models.PositiveSmallIntegerField(default=0)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["objective_id", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(due_date__gte=F("start_date")),
                name="action_due_not_before_start",
                violation_error_message="The due date cannot be before the start date.",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{self.objective.strategy.get_absolute_url()}#action-{self.pk}"

    @property
    def is_overdue(self) -> bool:
        """Past its due date and not done."""
        return (
            self.due_date is not None
            and self.status != self.Status.DONE
            and self.due_date < timezone.localdate()
        )

    @property
    def responsible_person(self):
        """Who is asked about it: the person named responsible, or the page's manager."""
        return self.responsible or self.objective.strategy.page_manager

    @property
    def is_unchanged_too_long(self) -> bool:
        """Open and not edited for ``UNCHANGED_AFTER``."""
        return (
            self.status != self.Status.DONE and self.updated_at < timezone.now() - UNCHANGED_AFTER
        )
