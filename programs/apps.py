from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Program library"

    def ready(self):
        from base import page_cache

        # The public pages show this app's rows.
        page_cache.watch_app(self)
