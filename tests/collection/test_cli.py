"""`staffsafe validate FILE`: a summary, the first problems, a report, and the exit status."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from tests.collection.returns import HEADCOUNT, csv_bytes, json_bytes, table_rows, variety


def validate(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("validate", *map(str, args), stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, out.getvalue(), err.getvalue() + str(error)
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def files(tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(variety(6)))
    rows = table_rows(variety(6))
    rows[3]["category"] = "punch"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([], rows=rows))
    headcount = tmp_path / "headcount.csv"
    headcount.write_text("staff_group,headcount\n" + "".join(
        f"{group},{n}\n" for group, n in HEADCOUNT.items()))
    return tmp_path, good, bad, headcount


def csv_args(headcount):
    return ["--trust", "RX9", "--period", "2026-03", "--generated-at",
            "2026-04-02T09:30:00+01:00", "--headcount", headcount]


def test_a_valid_return_exits_0_with_a_summary(files):
    _, good, _, headcount = files
    status, out, _ = validate(good, *csv_args(headcount))
    assert status == 0
    assert "Read as CSV, UTF-8, comma-separated." in out
    assert "7 rows (staff affected) in 6 incidents: valid, 0 errors, 0 warnings." in out


def test_an_invalid_return_exits_1_and_prints_the_problems_and_a_report(files):
    folder, _, bad, headcount = files
    report = folder / "problems.csv"
    status, out, err = validate(bad, *csv_args(headcount), "--report", report)
    assert status == 1
    assert "NOT valid, 1 error, 0 warnings." in out
    assert "code_list (category)" in out
    assert "Row 5, column category: 'punch' is not one of the codes for category" in out
    assert "The return is not valid: 1 error." in err
    rows = list(csv.reader(io.StringIO(report.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["row", "column", "value", "rule", "severity", "message"]
    assert rows[1][:4] == ["5", "category", "punch", "code_list"]


def test_a_csv_without_generated_at_is_checked_as_made_now(files):
    _, good, _, headcount = files
    status, out, _ = validate(good, "--trust", "RX9", "--period", "2026-03",
                              "--headcount", headcount)
    assert status == 0 and "generated_at not given" in out


def test_a_csv_without_headcount_or_period_is_not_valid(files):
    _, good, _, _ = files
    status, out, _ = validate(good, "--trust", "RX9")
    assert status == 1
    assert "staff_headcount is required" in out and "the period is required" in out


def test_a_json_return_for_another_trust_is_not_valid(tmp_path):
    path = tmp_path / "return.json"
    path.write_bytes(json_bytes(variety(2)))
    assert validate(path)[0] == 0
    status, out, _ = validate(path, "--trust", "RRP")
    assert status == 1 and "ods_mismatch" in out


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02\x03binary", b"\x89PNG\r\n\x1a\n",
                                     b"PK\x03\x04not a zip"])
def test_a_file_that_cannot_be_read_exits_2(tmp_path, content):
    path = tmp_path / "junk.csv"
    path.write_bytes(content)
    status, out, err = validate(path)
    assert status == 2
    assert "cannot be read" in out + err
    assert "Traceback" not in out + err


def test_a_missing_file_or_profile_exits_2(files):
    folder, good, _, _ = files
    assert validate(folder / "nope.csv")[0] == 2
    status, _, err = validate(good, "--profile", "nope")
    assert status == 2 and "No profile 'nope'" in err


def test_a_report_that_cannot_be_written_exits_2(files):
    folder, _, bad, headcount = files
    status, _, err = validate(bad, *csv_args(headcount), "--report", folder / "no" / "x.csv")
    assert status == 2 and "Cannot write the report" in err


def test_the_datix_profile_from_the_command_line(tmp_path):
    from tests.collection.test_profiles import datix_csv

    path = tmp_path / "datix.csv"
    path.write_bytes(datix_csv())
    headcount = tmp_path / "hc.csv"
    headcount.write_text("".join(f"{g},{n}\n" for g, n in HEADCOUNT.items()))
    status, out, _ = validate(path, "--profile", "datix", *csv_args(headcount))
    assert status == 0, out


def test_the_console_script_never_prints_a_traceback(tmp_path):
    path = tmp_path / "junk.csv"
    path.write_bytes(os.urandom(2000) + b"\x00")
    env = {**os.environ, "STAFFSAFE_DEMO_MODE": "true"}
    done = subprocess.run([sys.executable, "-m", "staffsafe.cli", "validate", str(path)],  # noqa: S603
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    assert "cannot be read" in done.stdout + done.stderr


def test_a_bad_period_or_generated_at_is_a_located_header_problem(files):
    _, good, _, headcount = files
    status, out, _ = validate(good, "--trust", "RX9", "--period", "2026-13",
                              "--generated-at", "yesterday", "--headcount", headcount)
    assert status == 1
    assert "Header, field period_start: '2026-13' is not a month" in out
    assert "Header, field generated_at: 'yesterday' is not a date and time with offset" in out
