from django.apps import AppConfig


class MediawikiConfig(AppConfig):
    name = "mediawiki"
    verbose_name = "MediaWiki import"

    def ready(self):
        from mediawiki import signals

        signals.forget_deleted_rows()
