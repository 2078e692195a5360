"""Every measure's status as last judged (``JudgedStatus``), and the triggers that keep it
honest on both databases.

A measure gets its row when it is inserted; an insert, update or delete of its data
points, or a change to a field its status is judged from, clears the row's code and
moves its generation on, in the same transaction as the write. Triggers rather than
signals, so that every way of writing rows (``save()``, ``bulk_create()``,
``QuerySet.update()``, raw SQL, an import, a revert) is seen. ``scorecards.judged``
fills the codes in.

On SQLite, a later migration that rebuilds one of these tables drops its triggers:
``tests/scorecards/test_judged_status.py`` fails then, and the triggers must be made
again.
"""

from django.db import migrations, models
import django.db.models.deletion

# The measure's own fields a status is judged from (``scorecards.models.STATUS_COLUMNS``).
JUDGED_FROM = (
    "baseline_value",
    "baseline_period",
    "target_value",
    "target_period",
    "polarity",
    "stale_after_months",
    "tolerance",
)
JUDGE_AGAIN = "UPDATE scorecards_judgedstatus SET code = NULL, generation = generation + 1"
CHANGED = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in JUDGED_FROM)

# Once per statement on PostgreSQL, with the rows it wrote: a bulk write costs one update.
POSTGRESQL = f"""
CREATE FUNCTION scorecards_measures_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO scorecards_judgedstatus (measure_id, code, until, generation)
    SELECT id, NULL, NULL, 0 FROM added_measures;
    RETURN NULL;
END $$;
CREATE TRIGGER scorecards_measures_added AFTER INSERT ON scorecards_measure
    REFERENCING NEW TABLE AS added_measures
    FOR EACH STATEMENT EXECUTE FUNCTION scorecards_measures_added();

CREATE FUNCTION scorecards_measure_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {JUDGE_AGAIN} WHERE measure_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER scorecards_measure_changed AFTER UPDATE ON scorecards_measure
    FOR EACH ROW WHEN ({CHANGED}) EXECUTE FUNCTION scorecards_measure_changed();

CREATE FUNCTION scorecards_points_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {JUDGE_AGAIN} WHERE measure_id IN (SELECT DISTINCT measure_id FROM written_points);
    RETURN NULL;
END $$;
CREATE TRIGGER scorecards_points_added AFTER INSERT ON scorecards_datapoint
    REFERENCING NEW TABLE AS written_points
    FOR EACH STATEMENT EXECUTE FUNCTION scorecards_points_written();
CREATE TRIGGER scorecards_points_removed AFTER DELETE ON scorecards_datapoint
    REFERENCING OLD TABLE AS written_points
    FOR EACH STATEMENT EXECUTE FUNCTION scorecards_points_written();

CREATE FUNCTION scorecards_points_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {JUDGE_AGAIN} WHERE measure_id IN (
        SELECT measure_id FROM points_before UNION SELECT measure_id FROM points_after
    );
    RETURN NULL;
END $$;
CREATE TRIGGER scorecards_points_changed AFTER UPDATE ON scorecards_datapoint
    REFERENCING OLD TABLE AS points_before NEW TABLE AS points_after
    FOR EACH STATEMENT EXECUTE FUNCTION scorecards_points_changed();
"""  # noqa: S608 (constants only)
POSTGRESQL_REMOVE = """
DROP TRIGGER scorecards_points_changed ON scorecards_datapoint;
DROP TRIGGER scorecards_points_removed ON scorecards_datapoint;
DROP TRIGGER scorecards_points_added ON scorecards_datapoint;
DROP TRIGGER scorecards_measure_changed ON scorecards_measure;
DROP TRIGGER scorecards_measures_added ON scorecards_measure;
DROP FUNCTION scorecards_points_changed();
DROP FUNCTION scorecards_points_written();
DROP FUNCTION scorecards_measure_changed();
DROP FUNCTION scorecards_measures_added();
"""

# Once per row on SQLite, which has no statement triggers.
SQLITE = [
    """CREATE TRIGGER scorecards_measures_added AFTER INSERT ON scorecards_measure BEGIN
        INSERT INTO scorecards_judgedstatus (measure_id, code, until, generation)
        VALUES (NEW.id, NULL, NULL, 0);
    END""",
    f"""CREATE TRIGGER scorecards_measure_changed AFTER UPDATE ON scorecards_measure
        WHEN {CHANGED.replace("IS DISTINCT FROM", "IS NOT")} BEGIN
        {JUDGE_AGAIN} WHERE measure_id = NEW.id;
    END""",
    f"""CREATE TRIGGER scorecards_points_added AFTER INSERT ON scorecards_datapoint BEGIN
        {JUDGE_AGAIN} WHERE measure_id = NEW.measure_id;
    END""",
    f"""CREATE TRIGGER scorecards_points_removed AFTER DELETE ON scorecards_datapoint BEGIN
        {JUDGE_AGAIN} WHERE measure_id = OLD.measure_id;
    END""",
    f"""CREATE TRIGGER scorecards_points_changed AFTER UPDATE ON scorecards_datapoint BEGIN
        {JUDGE_AGAIN} WHERE measure_id IN (OLD.measure_id, NEW.measure_id);
    END""",
]
SQLITE_TRIGGERS = (
    "scorecards_measures_added",
    "scorecards_measure_changed",
    "scorecards_points_added",
    "scorecards_points_removed",
    "scorecards_points_changed",
)


def add_triggers(apps, schema_editor):
    execute = schema_editor.execute
    execute(
        "INSERT INTO scorecards_judgedstatus (measure_id, code, until, generation) "
        "SELECT id, NULL, NULL, 0 FROM scorecards_measure"
    )
    if schema_editor.connection.vendor == "postgresql":
        execute(POSTGRESQL)
    else:
        for statement in SQLITE:
            execute(statement)


def remove_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_REMOVE)
    else:
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("scorecards", "0007_measure_owner_frequency_lag_action_responsible"),
    ]

    operations = [
        migrations.CreateModel(
            name="JudgedStatus",
            fields=[
                (
                    "measure",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="judged",
                        serialize=False,
                        to="scorecards.measure",
                    ),
                ),
                ("code", models.CharField(db_index=True, max_length=20, null=True)),
                ("until", models.DateField(null=True)),
                ("generation", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(add_triggers, remove_triggers),
    ]
