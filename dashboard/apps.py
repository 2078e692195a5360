from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """Every measure and action on the pages a reader may see, counted and filtered by status."""

    name = "dashboard"
    verbose_name = "Dashboard"
