"""The full-text search index of strategy pages, on PostgreSQL only.

Its expression must stay equal to ``public.search.STRATEGY_FIELDS.vector()``,
or the planner cannot use it; tests/public/test_search.py checks that it does.
It is not in ``Meta.indexes`` because SQLite cannot build it.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX = GinIndex(
    SearchVector("title", weight="A", config="english")
    + SearchVector("intro", weight="B", config="english"),
    name="strategy_search_gin",
)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("strategy", "Strategy"), INDEX)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("strategy", "Strategy"), INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("strategy", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(add_index, remove_index),
    ]
