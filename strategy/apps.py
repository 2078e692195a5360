from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = "Strategy maps"

    def ready(self):
        from base import page_cache

        # The public pages show this app's rows.
        page_cache.watch_app(self)
