from django.conf import settings
from django.db import models


class WeeklyDigest(models.Model):
    """A person's weekly e-mail of their updates queue: whether they want it, and when it
    was last sent (``send_update_reminders`` sends at most one a week)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="weekly_digest",
    )
    wanted = models.BooleanField(
        "e-mail me once a week what is due",
        default=True,
        help_text="Values to enter, actions to update, reviews to answer and pages to review; "
        "never sent when nothing is due.",
    )
    last_sent_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "weekly digest"

    def __str__(self):
        return f"Weekly digest of {self.user}"
