"""Benchmark: read and validate a generated 1,000,000-row monthly return (CSV).

    .venv/bin/python bench/validate_return.py                  # 1M rows, seed 2026
    .venv/bin/python bench/validate_return.py --rows 200000 --error-rate 0.01 --profile datix

1. A child process generates a valid return (one row per member of staff; about 1.15 staff per
   incident; every conditional and cross-field rule respected) with a fixed seed, optionally
   spoils a share of cells, and writes it as CSV (with --profile datix: as a Datix-style export
   with UK dates, Y/N answers and local codes). Generation is kept out of the measuring process
   so that its memory does not count.
2. This process reads the file (`reading.read_return`) and validates it
   (`validation.validate_return`), timing each, and prints rows per second and the peak resident
   memory of the process (`resource.getrusage`: Polars allocates outside Python's heap, so
   tracemalloc would not see most of it).

The budget for validating and loading a 1M-row return is 30 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from staffsafe.datastandard import codes  # noqa: E402
from staffsafe.datastandard.fields import COLUMNS  # noqa: E402

NOW = datetime(2026, 4, 10, 12, 0, tzinfo=UTC)
HEADCOUNT = {group: 1000 for group in codes.STAFF_GROUP.values}
ARGS = {"organisation_ods": "RX9", "period": "2026-03",
        "generated_at": "2026-04-02T09:30:00+01:00", "headcount": HEADCOUNT}


def _choice(rng: np.random.Generator, values: tuple[str, ...], n: int,
            p: list[float] | None = None) -> np.ndarray:
    return rng.choice(np.array(values, dtype=str), size=n, p=p)


def _incidents(rng: np.random.Generator, n: int) -> pl.DataFrame:
    category = _choice(rng, codes.CATEGORY.values, n,
                       [0.4, 0.1, 0.3, 0.05, 0.04, 0.01, 0.06, 0.04])
    start = datetime(2026, 3, 1, tzinfo=UTC).timestamp()
    late = rng.random(n) < 0.02
    occurred = start + rng.integers(0, 28 * 86400, n)
    occurred = np.where(late, start - rng.integers(3600, 20 * 86400, n), occurred)
    reported = np.where(late, start + rng.integers(3600, 5 * 86400, n),
                        occurred + rng.integers(60, 72 * 3600, n))
    hate = _choice(rng, codes.YES_NO_UNKNOWN.values, n, [0.08, 0.8, 0.12])
    police = rng.random(n) < 0.3
    assault = category == "physical_assault"
    frame = pl.DataFrame({
        "incident_id": [f"INC-{i:08d}" for i in range(n)],
        "site_ods": _choice(rng, ("RX9AB", "RX9CD", "RX9EF"), n),
        "sector": _choice(rng, codes.SECTOR.values, n),
        "setting": _choice(rng, codes.SETTING.values, n),
        "occurred_at": pl.Series(occurred * 1_000_000).cast(pl.Datetime("us", "UTC")),
        "reported_at": pl.Series(reported * 1_000_000).cast(pl.Datetime("us", "UTC")),
        "late": np.where(late, "true", "false"),
        "reporter_role": _choice(rng, codes.REPORTER_ROLE.values, n),
        "category": category,
        "method": np.where(assault, _choice(rng, ("hit_punch", "kick|bite", "spit", "push_pull",
                                                   "object_thrown"), n), ""),
        "hate_motivated": hate,
        "hate_characteristics": np.where(hate == "yes", _choice(
            rng, ("race", "religion|race", "sex", "disability"), n), ""),
        "perpetrator_count": np.where(rng.random(n) < 0.7, rng.integers(1, 4, n).astype(str),
                                      ""),
        "perpetrator_type": _choice(rng, codes.PERPETRATOR_TYPE.values, n),
        "perpetrator_age_band": _choice(rng, codes.PERPETRATOR_AGE_BAND.values, n),
        "mental_health_act_detained": _choice(rng, codes.YES_NO_UNKNOWN.values, n),
        "medical_factors": _choice(rng, ("true", "false"), n),
        "factors": _choice(rng, ("alcohol", "drugs|alcohol", "", "waiting_time_dissatisfaction",
                                 "dementia_delirium"), n),
        "security_attended": _choice(rng, ("true", "false", ""), n),
        "police_informed": np.where(police, "true", "false"),
        "police_outcome": np.where(police, _choice(rng, codes.POLICE_OUTCOME.values, n), ""),
        "emergency_worker_act_applies": _choice(rng, ("true", "false", ""), n),
        "civil_admin_sanctions": _choice(rng, ("", "warning_letter", "record_flag"), n),
        "body_worn_camera_footage": _choice(rng, codes.BODY_WORN_CAMERA_FOOTAGE.values, n),
        "restrictive_intervention_followed": _choice(rng, ("true", "false", ""), n),
        "riddor_reportable": np.where(assault, "false", ""),
        "riddor_reported_on": np.full(n, "", dtype=str),
        "debrief_offered": _choice(rng, ("true", "false"), n),
        "wellbeing_conversation_offered": _choice(rng, ("true", "false", ""), n),
        "occupational_health_referral": _choice(rng, ("true", "false", ""), n),
        "risk_assessment_updated": _choice(rng, ("true", "false", ""), n),
    })
    staff_per_incident = _choice(rng, ("1", "2", "3"), n, [0.87, 0.11, 0.02]).astype(int)
    fmt = "%Y-%m-%dT%H:%M:%S+00:00"
    return frame.with_columns(
        pl.col("occurred_at").dt.strftime(fmt), pl.col("reported_at").dt.strftime(fmt),
        pl.Series("_staff", staff_per_incident),
    )


def generate(rows: int, seed: int, error_rate: float) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    incidents = _incidents(rng, int(rows / 1.1) + 10)
    table = incidents.select(pl.all().exclude("_staff").repeat_by(pl.col("_staff")).explode())
    table = table.head(rows)
    n = table.height
    injury = rng.random(n) < 0.25
    table = table.with_columns(
        staff_group=_choice(rng, codes.STAFF_GROUP.values, n),
        employment_type=_choice(rng, codes.EMPLOYMENT_TYPE.values, n),
        patient_facing=_choice(rng, ("true", "false"), n),
        lone_working=_choice(rng, ("true", "false"), n),
        activity=_choice(rng, codes.ACTIVITY.values, n),
        injury=np.where(injury, "true", "false"),
        injury_severity=np.where(injury, _choice(rng, ("low", "moderate", "none"), n), ""),
        treatment=_choice(rng, codes.TREATMENT.values, n),
        psychological_impact=_choice(rng, ("true", "false", ""), n),
        days_absent=np.where(injury, rng.integers(0, 7, n).astype(str), ""),
    ).select(COLUMNS)
    if error_rate > 0:
        spoil = rng.random(n) < error_rate
        column = _choice(rng, ("category", "occurred_at", "lone_working", "days_absent"), n)
        bad = {"category": "punch", "occurred_at": "2026-03-05 10:00", "lone_working": "maybe",
               "days_absent": "-1"}
        table = table.with_columns([
            pl.when(pl.Series(spoil & (column == name))).then(pl.lit(value))
            .otherwise(pl.col(name)).alias(name) for name, value in bad.items()])
    return table


def as_datix(table: pl.DataFrame) -> pl.DataFrame:
    """The same rows as a Datix-style export: UK dates, Y/N, local names and codes, ';'."""
    from staffsafe.collection.profiles import load_profile
    from staffsafe.datastandard.fields import FIELDS_BY_NAME

    profile = load_profile("datix")
    local: dict[str, str] = {}
    for local_name, target in profile.columns.items():
        local.setdefault(target, local_name)
    reverse: dict[str, dict[str, str]] = {}
    for column, mapping in profile.codes.items():
        for name, code in mapping.items():
            if code and "|" not in code:
                reverse.setdefault(column, {}).setdefault(code, name)
    exprs = []
    for name in table.columns:
        kind = FIELDS_BY_NAME[name].type
        if kind == "datetime":
            moment = pl.col(name).str.to_datetime("%Y-%m-%dT%H:%M:%S%:z").dt.convert_time_zone(
                "Europe/London")
            exprs += [moment.dt.strftime("%d/%m/%Y").alias(local[name]),
                      moment.dt.strftime("%H:%M").alias(local[name + ".time"])]
            continue
        expr = pl.col(name)
        mapping = reverse.get(name, {})
        if kind == "codes":
            expr = expr.str.split("|").list.eval(pl.element().replace(mapping)).list.join("; ")
        elif mapping:
            expr = expr.replace(mapping)
        if kind == "boolean":
            expr = expr.replace({"true": "Y", "false": "N"})
        exprs.append(expr.alias(local.get(name, name)))
    return table.select(exprs)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _child(path: str, rows: int, seed: int, error_rate: float, profile: str) -> None:
    table = generate(rows, seed, error_rate)
    if profile == "datix":
        table = as_datix(table)
    table.write_csv(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--error-rate", type=float, default=0.0,
                        help="share of rows with one spoiled cell (default 0: a clean return)")
    parser.add_argument("--profile", choices=["", "datix"], default="")
    parser.add_argument("--keep", help="write the generated CSV here and keep it")
    parser.add_argument("--generate-only", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_only:
        _child(args.generate_only, args.rows, args.seed, args.error_rate, args.profile)
        return 0

    folder = tempfile.mkdtemp(prefix="staffsafe-bench-")
    path = args.keep or os.path.join(folder, "return.csv")
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--generate-only", path, "--rows", str(args.rows),
                    "--seed", str(args.seed), "--error-rate", str(args.error_rate),
                    "--profile", args.profile], check=True)
    generated = time.perf_counter() - started

    from staffsafe.collection.profiles import load_profile
    from staffsafe.collection.reading import read_return
    from staffsafe.collection.validation import validate_return

    profile = load_profile(args.profile) if args.profile else None
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu0 = _cpu()
    t0 = time.perf_counter()
    read = read_return(path, profile=profile, **ARGS)
    t1 = time.perf_counter()
    cpu1 = _cpu()
    assert read.table is not None, read.problems
    result = validate_return(read.table, read.header, now=NOW, profile=profile)
    t2 = time.perf_counter()
    cpu2 = _cpu()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    size = os.path.getsize(path)
    if not args.keep:
        os.remove(path)
        os.rmdir(folder)

    figures = {
        "rows": result.row_count, "incidents": result.incident_count,
        "file_mb": round(size / 1e6, 1), "profile": args.profile or None,
        "error_rate": args.error_rate, "seed": args.seed,
        "generate_s": round(generated, 2), "read_s": round(t1 - t0, 2),
        "validate_s": round(t2 - t1, 2), "total_s": round(t2 - t0, 2),
        "read_cpu_s": round(cpu1 - cpu0, 2), "validate_cpu_s": round(cpu2 - cpu1, 2),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "rows_per_s": round(result.row_count / (t2 - t0)),
        "peak_rss_mb": round(peak_kib / 1024), "rss_before_mb": round(before / 1024),
        "errors": result.error_count, "warnings": result.warning_count,
        "problems_listed": len(result.problems),
        "cpus": os.cpu_count(), "polars_threads": pl.thread_pool_size(),
        "python": platform.python_version(), "polars": pl.__version__,
    }
    print(json.dumps(figures, indent=2))
    print(f"\n{result.row_count:,} rows: read {t1 - t0:.2f} s + validate {t2 - t1:.2f} s = "
          f"{t2 - t0:.2f} s ({figures['rows_per_s']:,} rows/s); peak RSS "
          f"{figures['peak_rss_mb']:,} MB; {result.summary()}")
    expected_clean = args.error_rate == 0
    return 0 if result.valid == expected_clean else 1


if __name__ == "__main__":
    sys.exit(main())
