"""Stored full-text search documents for programs and resources, on PostgreSQL.

A ``search_document`` column in each table holds each row's tsvector; the
models do not declare it, so only search, in SQL, ever reads it
(public/search.py). A BEFORE INSERT OR UPDATE trigger per table computes it from the
name or title (weight A) and the other searched fields (weight B) with the
"english" configuration, so every way of writing a row keeps it current:
``save()``, ``bulk_create()``, ``QuerySet.update()`` and raw SQL alike. The
expressions must stay equal to ``public.search.PROGRAM_FIELDS.vector()`` and
``RESOURCE_FIELDS.vector()``; tests/public/test_search.py compares them.

A GIN index on each column serves the search. Their fast-update pending lists
are off: each write goes straight into the index, so a search never reads
through a list of recent writes and the planner's estimate does not wait for a
VACUUM. Rows are written far less often than they are searched.

This replaces the expression indexes of 0002. SQLite gets nothing: it has no
triggers in plpgsql and no GIN indexes, and search there matches words in the
fields themselves.
"""

from dataclasses import dataclass

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations


@dataclass(frozen=True)
class Document:
    model: str
    table: str
    title: str
    body: tuple[str, ...]
    index: str
    old_index: GinIndex  # the expression index of 0002, rebuilt when this migration is reversed

    @property
    def function(self) -> str:
        return f"{self.table}_search_document"

    def sql(self) -> str:
        """The tsvector of NEW, as Django's ``SearchVector`` builds it for these fields."""
        body = " || ' ' || ".join(f"COALESCE(NEW.{name}::text, '')" for name in self.body)
        return (
            f"setweight(to_tsvector('english'::regconfig, COALESCE(NEW.{self.title}::text, '')),"
            f" 'A') || setweight(to_tsvector('english'::regconfig, {body}), 'B')"
        )


DOCUMENTS = [
    Document(
        model="Program",
        table="programs_program",
        title="name",
        body=("summary", "description"),
        index="program_search_document_gin",
        old_index=GinIndex(
            SearchVector("name", weight="A", config="english")
            + SearchVector("summary", "description", weight="B", config="english"),
            name="program_search_gin",
        ),
    ),
    Document(
        model="Resource",
        table="programs_resource",
        title="title",
        body=("publisher", "description"),
        index="resource_search_document_gin",
        old_index=GinIndex(
            SearchVector("title", weight="A", config="english")
            + SearchVector("publisher", "description", weight="B", config="english"),
            name="resource_search_gin",
        ),
    ),
]


def add_documents(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for document in DOCUMENTS:
        model = apps.get_model("programs", document.model)
        table = schema_editor.quote_name(document.table)
        schema_editor.execute(f"ALTER TABLE {table} ADD COLUMN search_document tsvector")
        schema_editor.remove_index(model, document.old_index)
        schema_editor.execute(
            f"""
            CREATE FUNCTION {document.function}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.search_document := {document.sql()};
                RETURN NEW;
            END
            $$
            """
        )
        # Listing search_document too means that a write to the column itself is
        # recomputed: it never holds anything but the document of the row.
        columns = ", ".join((document.title, *document.body, "search_document"))
        schema_editor.execute(
            f"CREATE TRIGGER {document.function} BEFORE INSERT OR UPDATE OF {columns} "
            f"ON {document.table} FOR EACH ROW EXECUTE FUNCTION {document.function}()"
        )
        # The trigger fills in every existing row's document.
        schema_editor.execute(f"UPDATE {table} SET search_document = NULL")  # noqa: S608
        schema_editor.execute(
            f"CREATE INDEX {document.index} ON {table} USING gin (search_document) "
            "WITH (fastupdate = off)"
        )
        # Statistics for the new column, so that the planner estimates matches from the start.
        schema_editor.execute(f"ANALYZE {document.table}")


def remove_documents(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for document in DOCUMENTS:
        model = apps.get_model("programs", document.model)
        schema_editor.execute(f"DROP TRIGGER {document.function} ON {document.table}")
        schema_editor.execute(f"DROP FUNCTION {document.function}()")
        schema_editor.execute(f"ALTER TABLE {document.table} DROP COLUMN search_document")
        schema_editor.add_index(model, document.old_index)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0002_search_index"),
    ]

    operations = [
        migrations.RunPython(add_documents, remove_documents),
    ]
