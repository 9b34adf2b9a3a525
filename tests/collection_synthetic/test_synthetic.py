"""The synthetic national collection: layout, determinism, validity and calibration.

No database: the generator is pure, and the CLI only writes files.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from staffsafe.collection import synthetic
from staffsafe.datastandard import codes, fields, rules
from tests.collection_synthetic.records import read_return, records

ODS = re.compile(r"^[A-Z0-9]{3,5}$")


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, synthetic.Summary]:
    out = tmp_path_factory.mktemp("small")
    return out, synthetic.generate(out, trusts=12, months=3, seed=7, start=synthetic.Period(
        2025, 9))


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, synthetic.Summary]:
    """Half the NHS (110 trusts) for a full year at the published rates."""
    out = tmp_path_factory.mktemp("year")
    return out, synthetic.generate(out, trusts=110, months=12, seed=3)


@pytest.fixture(scope="module")
def year_rows(year: tuple[Path, synthetic.Summary]) -> pl.DataFrame:
    """Every row of the year's returns, as text."""
    return pl.read_csv(year[0] / "returns" / "*" / "*.csv", infer_schema=False)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def _header(csv_path: Path) -> dict:
    return json.loads(csv_path.with_name(csv_path.stem + ".header.json").read_text())


# Layout -----------------------------------------------------------------------------------------
def test_every_return_has_the_standards_columns_and_a_header(small):
    out, summary = small
    returns = sorted((out / "returns").glob("*/*.csv"))
    assert len(returns) == summary.returns == 12 * 3
    for path in returns:
        assert path.read_text().split("\n", 1)[0] == ",".join(fields.COLUMNS)
        assert '""' not in path.read_text()  # empty cells are empty, not quoted
        header = _header(path)
        assert list(header) == [f.name for f in fields.HEADER_FIELDS]
        assert header["standard_version"] == codes.STANDARD_VERSION == "1.0"
        assert header["organisation_ods"] == path.parent.name
        assert ODS.match(header["organisation_ods"]) and header["organisation_ods"][0] == "Z"
        start, end = (date.fromisoformat(header[k]) for k in ("period_start", "period_end"))
        assert start.day == 1 and path.stem == f"{start:%Y-%m}"
        assert end == synthetic.Period(start.year, start.month).end
        generated = datetime.fromisoformat(header["generated_at"])
        assert generated.utcoffset() is not None and generated.date() > end
        assert set(header["staff_headcount"]) == set(codes.STAFF_GROUP.values)
        assert all(isinstance(n, int) and n >= 0 for n in header["staff_headcount"].values())


def test_trusts_and_headcounts_files(small):
    out, _ = small
    trusts = pl.read_csv(out / "trusts.csv", infer_schema=False)
    assert trusts.columns == ["ods", "name", "sector", "region"]
    assert trusts.height == 12 and trusts["ods"].n_unique() == 12
    assert set(trusts["sector"]) <= set(codes.SECTOR.values)
    assert set(trusts["region"]) <= set(codes.REGION.values)
    assert all(name.endswith("(synthetic)") for name in trusts["name"])
    headcounts = pl.read_csv(out / "headcounts.csv", schema_overrides={"month": pl.Utf8})
    assert headcounts.columns == ["ods", "month", "staff_group", "headcount"]
    assert headcounts.height == 12 * 3 * len(codes.STAFF_GROUP.values)
    one = headcounts.filter(pl.col("month") == "2025-10")
    for path in (out / "returns").glob("*/2025-10.csv"):
        mine = one.filter(pl.col("ods") == path.parent.name)
        assert dict(zip(mine["staff_group"], mine["headcount"], strict=True)) == _header(path)[
            "staff_headcount"]


def test_the_universe_looks_like_the_nhs():
    trusts = synthetic.make_trusts(220, seed=0)
    by_sector: dict[str, list[synthetic.SyntheticTrust]] = {}
    for trust in trusts:
        by_sector.setdefault(trust.sector, []).append(trust)
    assert {s: len(t) for s, t in by_sector.items()} == synthetic.SECTOR_TRUSTS
    assert {t.region for t in trusts} == set(codes.REGION.values)
    assert len({t.ods for t in trusts}) == len({t.name for t in trusts}) == 220
    ranges = {"acute": (3_000, 15_000), "mental_health_learning_disability": (2_000, 7_000),
              "ambulance": (3_000, 7_000), "community": (2_000, 6_000)}
    for sector, (low, high) in ranges.items():
        sizes = [t.total_headcount for t in by_sector[sector]]
        assert low - 20 <= min(sizes) and max(sizes) <= high + 20, sector
    groups = codes.STAFF_GROUP.values
    for trust in by_sector["ambulance"]:
        hc = dict(zip(groups, trust.headcount.tolist(), strict=True))
        assert hc["ambulance_operational"] > hc["ambulance_control_call_handling"] > 0
        assert hc["ambulance_operational"] > trust.total_headcount / 2
    for trust in by_sector["acute"]:
        hc = dict(zip(groups, trust.headcount.tolist(), strict=True))
        assert hc["ambulance_operational"] == 0 and hc["registered_nurse_midwife"] > 0
    total = sum(t.total_headcount for t in trusts)
    assert 1_100_000 < total < 1_450_000  # NHS trusts in England: about 1.3 million staff


# Determinism ------------------------------------------------------------------------------------
def test_same_seed_same_bytes_different_seed_different_data(tmp_path):
    def run(name: str, seed: int) -> dict[str, bytes]:
        synthetic.generate(tmp_path / name, trusts=5, months=2, seed=seed)
        return _files(tmp_path / name)

    first, again, other = run("a", 11), run("b", 11), run("c", 12)
    assert first == again
    assert first.keys() != other.keys() or first != other
    assert set(first.values()) & set(other.values()) == set()  # no return is the same


def test_csv_and_parquet_hold_the_same_rows(tmp_path):
    synthetic.generate(tmp_path / "csv", trusts=4, months=2, seed=5)
    summary = synthetic.generate(tmp_path / "pq", trusts=4, months=2, seed=5, fmt="parquet")
    combined = pl.read_parquet(tmp_path / "pq" / "returns.parquet")
    assert combined.columns == ["organisation_ods", "period", *fields.COLUMNS]
    assert combined.height == summary.rows
    assert not (tmp_path / "pq" / ".parts").exists()
    for path in sorted((tmp_path / "csv" / "returns").glob("*/*.csv")):
        part = combined.filter((pl.col("organisation_ods") == path.parent.name)
                               & (pl.col("period") == path.stem)).drop("organisation_ods",
                                                                       "period")
        assert part.equals(read_return(path))


# Validity ---------------------------------------------------------------------------------------
def test_every_row_obeys_the_standards_rules(small):
    out, summary = small
    seen = 0
    for path in sorted((out / "returns").glob("*/*.csv")):
        header = _header(path)
        generated = datetime.fromisoformat(header["generated_at"])
        start = datetime.fromisoformat(f"{header['period_start']}T00:00:00+00:00")
        frame = read_return(path)
        assert frame.columns == list(fields.COLUMNS)
        for record in records(frame):
            assert rules.incident_problems(record, now=generated) == [], record["incident_id"]
            assert rules.completeness_problems(record) == [], record["incident_id"]
            _check_dates(record, header, start, generated)
            assert 1 <= len(record["staff"]) <= 3
            seen += 1
    assert seen == summary.incidents > 1000


def _check_dates(record: dict, header: dict, start: datetime, generated: datetime) -> None:
    occurred, reported = record["occurred_at"], record["reported_at"]
    assert occurred.utcoffset() is not None and reported.utcoffset() is not None
    assert occurred <= reported <= generated
    month = header["period_start"][:7]
    local_month = f"{reported:%Y-%m}"
    assert local_month == month  # the return holds the month's reports
    if record["late"]:
        assert f"{occurred:%Y-%m}" < month
    else:
        assert f"{occurred:%Y-%m}" == month
    assert occurred.utcoffset().total_seconds() in (0, 3600)
    assert start.tzinfo is not None


def test_incident_ids_unique_within_a_trust_and_rows_agree(small):
    out, _ = small
    for folder in (out / "returns").iterdir():
        frames = [read_return(p) for p in sorted(folder.glob("*.csv"))]
        everything = pl.concat(frames)
        incidents = everything.select(fields.INCIDENT_COLUMNS).unique()
        assert incidents["incident_id"].n_unique() == incidents.height  # rows of one agree
        counts = everything.group_by("incident_id").len()["len"]
        assert counts.max() <= 3 and (counts == 1).mean() > 0.8


def test_conditional_fields_follow_their_conditions(year_rows):
    rows = year_rows
    bad = rows.filter(
        (pl.col("method").is_not_null() != (pl.col("category") == "physical_assault"))
        | (pl.col("injury_severity").is_not_null() != (pl.col("injury") == "true"))
        | (pl.col("police_outcome").is_not_null() != (pl.col("police_informed") == "true"))
        | (pl.col("hate_characteristics").is_not_null() != (pl.col("hate_motivated") == "yes"))
        | ((pl.col("riddor_reportable") == "true")
           & (pl.col("category") != "physical_assault"))
    )
    assert bad.height == 0
    physical_injured = rows.filter((pl.col("category") == "physical_assault")
                                   & (pl.col("injury") == "true"))
    assert physical_injured["riddor_reportable"].null_count() == 0


def test_one_big_return_has_exactly_the_rows_asked_for(tmp_path):
    path = tmp_path / "one.csv"
    header = synthetic.write_single_return(path, rows=5_000, seed=2, period="2026-03")
    frame = read_return(path)
    assert frame.height == 5_000 and frame.columns == list(fields.COLUMNS)
    assert header["period_start"] == "2026-03-01" and header["period_end"] == "2026-03-31"
    assert json.loads((tmp_path / "one.header.json").read_text()) == header
    generated = datetime.fromisoformat(header["generated_at"])
    found = records(frame)
    assert len({r["incident_id"] for r in found}) == len(found)
    assert all(rules.incident_problems(r, now=generated) == [] for r in found)
    again = tmp_path / "again.csv"
    synthetic.write_single_return(again, rows=5_000, seed=2, period="2026-03")
    assert again.read_bytes() == path.read_bytes()


def test_the_fast_validator_accepts_every_generated_return(small, tmp_path):
    validation = pytest.importorskip("staffsafe.collection.validation")
    out, _ = small
    single = tmp_path / "single.csv"
    synthetic.write_single_return(single, rows=3_000, seed=9, sector="ambulance")
    for path in [single, *sorted((out / "returns").glob("*/*.csv"))]:
        header = _header(path)
        result = validation.validate_file(
            path, organisation_ods=header["organisation_ods"], period=header["period_start"][:7],
            generated_at=header["generated_at"], headcount=header["staff_headcount"])
        assert result.valid and result.warning_count == 0, (path, result.by_rule()[:3])
        assert result.row_count == read_return(path).height


# Calibration ------------------------------------------------------------------------------------
def _physical(summary: synthetic.Summary) -> dict[str, int]:
    return {s: int(c[synthetic.PHYSICAL]) for s, c in summary.counts.items()}


def test_physical_assaults_by_sector_match_nhs_protect(year):
    _, summary = year
    physical = _physical(summary)
    total = sum(physical.values())
    published = synthetic.PUBLISHED_PHYSICAL_ASSAULTS
    for sector, count in synthetic.PUBLISHED_PHYSICAL_BY_SECTOR.items():
        assert physical[sector] / total == pytest.approx(count / published, abs=0.02), sector
    rest = sum(physical[s] for s in synthetic.REST_SECTORS)
    assert rest / total == pytest.approx(synthetic.PUBLISHED_PHYSICAL_REST / published, abs=0.01)
    # 110 of 220 trusts for a year: half the national figure.
    assert total * 220 / 110 == pytest.approx(published, rel=0.05)


def test_medical_factors_share_matches_nhs_protect(year):
    _, summary = year
    physical = _physical(summary)
    share = sum(summary.medical_physical.values()) / sum(physical.values())
    assert share == pytest.approx(52_704 / 70_555, abs=0.015)
    for sector, medical in synthetic.PUBLISHED_MEDICAL_BY_SECTOR.items():
        expected = medical / synthetic.PUBLISHED_PHYSICAL_BY_SECTOR[sector]
        tolerance = 0.05 if sector == "ambulance" else 0.02
        assert summary.medical_physical[sector] / physical[sector] == pytest.approx(
            expected, abs=tolerance), sector


def test_verbal_abuse_is_several_times_physical_assault(year):
    _, summary = year
    figures = summary.figures()
    physical = sum(_physical(summary).values())
    expected = sum(synthetic.CATEGORY_RATIO[s][1] * n for s, n in _physical(summary).items())
    assert figures["verbal_to_physical"] == pytest.approx(expected / physical, rel=0.03)
    assert 3.0 <= figures["verbal_to_physical"] <= 4.0


def test_ambulance_staff_are_assaulted_more_often_than_acute_staff(year):
    _, summary = year
    rate = summary.figures()["physical_per_1000_staff_per_year"]
    assert rate["ambulance"] > 1.5 * rate["acute"]
    assert rate["mental_health_learning_disability"] > 3 * rate["ambulance"]


def test_the_survey_gap_is_modelled_as_a_reporting_fraction():
    trusts = synthetic.make_trusts(220, seed=0)
    calibration = synthetic.calibrate(trusts)
    hc = calibration.reference_headcount
    mean = sum(calibration.prevalence[s] * hc[s] for s in hc) / sum(hc.values())
    assert mean == pytest.approx(synthetic.SURVEY_PREVALENCE_ALL)
    assert calibration.prevalence["ambulance"] == synthetic.SURVEY_PREVALENCE_AMBULANCE
    for sector, fraction in calibration.reporting_fraction.items():
        assert 0.05 < fraction < 0.8, sector  # far fewer reported than experienced


def test_the_csv_files_agree_with_the_summary(year, year_rows):
    _, summary = year
    assert year_rows.height == summary.rows
    incidents = year_rows.unique("incident_id")
    assert incidents.height == summary.incidents
    counted = incidents.group_by("sector", "category").len()
    physical = counted.filter(pl.col("category") == "physical_assault")
    assert dict(zip(physical["sector"], physical["len"], strict=True)) == _physical(summary)


def test_time_patterns_hotspots_and_trend(year_rows):
    rows = (year_rows.unique("incident_id").with_columns(
                pl.col("occurred_at").str.slice(11, 2).cast(pl.Int32).alias("hour"),
                pl.col("occurred_at").str.slice(0, 10).str.to_date().dt.weekday().alias("dow"),
                pl.col("reported_at").str.slice(0, 7).alias("month")))
    acute = rows.filter(pl.col("sector") == "acute")["hour"].value_counts()
    by_hour = dict(zip(acute["hour"], acute["count"], strict=True))
    assert by_hour[22] > 2 * by_hour[5]
    community = rows.filter(pl.col("sector") == "community")["dow"].value_counts()
    by_day = dict(zip(community["dow"], community["count"], strict=True))
    assert by_day[2] > 3 * by_day[7]  # Tuesday against Sunday
    months = rows.group_by("month").len().sort("month")["len"].to_numpy()
    assert months[6:].sum() > months[:6].sum()  # growth and the trend
    per_site = rows.filter(pl.col("site_ods").is_not_null()).group_by("site_ods", "setting").len()
    shares = np.sort(per_site["len"].to_numpy())[::-1]
    assert shares[0] > 10 * np.median(shares)  # a few hotspots


def test_the_default_run_is_calibrated_in_expectation():
    trusts = synthetic.make_trusts(220, seed=0)
    calibration = synthetic.calibrate(trusts)
    periods = [synthetic.Period(2025, 4).plus(i) for i in range(12)]
    expected_physical = sum(calibration.rates[t.sector][synthetic.PHYSICAL]
                            * synthetic.exposure(t, p) for t in trusts for p in periods)
    assert expected_physical == pytest.approx(synthetic.PUBLISHED_PHYSICAL_ASSAULTS, rel=0.005)
    total = synthetic.expected_incidents(trusts, periods, calibration)
    assert 300_000 < total < 500_000
