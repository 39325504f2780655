"""The visitor's address, also behind a reverse proxy.

Only a proxy listed in ``DJANGO_TRUSTED_PROXIES`` may tell us the client's
address (``X-Forwarded-For``); the right-most address not itself a trusted
proxy is the client. Without that setting, ``REMOTE_ADDR`` is used as is, so a
forged header from the Internet changes nothing.
"""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = set(getattr(settings, "TRUSTED_PROXIES", []))
    if remote not in trusted:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        if address not in trusted:
            return address
    return remote
