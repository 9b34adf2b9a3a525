"""Issue "national collection", done when: a return exported by a Datix-style system, mapped by
a profile, is validated with located errors, corrected, accepted and appears in the national
tables with disclosure control applied."""

import html

from django.core.files.uploadedfile import SimpleUploadedFile

from staffsafe.collection.models import NationalRow, Return
from staffsafe.datastandard import codes
from staffsafe.organisations.models import Headcount
from tests.collection.test_profiles import DATIX_ROWS, datix_csv
from tests.collection_returns.conftest import MARCH


def upload(client, content, name):
    return client.post("/returns/upload/", {
        "period": MARCH.isoformat(), "profile": "datix",
        "file": SimpleUploadedFile(name, content, content_type="text/csv")})


def test_a_datix_export_is_corrected_accepted_and_published_safely(
        world, other_world, national_analyst, client_for, return_file,
        django_capture_on_commit_callbacks):
    for group in codes.STAFF_GROUP.values:
        for trust in (world.trust, other_world.trust):
            Headcount.objects.create(trust=trust, staff_group=group, month=MARCH,
                                     headcount=400)
    # Another trust's larger return, so that England is more than this one trust.
    content, _ = return_file(300, ods=other_world.trust.ods_code)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(other_world.lead).post("/returns/upload/", {
            "period": MARCH.isoformat(), "file": SimpleUploadedFile("m.csv", content)})
    lead = client_for(world.lead)

    # The export has a local code the profile does not know: rejected whole, located.
    wrong = list(DATIX_ROWS)
    wrong[0] = wrong[0].replace("Physical assault - staff", "Punch-up")
    with django_capture_on_commit_callbacks(execute=True):
        first = upload(lead, datix_csv(wrong), "datix-march.csv")
    page = html.unescape(lead.get(first.url).content.decode())
    assert "Rejected" in page
    assert "Row 2, column category: 'Punch-up' is not one of the codes for category" in page
    assert not NationalRow.objects.filter(trust=world.trust).exists()

    # The corrected export is accepted and loaded; free text and names never are.
    with django_capture_on_commit_callbacks(execute=True):
        second = upload(lead, datix_csv(), "datix-march-corrected.csv")
    accepted = Return.objects.get(pk=second.url.rstrip("/").rsplit("/", 1)[1])
    assert accepted.status == "accepted", accepted.problems[:3]
    assert (accepted.row_count, accepted.incident_count) == (5, 4)
    assert set(NationalRow.objects.filter(submission=accepted)
               .values_list("incident_id", flat=True)) == {
        "DW-1001", "DW-1002", "DW-1003", "DW-1004"}

    # In the national tables the trust's small counts are suppressed; England's are exact.
    analyst = client_for(national_analyst)
    tables = html.unescape(analyst.get("/national/tables/", {
        "period_from": MARCH.isoformat(), "period_to": MARCH.isoformat(),
        "granularity": "month"}).content.decode())
    assert "DW-100" not in tables and "A Nurse" not in tables
    trust_row = tables[tables.index(world.trust.name):].split("</tr>")[0]
    cells = [c.split("<")[0] for c in trust_row.split('numeric">')[1:]]
    assert cells[0] == "*", cells  # 4 incidents: shown as *
    trust_table = tables[:tables.index(world.trust.name)].rsplit("<table", 1)[1] + \
        tables[tables.index(world.trust.name):].split("</table>")[0]
    england_row = trust_table[trust_table.index("England"):].split("</tr>")[0]
    england_incidents = int(england_row.split('numeric">')[1].split("<")[0].replace(",", ""))
    assert england_incidents == NationalRow.objects.filter(current=True, staff_index=0).count()
