"""Search covers everything a public page shows, on PostgreSQL: stored documents for every
searched table, documents that include what their rows show of related rows, and a
dictionary of the indexed words for typo tolerance.

Search is a feature of the public site (``public/search.py``), so its documents
are kept here, over the domain apps' tables; the domain apps' earlier migrations
(``strategy`` and ``programs`` 0003, ``scorecards`` 0004) added the first four.
As those: a ``search_document`` column the models do not declare, a BEFORE
INSERT OR UPDATE trigger that computes it, so that every way of writing a row
(``save()``, ``bulk_create()``, ``QuerySet.update()``, raw SQL) keeps it
current, and a GIN index with its fast-update pending list off.

Each document is a tsvector of the "english" configuration in three weights:
A the row's name or title (a person's name for reviews and experts), B its own
other text, C the text it shows from related rows:

| table | A | B | C |
|---|---|---|---|
| strategy page | title | introduction | |
| program | name | summary, description, where and when it began | its implementations (place, year, notes), their outcomes (indicator, period), its evidence ratings (source, outcome rated) |
| resource | title | publisher, description | |
| objective | title | details | |
| measure | name | unit | its data source's name |
| action | title | | its lead's and partners' names |
| partner | name | | |
| review | the reviewer's name | comments, reply, who addressed it | |
| expert | the expert's name | area | |

A row's C part lives in other tables, so their triggers ask for the document
again (``SET search_document = NULL``, which the row's own trigger replaces),
once per statement with the rows it wrote (transition tables), so a bulk
write costs one update: an implementation, outcome or rating its program's, a
data source's new name its measures', a partner's new name and the
action-partner links their actions', a person's new name their reviews' and
expert assignments'.

**Words.** ``search_word`` holds every word (lower case, letters only, 3 to 40
long) that a document was ever made of, with a trigram index (``pg_trgm``), so
that search can suggest the nearest indexed word for one that finds nothing
("buglaries" → "burglaries"). Words are added by triggers on every table the
documents read, once per statement (``WORDS_FROM``), and never removed: a word
that no longer occurs makes a suggestion that finds nothing, which search does
not show.

SQLite gets nothing: search there matches words in the fields themselves.
"""

from dataclasses import dataclass

from django.db import migrations

WORDS = """
CREATE TABLE search_word (word text COLLATE "C" PRIMARY KEY);
CREATE INDEX search_word_trgm ON search_word USING gin (word gin_trgm_ops);
CREATE FUNCTION search_note_words(body text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO search_word (word)
    SELECT DISTINCT word FROM regexp_split_to_table(lower(body), '[^[:alpha:]]+') AS word
    WHERE length(word) BETWEEN 3 AND 40
    ORDER BY 1  -- one order for every writer: concurrent inserts cannot deadlock
    ON CONFLICT DO NOTHING
$$;
"""


def person(id_column: str, name_column: str) -> str:
    """How the site names a person (``accounts.people.person_name``): the account's full
    name, else its username; the stored name when there is no account."""
    name = "COALESCE(NULLIF(trim(u.first_name || ' ' || u.last_name), ''), u.username)"
    account = f"SELECT {name} FROM auth_user u WHERE u.id = NEW.{id_column}"  # noqa: S608
    return f"CASE WHEN NEW.{id_column} IS NULL THEN NEW.{name_column} ELSE ({account}) END"


@dataclass(frozen=True)
class Document:
    table: str
    a: tuple[str, ...]  # SQL over NEW, the row's name
    b: tuple[str, ...] = ()
    c: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()  # those whose change recomputes the document
    index: str = ""  # the GIN index to create; "" when an earlier migration made it

    @property
    def function(self) -> str:
        return f"{self.table}_search_document"

    def create(self) -> str:
        def weighted(parts, weight):
            text = f"concat_ws(' ', {', '.join(parts)})" if parts else "''"
            return f"setweight(to_tsvector('english'::regconfig, {text}), '{weight}')"

        document = " || ".join(
            weighted(parts, weight)
            for parts, weight in ((self.a, "A"), (self.b, "B"), (self.c, "C"))
        )
        return f"""
        CREATE OR REPLACE FUNCTION {self.function}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.search_document := {document};
            RETURN NEW;
        END
        $$;
        DROP TRIGGER IF EXISTS {self.function} ON {self.table};
        CREATE TRIGGER {self.function}
            BEFORE INSERT OR UPDATE OF {", ".join((*self.columns, "search_document"))}
            ON {self.table} FOR EACH ROW EXECUTE FUNCTION {self.function}();
        """


DOCUMENTS = [
    Document("strategy_strategy", a=("NEW.title",), b=("NEW.intro",), columns=("title", "intro")),
    Document(
        "programs_program",
        a=("NEW.name",),
        b=(
            "NEW.summary",
            "NEW.description",
            "NEW.first_implemented_place",
            "NEW.first_implemented_year",
        ),
        c=(
            "(SELECT string_agg(concat_ws(' ', i.place, i.start_year, i.notes), ' ') "
            "FROM programs_implementation i WHERE i.program_id = NEW.id)",
            "(SELECT string_agg(concat_ws(' ', o.indicator, o.period), ' ') "
            "FROM programs_outcome o JOIN programs_implementation i "
            "ON i.id = o.implementation_id WHERE i.program_id = NEW.id)",
            "(SELECT string_agg(concat_ws(' ', r.source, r.outcome_rated), ' ') "
            "FROM programs_evidencerating r WHERE r.program_id = NEW.id)",
        ),
        columns=(
            "name",
            "summary",
            "description",
            "first_implemented_place",
            "first_implemented_year",
        ),
    ),
    Document(
        "programs_resource",
        a=("NEW.title",),
        b=("NEW.publisher", "NEW.description"),
        columns=("title", "publisher", "description"),
    ),
    Document(
        "scorecards_objective",
        a=("NEW.title",),
        b=("NEW.details",),
        columns=("title", "details"),
        index="objective_search_document_gin",
    ),
    Document(
        "scorecards_measure",
        a=("NEW.name",),
        b=("NEW.unit",),
        c=("(SELECT d.name FROM scorecards_datasource d WHERE d.id = NEW.data_source_id)",),
        columns=("name", "unit", "data_source_id"),
    ),
    Document(
        "scorecards_action",
        a=("NEW.title",),
        c=(
            "(SELECT p.name FROM scorecards_partner p WHERE p.id = NEW.lead_id)",
            "(SELECT string_agg(p.name, ' ') FROM scorecards_action_partners ap "
            "JOIN scorecards_partner p ON p.id = ap.partner_id WHERE ap.action_id = NEW.id)",
        ),
        columns=("title", "lead_id"),
        index="action_search_document_gin",
    ),
    Document(
        "scorecards_partner",
        a=("NEW.name",),
        columns=("name",),
        index="partner_search_document_gin",
    ),
    Document(
        "reviews_review",
        a=(person("reviewer_id", "reviewer_name"),),
        b=("NEW.comments", "NEW.reply", "NEW.addressed_by_name"),
        columns=("reviewer_id", "reviewer_name", "comments", "reply", "addressed_by_name"),
        index="review_search_document_gin",
    ),
    Document(
        "reviews_expertassignment",
        a=(person("expert_id", "expert_name"),),
        b=("NEW.area",),
        columns=("expert_id", "expert_name", "area"),
        index="expert_search_document_gin",
    ),
]

# What the documents show of other tables: a change there asks for the document again,
# once per statement. ``{rows}`` is the rows inserted, deleted, or updated (as they are
# and as they were); ``{changed}`` narrows an update to the rows whose named columns
# changed.
DEPENDENTS = [
    (
        "programs_implementation",
        "UPDATE programs_program SET search_document = NULL "
        "WHERE id IN (SELECT program_id FROM {rows})",
        None,
    ),
    (
        "programs_outcome",
        "UPDATE programs_program SET search_document = NULL WHERE id IN ("
        "SELECT program_id FROM programs_implementation "
        "WHERE id IN (SELECT implementation_id FROM {rows}))",
        None,
    ),
    (
        "programs_evidencerating",
        "UPDATE programs_program SET search_document = NULL "
        "WHERE id IN (SELECT program_id FROM {rows})",
        None,
    ),
    (
        "scorecards_datasource",
        "UPDATE scorecards_measure SET search_document = NULL "
        "WHERE data_source_id IN (SELECT id FROM {changed} AS renamed)",
        ("name",),
    ),
    (
        "scorecards_partner",
        "UPDATE scorecards_action SET search_document = NULL "
        "WHERE lead_id IN (SELECT id FROM {changed} AS renamed) OR id IN ("
        "SELECT action_id FROM scorecards_action_partners "
        "WHERE partner_id IN (SELECT id FROM {changed} AS renamed))",
        ("name",),
    ),
    (
        "scorecards_action_partners",
        "UPDATE scorecards_action SET search_document = NULL "
        "WHERE id IN (SELECT action_id FROM {rows})",
        None,
    ),
    (
        "auth_user",
        "UPDATE reviews_review SET search_document = NULL "
        "WHERE reviewer_id IN (SELECT id FROM {changed} AS renamed); "
        "UPDATE reviews_expertassignment SET search_document = NULL "
        "WHERE expert_id IN (SELECT id FROM {changed} AS renamed)",
        ("first_name", "last_name", "username"),
    ),
]

# The words of the dictionary: the text columns of every table the documents read.
WORDS_FROM = {
    "strategy_strategy": ("title", "intro"),
    "programs_program": ("name", "summary", "description", "first_implemented_place"),
    "programs_implementation": ("place", "notes"),
    "programs_outcome": ("indicator", "period"),
    "programs_evidencerating": ("source", "outcome_rated"),
    "programs_resource": ("title", "publisher", "description"),
    "scorecards_objective": ("title", "details"),
    "scorecards_measure": ("name", "unit"),
    "scorecards_datasource": ("name",),
    "scorecards_action": ("title",),
    "scorecards_partner": ("name",),
    "reviews_review": ("reviewer_name", "comments", "reply", "addressed_by_name"),
    "reviews_expertassignment": ("expert_name", "area"),
    "auth_user": ("first_name", "last_name", "username"),
}


def changed_rows(columns) -> str:
    """The updated rows (as they are) whose ``columns`` changed."""
    new = ", ".join(f"n.{column}" for column in columns)
    old = ", ".join(f"o.{column}" for column in columns)
    return (
        f"(SELECT n.* FROM changed n JOIN previous o ON o.id = n.id "  # noqa: S608
        f"WHERE ({new}, NULL) IS DISTINCT FROM ({old}, NULL))"
    )


def statement_triggers(name: str, table: str, on_insert: str, on_delete: str, on_update: str):
    """AFTER triggers, once per statement, that see the rows it wrote as ``changed`` (and,
    for an update, as they were, as ``previous``; for a delete, as ``previous``)."""
    events = [
        ("insert", "INSERT", "NEW TABLE AS changed", on_insert),
        ("delete", "DELETE", "OLD TABLE AS previous", on_delete),
        ("update", "UPDATE", "OLD TABLE AS previous NEW TABLE AS changed", on_update),
    ]
    sql = []
    for suffix, event, referencing, statement in events:
        if not statement:
            continue
        function = f"{name}_{suffix}"
        sql.append(
            f"""
            CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                {statement};
                RETURN NULL;
            END
            $$;
            CREATE TRIGGER {function} AFTER {event} ON {table}
                REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}();
            """
        )
    return sql


def dependent_triggers() -> list[tuple[str, str, list[str]]]:
    """(trigger name prefix, table, SQL) of every trigger made here but the documents'."""
    made = []
    for table, statement, columns in DEPENDENTS:
        if columns is None:
            both = "(SELECT * FROM changed UNION ALL SELECT * FROM previous) AS written"
            triggers = statement_triggers(
                f"{table}_search_follow",
                table,
                statement.format(rows="changed"),
                statement.format(rows="previous"),
                statement.format(rows=both),
            )
        else:
            triggers = statement_triggers(
                f"{table}_search_follow",
                table,
                "",
                "",
                statement.format(changed=changed_rows(columns)),
            )
        made.append((f"{table}_search_follow", table, triggers))
    for table, columns in WORDS_FROM.items():
        text = f"concat_ws(' ', {', '.join(f'n.{column}' for column in columns)})"
        note = f"PERFORM search_note_words((SELECT string_agg({text}, ' ') FROM {{rows}} n))"  # noqa: S608
        triggers = statement_triggers(
            f"{table}_search_words",
            table,
            note.format(rows="changed"),
            "",
            note.format(rows=changed_rows(columns)),
        )
        made.append((f"{table}_search_words", table, triggers))
    return made


def add_documents(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    execute = schema_editor.execute
    execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    execute(WORDS)
    for document in DOCUMENTS:
        if document.index:
            execute(f"ALTER TABLE {document.table} ADD COLUMN search_document tsvector")
        execute(document.create())
    for _, _, triggers in dependent_triggers():
        for sql in triggers:
            execute(sql)
    # Every row's document again (the triggers), and every word there is.
    for document in DOCUMENTS:
        execute(f"UPDATE {document.table} SET search_document = NULL")  # noqa: S608
        if document.index:
            execute(
                f"CREATE INDEX {document.index} ON {document.table} "
                "USING gin (search_document) WITH (fastupdate = off)"
            )
        execute(f"ANALYZE {document.table}")
    for table, columns in WORDS_FROM.items():
        text = f"concat_ws(' ', {', '.join(columns)})"
        execute(f"SELECT search_note_words((SELECT string_agg({text}, ' ') FROM {table}))")  # noqa: S608
    execute("ANALYZE search_word")


# The documents of the earlier migrations, as they were.
EARLIER = [
    Document("strategy_strategy", a=("NEW.title",), b=("NEW.intro",), columns=("title", "intro")),
    Document(
        "programs_program",
        a=("NEW.name",),
        b=("NEW.summary", "NEW.description"),
        columns=("name", "summary", "description"),
    ),
    Document(
        "programs_resource",
        a=("NEW.title",),
        b=("NEW.publisher", "NEW.description"),
        columns=("title", "publisher", "description"),
    ),
    Document("scorecards_measure", a=("NEW.name",), b=("NEW.unit",), columns=("name", "unit")),
]


def remove_documents(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    execute = schema_editor.execute
    for prefix, table, _ in dependent_triggers():
        for suffix in ("insert", "delete", "update"):
            name = f"{prefix}_{suffix}"
            execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            execute(f"DROP FUNCTION IF EXISTS {name}()")
    for document in DOCUMENTS:
        if document.index:
            execute(f"DROP TRIGGER {document.function} ON {document.table}")
            execute(f"DROP FUNCTION {document.function}()")
            execute(f"ALTER TABLE {document.table} DROP COLUMN search_document")
    for document in EARLIER:
        execute(document.create())
        execute(f"UPDATE {document.table} SET search_document = NULL")  # noqa: S608
    execute("DROP FUNCTION search_note_words(text); DROP TABLE search_word")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("strategy", "0005_alter_strategy_last_reviewed"),
        ("programs", "0004_alter_evidencerating_rated_on"),
        ("scorecards", "0006_measure_tolerance"),
        ("reviews", "0006_page_managers_add_partners"),
    ]

    operations = [
        migrations.RunPython(add_documents, remove_documents),
    ]
