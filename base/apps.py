from django.apps import AppConfig


class BaseConfig(AppConfig):
    name = "base"
    verbose_name = "Base"

    def ready(self):
        from base import page_cache

        page_cache.watch_revisions()
