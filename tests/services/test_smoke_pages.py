import pytest

PAGES = ["/", "/report/", "/report/what-happened/", "/report/who-was-affected/",
         "/report/who-was-involved/", "/my-reports/", "/triage/", "/incidents/", "/audit/",
         "/organisation/", "/organisation/upload/", "/organisation/sites/add/",
         "/organisation/units/add/", "/organisation/headcounts/set/", "/trusts/", "/trusts/add/"]


@pytest.mark.parametrize("role", ["reporter", "manager", "lead", "trust_admin"])
def test_pages_render(world, incident, client_for, role):
    client = client_for(getattr(world, role))
    for page in PAGES + [f"/incidents/{incident.pk}/", f"/my-reports/{incident.pk}/"]:
        response = client.get(page, follow=True)
        assert response.status_code in (200, 403, 404), (page, response.status_code)
