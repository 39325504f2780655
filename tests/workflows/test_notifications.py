"""Notifications: rows per recipient, email after commit, role lookups, the bell, the list and marking read."""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ProvinceFactory, UnitFactory, UserFactory
from workflows.models import Notification
from workflows.notifications import mark_read, notify, unread_count, users_with_role

pytestmark = pytest.mark.django_db


def make(user, count: int, **kwargs) -> list[Notification]:
    return [
        Notification.objects.create(recipient=user, kind="test", message=f"Thông báo số {n}", url="/dossiers/",
                                    **kwargs)
        for n in range(count)
    ]


class TestNotify:
    def test_creates_rows_and_mails_after_commit(self, clerk, head, settings, mailoutbox,
                                                 django_capture_on_commit_callbacks):
        settings.SITE_URL = "https://khenthuong.laichau.gov.vn/"
        clerk.email = "canbo@example.vn"
        clerk.save()
        head.email = ""
        head.save()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            created = notify(recipients=[clerk, head, clerk], kind="dossier_returned",
                             message="Hồ sơ HS-2026-00001 bị trả lại\nLý do: thiếu biên bản.",
                             url="/dossiers/1/", dossier=None)
            assert mailoutbox == []  # nothing leaves before the transaction commits
        assert len(created) == 2
        assert {n.recipient_id for n in created} == {clerk.pk, head.pk}
        assert Notification.objects.count() == 2
        for callback in callbacks:
            callback()
        assert len(mailoutbox) == 1
        mail = mailoutbox[0]
        assert mail.to == ["canbo@example.vn"]
        assert mail.subject == "[Thi đua - Khen thưởng] Hồ sơ HS-2026-00001 bị trả lại"
        assert "Lý do: thiếu biên bản." in mail.body
        assert "https://khenthuong.laichau.gov.vn/dossiers/1/" in mail.body
        assert Notification.objects.get(recipient=clerk).emailed_at is not None
        assert Notification.objects.get(recipient=head).emailed_at is None

    def test_mail_with_execute(self, clerk, settings, mailoutbox, django_capture_on_commit_callbacks, dossier):
        clerk.email = "canbo@example.vn"
        clerk.save()
        with django_capture_on_commit_callbacks(execute=True):
            (notification,) = notify(recipients=[clerk], kind="k", message="Có việc mới", url="/dossiers/5/",
                                     dossier=dossier)
        assert notification.dossier_id_ref == dossier.pk
        assert len(mailoutbox) == 1
        assert f"{settings.SITE_URL.rstrip('/')}/dossiers/5/" in mailoutbox[0].body

    def test_inactive_users_are_skipped(self, clerk, head, mailoutbox, django_capture_on_commit_callbacks):
        head.is_active = False
        head.email = "thutruong@example.vn"
        head.save()
        with django_capture_on_commit_callbacks(execute=True):
            created = notify(recipients=[head, clerk], kind="k", message="Tin nhắn")
        assert [n.recipient_id for n in created] == [clerk.pk]
        assert mailoutbox == []
        assert notify(recipients=[head], kind="k", message="Tin nhắn") == []

    def test_no_mail_when_the_transaction_rolls_back(self, clerk, mailoutbox, django_capture_on_commit_callbacks):
        clerk.email = "canbo@example.vn"
        clerk.save()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            notify(recipients=[clerk], kind="k", message="Tin nhắn")
        # The callback is registered, not run: a rollback would discard it unrun.
        assert len(callbacks) == 1
        assert mailoutbox == []

    def test_mail_failure_is_logged_not_raised(self, clerk, mailoutbox, monkeypatch, caplog,
                                               django_capture_on_commit_callbacks):
        clerk.email = "canbo@example.vn"
        clerk.save()

        def broken(self, *args, **kwargs):
            raise OSError("SMTP down")

        monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
        with caplog.at_level(logging.ERROR, logger="workflows.notifications"), \
                django_capture_on_commit_callbacks(execute=True):
            created = notify(recipients=[clerk], kind="k", message="Tin nhắn")
        assert len(created) == 1
        assert Notification.objects.get().emailed_at is None
        assert "Could not email notification" in caplog.text


class TestUsersWithRole:
    def test_scoping(self, province, unit, other_unit, clerk, other_clerk, head):
        inactive = UserFactory(unit=unit, roles=["unit_clerk"], is_active=False)
        elsewhere = UnitFactory(province=ProvinceFactory(code="DBN", name="Tỉnh Điện Biên"))
        far_clerk = UserFactory(unit=elsewhere, roles=["unit_clerk"])
        assert set(users_with_role("unit_clerk")) == {clerk, other_clerk, far_clerk}
        assert list(users_with_role("unit_clerk", unit=unit)) == [clerk]
        assert set(users_with_role("unit_clerk", province=province)) == {clerk, other_clerk}
        assert list(users_with_role("unit_head", province=province)) == [head]
        assert inactive not in users_with_role("unit_clerk", unit=unit)
        assert list(users_with_role("ha_lead", province=province)) == []


class TestReadState:
    def test_unread_count_and_mark_read_only_own(self, clerk, head):
        mine = make(clerk, 3)
        theirs = make(head, 2)
        assert unread_count(clerk) == 3
        assert mark_read(user=clerk, notification_ids=[theirs[0].pk]) == 0
        assert unread_count(head) == 2
        assert mark_read(user=clerk, notification_ids=[mine[0].pk, theirs[1].pk]) == 1
        assert unread_count(clerk) == 2
        assert mark_read(user=clerk) == 2
        assert unread_count(clerk) == 0
        assert unread_count(head) == 2
        assert mark_read(user=clerk, notification_ids=[]) == 0


class TestPages:
    def test_bell_shows_unread_count_in_the_header(self, client, clerk, head):
        make(clerk, 2)
        make(clerk, 1, read_at="2025-01-01T00:00:00+07:00")
        make(head, 4)
        client.force_login(clerk)
        html = client.get(reverse("home")).content.decode()
        assert 'class="notification-bell has-unread"' in html
        assert 'data-unread="2"' in html
        assert reverse("notifications") in html

    def test_no_bell_for_visitors(self, client):
        response = client.get(reverse("login"))
        assert "notification_unread" not in response.context
        assert "notification-bell" not in response.content.decode()

    def test_list_is_newest_first_paginated_and_highlights_unread(self, client, clerk, head):
        items = make(clerk, 30)
        Notification.objects.filter(pk=items[-1].pk).update(read_at="2025-01-01T00:00:00+07:00")
        make(head, 1)
        client.force_login(clerk)
        response = client.get(reverse("notifications"))
        page = response.context["page"]
        assert len(page.object_list) == 25
        assert [n.pk for n in page.object_list][:2] == [items[-1].pk, items[-2].pk]
        html = response.content.decode()
        assert html.count("notification-item is-unread") == 24
        assert reverse("notification_open", args=[items[-2].pk]) in html
        assert "Đánh dấu tất cả đã đọc" in html
        assert "Đánh dấu đã đọc" in html
        second = client.get(reverse("notifications"), {"page": 2}).context["page"]
        assert len(second.object_list) == 5

    def test_list_queries_are_constant(self, client, clerk):
        client.force_login(clerk)

        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(reverse("notifications")).status_code == 200
            return len(ctx.captured_queries)

        make(clerk, 3)
        few = count()
        make(clerk, 27)
        assert count() == few

    def test_open_marks_read_and_redirects(self, client, clerk):
        (notification,) = make(clerk, 1)
        client.force_login(clerk)
        response = client.get(reverse("notification_open", args=[notification.pk]))
        assert response.status_code == 302
        assert response["Location"] == "/dossiers/"
        notification.refresh_from_db()
        assert notification.read_at is not None

    def test_open_never_leaves_the_site(self, client, clerk):
        notification = Notification.objects.create(recipient=clerk, kind="k", message="x",
                                                   url="https://evil.example/")
        client.force_login(clerk)
        response = client.get(reverse("notification_open", args=[notification.pk]))
        assert response["Location"] == reverse("notifications")

    def test_another_users_notification_is_404(self, client, clerk, head):
        (theirs,) = make(head, 1)
        client.force_login(clerk)
        assert client.get(reverse("notification_open", args=[theirs.pk])).status_code == 404
        assert client.post(reverse("notification_read", args=[theirs.pk])).status_code == 404
        theirs.refresh_from_db()
        assert theirs.read_at is None

    def test_mark_one_and_all_read(self, client, clerk, head):
        first, second, third = make(clerk, 3)
        (theirs,) = make(head, 1)
        client.force_login(clerk)
        response = client.post(reverse("notification_read", args=[first.pk]), {"next": "/notifications/?page=1"})
        assert response.status_code == 302 and response["Location"] == "/notifications/?page=1"
        assert unread_count(clerk) == 2
        response = client.post(reverse("notifications_read_all"), {"next": "https://evil.example/"})
        assert response["Location"] == reverse("notifications")
        assert unread_count(clerk) == 0
        assert unread_count(head) == 1
        assert client.get(reverse("notifications_read_all")).status_code == 405

    def test_marking_read_needs_the_csrf_token(self, clerk):
        (notification,) = make(clerk, 1)
        client = Client(enforce_csrf_checks=True)
        client.force_login(clerk)
        assert client.post(reverse("notifications_read_all")).status_code == 403
        assert client.post(reverse("notification_read", args=[notification.pk])).status_code == 403
        assert unread_count(clerk) == 1

    def test_pages_need_login(self, client):
        response = client.get(reverse("notifications"))
        assert response.status_code == 302 and reverse("login") in response["Location"]
