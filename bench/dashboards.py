"""Benchmark: the dashboards with the 10-million-incident synthetic national dataset in
PostgreSQL, each against a plain GROUP BY on the raw table measured in the same run.

    .venv/bin/python bench/dashboards.py            # set-up (once, ~15 min) and measurements
    .venv/bin/python bench/dashboards.py --reuse    # measurements only, on the loaded database

1. writes the synthetic collection if missing (`staffsafe generate --trusts 220 --months 60
   --incidents 10000000 --format parquet`, seeded) and loads it into a fresh database (its name
   must contain "bench"): 220 trusts with sites, units and headcounts, one accepted return per
   trust and month, every row into the national table, and every incident with its staff into
   the trust incident tables (COPY; set-up, not measured);
2. builds the roll-ups the way the hub does (`collection.rollups`): every return's cells, then
   every financial year's publication; both timed;
3. measures, in-process with Django's test client after one warm-up request ("after
   start-up"): the national dashboard (national analyst) and the trust dashboard of the largest
   and of the median trust (their leads), each with the default period (24 months); SPC for 220
   trusts x 60 months (`spc.spc_many`); each against its baseline, measured in the same run;
4. prints a Markdown table; raw figures go to bench/results/.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/staffsafe_bench_dashboards"
DEFAULT_DATA = ROOT / "bench" / "data" / "national-10m"
START = "2021-11"  # 60 months to October 2026
MONTHS = 60


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("STAFFSAFE_SECRET_KEY", "bench-" + "x" * 40)
    os.environ.setdefault("STAFFSAFE_DATA_DIR", str(ROOT / "var" / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "staffsafe.config.settings")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def _recreate(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    if "bench" not in name:
        raise SystemExit("The benchmark database's name must contain 'bench'.")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _generate(data: Path) -> None:
    if (data / "returns.parquet").exists():
        return
    subprocess.run([sys.executable, "-m", "staffsafe.cli", "generate", "--trusts", "220",
                    "--months", str(MONTHS), "--start", START, "--seed", "1", "--incidents",
                    "10000000", "--format", "parquet", "--out", str(data), "--overwrite"],
                   check=True, env={**os.environ, "STAFFSAFE_DEMO_MODE": "true"}, cwd=ROOT)


def _copy(table: str, columns: list[str], frame) -> None:
    """COPY a Polars frame (its columns named as the table's) in chunks."""
    from django.db import connection

    sql = f'COPY "{table}" ({", ".join(columns)}) FROM STDIN (FORMAT csv)'
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for start in range(0, frame.height, 200_000):
            buffer = io.BytesIO()
            frame.slice(start, 200_000).select(columns).write_csv(
                buffer, include_header=False, null_value="")
            copy.write(buffer.getvalue())


def _json_list(name: str):
    """The standard's "a|b" as the incident table's JSON list '["a", "b"]'."""
    import polars as pl

    listed = pl.col(name).fill_null("").str.split("|").list.eval(
        pl.element().filter(pl.element() != ""))
    return (pl.when(listed.list.len() == 0).then(pl.lit("[]"))
            .otherwise(pl.lit('["') + listed.list.join('", "') + pl.lit('"]')).alias(name))


def _national_rows(frame) -> None:
    import polars as pl
    from django.db import transaction

    from staffsafe.collection.models import NationalRow
    from staffsafe.datastandard import fields

    columns = [f.column for f in NationalRow._meta.concrete_fields if f.column != "id"]
    standard = {f.name for f in fields.FIELDS}
    text = [c for c in columns if c in standard and frame.schema[c] == pl.Utf8
            and NationalRow._meta.get_field(c).get_internal_type() == "CharField"]
    national = frame.with_columns(pl.lit(True).alias("current"),
                                  *[pl.col(c).fill_null("") for c in text])
    with transaction.atomic():
        _copy(NationalRow._meta.db_table, columns, national)


def _incidents(frame, reporter_of: dict[int, int], offset: int) -> None:
    """Every incident into the trust tables, on a unit of its trust's site and setting."""
    import polars as pl
    from django.db import transaction

    from staffsafe.incidents.models import Incident, StaffAffected

    incidents = (frame.filter(pl.col("staff_index") == 0)
                 .unique(["trust_id", "incident_id"], keep="first", maintain_order=True)
                 .with_row_index("n", offset=offset)
                 .with_columns(
                     pl.format("00000000-0000-4000-8000-{}",
                               pl.col("n").cast(pl.Utf8).str.zfill(12)).alias("id"),
                     pl.col("incident_id").alias("reference"),
                     pl.col("trust_id").replace_strict(reporter_of).alias("reported_by_id"),
                     pl.lit("closed").alias("status"), pl.lit(1).alias("version"),
                     pl.lit(False).alias("on_behalf_of_colleague"),
                     pl.lit(False).alias("confidential"),
                     pl.lit("").alias("description"), pl.lit("").alias("feedback"),
                     pl.col("reported_at").alias("created_at"),
                     pl.col("reported_at").alias("updated_at"),
                     *[_json_list(c) for c in ("method", "hate_characteristics", "factors",
                                               "civil_admin_sanctions")],
                     *[pl.col(c).fill_null("") for c in (
                         "perpetrator_age_band", "mental_health_act_detained", "police_outcome",
                         "body_worn_camera_footage", "hate_motivated")]))
    incident_columns = [f.column for f in Incident._meta.concrete_fields
                        if f.column != "feedback_at"]
    ids = incidents.select("trust_id", "incident_id", pl.col("id").alias("incident_uuid"))
    staff = (frame.join(ids, on=["trust_id", "incident_id"])
             .drop("incident_id").rename({"incident_uuid": "incident_id"})
             .with_columns(pl.col("injury").fill_null("false"),
                           *[pl.col(c).fill_null("") for c in (
                               "employment_type", "activity", "injury_severity", "treatment")]))
    staff_columns = [f.column for f in StaffAffected._meta.concrete_fields if f.column != "id"]
    with transaction.atomic():
        _copy(Incident._meta.db_table, incident_columns, incidents)
        _copy(StaffAffected._meta.db_table, staff_columns, staff)


def _load(data: Path) -> dict[str, float]:
    """Organisations, returns, national rows and incidents; returns the set-up times."""
    import polars as pl
    from django.db import connection
    from django.utils import timezone

    from staffsafe.accounts.models import Role, User
    from staffsafe.collection.models import Return
    from staffsafe.organisations.models import Headcount, Site, Trust, Unit

    timings: dict[str, float] = {}
    started = time.perf_counter()
    trusts_csv = pl.read_csv(data / "trusts.csv")
    Trust.objects.bulk_create([Trust(ods_code=r["ods"], name=r["name"], sector=r["sector"],
                                     region=r["region"]) for r in trusts_csv.iter_rows(named=True)])
    trust_ids = dict(Trust.objects.values_list("ods_code", "pk"))
    rows = pl.scan_parquet(data / "returns.parquet").with_columns(
        pl.col("site_ods").fill_null(""))
    places = (rows.select("organisation_ods", "site_ods", "setting").unique()
              .sort("organisation_ods", "site_ods", "setting").collect())
    sites = places.select("organisation_ods", "site_ods").unique().sort("organisation_ods",
                                                                         "site_ods")
    Site.objects.bulk_create([Site(trust_id=trust_ids[o], name=f"Site {s or 'not given'}",
                                   ods_code=s)
                              for o, s in sites.iter_rows()])
    site_ids = {(t, c): pk for t, c, pk in Site.objects.values_list("trust_id", "ods_code", "pk")}
    Unit.objects.bulk_create([
        Unit(trust_id=trust_ids[o], site_id=site_ids[(trust_ids[o], s)],
             name=f"{setting.replace('_', ' ').capitalize()} {s}", kind=Unit.Kind.DEPARTMENT,
             default_setting=setting) for o, s, setting in places.iter_rows()])
    units = pl.DataFrame(
        [(u.trust_id, u.site.ods_code, u.default_setting, u.pk)
         for u in Unit.objects.select_related("site")],
        schema={"trust_id": pl.Int64, "site_ods": pl.Utf8, "setting": pl.Utf8,
                "unit_id": pl.Int64}, orient="row")
    heads = pl.read_csv(data / "headcounts.csv")
    Headcount.objects.bulk_create([
        Headcount(trust_id=trust_ids[o], staff_group=g, month=date.fromisoformat(m + "-01"),
                  headcount=h) for o, m, g, h in heads.iter_rows()], batch_size=5000)
    reporters = User.objects.bulk_create([
        User(username=f"reporter-{o.lower()}", role=Role.REPORTER, trust_id=pk)
        for o, pk in trust_ids.items()])
    reporter_of = {u.trust_id: u.pk for u in reporters}
    timings["organisations"] = time.perf_counter() - started

    # One accepted return per trust and month, as the hub would hold them.
    started = time.perf_counter()
    by_return = heads.group_by("ods", "month").agg(pl.struct("staff_group", "headcount"))
    now = timezone.now()
    Return.objects.bulk_create([
        Return(trust_id=trust_ids[o], period_start=date.fromisoformat(m + "-01"),
               status=Return.Status.ACCEPTED, source=Return.Source.API,
               file_name=f"{o}-{m}.csv", file_format="csv", file_sha256=f"{o}{m}".ljust(64, "0"),
               processed_at=now, headcounts={g["staff_group"]: g["headcount"] for g in groups})
        for o, m, groups in by_return.iter_rows()], batch_size=2000)
    submissions = pl.DataFrame(
        [(t, p.strftime("%Y-%m"), pk) for t, p, pk in
         Return.objects.values_list("trust_id", "period_start", "pk")],
        schema={"trust_id": pl.Int64, "period": pl.Utf8, "submission_id": pl.Int64},
        orient="row")
    ods = pl.DataFrame({"organisation_ods": list(trust_ids), "trust_id": list(trust_ids.values())},
                       schema={"organisation_ods": pl.Utf8, "trust_id": pl.Int64})
    timings["returns"] = time.perf_counter() - started

    # Rows and incidents a few trusts at a time, so that memory stays small.
    timings["national rows"] = timings["incidents"] = 0.0
    codes = list(trust_ids)
    for first in range(0, len(codes), 20):
        batch = codes[first:first + 20]
        frame = (rows.filter(pl.col("organisation_ods").is_in(batch)).collect()
                 .join(ods, on="organisation_ods").join(submissions, on=["trust_id", "period"])
                 .with_columns(pl.int_range(pl.len()).over("trust_id", "incident_id")
                               .alias("staff_index"),
                               pl.col("period").str.to_date("%Y-%m").alias("period_start")))
        started = time.perf_counter()
        _national_rows(frame)
        timings["national rows"] += time.perf_counter() - started
        started = time.perf_counter()
        _incidents(frame.join(units, on=["trust_id", "site_ods", "setting"], how="left"),
                   reporter_of, offset=first * 1_000_000)
        timings["incidents"] += time.perf_counter() - started
        print(f"loaded {min(first + 20, len(codes))} of {len(codes)} trusts", flush=True)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["analyze"] = time.perf_counter() - started
    return timings


def _rollups() -> dict[str, float]:
    from django.db import connection

    from staffsafe.analytics import services as analytics_services
    from staffsafe.collection import rollups
    from staffsafe.organisations.models import Trust

    timings = {}
    # The trust roll-up: every month of every trust marked stale (as the migration that added it
    # does for incidents already recorded), then built the way the first page builds it.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO analytics_stalemonth (trust_id, month) SELECT DISTINCT trust_id,"
            " date_trunc('month', occurred_at AT TIME ZONE 'Europe/London')::date"
            " FROM incidents_incident ON CONFLICT DO NOTHING")
    started = time.perf_counter()
    for trust_id in Trust.objects.order_by("pk").values_list("pk", flat=True):
        analytics_services.trust_cells_refresh(trust_id)
    timings["trust roll-up, every trust"] = time.perf_counter() - started
    started = time.perf_counter()
    rollups.cells_rebuild_all()
    timings["cells, every return"] = time.perf_counter() - started
    for year in rollups.financial_years_with_returns():
        started = time.perf_counter()
        rollups.publication_compute(year)
        timings[f"publication {year}-{(year + 1) % 100:02d}"] = time.perf_counter() - started
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return timings


def _times(call, repeat: int) -> list[float]:
    found = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        found.append(1000 * (time.perf_counter() - started))
    return found


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"median": statistics.median(ordered),
            "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
            "min": ordered[0], "max": ordered[-1], "n": len(ordered)}


def _sql(sql: str, params: list) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.fetchall()


def _measure(repeat: int) -> dict[str, dict]:
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from staffsafe.accounts.models import Role, User
    from staffsafe.analytics import forms, spc
    from staffsafe.collection import national
    from staffsafe.incidents.models import Incident
    from staffsafe.incidents.services import incident_create
    from staffsafe.organisations.models import Trust, Unit

    results: dict[str, dict] = {}
    period = forms.default_period()
    first, last = (date.fromisoformat(period["period_from"]),
                   date.fromisoformat(period["period_to"]))
    analyst, _ = User.objects.get_or_create(username="bench-analyst",
                                            defaults={"role": Role.NATIONAL_ANALYST})
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(analyst)

    def national_page() -> None:
        response = client.get("/national/dashboard/")
        assert response.status_code == 200, response.status_code
        assert b"Incidents by sector" in response.content

    national_page()  # start-up: the first request loads templates and code
    results["national dashboard"] = _summary(_times(national_page, repeat))
    fy_first, fy_last = national.financial_years_around(first, last)
    results["baseline: GROUP BY national rows"] = _summary(_times(lambda: _sql(
        "SELECT trust_id, period_start, category, staff_group, count(*),"
        " count(*) FILTER (WHERE staff_index = 0) FROM collection_nationalrow"
        " WHERE current AND period_start BETWEEN %s AND %s GROUP BY 1, 2, 3, 4",
        [fy_first, fy_last]), max(3, repeat // 4)))

    counts = dict(Incident.objects.values("trust_id").annotate(n=Count("pk"))
                  .values_list("trust_id", "n"))
    ordered = sorted(counts, key=counts.get)
    for label, trust_id in (("largest", ordered[-1]), ("median", ordered[len(ordered) // 2])):
        trust = Trust.objects.get(pk=trust_id)
        lead, _ = User.objects.get_or_create(username=f"bench-lead-{trust.ods_code.lower()}",
                                             defaults={"role": Role.LEAD, "trust": trust})
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(lead)

        def trust_page(client=client) -> None:
            response = client.get("/dashboard/")
            assert response.status_code == 200, response.status_code
            assert b"Incidents each month" in response.content

        trust_page()
        in_period = Incident.objects.filter(
            trust_id=trust_id, occurred_at__date__gte=first,
            occurred_at__date__lte=last).count()
        results[f"trust dashboard, {label} trust"] = {
            **_summary(_times(trust_page, repeat)), "incidents": counts[trust_id],
            "in period": in_period}
        end = date(last.year + last.month // 12, last.month % 12 + 1, 1)
        # The realistic worst case: a new report has just made the current month stale, so
        # the page adds that month up again before it reads.
        unit = Unit.objects.filter(trust_id=trust_id).order_by("pk").first()
        reporter = User.objects.filter(trust_id=trust_id, role=Role.REPORTER).first()

        def after_a_report(trust_page=trust_page, unit=unit, reporter=reporter) -> float:
            incident_create(actor=reporter, unit_id=unit.pk, staff=[{
                "staff_group": "registered_nurse_midwife", "injury": False}], values={
                "category": "verbal_abuse_threat", "reporter_role": "victim",
                "perpetrator_type": "patient_service_user",
                "occurred_at": timezone.now() - timedelta(hours=2)})
            started = time.perf_counter()
            trust_page()
            return 1000 * (time.perf_counter() - started)

        found = [after_a_report() for _ in range(max(3, repeat // 2))]
        results[f"trust dashboard just after a new report, {label} trust"] = _summary(found)
        results[f"baseline: GROUP BY incidents, {label} trust"] = _summary(_times(
            lambda t=trust_id, e=end: _sql(
                "SELECT date_trunc('month', occurred_at), category, count(*)"
                " FROM incidents_incident WHERE trust_id = %s"
                " AND occurred_at >= %s AND occurred_at < %s GROUP BY 1, 2", [t, first, e]),
            repeat))

    # SPC: every trust's monthly incidents over the 60 months, from the cells.
    frame = national.national_cells(date(2021, 11, 1), date(2026, 10, 1))
    series = (frame.group_by("trust_ods", "period_start").agg(
        __import__("polars").col("incidents").sum()).sort("trust_ods", "period_start"))
    data = {ods: {"values": part["incidents"].to_list(), "dates": part["period_start"].to_list()}
            for (ods,), part in series.group_by("trust_ods", maintain_order=True)}
    results["SPC, 220 trusts x 60 months (spc_many)"] = {
        **_summary(_times(lambda: spc.spc_many(data), repeat)), "series": len(data),
        "points": sum(len(d["values"]) for d in data.values())}
    results["baseline: SPC one trust at a time (spc)"] = _summary(_times(
        lambda: [spc.spc(d["values"], d["dates"]) for d in data.values()], max(3, repeat // 4)))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="the synthetic collection (generated here if missing)")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the database a previous run loaded")
    parser.add_argument("--rollups", action="store_true",
                        help="with --reuse: migrate and build the roll-ups again first")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page")
    args = parser.parse_args()

    setup: dict[str, float] = {}
    if not args.reuse:
        started = time.perf_counter()
        _generate(args.data)
        setup["generate"] = time.perf_counter() - started
        _recreate(args.database_url)
    _setup_django(args.database_url)
    if not args.reuse:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        setup.update(_load(args.data))
    if args.rollups or not args.reuse:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        setup.update(_rollups())
    results = _measure(args.repeat)

    print("\n| step (set-up) | seconds |\n|---|---:|")
    for name, seconds in setup.items():
        print(f"| {name} | {seconds:.1f} |")
    print("\n| what | median ms | p95 ms | min ms | max ms | n | notes |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, found in results.items():
        notes = ", ".join(f"{k} {v:,}" for k, v in found.items()
                          if k not in ("median", "p95", "min", "max", "n"))
        print(f"| {name} | {found['median']:.1f} | {found['p95']:.1f} | {found['min']:.1f} | "
              f"{found['max']:.1f} | {found['n']} | {notes} |")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (out / f"dashboards-{stamp}.json").write_text(json.dumps(
        {"setup": setup, "results": results}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
