"""Query results as Polars frames, without a Python object per value where it matters."""

from __future__ import annotations

import io

import polars as pl
from django.db import connection


def query_frame(query, schema: dict[str, type[pl.DataType]]) -> pl.DataFrame:
    """A `values_list` query as a Polars frame with ``schema`` (its columns, in order)."""
    if connection.vendor == "postgresql":
        return _copy_frame(query, schema)
    return pl.DataFrame(list(query), schema=schema, orient="row")


def _copy_frame(query, schema: dict[str, type[pl.DataType]]) -> pl.DataFrame:
    """PostgreSQL: COPY the query out as CSV and let Polars parse it (no Python objects)."""
    sql, params = query.query.sql_with_params()
    buffer = io.BytesIO()
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)", params) as copy:
        for block in copy:
            buffer.write(block)
    buffer.seek(0)
    text = pl.read_csv(buffer, infer_schema=False, new_columns=list(schema))
    if text.height == 0:
        return pl.DataFrame(schema=schema)
    return text.select([_parse(name, dtype) for name, dtype in schema.items()])


def _parse(name: str, dtype: type[pl.DataType]) -> pl.Expr:
    """PostgreSQL's CSV: NULL is an empty field, booleans are t and f, dates ISO."""
    column = pl.col(name)
    if dtype == pl.Utf8:
        return column.fill_null("")
    if dtype == pl.Boolean:
        return pl.when(column == "t").then(True).when(column == "f").then(False).alias(name)
    if dtype == pl.Date:  # a truncated timestamp comes as "2026-10-01 00:00:00"
        return column.str.slice(0, 10).str.to_date("%Y-%m-%d")
    return pl.when(column == "").then(None).otherwise(column).cast(dtype).alias(name)
