from django.apps import AppConfig


class MediawikiConfig(AppConfig):
    name = "mediawiki"
    verbose_name = "MediaWiki import"
