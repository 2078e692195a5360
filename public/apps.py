from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The public site: maps, strategy pages, history and search, composed from the domain apps."""

    name = "public"
    verbose_name = "Public site"
