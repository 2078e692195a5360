"""The role groups as the migrations leave them, for a database flushed since."""

import importlib

from django.apps import apps


def create_role_groups():
    """Run the data migrations that create the groups and give them their permissions."""
    importlib.import_module("reviews.migrations.0002_roles").create_roles(apps, None)
    importlib.import_module(
        "reviews.migrations.0006_page_managers_add_partners"
    ).give_page_managers_add(apps, None)
