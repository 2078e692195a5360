from django.apps import AppConfig


class BooksConfig(AppConfig):
    """Briefing books: a strategy page, or a map with every page on it, as a PDF."""

    name = "books"
    verbose_name = "Briefing books"
