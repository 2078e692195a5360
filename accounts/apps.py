from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.contrib.auth import get_user_model

        from accounts import rules  # noqa: F401  (registers the site's permissions)
        from base import page_cache

        # The public pages show people's names.
        page_cache.watch_models([get_user_model()])


class AuthoringAdminConfig(admin_apps.AdminConfig):
    """Django's admin with ``accounts.admin.AuthoringSite`` as ``admin.site``, which names
    people in its autocomplete results as the site does."""

    default = False  # accounts' own config stays AccountsConfig
    default_site = "accounts.admin.AuthoringSite"
