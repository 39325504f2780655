"""The caller's own notifications through the API: list (unread first or newest), mark read."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.api.helpers import assert_error, url
from workflows.models import Notification
from workflows.notifications import notify


def make(user, count, *, start=0, read=False):
    base = timezone.now() - datetime.timedelta(hours=1)
    return [Notification.objects.create(recipient=user, kind="task.assigned", message=f"Thông báo {start + i}",
                                        url="/tasks/1/", dossier_id_ref=7,
                                        created_at=base + datetime.timedelta(minutes=start + i),
                                        read_at=timezone.now() if read else None)
            for i in range(count)]


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_own_notifications_unread_first_then_newest(api, clerk, head):
    old_unread, new_unread = make(clerk, 2)
    older_read, newer_read = make(clerk, 2, start=5, read=True)
    make(head, 1)
    client = api(clerk)
    response = client.get(url("notifications/"))
    assert ids(response) == [new_unread.pk, old_unread.pk, newer_read.pk, older_read.pk]
    body = response.json()
    assert (body["count"], body["unread_count"]) == (4, 2)
    row = body["results"][0]
    assert row == {"id": new_unread.pk, "kind": "task.assigned", "message": "Thông báo 1", "url": "/tasks/1/",
                   "dossier": 7, "created_at": row["created_at"], "read_at": None, "unread": True}
    assert ids(client.get(url("notifications/"), {"order": "newest"})) == [
        newer_read.pk, older_read.pk, new_unread.pk, old_unread.pk]
    assert ids(client.get(url("notifications/"), {"unread": "true"})) == [new_unread.pk, old_unread.pk]
    assert ids(client.get(url("notifications/"), {"unread": "false"})) == [newer_read.pk, older_read.pk]
    body = assert_error(client.get(url("notifications/"), {"order": "oldest"}), 400, "invalid")
    assert body["errors"][0]["field"] == "order"


def test_notifications_from_the_flow_reach_the_api(api, clerk):
    notify(recipients=[clerk], kind="dossier.returned", message="Hồ sơ HS-2025-00001 được trả lại để bổ sung.")
    body = api(clerk).get(url("notifications/")).json()
    assert [row["kind"] for row in body["results"]] == ["dossier.returned"]


def test_mark_some_or_all_read(api, clerk, head):
    first, second, third = make(clerk, 3)
    [others] = make(head, 1)
    client = api(clerk)
    response = client.post(url("notifications/read/"), {"ids": [first.pk, others.pk]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"marked": 1, "unread_count": 2}
    others.refresh_from_db()
    assert others.read_at is None  # never another's
    assert client.post(url("notifications/read/"), {"ids": []}, format="json").json() == {
        "marked": 0, "unread_count": 2}
    assert client.post(url("notifications/read/"), {}, format="json").json() == {"marked": 2, "unread_count": 0}
    assert client.post(url("notifications/read/")).json() == {"marked": 0, "unread_count": 0}
    body = assert_error(client.post(url("notifications/read/"), {"ids": ["a"]}, format="json"), 400, "invalid")
    assert body["errors"][0] == {"field": "ids.0", "message": "Phải là số nguyên.", "code": "invalid"}


def test_login_required(anon):
    assert_error(anon.get(url("notifications/")), 401, "not_authenticated")
    assert_error(anon.post(url("notifications/read/")), 401, "not_authenticated")


def test_the_list_is_a_fixed_number_of_queries(api, clerk, django_assert_max_num_queries):
    client = api(clerk)
    make(clerk, 3)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url("notifications/")).json()["count"] == 3
    few = len(context)
    make(clerk, 27, start=3)
    with django_assert_max_num_queries(few):
        assert len(client.get(url("notifications/")).json()["results"]) == 30
