"""Security middleware: a Content Security Policy on every response, and sign-out after idleness.

The policy (``CONTENT_SECURITY_POLICY`` in settings) allows scripts, styles, fonts and connections
from this site only: no inline ``<script>``, no ``onclick=`` handlers, no ``style=`` attributes or
``<style>`` blocks in pages (every script lives in ``static/js`` and every style in ``static/css``),
no plugins, no framing. A view that needs something else sets the header itself and is left alone.

A signed-in user who does nothing for ``SESSION_IDLE_TIMEOUT`` seconds is signed out: the next
request finds the session idle, ends it, and sends a page request to the login page with a message
(an API request simply goes on unauthenticated). Activity is written to the session at sign-in and
then at most once a minute, so ordinary requests do not write the session every time.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.utils.translation import gettext as _

CSP_HEADER = "Content-Security-Policy"
LAST_ACTIVITY_KEY = "_last_activity"
ACTIVITY_WRITE_INTERVAL = 60


def policy_header(policy: dict[str, list[str]]) -> str:
    return "; ".join(f"{directive} {' '.join(sources)}".strip() for directive, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.header = policy_header(settings.CONTENT_SECURITY_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if CSP_HEADER not in response.headers:
            response.headers[CSP_HEADER] = self.header
        return response


class IdleSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = int(getattr(settings, "SESSION_IDLE_TIMEOUT", 0) or 0)
        user = getattr(request, "user", None)
        if timeout > 0 and user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY)
            if isinstance(last, int) and now - last > timeout:
                logout(request)
                if not request.path.startswith("/api/"):
                    minutes = max(1, timeout // 60)
                    messages.warning(request, _("Phiên làm việc đã kết thúc vì không có thao tác nào trong "
                                                "%(minutes)d phút. Vui lòng đăng nhập lại.") % {"minutes": minutes})
                    return redirect_to_login(request.get_full_path())
            elif not isinstance(last, int) or now - last >= ACTIVITY_WRITE_INTERVAL:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


@receiver(user_logged_in, dispatch_uid="config.security.stamp_activity")
def stamp_activity(sender, request, user, **kwargs):
    """Sign-in is activity: the session starts with its time, so the first page does not write it again."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_ACTIVITY_KEY] = int(time.time())
