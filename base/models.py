"""What kind of change each revision records.

django-reversion's ``Revision`` holds an author, a date and a comment written
for people; ``RevisionKind`` adds the kind of change, for lists to filter on
(the recent changes, their feeds, the watch digest). ``base.revisions``
writes one for every revision saved, whoever saves it.
"""

from django.db import models


class ChangeKind(models.TextChoices):
    """The kinds of change a revision records."""

    EDIT = "edit", "Edit"
    PUBLISH = "publish", "Published"
    DATA = "data", "Data values"
    REVIEW = "review", "Review"
    ANSWER = "answer", "Answer to a review"
    MARKED_REVIEWED = "marked_reviewed", "Marked reviewed"
    RESTORE = "restore", "Restore"
    IMPORT = "import", "Import"


class RevisionKind(models.Model):
    """The kind of change one revision records."""

    revision = models.OneToOneField(
        "reversion.Revision",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="kind",
    )
    kind = models.CharField(max_length=20, choices=ChangeKind, default=ChangeKind.EDIT)

    class Meta:
        indexes = [models.Index(fields=["kind"], name="revision_kind")]

    def __str__(self):
        return self.get_kind_display()
