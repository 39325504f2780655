"""The user's notifications: the list, marking read, and opening one (which marks it read).

A user sees and changes only their own notifications; another's is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dossiers.views.common import paginate
from workflows import notifications as service
from workflows.models import Notification


def _own(request, pk) -> Notification:
    return get_object_or_404(Notification, pk=pk, recipient_id=request.user.pk)


def _safe(request, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def _back(request):
    """Back to where the form was (the same page of the list), if that is on this site."""
    target = request.POST.get("next", "")
    return redirect(target if _safe(request, target) else "notifications")


@login_required
@require_GET
def notification_list(request):
    queryset = Notification.objects.filter(recipient_id=request.user.pk).order_by("-created_at", "-id")
    page = paginate(request, queryset)
    return render(request, "workflows/notifications.html", {"page": page})


@login_required
@require_GET
def notification_open(request, pk):
    notification = _own(request, pk)
    service.mark_read(user=request.user, notification_ids=[notification.pk])
    return redirect(notification.url if _safe(request, notification.url) else "notifications")


@login_required
@require_POST
def notification_read(request, pk):
    notification = _own(request, pk)
    service.mark_read(user=request.user, notification_ids=[notification.pk])
    return _back(request)


@login_required
@require_POST
def notification_read_all(request):
    count = service.mark_read(user=request.user)
    if count:
        messages.success(request, _("Đã đánh dấu %(count)s thông báo là đã đọc.") % {"count": count})
    return _back(request)
