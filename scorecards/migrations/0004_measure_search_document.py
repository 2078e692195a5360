"""A stored full-text search document for measures, on PostgreSQL.

As for strategy pages, programs and resources (their 0003 migrations): a
``search_document`` column the model does not declare, kept by a BEFORE
INSERT OR UPDATE trigger from the measure's name (weight A) and unit (weight
B) with the "english" configuration, and a GIN index with its fast-update
pending list off. The expression must stay equal to
``public.search.MEASURE_FIELDS.vector()``; tests/public/test_search.py
compares them. SQLite gets nothing: search there matches words in the fields.
"""

from django.db import migrations

DOCUMENT = (
    "setweight(to_tsvector('english'::regconfig, COALESCE(NEW.name::text, '')), 'A')"
    " || setweight(to_tsvector('english'::regconfig, COALESCE(NEW.unit::text, '')), 'B')"
)


def add_document(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE scorecards_measure ADD COLUMN search_document tsvector")
    schema_editor.execute(
        f"""
        CREATE FUNCTION scorecards_measure_search_document() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            NEW.search_document := {DOCUMENT};
            RETURN NEW;
        END
        $$
        """
    )
    # Listing search_document too means that a write to the column itself is
    # recomputed: it never holds anything but the document of the row.
    schema_editor.execute(
        "CREATE TRIGGER scorecards_measure_search_document "
        "BEFORE INSERT OR UPDATE OF name, unit, search_document ON scorecards_measure "
        "FOR EACH ROW EXECUTE FUNCTION scorecards_measure_search_document()"
    )
    # The trigger fills in every existing row's document.
    schema_editor.execute("UPDATE scorecards_measure SET search_document = NULL")
    schema_editor.execute(
        "CREATE INDEX measure_search_document_gin ON scorecards_measure "
        "USING gin (search_document) WITH (fastupdate = off)"
    )
    schema_editor.execute("ANALYZE scorecards_measure")


def remove_document(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER scorecards_measure_search_document ON scorecards_measure")
    schema_editor.execute("DROP FUNCTION scorecards_measure_search_document()")
    schema_editor.execute("ALTER TABLE scorecards_measure DROP COLUMN search_document")


class Migration(migrations.Migration):
    dependencies = [
        ("scorecards", "0003_newest_first_indexes"),
    ]

    operations = [
        migrations.RunPython(add_document, remove_document),
    ]
