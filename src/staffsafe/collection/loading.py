"""Writing a validated return's rows into the national table, whole or not at all.

On PostgreSQL the rows go in with binary COPY (the fastest path the database has), while the
return's rules are checked (`load_rows_while`, ADR 0013); elsewhere with batched inserts, after
them. Either way the caller holds one transaction around it, so a failure leaves nothing.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import pgpq
import polars as pl
from django.db import connection, models

from staffsafe.collection.models import NationalRow
from staffsafe.datastandard import fields

LIST_COLUMNS = tuple(f.name for f in fields.FIELDS if f.type == "codes")
NULLABLE_CODE_COLUMNS = tuple(f.name for f in fields.FIELDS if f.type == "code")
INSERT_BATCH = 5000
CHUNK_ROWS = 100_000
ENCODE_ROWS = 10_000
T = TypeVar("T")
R = TypeVar("R")


def _with_positions(frame: pl.DataFrame) -> pl.DataFrame:
    """Add the position of each member of staff within their incident (0 for the first)."""
    incident = pl.col("incident_id")
    runs = frame.select(incident.rle_id().max()).item()
    if runs is not None and runs + 1 == frame["incident_id"].n_unique():
        # Each incident's rows are together (as every system writes them): the position is
        # the distance from the first row of the run, with no grouping.
        row = pl.int_range(pl.len())
        starts = incident.ne_missing(incident.shift()) | (row == 0)
        first = pl.when(starts).then(row).forward_fill()
        return frame.with_columns((row - first).alias("staff_index"))
    return frame.with_columns(pl.int_range(pl.len()).over("incident_id").alias("staff_index"))


def national_parts(frame: pl.DataFrame, *, submission_id: int, trust_id: int,
                   period_start: Any, rows: int = CHUNK_ROWS) -> Iterator[pl.DataFrame]:
    """The validated return as the national table's columns, in the table's order, a slice at
    a time (at least one, empty for an empty return), so that loading can start on the first
    before the last is made."""
    frame = _with_positions(frame)
    for start in range(0, max(frame.height, 1), rows):
        yield _national(frame.slice(start, rows), submission_id, trust_id, period_start)


def _national(frame: pl.DataFrame, submission_id: int, trust_id: int,
              period_start: Any) -> pl.DataFrame:
    conversions = []
    for name in LIST_COLUMNS:
        if isinstance(frame.schema.get(name), pl.List):
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


def load_rows(frame: pl.DataFrame, model: type[models.Model] = NationalRow) -> int:
    """Insert the frame's rows (the national frame, by default into the national table; its
    columns are the model's); the caller owns the transaction."""
    if frame.height == 0:
        return 0
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with connection.wrap_database_errors:
            _copy(connection.connection, _slices(frame), frame.columns, model)
    else:
        _insert(frame, model._meta.db_table)
    return frame.height


def load_rows_while(parts: Callable[[], Iterable[pl.DataFrame]], check: Callable[[], T],
                    keep: Callable[[T], bool],
                    each: Callable[[pl.DataFrame], R]) -> tuple[T, list[R]]:
    """Load the national frame, made by `parts`, while `check` runs; return what `check`
    returned and, when kept, `each` of every part (loaded or not, the caller owns the
    transaction and must roll it back unless `keep` says so).

    On PostgreSQL the parts are made, passed to `each` and copied by other threads on this
    transaction's connection while `check` (pure Polars, which releases the interpreter lock)
    runs here, so the database's side of the `COPY` and the checks use both CPUs. A failure of
    the load matters only when the check keeps the rows: an invalid return's rows may not even
    fit the table. Elsewhere the check runs first and the rows are loaded only if they are kept.
    """
    if connection.vendor != "postgresql":
        result = check()
        if not keep(result):
            return result, []
        made = list(parts())
        load_rows(pl.concat(made))
        return result, [each(part) for part in made]
    loader = _Loader(parts, each)
    kept = False
    try:
        result = check()
        kept = keep(result)
    finally:
        if not kept:  # invalid, or the check failed: the rest would only be rolled back
            loader.invalid.set()
        loader.join()
    if not kept:
        return result, []
    if loader.failed is not None:
        with connection.wrap_database_errors:  # as Django's own errors, like any query's
            raise loader.failed
    return result, loader.made


class _NotKept(Exception):
    """The return is invalid: its rows are not wanted."""


class _Loader(threading.Thread):
    """Copies the parts into the national table on this thread's database connection (which
    the starting thread leaves alone until `join`)."""

    def __init__(self, parts: Callable[[], Iterable[pl.DataFrame]],
                 each: Callable[[pl.DataFrame], Any]) -> None:
        super().__init__(name="return-loader", daemon=True)
        connection.ensure_connection()
        self.raw = connection.connection  # psycopg's own connection
        self.parts, self.each = parts, each
        self.made: list[Any] = []
        self.failed: BaseException | None = None
        self.invalid = threading.Event()
        self.start()

    def _wanted(self) -> Iterator[pl.DataFrame]:
        for part in self.parts():
            if self.invalid.is_set():  # abort the COPY: the server keeps nothing of it
                raise _NotKept
            self.made.append(self.each(part))
            yield part

    def run(self) -> None:
        try:
            _copy(self.raw, self._wanted(), _columns(), NationalRow)
        except BaseException as error:  # handed to the caller, which decides
            self.failed = error


def _slices(frame: pl.DataFrame, rows: int = CHUNK_ROWS) -> Iterator[pl.DataFrame]:
    for start in range(0, frame.height, rows):
        yield frame.slice(start, rows)


def _copy(raw: Any, parts: Iterable[pl.DataFrame], columns: list[str],
          model: type[models.Model]) -> None:
    """COPY in PostgreSQL's binary format (the server converts no text), each part encoded
    by pgpq from Arrow, in the table's own column types."""
    table = model._meta.db_table
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN (FORMAT binary)"
    types = column_types(model)
    casts = [pl.col(c).cast(types[c]) for c in columns]
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        for chunk in _encoded_ahead(part.select(casts) for part in parts):
            copy.write(chunk)


# What each column holds, as Polars writes it to Arrow; binary COPY needs the exact type.
_POLARS_TYPES: dict[str, pl.DataType] = {
    "AutoField": pl.Int32(), "BigAutoField": pl.Int64(), "BigIntegerField": pl.Int64(),
    "IntegerField": pl.Int32(), "PositiveIntegerField": pl.Int32(),
    "PositiveBigIntegerField": pl.Int64(),
    "SmallIntegerField": pl.Int16(), "PositiveSmallIntegerField": pl.Int16(),
    "BooleanField": pl.Boolean(), "DateField": pl.Date(),
    "DateTimeField": pl.Datetime("us", "UTC"), "CharField": pl.String(),
    "TextField": pl.String(),
}


def column_types(model: type[models.Model]) -> dict[str, pl.DataType]:
    """Each column of the model's table as a Polars type (a foreign key as its target's)."""
    types = {}
    for f in model._meta.concrete_fields:
        kind = (f.target_field if f.is_relation else f).get_internal_type()
        types[f.column] = _POLARS_TYPES[kind]
    return types


def _binary(parts: Iterable[pl.DataFrame]) -> Iterator[bytes]:
    """The parts in COPY's binary format, encoded by pgpq from Arrow."""
    encoder = None
    for part in parts:
        # Polars' own string layout (views): no copy into Arrow's older one.
        arrow = part.to_arrow(compat_level=pl.CompatLevel.newest())
        if encoder is None:
            encoder = pgpq.ArrowToPostgresBinaryEncoder(arrow.schema)
            yield encoder.write_header()
        # pgpq holds the interpreter lock while it encodes: small batches let the thread that
        # feeds the database run between them, so the server is never left waiting long.
        for batch in arrow.to_batches(max_chunksize=ENCODE_ROWS):
            yield encoder.write_batch(batch)
    if encoder is not None:
        yield encoder.finish()


def _encoded_ahead(parts: Iterable[pl.DataFrame], ahead: int = 32) -> Iterator[bytes]:
    """`_binary(parts)`, made by a second thread while the database reads the last chunk;
    Polars and pgpq work without the interpreter lock, so the two overlap."""
    chunks: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=ahead)
    stopped = threading.Event()

    def produce() -> None:
        try:
            for chunk in _binary(parts):
                if stopped.is_set():
                    return
                chunks.put(chunk)
        except BaseException as error:  # handed to the reader, which raises it
            chunks.put(error)
        else:
            chunks.put(None)

    writer = threading.Thread(target=produce, name="return-encoder", daemon=True)
    writer.start()
    try:
        while (chunk := chunks.get()) is not None:
            if isinstance(chunk, BaseException):
                raise chunk
            yield chunk
    finally:  # the database refused a chunk, say: let the writer stop, not wait for ever
        stopped.set()
        while writer.is_alive():
            with contextlib.suppress(queue.Empty):
                chunks.get(timeout=0.05)
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
