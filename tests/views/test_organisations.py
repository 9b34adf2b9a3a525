"""Trust administrators manage sites, units and headcounts, and load them from CSV."""

import html

from django.core.files.uploadedfile import SimpleUploadedFile

from staffsafe.organisations.models import Headcount, Site, Unit


def upload(client, kind, text, name="data.csv"):
    return client.post("/organisation/upload/", {
        "kind": kind, "file": SimpleUploadedFile(name, text.encode("utf-8-sig"))})


def test_sites_units_and_headcounts_load_from_csv(world, client_for):
    client = client_for(world.trust_admin)
    assert upload(client, "sites", "name,ods_code\nHilltop Clinic,RAA12\n").status_code == 302
    assert upload(client, "units", "site,name,kind,default_setting\n"
                  "Hilltop Clinic,Minor Injuries,department,emergency_department\n"
                  ).status_code == 302
    assert upload(client, "headcounts", "staff_group,month,headcount\n"
                  "registered_nurse_midwife,2026-03,1200\nadmin_clerical,2026-03,300\n"
                  ).status_code == 302
    assert Site.objects.get(name="Hilltop Clinic").ods_code == "RAA12"
    assert Unit.objects.get(name="Minor Injuries").trust == world.trust
    assert Headcount.objects.filter(trust=world.trust, month="2026-03-01").count() == 2


def test_a_bad_row_loads_nothing_and_is_located(world, client_for):
    response = upload(client_for(world.trust_admin), "headcounts",
                      "staff_group,month,headcount\nregistered_nurse_midwife,2026-03,1200\n"
                      "astronaut,March,-4\n")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Row 3, staff_group: Not a staff group code" in html
    assert "Row 3, month: Enter the month as YYYY-MM" in html
    assert "Row 3, headcount: Enter a whole number" in html
    assert not Headcount.objects.exists()


def test_a_duplicate_unit_is_refused_whole(world, client_for):
    site = world.ward.site.name
    response = upload(client_for(world.trust_admin), "units",
                      f"site,name,kind,default_setting\n{site},New Ward,ward,inpatient_ward\n"
                      f"{site},{world.ward.name},ward,inpatient_ward\n")
    assert "Row 3" in response.content.decode()
    assert not Unit.objects.filter(name="New Ward").exists()


def test_junk_files_get_a_clear_message(world, client_for):
    client = client_for(world.trust_admin)
    assert "no rows" in upload(client, "sites", "name,ods_code\n").content.decode()
    junk = html.unescape(upload(client, "sites", "\x00\x01\x02").content.decode())
    assert "Row 1, name: The file has no 'name' column." in junk


def test_a_unit_belongs_to_a_site_of_the_admins_own_trust(world, other_world, client_for):
    response = client_for(world.trust_admin).post("/organisation/units/add/", {
        "site": other_world.ward.site.pk, "name": "Sneaky", "kind": "ward",
        "default_setting": "inpatient_ward"})
    assert "Select a valid choice" in response.content.decode() or \
        "valid" in response.content.decode()
    assert not Unit.objects.filter(name="Sneaky").exists()


def test_national_admin_adds_a_trust(national_admin, client_for):
    response = client_for(national_admin).post("/trusts/add/", {
        "ods_code": "rx9", "name": "New Trust", "sector": "community", "region": "london"})
    assert response.status_code == 302
    bad = client_for(national_admin).post("/trusts/add/", {
        "ods_code": "R!", "name": "Bad", "sector": "community", "region": "london"})
    assert "Enter an ODS code of 3 to 5 capital letters or digits" in bad.content.decode()
