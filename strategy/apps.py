from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = "Strategy maps"

    def ready(self):
        from config import page_cache

        page_cache.watch_content()
