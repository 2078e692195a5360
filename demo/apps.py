from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The opioid demo content and the ``load_demo`` command that loads it.

    An app of its own rather than part of the public site: it writes every
    app's rows and serves no page.
    """

    name = "demo"
    verbose_name = "Demo content"
