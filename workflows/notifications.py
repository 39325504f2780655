"""In-app notifications, also sent by email to recipients who have an address.

Notifications are messages, not legal changes: they write no audit events.
Mail leaves only after the caller's transaction commits, so a rolled-back
action sends nothing, and a mail failure is logged without breaking the caller.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.models import User
from workflows.models import Notification

logger = logging.getLogger(__name__)

SUBJECT_MAX = 200


def notify(*, recipients: Iterable[User], kind: str, message: str, url: str = "", dossier=None) -> list[Notification]:
    """One notification per distinct active recipient; email after commit to those with an address."""
    seen: set[int] = set()
    people: list[User] = []
    for user in recipients:
        if user is None or user.pk is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        people.append(user)
    if not people:
        return []
    now = timezone.now()
    dossier_id = getattr(dossier, "pk", dossier)
    created = Notification.objects.bulk_create(
        [
            Notification(recipient=user, kind=kind, message=message, url=url, dossier_id_ref=dossier_id,
                         created_at=now)
            for user in people
        ]
    )
    mails = [(notification.pk, user.email) for notification, user in zip(created, people, strict=True)
             if (user.email or "").strip()]
    if mails:
        subject = email_subject(message)
        body = email_body(message, url)
        transaction.on_commit(lambda: _send_mails(mails, subject, body))
    return created


def notify_many(messages) -> list[Notification]:
    """``notify`` for many messages at once, written together: ``messages`` are
    ``(recipients, kind, message, url, dossier)``; the same rules per message (distinct active recipients, email
    after commit to those with an address)."""
    now = timezone.now()
    rows: list[Notification] = []
    people: list[User] = []
    texts: list[tuple[str, str]] = []
    for recipients, kind, message, url, dossier in messages:
        seen: set[int] = set()
        dossier_id = getattr(dossier, "pk", dossier)
        for user in recipients:
            if user is None or user.pk is None or not user.is_active or user.pk in seen:
                continue
            seen.add(user.pk)
            people.append(user)
            texts.append((message, url))
            rows.append(Notification(recipient=user, kind=kind, message=message, url=url, dossier_id_ref=dossier_id,
                                     created_at=now))
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    mails: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for notification, user, text in zip(created, people, texts, strict=True):
        if (user.email or "").strip():
            mails.setdefault(text, []).append((notification.pk, user.email))
    if mails:
        letters = [(group, email_subject(message), email_body(message, url))
                   for (message, url), group in mails.items()]
        transaction.on_commit(lambda: [_send_mails(*letter) for letter in letters])
    return created


def email_subject(message: str) -> str:
    first_line = next((line.strip() for line in message.splitlines() if line.strip()), "")
    subject = f"[{_('Thi đua - Khen thưởng')}] {first_line}"
    return subject if len(subject) <= SUBJECT_MAX else subject[: SUBJECT_MAX - 1] + "…"


def absolute_url(url: str) -> str:
    """``url`` on the deployment's address (``settings.SITE_URL``); absolute URLs stay as they are."""
    if url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + "/" + url.lstrip("/")


def email_body(message: str, url: str) -> str:
    link = absolute_url(url or reverse("notifications"))
    return f"{message}\n\n{_('Xem chi tiết')}: {link}\n"


def _send_mails(mails: list[tuple[int, str]], subject: str, body: str) -> None:
    """Send one email per recipient (no one sees another's address); mark those sent."""
    sent: list[int] = []
    try:
        connection = get_connection(fail_silently=False)
        with connection:
            for notification_id, address in mails:
                try:
                    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address],
                                 connection=connection).send()
                except Exception:
                    logger.exception("Could not email notification %s", notification_id)
                else:
                    sent.append(notification_id)
    except Exception:
        logger.exception("Could not open the mail connection for %s notifications", len(mails))
    if sent:
        try:
            Notification.objects.filter(pk__in=sent).update(emailed_at=timezone.now())
        except Exception:
            logger.exception("Could not record the emailing of notifications %s", sent)


def users_with_role(role: str, *, province=None, unit=None) -> QuerySet[User]:
    """Active users in the role's group; of ``unit`` only, or of any unit of ``province``."""
    users = User.objects.filter(is_active=True, groups__name=str(role))
    if unit is not None:
        users = users.filter(unit_id=getattr(unit, "pk", unit))
    if province is not None:
        users = users.filter(unit__province_id=getattr(province, "pk", province))
    return users.order_by("pk")


def users_with_roles(roles, *, units) -> QuerySet[User]:
    """Active users in any of ``roles``' groups, of the ``units`` given (each once)."""
    return (User.objects.filter(is_active=True, unit_id__in=list(units), groups__name__in=[str(r) for r in roles])
            .distinct().order_by("pk"))


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read (all, or those of ``notification_ids``); never another's."""
    if not getattr(user, "is_authenticated", False):
        return 0
    queryset = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    if notification_ids is not None:
        ids = [int(pk) for pk in notification_ids]
        if not ids:
            return 0
        queryset = queryset.filter(pk__in=ids)
    return queryset.update(read_at=timezone.now())
