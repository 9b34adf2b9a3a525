"""Sending a return through the API."""

from django.core.files.uploadedfile import SimpleUploadedFile

from staffsafe.accounts.services import api_token_create
from staffsafe.collection.models import Return
from tests.collection_returns.conftest import as_json


def send(client, user, content, name="march.json", period="2026-03"):
    return client.post("/api/v1/returns", {
        "period": period, "file": SimpleUploadedFile(name, content)},
        HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=user)}")


def test_a_trust_system_sends_a_return_and_follows_it(world, return_file, client,
                                                     django_capture_on_commit_callbacks):
    content, header = return_file(12)
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, world.lead, as_json(content, header))
    assert response.status_code == 202
    document = client.get(f"/api/v1/returns/{response.json()['id']}",
                          HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=world.lead)}").json()
    assert document["status"] == "accepted" and document["row_count"] == 12
    assert send(client, world.lead, as_json(content, header)).status_code == 200  # same file


def test_bad_requests_are_explained(world, client):
    assert send(client, world.lead, b"{}", period="March").json()["detail"] == \
        "period must be YYYY-MM, like 2026-03."
    assert send(client, world.lead, b"x", name="x.exe").status_code == 422
    assert send(client, world.reporter, b"{}").status_code == 403
    assert not Return.objects.exists()
