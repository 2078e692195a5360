from django.apps import AppConfig


class BaseConfig(AppConfig):
    name = "base"
    verbose_name = "Base"

    def ready(self):
        from django.db.models.signals import post_save
        from reversion.models import Revision

        from base import page_cache
        from base.revisions import record_revision_kind

        page_cache.watch_revisions()
        post_save.connect(record_revision_kind, sender=Revision, dispatch_uid="revision-kind")
