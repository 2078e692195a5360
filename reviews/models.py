import reversion
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format

from accounts.people import person_name
from base.periods import check_date

COMMENTS_MAX_LENGTH = 5000
REPLY_MAX_LENGTH = 1000


@reversion.register()
class Review(models.Model):
    """A dated comment by a reviewer on a strategy page (the Reviewer | Date | Comments table)."""

    strategy = models.ForeignKey(
        "strategy.Strategy", on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviews",
    )
    reviewer_name = models.CharField(
        max_length=200, blank=True, help_text="For reviewers without an account (imported reviews)."
    )
    reviewed_on = models.DateField("date", validators=[check_date])
    comments = models.TextField(
        max_length=COMMENTS_MAX_LENGTH, validators=[MaxLengthValidator(COMMENTS_MAX_LENGTH)]
    )
    revision = models.ForeignKey(
        "reversion.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The page revision the reviewer read.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    addressed_at = models.DateTimeField(null=True, blank=True)
    addressed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Stored like reviewer_name: the page shows it without loading the account,
    # and it survives the account's deletion.
    addressed_by_name = models.CharField(max_length=200, blank=True, editable=False)
    reply = models.CharField(
        max_length=REPLY_MAX_LENGTH, blank=True, help_text="The page manager's answer."
    )

    class Meta:
        ordering = ["-reviewed_on", "-id"]
        # A page lists its reviews newest first.
        indexes = [
            models.Index(fields=["strategy", "-reviewed_on", "-id"], name="review_page_newest")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reviewer__isnull=False) | ~Q(reviewer_name=""),
                name="review_names_its_reviewer",
                violation_error_message="Choose a reviewer or type the reviewer's name.",
            )
        ]

    def __str__(self):
        return f"{self.reviewer_display} on {self.reviewed_on:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        # Keep the name with the record so the review still says who wrote it
        # after the account is deleted (reviewer is then set to NULL).
        if self.reviewer is not None and not self.reviewer_name:
            self.reviewer_name = person_name(self.reviewer, "")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.strategy.get_absolute_url()}#review-{self.pk}"

    @property
    def reviewer_display(self) -> str:
        return person_name(self.reviewer, self.reviewer_name)

    @property
    def is_addressed(self) -> bool:
        return self.addressed_at is not None


@reversion.register()
class ExpertAssignment(models.Model):
    """A subject-matter expert named on a strategy page."""

    strategy = models.ForeignKey(
        "strategy.Strategy", on_delete=models.CASCADE, related_name="expert_assignments"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expert_assignments",
    )
    expert_name = models.CharField(
        max_length=200, blank=True, help_text="For experts without an account."
    )
    area = models.CharField(max_length=200, blank=True, help_text="What they know about.")

    class Meta:
        verbose_name = "subject-matter expert"
        ordering = ["strategy_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expert__isnull=False) | ~Q(expert_name=""),
                name="expert_assignment_names_its_expert",
                violation_error_message="Choose an expert or type the expert's name.",
            ),
            models.UniqueConstraint(
                fields=["strategy", "expert"],
                condition=Q(expert__isnull=False),
                name="unique_expert_per_strategy",
                violation_error_message="This expert is already on the page.",
            ),
        ]

    def __str__(self):
        return self.expert_display

    def save(self, *args, **kwargs):
        # As for reviews: the page still names its expert after the account is deleted.
        if self.expert is not None and not self.expert_name:
            self.expert_name = person_name(self.expert, "")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.strategy.get_absolute_url()}#people"

    @property
    def expert_display(self) -> str:
        return person_name(self.expert, self.expert_name)


@reversion.register()
class ReviewMark(models.Model):
    """A page manager's or editor's record that a page was reviewed on a day, without a comment.

    With the reviews it is what the page's "last reviewed" date is worked out
    from (``reviews.services.refresh_review_date``).
    """

    strategy = models.ForeignKey(
        "strategy.Strategy", on_delete=models.CASCADE, related_name="review_marks"
    )
    marked_on = models.DateField("reviewed on", validators=[check_date])
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Stored like reviewer_name: it survives the account's deletion.
    marked_by_name = models.CharField("marked by", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "mark of review"
        verbose_name_plural = "marks of review"
        ordering = ["-marked_on", "-id"]
        indexes = [models.Index(fields=["strategy", "-marked_on"], name="review_mark_page_newest")]

    def __str__(self):
        by = person_name(self.marked_by, self.marked_by_name)
        return f"Reviewed on {date_format(self.marked_on, 'M j, Y')}" + (
            f", marked by {by}" if by else ""
        )

    def save(self, *args, **kwargs):
        if self.marked_by is not None and not self.marked_by_name:
            self.marked_by_name = person_name(self.marked_by, "")
        super().save(*args, **kwargs)


class ReviewReminder(models.Model):
    """A day on which the people of a page were reminded that its review is due.

    The unique pair is what makes ``send_review_reminders`` send once per page
    per day however often it runs.
    """

    strategy = models.ForeignKey(
        "strategy.Strategy", on_delete=models.CASCADE, related_name="review_reminders"
    )
    sent_on = models.DateField()
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-sent_on", "strategy_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "sent_on"], name="one_review_reminder_per_page_per_day"
            )
        ]

    def __str__(self):
        return f"Reminder for {self.strategy} on {self.sent_on:%Y-%m-%d}"
