"""Page managers add partners and data sources.

A page manager adding a measure (with its data source) or an action (with its
lead and partners) should not wait for an editor to create them. A partner or
data source is shared by every page that names it, so changing or deleting one
(renaming it changes other managers' pages) stays with editors.
"""

from django.db import migrations

PAGE_MANAGERS = "Page managers"
ADDED = [("scorecards", "add_partner"), ("scorecards", "add_datasource")]


def _added_permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in ADDED
    ]


def give_page_managers_add(apps, schema_editor):
    # 0002_roles created the group; one removed since by a superuser stays removed.
    for group in apps.get_model("auth", "Group").objects.filter(name=PAGE_MANAGERS):
        group.permissions.add(*_added_permissions(apps))


def take_page_managers_add(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name=PAGE_MANAGERS):
        group.permissions.remove(*_added_permissions(apps))


class Migration(migrations.Migration):
    # After 0002_roles, which created the group and the permissions.
    dependencies = [("reviews", "0005_alter_review_reviewed_on")]

    operations = [migrations.RunPython(give_page_managers_add, take_page_managers_add)]
