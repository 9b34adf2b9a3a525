"""`staffsafe generate`: options, progress and summary (no database)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from staffsafe.collection.management.commands.generate import Command
from staffsafe.datastandard import fields


def test_generate_writes_returns_and_prints_a_summary(tmp_path, capsys):
    call_command("generate", out=tmp_path, trusts=6, months=2, seed=4)
    out = capsys.readouterr().out
    assert "6/6 trusts" in out
    assert "Wrote 12 returns from 6 trusts over 2 months" in out
    assert "70,555 physical assaults" in out and "published 74.7%" in out
    returns = sorted((tmp_path / "returns").glob("*/*.csv"))
    assert len(returns) == 12
    assert returns[0].read_text().split("\n", 1)[0] == ",".join(fields.COLUMNS)
    assert (tmp_path / "trusts.csv").exists() and (tmp_path / "headcounts.csv").exists()


def test_generate_refuses_to_mix_runs_unless_told(tmp_path, capsys):
    call_command("generate", out=tmp_path, trusts=2, months=1, seed=1, verbosity=0)
    first = sorted(p.name for p in (tmp_path / "returns").iterdir())
    with pytest.raises(CommandError, match="--overwrite"):
        call_command("generate", out=tmp_path, trusts=2, months=1, seed=2, verbosity=0)
    call_command("generate", out=tmp_path, trusts=2, months=1, seed=2, overwrite=True,
                 verbosity=0)
    assert sorted(p.name for p in (tmp_path / "returns").iterdir()) != first
    assert capsys.readouterr().out == ""


def test_generate_a_target_number_of_incidents(tmp_path, capsys):
    call_command("generate", out=tmp_path, trusts=3, months=1, seed=1, incidents=4000,
                 format="parquet")
    out = capsys.readouterr().out
    count = int(out.split(" incidents,")[0].split()[-1].replace(",", ""))
    assert 3700 < count < 4300
    assert (tmp_path / "returns.parquet").exists()
    assert not list((tmp_path / "returns").glob("*/*.csv"))


def test_generate_one_big_return(tmp_path, capsys):
    call_command("generate", out=tmp_path, single_return=2500, seed=3, start="2026-01")
    assert "Wrote 2,500 rows" in capsys.readouterr().out
    lines = (tmp_path / "single-return.csv").read_text().splitlines()
    assert len(lines) == 2501
    assert (tmp_path / "single-return.header.json").exists()


@pytest.mark.parametrize(("options", "message"), [
    ({"trusts": 0}, "--trusts"), ({"months": 0}, "--months"), ({"scale": 0.0}, "--scale"),
    ({"start": "2025-13"}, "YYYY-MM"), ({"start": "2999-01"}, "has not ended"),
    ({"incidents": 0}, "--incidents"),
])
def test_generate_explains_bad_options(tmp_path, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("generate", out=tmp_path, **options)


def test_help_documents_every_option():
    text = Command().create_parser("staffsafe", "generate").format_help()
    for option in ("--out", "--trusts", "--months", "--start", "--seed", "--scale",
                   "--incidents", "--format", "--single-return", "--overwrite"):
        assert option in text
    assert "docs/synthetic-data.md" in text
