"""A deleted row takes its import record with it (a generic key has no cascade)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete


def _forget(sender, instance, using, **kwargs):
    from mediawiki.models import ImportRecord

    ImportRecord.objects.using(using).filter(
        content_type=ContentType.objects.db_manager(using).get_for_model(sender),
        object_id=instance.pk,
    ).delete()


def forget_deleted_rows() -> None:
    """Delete a row's import record with the row, for every kind of row the import writes."""
    from mediawiki.importer import RECORDED_MODELS

    for model in RECORDED_MODELS:
        post_delete.connect(_forget, sender=model, dispatch_uid=f"import-record-{model._meta}")
