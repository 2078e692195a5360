from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews and experts"

    def ready(self):
        from base import page_cache

        # The public pages show this app's rows.
        page_cache.watch_app(self)
