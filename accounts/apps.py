from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.contrib.auth import get_user_model

        from accounts import rules  # noqa: F401  (registers the site's permissions)
        from base import page_cache

        # The public pages show people's names.
        page_cache.watch_models([get_user_model()])
