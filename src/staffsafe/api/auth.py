"""Bearer tokens for machine clients (created with `staffsafe api-token USERNAME`)."""

from __future__ import annotations

from ninja.security import HttpBearer

from staffsafe.accounts.services import api_token_user


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):  # type: ignore[no-untyped-def]
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user
