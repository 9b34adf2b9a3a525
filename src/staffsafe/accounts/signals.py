"""Sign-in, sign-out and failed sign-in are audited wherever they happen."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from staffsafe.accounts import services


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):  # type: ignore[no-untyped-def]
    services.record_sign_in(user=user, request=request)


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):  # type: ignore[no-untyped-def]
    services.record_sign_out(user=user, request=request)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):  # type: ignore[no-untyped-def]
    services.record_failed_sign_in(username=str(credentials.get("username", "")), request=request)
