"""The /standard/ page and its downloads, open to everyone, and `staffsafe export-standard`."""

from __future__ import annotations

import html
import io
import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from staffsafe.collection import standard_exports
from staffsafe.datastandard import fields

CONTENT_TYPES = {
    "staffsafe-standard-1.0.schema.json": "application/schema+json",
    "datapackage.json": "application/json",
    "staffsafe-standard-1.0-template.csv": "text/csv; charset=utf-8",
    "staffsafe-standard-1.0-template.xlsx":
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "data-dictionary.md": "text/markdown; charset=utf-8",
    "data-dictionary.html": "text/html; charset=utf-8",
}


@pytest.mark.django_db
def test_the_dictionary_page_is_open_to_anonymous_people(client):
    response = client.get("/standard/")
    assert response.status_code == 200
    page = html.unescape(response.content.decode()).replace("<wbr>", "")
    for field in (*fields.FIELDS, *fields.HEADER_FIELDS):
        assert f"<span><code>{field.name}</code></span></th>" in page, field.name
    for code_list in standard_exports.code_lists():
        assert f'id="codes-{code_list.name}"' in page
        for code, label in code_list.items:
            assert (f'<span><code>{code}</code></span></th><td class="nhsuk-table__cell" '
                    f'role="cell"><span class="nhsuk-table__heading" aria-hidden="true">Label '
                    f"</span><span>{label}</span>") in page, code
    for name in CONTENT_TYPES:
        assert f'href="/standard/download/{name}"' in page


@pytest.mark.django_db
def test_the_dictionary_tables_are_accessible_and_scroll_on_a_phone(client):
    page = client.get("/standard/").content.decode()
    tables = page.count("<table")
    assert tables == 3 + len(standard_exports.code_lists())
    assert page.count("<caption") == tables
    assert page.count('<div class="staffsafe-table-wrap') == tables
    assert page.count('tabindex="0"') == tables
    assert page.count("<th ") == page.count('<th scope="col"') + page.count('<th scope="row"')
    assert page.count('<th scope="col"') == 4 * 3 + 2 * len(standard_exports.code_lists())
    assert "<h1>" in page and 'lang="en' in page


def test_every_download_has_its_content_type_and_file_name(client, db):
    for name, content_type in CONTENT_TYPES.items():
        response = client.get(f"/standard/download/{name}")
        assert response.status_code == 200, name
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"] == f'attachment; filename="{name}"'
        assert response.content == standard_exports.exports()[name].content() or name.endswith(
            ".xlsx")
    schema = json.loads(client.get("/standard/download/staffsafe-standard-1.0.schema.json")
                        .content)
    assert schema == standard_exports.json_schema()
    workbook = load_workbook(io.BytesIO(
        client.get("/standard/download/staffsafe-standard-1.0-template.xlsx").content))
    assert workbook.sheetnames[0] == "incidents"


@pytest.mark.parametrize("name", ["nonsense.json", "settings.py", "..%2Fpyproject.toml",
                                  "DATAPACKAGE.JSON"])
def test_an_unknown_download_is_not_found(client, db, name):
    assert client.get(f"/standard/download/{name}").status_code == 404


def test_the_pages_only_answer_reads(client, db):
    assert client.post("/standard/").status_code == 405
    assert client.post("/standard/download/datapackage.json").status_code == 405
    assert client.head("/standard/download/datapackage.json").status_code == 200


def test_the_command_writes_every_file(tmp_path, capsys):
    target = tmp_path / "out" / "standard"
    call_command("export-standard", str(target))
    written = sorted(p.name for p in target.iterdir())
    assert written == sorted(CONTENT_TYPES)
    assert capsys.readouterr().out.split() == [str(target / n) for n in standard_exports.exports()]
    for name, export in standard_exports.exports().items():
        if not name.endswith(".xlsx"):  # the workbook records when it was made
            assert (target / name).read_bytes() == export.content()
    assert load_workbook(target / "staffsafe-standard-1.0-template.xlsx").sheetnames[-1] == "lists"
    json.loads((target / "datapackage.json").read_text())


def test_the_command_says_clearly_when_it_cannot_write(tmp_path):
    from django.core.management import CommandError

    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(CommandError, match="Cannot write to"):
        call_command("export-standard", str(blocker))


def test_the_command_has_help():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "staffsafe.config.settings_test"}
    result = subprocess.run(
        [sys.executable, "-m", "staffsafe.cli", "export-standard", "--help"],
        capture_output=True, text=True, env=env, check=True, timeout=60)
    assert "DIR" in result.stdout and "JSON Schema" in result.stdout
