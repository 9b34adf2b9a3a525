"""Writing a validated return's rows into the national table, whole or not at all.

On PostgreSQL the rows go in with COPY (the fastest path the database has); elsewhere with batched
inserts. Either way the caller holds one transaction around it, so a failure leaves nothing.
"""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Iterator
from typing import Any

import polars as pl
from django.db import connection

from staffsafe.collection.models import NationalRow
from staffsafe.datastandard import fields

LIST_COLUMNS = tuple(f.name for f in fields.FIELDS if f.type == "codes")
NULLABLE_CODE_COLUMNS = tuple(f.name for f in fields.FIELDS if f.type == "code")
TABLE = NationalRow._meta.db_table
INSERT_BATCH = 5000


def _with_positions(frame: pl.DataFrame) -> pl.DataFrame:
    """Add the position of each member of staff within their incident (0 for the first)."""
    return frame.with_columns(
        pl.int_range(pl.len()).over("incident_id").alias("staff_index")
    )


def national_frame(frame: pl.DataFrame, *, submission_id: int, trust_id: int,
                   period_start: Any) -> pl.DataFrame:
    """The validated return as the national table's columns, in the table's order."""
    frame = _with_positions(frame)
    conversions = []
    for name in LIST_COLUMNS:
        dtype = frame.schema.get(name)
        if isinstance(dtype, pl.List):
            conversions.append(pl.col(name).list.join(fields.LIST_SEPARATOR).fill_null(""))
        else:
            conversions.append(pl.col(name).cast(pl.Utf8).fill_null(""))
    conversions += [pl.col(name).cast(pl.Utf8).fill_null("") for name in NULLABLE_CODE_COLUMNS]
    conversions += [
        pl.col("site_ods").cast(pl.Utf8).fill_null(""),
        pl.col("late").cast(pl.Boolean).fill_null(False),
    ]
    frame = frame.with_columns(conversions).with_columns(
        pl.lit(submission_id).alias("submission_id"),
        pl.lit(trust_id).alias("trust_id"),
        pl.lit(period_start).cast(pl.Date).alias("period_start"),
        pl.lit(True).alias("current"),
    )
    return frame.select(_columns())


def _columns() -> list[str]:
    return [f.column for f in NationalRow._meta.concrete_fields if f.column != "id"]


def load_rows(frame: pl.DataFrame, table: str = TABLE) -> int:
    """Insert the frame's rows (the national frame, by default into the national table; its
    columns are the table's); the caller owns the transaction."""
    if frame.height == 0:
        return 0
    if connection.vendor == "postgresql":
        _copy(frame, table)
    else:
        _insert(frame, table)
    return frame.height


def _copy(frame: pl.DataFrame, table: str) -> None:
    columns = ", ".join(connection.ops.quote_name(c) for c in frame.columns)
    sql = f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN (FORMAT csv)"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for chunk in _csv_chunks_ahead(frame):
            copy.write(chunk)


def _csv_chunks(frame: pl.DataFrame, rows: int = 100_000) -> Iterator[bytes]:
    for start in range(0, frame.height, rows):
        buffer = io.BytesIO()
        frame.slice(start, rows).write_csv(buffer, include_header=False, null_value="",
                                           datetime_format="%Y-%m-%dT%H:%M:%S%.f%z")
        yield buffer.getvalue()


def _csv_chunks_ahead(frame: pl.DataFrame, ahead: int = 2) -> Iterator[bytes]:
    """The CSV chunks, written by a second thread while the database reads the last one.

    Polars writes without holding the interpreter lock, so the two overlap on two cores.
    """
    chunks: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=ahead)

    def produce() -> None:
        try:
            for chunk in _csv_chunks(frame):
                chunks.put(chunk)
        except BaseException as error:  # handed to the reader, which raises it
            chunks.put(error)
        else:
            chunks.put(None)

    writer = threading.Thread(target=produce, name="return-csv-writer", daemon=True)
    writer.start()
    while (chunk := chunks.get()) is not None:
        if isinstance(chunk, BaseException):
            raise chunk
        yield chunk
    writer.join()


def _insert(frame: pl.DataFrame, table: str) -> None:
    # SQLite stores Django's aware datetimes as naive UTC text and dates as ISO text.
    frame = frame.with_columns(
        [pl.col(name).dt.convert_time_zone("UTC").dt.strftime("%Y-%m-%d %H:%M:%S%.6f")
         for name, dtype in frame.schema.items() if isinstance(dtype, pl.Datetime)]
        + [pl.col(name).dt.strftime("%Y-%m-%d")
           for name, dtype in frame.schema.items() if dtype == pl.Date]
    )
    columns = frame.columns
    placeholders = ", ".join(["%s"] * len(columns))
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"INSERT INTO {connection.ops.quote_name(table)} ({names}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, frame.height, INSERT_BATCH):
            cursor.executemany(sql, frame.slice(start, INSERT_BATCH).rows())
