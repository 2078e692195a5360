"""The full-text search indexes of programs and resources, on PostgreSQL only.

Their expressions must stay equal to ``public.search.PROGRAM_FIELDS.vector()``
and ``RESOURCE_FIELDS.vector()``, or the planner cannot use them;
tests/public/test_search.py checks that it does. They are not in
``Meta.indexes`` because SQLite cannot build them.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEXES = {
    "Program": GinIndex(
        SearchVector("name", weight="A", config="english")
        + SearchVector("summary", "description", weight="B", config="english"),
        name="program_search_gin",
    ),
    "Resource": GinIndex(
        SearchVector("title", weight="A", config="english")
        + SearchVector("publisher", "description", weight="B", config="english"),
        name="resource_search_gin",
    ),
}


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for model_name, index in INDEXES.items():
            schema_editor.add_index(apps.get_model("programs", model_name), index)


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for model_name, index in INDEXES.items():
            schema_editor.remove_index(apps.get_model("programs", model_name), index)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(add_indexes, remove_indexes),
    ]
