"""staffsafe import: submit and load a return from the command line."""

import pytest
from django.core.management import CommandError, call_command

from staffsafe.collection.models import NationalRow, Return


def test_import_loads_a_return_and_reports(world, return_file, tmp_path, capsys):
    content, header = return_file(15)
    path = tmp_path / "march.json"
    from tests.collection_returns.conftest import as_json

    path.write_bytes(as_json(content, header))
    call_command("import", str(path), "--trust", "RAA", "--period", "2026-03")
    out = capsys.readouterr()
    assert "Accepted, 15 rows" in out.out
    assert "100%" in out.err  # the progress bar
    assert NationalRow.objects.count() == 15


def test_import_exits_non_zero_when_rejected(world, tmp_path, capsys):
    path = tmp_path / "march.csv"
    path.write_text("incident_id,category\n1,punch\n")
    with pytest.raises(SystemExit) as stopped:
        call_command("import", str(path), "--trust", "RAA", "--period", "2026-03")
    assert stopped.value.code == 1
    assert "Rejected" in capsys.readouterr().out
    assert Return.objects.get().status == "rejected"


def test_import_explains_bad_arguments(world, tmp_path):
    with pytest.raises(CommandError, match="No trust with ODS code 'NOPE'"):
        call_command("import", str(tmp_path / "x.csv"), "--trust", "NOPE", "--period", "2026-03")
    (tmp_path / "x.csv").write_text("a\n")
    with pytest.raises(CommandError, match="--period must be YYYY-MM"):
        call_command("import", str(tmp_path / "x.csv"), "--trust", "RAA", "--period", "March")
