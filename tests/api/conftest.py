import pytest

from staffsafe.accounts.services import api_token_create


@pytest.fixture
def api(client):
    """A JSON client that signs its requests with a bearer token for `user`."""

    class Api:
        def __init__(self, user=None):
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user)}"} \
                if user else {}

        def post(self, path, body=None, raw=None):
            return client.post(f"/api/v1{path}", data=raw if raw is not None else body,
                               content_type="application/json", **self.headers)

        def patch(self, path, body):
            return client.patch(f"/api/v1{path}", data=body, content_type="application/json",
                                **self.headers)

        def get(self, path, **params):
            return client.get(f"/api/v1{path}", params, **self.headers)

    return Api
