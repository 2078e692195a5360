from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = "Strategy maps"

    def ready(self):
        from base import page_cache
        from strategy import checks  # noqa: F401 - registers the check of Graphviz

        # The public pages show this app's rows.
        page_cache.watch_app(self)
