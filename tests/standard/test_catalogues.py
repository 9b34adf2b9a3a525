"""Loading catalogues (service, command and page): all or nothing, the current catalogue per
edition, and the "not the official text" flag wherever a catalogue is shown."""

from __future__ import annotations

import html
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from staffsafe.audit.models import AuditEvent
from staffsafe.standard import services
from staffsafe.standard.catalogue_file import STARTER_FILES
from staffsafe.standard.models import Catalogue, Indicator
from tests.standard.data import start

STARTER_2024 = (services.STARTER_DIR / STARTER_FILES["2024"]).read_bytes()


def official_2024(text: str = "Official wording") -> bytes:
    """The starter 2024 file with its text replaced, standing in for NHS England's file."""
    return STARTER_2024.replace(b"A board-level executive is accountable", text.encode())


def test_the_starter_catalogues_load_as_not_official(catalogues):
    assert {e: (c.official, c.starter, c.current) for e, c in catalogues.items()} == {
        "2021": (False, True, True), "2024": (False, True, True)}
    assert catalogues["2021"].indicators.count() == 18
    assert catalogues["2024"].indicators.count() == 23
    assert catalogues["2024"].indicators.get(code="GA3").maps_from == ["RA1", "RA2", "RA3"]
    events = AuditEvent.objects.filter(object_type="standard_catalogue")
    assert events.count() == 2 and {e.actor_label for e in events} == {"tests"}


def test_loading_the_same_file_again_changes_nothing(catalogues):
    again = services.starter_catalogues_load(actor=None, actor_label="tests")
    assert {c.pk for c in again} == {c.pk for c in catalogues.values()}
    assert Catalogue.objects.count() == 2


def test_a_new_catalogue_becomes_current_and_started_reviews_keep_theirs(
        world, catalogues, national_admin):
    review = start(world.lead)
    [loaded] = services.catalogue_load(actor=national_admin, content=official_2024(),
                                       file_name="vpr-2024.csv", official=True,
                                       title="NHS England indicators")
    assert loaded.current and loaded.official and loaded.title == "NHS England indicators"
    catalogues["2024"].refresh_from_db()
    assert not catalogues["2024"].current
    review.refresh_from_db()
    assert review.catalogue_id == catalogues["2024"].pk  # a review never changes catalogue


def test_one_bad_row_loads_nothing(catalogues, national_admin):
    before = (Catalogue.objects.count(), Indicator.objects.count())
    old_2021 = (services.STARTER_DIR / STARTER_FILES["2021"]).read_bytes()
    bad = old_2021 + STARTER_2024.split(b"\r\n", 1)[1].replace(b"2024,data,DA2", b"2024,dat,DA2")
    with pytest.raises(services.CatalogueRejected) as rejected:
        services.catalogue_load(actor=national_admin, content=bad, file_name="both.csv")
    assert [str(p) for p in rejected.value.problems] == [
        "Row 31, column 'domain': Not a domain of the 2024 edition: use one of Leadership and "
        "accountability; Governance and assurance; Collaboration; Data; Workforce; "
        "Interventions; Evaluation."]
    assert (Catalogue.objects.count(), Indicator.objects.count()) == before


def test_only_the_national_administrator_loads_a_catalogue(world, national_analyst):
    for person in (world.lead, world.trust_admin, national_analyst):
        with pytest.raises(PermissionDenied):
            services.catalogue_load(actor=person, content=STARTER_2024, file_name="x.csv")


# The command ------------------------------------------------------------------------------------


def test_load_standard_starter_and_file(db, tmp_path):
    out = io.StringIO()
    call_command("load-standard", "--starter", stdout=out)
    assert "2024: StaffSafe starter catalogue, Version 2 (2024) (not the official text), 23 " \
           "indicators" in out.getvalue()
    path = tmp_path / "official.csv"
    path.write_bytes(official_2024())
    out = io.StringIO()
    call_command("load-standard", str(path), "--official", "--title", "NHSE 2024", stdout=out)
    assert out.getvalue() == "2024: NHSE 2024, 23 indicators, current for new reviews.\n"
    assert Catalogue.objects.get(current=True, edition="2024").official


def test_load_standard_prints_located_problems_and_exits_1(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(STARTER_2024.replace(b"2024,data,DA2", b"2025,data,DA2"))
    err = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("load-standard", str(path), stderr=err)
    assert failed.value.returncode == 1
    assert "Row 13, column 'edition': Use 2021 or 2024." in err.getvalue()
    assert not Catalogue.objects.exists()


def test_load_standard_cannot_read_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError) as failed:
        call_command("load-standard", str(tmp_path / "missing.csv"))
    assert failed.value.returncode == 2
    with pytest.raises(CommandError) as failed:
        call_command("load-standard")
    assert failed.value.returncode == 2


# The pages ---------------------------------------------------------------------------------------


def test_every_page_showing_an_unofficial_catalogue_says_so(client_for, world, catalogues):
    review = start(world.lead)
    client = client_for(world.lead)
    for path in ("/self-assessment/catalogues/",
                 f"/self-assessment/catalogues/{catalogues['2024'].pk}/",
                 f"/self-assessment/{review.pk}/",
                 f"/self-assessment/{review.pk}/indicators/DA1/",
                 f"/self-assessment/{review.pk}/actions/",
                 f"/self-assessment/{review.pk}/sign-off/",
                 f"/self-assessment/{review.pk}/compare/",
                 "/self-assessment/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"Not the official text" in response.content or \
            b"not the official text" in response.content, path


def test_an_official_catalogue_carries_no_warning(client_for, world, catalogues, national_admin):
    [loaded] = services.catalogue_load(actor=national_admin, content=official_2024(),
                                       file_name="vpr-2024.csv", official=True)
    review = start(world.lead)
    page = client_for(world.lead).get(f"/self-assessment/{review.pk}/").content.decode()
    assert "Not the official text" not in page
    assert "Official wording" in client_for(world.lead).get(
        f"/self-assessment/catalogues/{loaded.pk}/").content.decode()


def test_the_upload_page_lists_located_problems_and_loads_nothing(client_for, national_admin,
                                                                   catalogues):
    client = client_for(national_admin)
    bad = io.BytesIO(STARTER_2024.replace(b"2024,data,DA2,", b"2024,data,,"))
    bad.name = "bad.csv"
    response = client.post("/self-assessment/catalogues/upload/", {"file": bad})
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "There is a problem" in page
    assert "Row 13, column 'indicator_id': Enter the indicator id." in page
    assert Catalogue.objects.count() == 2

    good = io.BytesIO(official_2024())
    good.name = "nhse.csv"
    response = client.post("/self-assessment/catalogues/upload/",
                           {"file": good, "official": "on", "title": "NHSE"})
    assert response.status_code == 302
    assert Catalogue.objects.get(current=True, edition="2024").title == "NHSE"


def test_the_upload_page_refuses_a_missing_file_with_a_located_error(client_for, national_admin):
    response = client_for(national_admin).post("/self-assessment/catalogues/upload/", {})
    assert response.status_code == 200
    assert 'href="#id_file"' in response.content.decode()


def test_the_starter_button_loads_both_editions(client_for, national_admin, db):
    response = client_for(national_admin).post("/self-assessment/catalogues/starter/")
    assert response.status_code == 302
    assert set(Catalogue.objects.values_list("edition", flat=True)) == {"2021", "2024"}


def test_the_catalogue_downloads_as_the_csv_the_loader_reads(client_for, world, catalogues,
                                                              national_admin):
    response = client_for(world.manager).get(
        f"/self-assessment/catalogues/{catalogues['2024'].pk}/catalogue.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    [again] = services.catalogue_load(actor=national_admin, content=response.content,
                                      file_name="again.csv")
    assert again.indicators.count() == 23
