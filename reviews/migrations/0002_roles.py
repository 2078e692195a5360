"""Create the three roles (Page managers, Editors, Reviewers) with their model permissions.

Which pages a page manager may touch is decided per object in the admin;
these are the model-level rights each role starts from.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# What hangs off one page: a page manager adds, changes and deletes it on their pages.
PAGE_CONTENT = {
    "strategy": ["strategyprogram", "strategyresource"],
    "scorecards": ["objective", "measure", "datapoint", "action"],
    "reviews": ["expertassignment"],
}
# The evidence library is shared by every page: page managers add to it and
# correct it, but only editors delete from it.
SHARED_LIBRARY = {
    "programs": ["program", "implementation", "outcome", "evidencerating", "resource"]
}


def _permissions(apps_models, actions):
    return [
        f"{app}.{action}_{model}"
        for app, models in apps_models.items()
        for model in models
        for action in actions
    ]


PAGE_MANAGERS = (
    _permissions(PAGE_CONTENT, ("add", "change", "delete", "view"))
    + _permissions(SHARED_LIBRARY, ("add", "change", "view"))
    + [f"strategy.{action}_strategy" for action in ("add", "change", "view")]
    + [
        "strategy.view_strategymap",
        "strategy.view_band",
        "strategy.view_strategylink",
        "scorecards.view_partner",
        "scorecards.view_datasource",
        "reviews.view_review",
        # To pick experts; the user admin shows page managers names only.
        "auth.view_user",
    ]
)

EDITORS = sorted(
    set(PAGE_MANAGERS)
    | set(
        _permissions(
            {
                "strategy": ["strategymap", "band", "strategy", "strategylink"],
                "scorecards": ["partner", "datasource"],
                "reviews": ["review"],
                **SHARED_LIBRARY,
            },
            ("add", "change", "delete", "view"),
        )
    )
    | {"strategy.edit_all_strategies", "auth.add_user", "auth.change_user", "auth.view_group"}
)

REVIEWERS = ["strategy.view_strategy", "reviews.add_review", "reviews.view_review"]

ROLES = {"Page managers": PAGE_MANAGERS, "Editors": EDITORS, "Reviewers": REVIEWERS}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations have run; create
    # them now so the groups can be given theirs.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = []
        for code in codes:
            app_label, codename = code.split(".")
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reviews", "0001_initial"),
        ("strategy", "0001_initial"),
        ("programs", "0001_initial"),
        ("scorecards", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
