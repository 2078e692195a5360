"""What the wiki import last wrote: one ``ImportRecord`` per object it wrote.

A later import changes a field only while the object's value still has the
digest the import recorded for it (nobody here changed it since); a field
changed here, or one the import never wrote (content made here, like the
demo's curated pages), is left as it is and reported. See docs/architecture.md,
"Importing from MediaWiki: merging".
"""

import hashlib

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


def value_digest(value) -> str:
    """The SHA-256 of a field's value as the import compares it (text with "\\n" line ends,
    a related row by its key, an empty value as "")."""
    if isinstance(value, models.Model):
        value = value.pk
    text = "" if value is None else "\n".join(str(value).splitlines())
    return hashlib.sha256(text.encode()).hexdigest()


class ImportRecord(models.Model):
    """The wiki page an object was last written from, and a digest of each field written."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    page_title = models.CharField("wiki page", max_length=300)
    revision_id = models.PositiveBigIntegerField("wiki revision", null=True, blank=True)
    revision_timestamp = models.DateTimeField("wiki revision's time", null=True, blank=True)
    source = models.CharField("export file", max_length=255, blank=True)
    # Field name → value_digest() of the value the import last wrote to it.
    digests = models.JSONField(default=dict)
    imported_at = models.DateTimeField()

    class Meta:
        verbose_name = "import record"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="one_import_record_per_object"
            )
        ]

    def __str__(self):
        return f"{self.content_type.model} {self.object_id} from “{self.page_title}”"

    def wrote(self, name: str, value) -> bool:
        """Whether ``value`` is what the import last wrote to the field ``name``."""
        return self.digests.get(name) == value_digest(value)
