from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The opioid demo content and the ``load_demo`` command that loads it."""

    name = "demo"
    verbose_name = "Demo content"
