"""Benchmark: validate and load a 1,000,000-row return into PostgreSQL, against a plain
PostgreSQL COPY of the same file measured in the same run.

    .venv/bin/python bench/load_return.py                   # 1,000,000 rows
    .venv/bin/python bench/load_return.py --rows 100000     # a quicker run

1. writes one synthetic return (`staffsafe.collection.synthetic.write_single_return`, seeded);
2. drops and re-creates the database named in --database-url (its name must contain "bench")
   and migrates it;
3. baseline: `COPY ... FROM STDIN (FORMAT csv, HEADER)` of the same CSV file into a table with
   the standard's columns typed (text, boolean, integer, timestamptz, date): the database floor;
4. StaffSafe: `return_submit` + `return_process` exactly as the worker runs them: store the
   file, read, map and type it, then in one transaction check every rule while the rows are
   copied into the national table (rolled back if a rule fails), retire earlier versions and
   commit; timed from the bytes to the commit, with the split reported;
5. repeats 4 (`--repeat`, 3 by default) with the national tables emptied in between, a plain
   COPY after each round, and compares each round with the faster of the COPYs around it;
6. prints a Markdown table with wall times, the ratio to COPY of each round and their median,
   and the process's peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/staffsafe_bench_load"
SQL_TYPES = {"boolean": "boolean", "integer": "integer", "datetime": "timestamptz",
             "date": "date"}


def _recreate(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    if "bench" not in name:
        raise SystemExit("The benchmark database's name must contain 'bench'.")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url, "STAFFSAFE_SECRET_KEY": "bench-" + "x" * 40}
    subprocess.run([sys.executable, "-m", "staffsafe.cli", "migrate", "-v0"], check=True,
                   env=env, cwd=ROOT)


def _baseline(url: str, csv_path: Path) -> float:
    from staffsafe.datastandard import fields

    columns = ", ".join(f'"{f.name}" {SQL_TYPES.get(f.type, "text")}' for f in fields.FIELDS)
    with psycopg.connect(url) as conn:
        conn.execute("DROP TABLE IF EXISTS baseline_return")
        conn.execute(f"CREATE TABLE baseline_return ({columns})")
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as cursor, cursor.copy(
                "COPY baseline_return FROM STDIN (FORMAT csv, HEADER true)") as copy, \
                csv_path.open("rb") as source:
            while chunk := source.read(1 << 20):
                copy.write(chunk)
        conn.commit()
        return time.perf_counter() - started


def _staffsafe(csv_path: Path, header: dict) -> tuple[float, dict[str, float], object]:
    from staffsafe.collection import services
    from staffsafe.collection.models import Return
    from staffsafe.organisations.models import Trust

    trust, _ = Trust.objects.get_or_create(
        ods_code=header["organisation_ods"],
        defaults={"name": "Bench trust", "sector": "acute", "region": "london"})
    period = date.fromisoformat(header["period_start"])
    content = csv_path.read_bytes()
    marks: dict[str, float] = {}
    started = time.perf_counter()
    submitted = services.return_submit(
        actor=None, trust=trust, period_start=period, file_name=csv_path.name, content=content,
        source=Return.Source.CLI, generated_at=datetime.fromisoformat(header["generated_at"]),
        headcounts={k: int(v) for k, v in header["staff_headcount"].items()}, enqueue=False)

    def progress(percent: int) -> None:
        marks.setdefault(f"{percent}%", time.perf_counter() - started)

    result = services.return_process(submitted.submission.pk, progress=progress)
    return time.perf_counter() - started, marks, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds of StaffSafe, each between two plain COPYs")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 DEFAULT_URL))
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from staffsafe.collection import synthetic

    with tempfile.TemporaryDirectory(prefix="staffsafe-bench-") as folder:
        csv_path = Path(folder) / "return.csv"
        synthetic.write_single_return(csv_path, rows=args.rows, seed=args.seed, ods="ZBN")
        header = json.loads(csv_path.with_suffix(".header.json").read_text())
        size_mb = csv_path.stat().st_size / 1e6
        _recreate(args.database_url)
        os.environ.update(DATABASE_URL=args.database_url,
                          STAFFSAFE_SECRET_KEY="bench-" + "x" * 40,
                          STAFFSAFE_DATA_DIR=folder,
                          DJANGO_SETTINGS_MODULE="staffsafe.config.settings")
        import django

        django.setup()
        copies = [_baseline(args.database_url, csv_path)]
        rounds = []
        for round_ in range(args.repeat):
            if round_:
                _forget_returns()
            rounds.append(_staffsafe(csv_path, header))
            copies.append(_baseline(args.database_url, csv_path))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n{args.rows:,} rows ({size_mb:,.0f} MB CSV), {args.repeat} round(s), each "
          f"between two plain COPYs\n")
    print("| round | plain PostgreSQL COPY of the same file, best of the two around it (s) "
          "| StaffSafe: store the file, read, map and type every value (s) "
          "| StaffSafe: check every rule while the rows load (binary COPY into the national "
          "table), retire old versions, commit (s) | **StaffSafe: whole return, bytes to "
          "commit (s)** | ratio to COPY |")
    print("|---:|---:|---:|---:|---:|---:|")
    ratios = []
    for number, (total, marks, result) in enumerate(rounds, start=1):
        copy_best = min(copies[number - 1], copies[number])
        typed = marks.get("40%", float("nan"))
        ratios.append(total / copy_best)
        print(f"| {number} | {copy_best:.2f} | {typed:.2f} | {total - typed:.2f} | "
              f"**{total:.2f}** | {total / copy_best:.2f}x |")
        if result.status != "accepted":
            raise SystemExit(f"Round {number}: the return was not accepted: "
                             f"{result.problems[:3]}")
    print(f"\n{result.incident_count:,} incidents, accepted in every round. Ratio to COPY: "
          f"median {statistics.median(ratios):.2f}x (from {min(ratios):.2f}x to "
          f"{max(ratios):.2f}x). Peak memory of the process: {peak_mb:,.0f} MB.")


def _forget_returns() -> None:
    """Empty the returns and national tables, so that the next round loads the same file as
    a first return again (the same file twice would be one return)."""
    from django.db import connection

    from staffsafe.collection.models import NationalCell, NationalRow, Return

    tables = ", ".join(m._meta.db_table for m in (NationalRow, NationalCell, Return))
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} CASCADE")

if __name__ == "__main__":
    main()
