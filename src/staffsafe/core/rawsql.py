"""Hand-written SQL for the API's hot paths, with the same rows and instances as the ORM's.

Compiling a query costs more CPU than PostgreSQL needs to run a small indexed lookup or a one-row
INSERT (docs/PERFORMANCE.md), so the statements every API create makes are written out once per
model. The column lists still come from the models; values read pass through the ORM's own
converters, and values written through each field's `pre_save` and `get_db_prep_save`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any
from weakref import WeakKeyDictionary

from django.db import connections
from django.db.models import Model
from django.db.models.signals import post_save, pre_save

# Per connection, per model: what reading and inserting its rows takes, worked out once.
_PLANS: WeakKeyDictionary[Any, dict[tuple[str, type[Model]], Any]] = WeakKeyDictionary()


def _wrapper(connection):  # type: ignore[no-untyped-def]
    """The connection itself rather than `django.db.connection`, a proxy that costs a lookup on
    every attribute."""
    return connections[connection.alias]


def _plan(kind: str, model: type[Model], connection, make):  # type: ignore[no-untyped-def]
    per_connection = _PLANS.setdefault(connection, {})
    if (kind, model) not in per_connection:
        per_connection[kind, model] = make(model, connection)
    return per_connection[kind, model]


def table(model: type[Model], connection) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def columns(model: type[Model], alias: str, connection) -> str:
    """Every concrete column of `model`, in the order `instance` expects them."""
    quote = connection.ops.quote_name
    return ", ".join(f"{quote(alias)}.{quote(f.column)}" for f in model._meta.concrete_fields)


def width(model: type[Model]) -> int:
    return len(model._meta.concrete_fields)


def _converters(model: type[Model], connection) -> list[tuple[int, list, Any]]:
    """The columns that need converting, with their converters, as SQLCompiler finds them."""
    found = []
    for index, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(
            connection)
        if converters:
            found.append((index, converters, column))
    return found


def instance(model: type[Model], values: Sequence[Any], connection) -> Model:
    """A saved instance from `columns(model, ...)` values, converted as a QuerySet would."""
    connection = _wrapper(connection)
    values = list(values)
    for index, converters, column in _plan("read", model, connection, _converters):
        for converter in converters:
            values[index] = converter(values[index], column, connection)
    return model.from_db(connection.alias, None, values)


def _insert(model: type[Model], connection) -> tuple[list, Any, str, str, str]:
    """The fields an INSERT writes, the auto primary key, the text up to VALUES, one row's
    placeholders and the RETURNING clause, as SQLInsertCompiler writes them."""
    meta = model._meta
    fields = [f for f in meta.local_concrete_fields if not f.generated]
    if (meta.parents or not connection.features.can_return_rows_from_bulk_insert
            or any(f.has_db_default() or hasattr(f, "get_placeholder") for f in fields)):
        raise TypeError(f"{model.__name__}: insert it with the ORM.")
    auto = meta.auto_field
    fields = [f for f in fields if f is not auto]
    quote = connection.ops.quote_name
    head = (f"INSERT INTO {quote(meta.db_table)} "  # noqa: S608 (names from the model)
            f"({', '.join(quote(f.column) for f in fields)}) VALUES ")
    row = f"({', '.join(['%s'] * len(fields))})"
    returning = connection.ops.return_insert_columns([auto] if auto else [])[0]
    return fields, auto, head, row, returning


def insert_sql(objs: Sequence[Model], connection, *, operation: str = "bulk_create",
               computed: dict[str, tuple[str, list[Any]]] | None = None
               ) -> tuple[str, list[Any]]:
    """The INSERT of new instances of one model that `bulk_create(objs)` makes, and its
    parameters: one statement, returning the auto primary keys. `computed` writes an SQL
    expression (with its own parameters) in place of a field's value in every row. For a plain
    model: no parents, no database defaults."""
    connection = _wrapper(connection)
    model = type(objs[0])
    fields, auto, head, row, returning = _plan("insert", model, connection, _insert)
    computed = computed or {}
    if computed:
        row = "(" + ", ".join(computed[f.name][0] if f.name in computed else "%s"
                              for f in fields) + ")"
    params: list[Any] = []
    for obj in objs:
        if (type(obj) is not model or not obj._state.adding
                or (auto is not None and getattr(obj, auto.attname) is not None)):
            raise ValueError("insert_sql takes new instances of one model, without a key.")
        obj._prepare_related_fields_for_save(operation_name=operation)
        for f in fields:
            if f.name in computed:
                params += computed[f.name][1]
            else:
                params.append(f.get_db_prep_save(f.pre_save(obj, add=True), connection))
    return f"{head}{', '.join([row] * len(objs))} {returning}", params


def inserted(objs: Sequence[Model], keys: Sequence[Any] | None, connection) -> list[Model]:
    """Mark instances written by `insert_sql` as saved, with their auto primary keys when
    `keys` are given (one per instance, all of one model)."""
    for index, obj in enumerate(objs):
        if keys is not None:
            setattr(obj, obj._meta.auto_field.attname, keys[index])
        obj._state.adding, obj._state.db = False, connection.alias
    return list(objs)


def insert_new(objs: Sequence[Model], connection, *, operation: str = "bulk_create"
               ) -> list[Model]:
    """INSERT new instances of one model as `bulk_create(objs)` does: one statement, the auto
    primary keys read back, no signals. For a plain model: no parents, no database defaults."""
    if not objs:
        return []
    connection = _wrapper(connection)
    sql, params = insert_sql(objs, connection, operation=operation)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = None
        if objs[0]._meta.auto_field is not None:
            keys = [row[0] for row in connection.ops.fetch_returned_insert_rows(cursor)]
    return inserted(objs, keys, connection)


def saved_quietly(*models: type[Model]) -> bool:
    """Whether no pre_save or post_save receiver listens to these models, so that writing their
    rows without `save()` misses nothing."""
    return not any(pre_save.has_listeners(m) or post_save.has_listeners(m) for m in models)


def save_new(obj: Model, connection) -> Model:
    """`obj.save(force_insert=True)` for a new instance of a plain model, the statement not
    compiled. The model's own `save()` is not called: use this only where it adds nothing for a
    new row. With a pre_save or post_save receiver for the model, `save()` runs instead."""
    if not saved_quietly(type(obj)):
        obj.save(force_insert=True, using=connection.alias)
        return obj
    insert_new([obj], connection, operation="save")
    return obj


@functools.lru_cache(maxsize=256)
def numbered(sql: str) -> str:
    """The statement with PostgreSQL's own placeholders, `$1, $2, ...`, for `%s`."""
    parts = sql.split("%s")
    return "".join(f"{part}${index}" for index, part in enumerate(parts[:-1], 1)) + parts[-1]


def execute_numbered(connection, sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    """PostgreSQL: run a statement written with `%s` placeholders and return its first row.

    psycopg parses the text of a statement with more than 50 parameters on every call; this
    sends it with PostgreSQL's own `$1, $2, ...` (`numbered`) through psycopg's RawCursor, which
    sends the text as it is. When Django logs queries (DEBUG, tests counting them), an ordinary
    cursor runs it instead: Django writes the logged text by filling in `%s` placeholders.
    Results are read with the connection's loaders (no per-cursor time zone)."""
    import psycopg

    connection = _wrapper(connection)
    if connection.queries_logged:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw = psycopg.RawCursor(connection.connection)
    with connection.make_cursor(raw) as cursor:
        cursor.execute(numbered(sql), params)
        return cursor.fetchone()
