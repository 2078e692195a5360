from django.apps import AppConfig


class UpdatesConfig(AppConfig):
    """What is due for each person, at ``/updates/``, and the weekly e-mail of it.

    A feature over the domain apps: it reads measures, actions, reviews and
    pages, and owns only each person's choice about the weekly e-mail.
    """

    name = "updates"
    verbose_name = "Updates queue"
