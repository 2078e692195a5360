from django.apps import AppConfig


class ScorecardsConfig(AppConfig):
    name = "scorecards"
    verbose_name = "Scorecards"

    def ready(self):
        from base import page_cache

        # The public pages show this app's rows.
        page_cache.watch_app(self)
