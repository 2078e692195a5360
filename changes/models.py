"""Who watches which strategy pages, and their daily digest of the changes.

A person watches a page they chose to watch, and every page they manage,
unless they chose not to: a ``Watch`` row is an explicit choice either way
(``watching`` true or false), and no row means the default, which is
"watching" for the page's manager and "not watching" for everyone else.
Managers thus watch their pages without a row per page, a page that changes
hands is watched by its new manager at once, and a manager who stopped
watching a page stays stopped.
"""

from django.conf import settings
from django.db import models

from strategy.models import Strategy


class Watch(models.Model):
    """A person's explicit choice to watch a page, or not to."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches"
    )
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="watches")
    watching = models.BooleanField(default=True)
    chosen_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "strategy"], name="one_watch_choice_per_page")
        ]

    def __str__(self):
        verb = "watches" if self.watching else "does not watch"
        return f"{self.user} {verb} {self.strategy}"


class WatchDigest(models.Model):
    """A person's daily digest of changes to the pages they watch: on or off, and when sent."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="watch_digest",
    )
    send = models.BooleanField(
        "e-mail me a daily digest of changes to the pages I watch", default=True
    )
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Watch digest of {self.user}"
