from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = "Strategy maps"

    def ready(self):
        from django.db.models.signals import post_migrate

        from config import page_cache

        page_cache.watch_content()
        post_migrate.connect(page_cache.version_moved_on, sender=self)
