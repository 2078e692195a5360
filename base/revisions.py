"""A page's revision and many rows, written in bulk.

django-reversion records a page by following it object by object: a query
for each parent's parts, Django's serializer once per row, and a copy of
everything recorded so far for every row it adds, so the time grows with the
square of the rows. A page with 20,000 data points took 14 s to record, and
one with 100,000 would take minutes. ``record_page_revision`` stores the same
revision (the same versions, serialized the same way, in the same order; a
test compares the two) with one query per kind of part and multi-row inserts.
"""

import datetime
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router, transaction
from django.db.models import Model
from django.db.models.fields.related_descriptors import ReverseManyToOneDescriptor
from django.utils.encoding import force_str, is_protected_type
from reversion.models import Revision, Version
from reversion.revisions import _get_options

from base import page_cache
from base.models import ChangeKind, RevisionKind

# Rows per INSERT where the driver sends one statement per row to executemany.
INSERT_BATCH = 1000
# What Django's JSON serializer writes for one object, between its brackets.
_JSON = DjangoJSONEncoder(ensure_ascii=False)


def insert_rows(
    model: type[Model],
    fields: Sequence[str],
    rows: Iterable[Sequence],
    *,
    update_on_conflict: Sequence[str] = (),
) -> None:
    """Insert ``rows``, each the values of ``fields`` as the database driver takes them.

    No ``save()``, no signals and no field conversion: the caller passes ints,
    strings, Decimals, dates and None. ``rows`` may be made as it is read,
    but then without a query (on PostgreSQL a COPY holds the connection).
    With ``update_on_conflict``, a row whose primary key exists (``fields``
    must then include it) updates those fields instead. One statement on
    SQLite, which runs it for every row in C. On PostgreSQL, plain inserts go
    in through one ``COPY`` (several times faster than ``INSERT`` for large
    data), and inserts that may update send one statement per
    ``INSERT_BATCH`` rows (psycopg2 would send one per row).
    """
    using = router.db_for_write(model)
    connection = connections[using]
    quote = connection.ops.quote_name
    meta = model._meta
    columns = [meta.get_field(name).column for name in fields]
    # The names are the model's, quoted by the backend; every value is a parameter.
    head = f"INSERT INTO {quote(meta.db_table)} ({', '.join(map(quote, columns))}) VALUES "  # noqa: S608
    one_row = f"({', '.join(['%s'] * len(columns))})"
    tail = ""
    if update_on_conflict:
        updates = [meta.get_field(name).column for name in update_on_conflict]
        tail = f" ON CONFLICT ({quote(meta.pk.column)}) DO UPDATE SET " + ", ".join(
            f"{quote(column)} = EXCLUDED.{quote(column)}" for column in updates
        )
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(head + one_row + tail, rows)
            return
        # copy_expert is psycopg2's; with psycopg 3 the rows take the batched INSERT.
        if hasattr(cursor, "copy_expert") and not update_on_conflict:
            table = f"{quote(meta.db_table)} ({', '.join(map(quote, columns))})"
            # Django wraps the driver's errors (IntegrityError…) for execute() only.
            with connection.wrap_database_errors:
                cursor.copy_expert(f"COPY {table} FROM STDIN", _CopyStream(rows))
            return
        batch: list = []
        for row in rows:
            batch.append(row)
            if len(batch) == INSERT_BATCH:
                _insert_batch(cursor, head, one_row, tail, batch)
                batch = []
        if batch:
            _insert_batch(cursor, head, one_row, tail, batch)


# COPY's text format: a tab between values, a newline after each row, \N for
# NULL, and a backslash before a backslash, tab, newline or carriage return.
_COPY_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))


def _copy_line(row: Sequence) -> str:
    # Escaping the row at once, its values joined by a NUL (which no value
    # may hold), is several times faster than escaping value by value.
    if None in row:
        line = "\t".join("\\N" if value is None else _copy_escape(str(value)) for value in row)
        return line + "\n"
    line = "\x00".join(map(str, row))
    if line.count("\x00") != len(row) - 1:
        raise ValueError("A value holds a NUL character, which the database cannot store.")
    return _copy_escape(line).replace("\x00", "\t") + "\n"


class _CopyStream(io.TextIOBase):
    """The rows in COPY's text format, made as the driver reads them.

    The database stores one part while the next is made, on another core.
    """

    def __init__(self, rows: Iterable[Sequence]):
        self._lines = map(_copy_line, rows)
        self._rest = ""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> str:
        parts, length = [self._rest], len(self._rest)
        for line in self._lines:
            parts.append(line)
            length += len(line)
            if 0 <= size <= length:
                break
        text = "".join(parts)
        cut = len(text) if size < 0 else size
        self._rest = text[cut:]
        return text[:cut]


def _copy_escape(text: str) -> str:
    for character, escaped in _COPY_ESCAPES:
        if character in text:
            text = text.replace(character, escaped)
    return text


def _insert_batch(cursor, head: str, one_row: str, tail: str, batch: list) -> None:
    cursor.execute(
        head + ", ".join([one_row] * len(batch)) + tail,
        [value for row in batch for value in row],
    )


# The kind of change the revisions saved now record; an admin save is an edit.
_change_kind: ContextVar[ChangeKind] = ContextVar("change_kind", default=ChangeKind.EDIT)


@contextmanager
def change_kind(kind: ChangeKind) -> Iterator[None]:
    """Revisions saved inside are of ``kind`` (a restore in the admin, say)."""
    token = _change_kind.set(ChangeKind(kind))
    try:
        yield
    finally:
        _change_kind.reset(token)


def record_revision_kind(sender, instance, created, raw=False, using=None, **kwargs) -> None:
    """Store the kind of every revision as it is saved (connected in ``BaseConfig.ready``).

    A signal, not a step of ``recorded_change``: django-reversion, the bulk
    revisions here and the wiki import each save their revision themselves.
    Rows loaded from a backup (``raw``) bring their own kind.
    """
    if created and not raw:
        RevisionKind.objects.using(using).create(revision=instance, kind=_change_kind.get())


@contextmanager
def recorded_change(*, user, comment: str, kind: ChangeKind = ChangeKind.EDIT) -> Iterator[None]:
    """One transaction and one revision, with its author, a comment and its kind, around a write."""
    # The kind outlasts the revision's block, which saves the revision as it ends.
    with change_kind(kind), transaction.atomic(), reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment)
        yield
        # Bulk writes inside send no signals; the cached pages must still go.
        page_cache.content_changed()


def record_page_revision(page: Model) -> Revision | None:
    """Store the revision being recorded, holding the whole page as it is now.

    Use it inside ``recorded_change`` in place of ``reversion.add_to_revision(page)``
    after bulk writes (which record nothing themselves): the revision gets the
    author, comment and date set there, and the page with every row it follows,
    as django-reversion would store them. It sends no ``pre_revision_commit``
    or ``post_revision_commit`` signal (nothing here listens to them). Returns
    the revision, or None when the transaction is already being rolled back.
    One query per kind of part, whatever the page holds, and one insert per
    ``INSERT_BATCH`` versions (one in all on SQLite).
    """
    using = router.db_for_write(Revision)
    if transaction.get_rollback(using):
        return None
    model_db = router.db_for_write(type(page), instance=page)
    objects = _page_objects(page)
    revision = Revision(
        date_created=reversion.get_date_created(),
        user=reversion.get_user(),
        comment=reversion.get_comment(),
    )
    revision.save(using=using)
    insert_rows(
        Version,
        ("revision", "object_id", "content_type", "db", "format", "serialized_data", "object_repr"),
        _version_rows(revision, objects, using=using, model_db=model_db),
    )
    return revision


def _version_rows(
    revision: Revision, objects: list[Model], *, using: str, model_db: str
) -> Iterator[tuple]:
    """The versions' rows, made as they are read; what needs a query is read first."""
    models = list(dict.fromkeys(type(obj) for obj in objects))
    content_types = ContentType.objects.db_manager(using).get_for_models(*models)
    kinds = {}
    for model in models:
        options = _get_options(model)
        if options.format != "json" or options.use_natural_foreign_keys:
            raise ValueError(f"{model.__name__}: only the JSON format without natural keys.")
        if not options.for_concrete_model:
            raise ValueError(f"{model.__name__}: only versions of concrete models.")
        kinds[model] = (options.object_id_field, content_types[model].pk, _json_writer(model))
    # A row's name may read another row (a program link names its program), so
    # the names are made before the rows are read, which must not query.
    names = [force_str(obj) for obj in objects]

    def row(obj: Model, name: str) -> tuple:
        object_id_field, content_type, write_json = kinds[type(obj)]
        return (
            revision.pk,
            force_str(getattr(obj, object_id_field)),
            content_type,
            model_db,
            "json",
            write_json(obj),
            name,
        )

    return map(row, objects, names)


def _json_writer(model: type[Model]) -> Callable[[Model], str]:
    """What Django's JSON serializer writes for one object, as django-reversion calls it."""
    selected = _get_options(model).fields
    meta = model._meta.concrete_model._meta
    if any(field.serialize and field.name in selected for field in meta.local_many_to_many):

        def write_with_django(obj: Model) -> str:
            return serializers.serialize("json", (obj,), fields=selected)

        return write_with_django
    # The serializer's fields and values for a model without many-to-many
    # fields (base.Serializer.serialize, python.Serializer._value_from_field),
    # with dates and Decimals written as DjangoJSONEncoder writes them.
    fields = [(field.name, field) for field in meta.local_fields if field.serialize]
    fields = [(name, field) for name, field in fields if name in selected]
    label, key = str(model._meta), model._meta.pk

    def value_of(obj: Model, field) -> object:
        value = field.value_from_object(obj)
        kind = type(value)
        if kind is Decimal:
            return str(value)
        if kind is datetime.date:
            return value.isoformat()
        return value if is_protected_type(value) else field.value_to_string(obj)

    def write(obj: Model) -> str:
        data = {
            "model": label,
            "pk": value_of(obj, key),
            "fields": {name: value_of(obj, field) for name, field in fields},
        }
        return f"[{_JSON.encode(data)}]"

    return write


def page_objects(page: Model) -> list[Model]:
    """The page and every row its revision follows, as they are now; one query per relation.

    Many-to-many values are prefetched, and each row's parent is cached on it.
    """
    return _page_objects(page)


def _page_objects(page: Model) -> list[Model]:
    """The page and every row it follows, in the order django-reversion visits them.

    Reversion visits each object, then each relation it follows in turn, and
    the rows of that relation depth first; a row met twice counts once.
    """
    children = _followed_rows([page])
    follows = {model: _get_options(model).follow for model, _ in children}
    follows[type(page)] = _get_options(type(page)).follow
    ordered: list[Model] = []
    seen: set[tuple[type[Model], object]] = set()

    def visit(obj: Model) -> None:
        model = type(obj)
        key = (model, obj.pk)
        if key in seen:
            return
        seen.add(key)
        ordered.append(obj)
        for name in follows.get(model, ()):
            for child in children[(model, name)].get(obj.pk, ()):
                visit(child)

    visit(page)
    return ordered


def _followed_rows(parents: list[Model]) -> dict[tuple[type[Model], str], dict[object, list]]:
    """For each model and relation it follows: each parent's rows. One query per relation."""
    found: dict[tuple[type[Model], str], dict[object, list]] = {}
    level = {type(parents[0]): parents}
    while level:
        next_level: dict[type[Model], list[Model]] = defaultdict(list)
        for model, objects in level.items():
            for name in _get_options(model).follow:
                rows = _rows_of_relation(model, name, objects)
                found[(model, name)] = rows
                for children in rows.values():
                    next_level[children[0].__class__].extend(children)
        level = next_level
    return found


def _rows_of_relation(model: type[Model], name: str, parents: list[Model]) -> dict[object, list]:
    descriptor = getattr(model, name, None)
    if type(descriptor) is not ReverseManyToOneDescriptor:
        raise TypeError(f"{model.__name__}.{name}: only reverse foreign keys can be followed here.")
    key = descriptor.rel.field
    by_value = {getattr(parent, key.target_field.attname): parent for parent in parents}
    child_model = descriptor.rel.related_model
    many_to_many = [
        field.name
        for field in child_model._meta.local_many_to_many
        if field.name in _get_options(child_model).fields
    ]
    # The default manager, as the related manager that reversion reads is built on it.
    queryset = child_model._default_manager.filter(**{f"{key.name}__in": list(by_value)})
    rows: dict[object, list] = defaultdict(list)
    for child in queryset.prefetch_related(*many_to_many):
        parent = by_value[getattr(child, key.attname)]
        # A row named after its parent (a data point after its measure) needs no query.
        key.set_cached_value(child, parent)
        rows[parent.pk].append(child)
    return rows
