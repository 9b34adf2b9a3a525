"""Trust administrators add people to their own trust and change their role and units."""

from staffsafe.accounts.models import User
from staffsafe.audit.models import AuditEvent

NEW = {"username": "nurse.jo", "first_name": "Jo", "last_name": "Bloggs",
       "email": "jo@nhs.invalid", "password": "a long enough passphrase", "role": "reporter",
       "staff_group": "registered_nurse_midwife"}


def test_admin_adds_a_person_who_can_then_sign_in(world, client_for, client):
    response = client_for(world.trust_admin).post("/organisation/people/add/",
                                                  {**NEW, "units": [world.ward.pk]})
    assert response.status_code == 302
    person = User.objects.get(username="nurse.jo")
    assert person.trust == world.trust and list(person.units.all()) == [world.ward]
    assert AuditEvent.objects.filter(action="create", object_type="user").exists()
    client.logout()
    assert client.post("/sign-in/", {"username": "nurse.jo",
                                     "password": NEW["password"]}).status_code == 302


def test_weak_passwords_and_national_roles_are_refused(world, client_for):
    client = client_for(world.trust_admin)
    weak = client.post("/organisation/people/add/", {**NEW, "password": "short"})
    assert "too short" in weak.content.decode()
    national = client.post("/organisation/people/add/", {**NEW, "role": "national_admin"})
    assert "Select a valid choice" in national.content.decode()
    assert not User.objects.filter(username="nurse.jo").exists()


def test_another_trusts_unit_is_not_offered(world, other_world, client_for):
    response = client_for(world.trust_admin).post(
        "/organisation/people/add/", {**NEW, "units": [other_world.ward.pk]})
    assert "Select a valid choice" in response.content.decode()


def test_admin_promotes_a_reporter_to_manager_and_it_is_audited(world, client_for):
    response = client_for(world.trust_admin).post(
        f"/organisation/people/{world.colleague.pk}/",
        {"role": "manager", "staff_group": "registered_nurse_midwife", "is_active": "on",
         "units": [world.ward.pk, world.other_ward.pk]})
    assert response.status_code == 302
    world.colleague.refresh_from_db()
    assert world.colleague.role == "manager" and world.colleague.units.count() == 2
    change = AuditEvent.objects.get(action="change", object_type="user")
    assert change.changes["role"] == ["reporter", "manager"]


def test_people_of_another_trust_are_not_found(world, other_world, client_for):
    client = client_for(world.trust_admin)
    assert client.get(f"/organisation/people/{other_world.reporter.pk}/").status_code == 404
    assert other_world.reporter.username not in client.get("/organisation/people/") \
        .content.decode()
