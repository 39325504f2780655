"""Home Affairs' work lists and taking, giving back and handing over tasks through the pages."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dossiers.models import Dossier
from tests.factories import DossierFactory, ProvinceFactory, UnitFactory, UserFactory
from tests.workflows.test_flow import accept, appraise, submitted_dossier, task
from workflows import services as wf
from workflows.models import TaskDeadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(ha_unit):
    return UserFactory(unit=ha_unit, roles=["ha_lead"], username="lanhdao", first_name="Văn Lâm", last_name="Đỗ")


@pytest.fixture
def second_specialist(ha_unit):
    return UserFactory(unit=ha_unit, roles=["ha_specialist"], username="chuyenvien2", first_name="Thị Mai",
                       last_name="Vũ")


def new_dossier(unit, clerk, head, title):
    return submitted_dossier(DossierFactory(unit=unit, created_by=clerk, title=title), clerk, head)


def html_of(response) -> str:
    return response.content.decode()


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class TestWorkLists:
    def test_specialist_finds_the_intake_in_the_queue_and_opens_it(self, client, dossier, clerk, head,
                                                                   ha_specialist):
        dossier = submitted_dossier(dossier, clerk, head)
        client.force_login(ha_specialist)
        html = html_of(client.get(reverse("tasks_queue")))
        assert dossier.reference in html and dossier.title in html
        assert "Kiểm tra, tiếp nhận hồ sơ" in html
        assert "Sở Tài chính" in html
        due = TaskDeadline.objects.get(task=task(dossier, "intake")).due_on
        assert due.strftime("%d/%m/%Y") in html
        assert reverse("task_detail", args=[task(dossier, "intake").pk]) in html
        assert dossier.title not in html_of(client.get(reverse("tasks")))

    def test_leads_queue_holds_approvals_not_intakes(self, client, dossier, clerk, head, ha_specialist, lead):
        dossier = submitted_dossier(dossier, clerk, head)
        client.force_login(lead)
        assert dossier.title not in html_of(client.get(reverse("tasks_queue")))
        accept(dossier, ha_specialist)
        appraise(dossier, ha_specialist)
        html = html_of(client.get(reverse("tasks_queue")))
        assert dossier.title in html and "Lãnh đạo Sở duyệt" in html

    def test_approval_never_queues_for_the_one_who_appraised(self, client, dossier, clerk, head, ha_unit, lead):
        both = UserFactory(unit=ha_unit, roles=["ha_specialist", "ha_lead"])
        dossier = submitted_dossier(dossier, clerk, head)
        accept(dossier, both)
        appraise(dossier, both)
        client.force_login(both)
        assert dossier.title not in html_of(client.get(reverse("tasks_queue")))
        client.force_login(lead)
        assert dossier.title in html_of(client.get(reverse("tasks_queue")))

    def test_my_tasks_after_claiming(self, client, dossier, clerk, head, ha_specialist):
        dossier = submitted_dossier(dossier, clerk, head)
        wf.claim_task(actor=ha_specialist, task=task(dossier, "intake"))
        client.force_login(ha_specialist)
        html = html_of(client.get(reverse("tasks")))
        assert dossier.title in html
        assert str(ha_specialist) in html
        assert dossier.title not in html_of(client.get(reverse("tasks_queue")))

    def test_sorted_by_due_date_with_return_count(self, client, unit, clerk, head, ha_specialist):
        later = new_dossier(unit, clerk, head, "Hồ sơ hạn muộn hơn")
        sooner = new_dossier(unit, clerk, head, "Hồ sơ hạn sớm hơn")
        wf.complete_intake(actor=ha_specialist, task=task(sooner, "intake"), decision="return", note="Bổ sung")
        from dossiers.services import dossiers as unit_services

        unit_services.send_to_head(actor=clerk, dossier=sooner)
        unit_services.submit_dossier(actor=head, dossier=Dossier.objects.get(pk=sooner.pk))
        TaskDeadline.objects.filter(task=task(later, "intake")).update(due_on=timezone.localdate()
                                                                       + datetime.timedelta(days=30))
        client.force_login(ha_specialist)
        html = html_of(client.get(reverse("tasks_queue")))
        assert html.index("Hồ sơ hạn sớm hơn") < html.index("Hồ sơ hạn muộn hơn")
        row = html[html.index("Hồ sơ hạn sớm hơn"):html.index("Hồ sơ hạn muộn hơn")]
        assert '<td class="num">1</td>' in row

    def test_another_provinces_tasks_are_invisible(self, client, dossier, clerk, head, ha_specialist):
        other_province = ProvinceFactory(code="DBN", name="Tỉnh Điện Biên", place_name="Điện Biên")
        other_unit = UnitFactory(province=other_province, name="Sở Y tế Điện Biên")
        other_clerk = UserFactory(unit=other_unit, roles=["unit_clerk"])
        other_head = UserFactory(unit=other_unit, roles=["unit_head"])
        foreign = new_dossier(other_unit, other_clerk, other_head, "Hồ sơ của tỉnh khác")
        submitted_dossier(dossier, clerk, head)
        client.force_login(ha_specialist)
        for name in ("tasks", "tasks_queue", "tasks_overdue"):
            assert "Hồ sơ của tỉnh khác" not in html_of(client.get(reverse(name)))
        foreign_task = task(foreign, "intake")
        assert client.get(reverse("task_detail", args=[foreign_task.pk])).status_code == 404
        assert client.post(reverse("task_claim", args=[foreign_task.pk])).status_code == 404
        assert task(foreign, "intake").owner_id is None

    @pytest.mark.parametrize("user_fixture", ["clerk", "head"])
    def test_unit_users_are_refused(self, request, client, dossier, clerk, head, user_fixture):
        dossier = submitted_dossier(dossier, clerk, head)
        intake = task(dossier, "intake")
        client.force_login(request.getfixturevalue(user_fixture))
        for name in ("tasks", "tasks_queue", "tasks_overdue"):
            assert client.get(reverse(name)).status_code == 403, name
        assert client.get(reverse("task_detail", args=[intake.pk])).status_code == 404
        for name in ("task_claim", "task_complete", "task_check_eligibility"):
            assert client.post(reverse(name, args=[intake.pk]), {"decision": "accept"}).status_code == 404, name
        assert Dossier.objects.get(pk=dossier.pk).state == "submitted"

    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(reverse("tasks"))
        assert response.status_code == 302 and reverse("login") in response["Location"]

    def test_overdue_and_due_soon_colours(self, client, unit, clerk, head, ha_specialist, second_specialist, lead):
        mine = new_dossier(unit, clerk, head, "Hồ sơ của chuyên viên một")
        theirs = new_dossier(unit, clerk, head, "Hồ sơ của chuyên viên hai")
        wf.claim_task(actor=ha_specialist, task=task(mine, "intake"))
        wf.claim_task(actor=second_specialist, task=task(theirs, "intake"))
        due = TaskDeadline.objects.get(task=task(mine, "intake")).due_on

        # Sessions last hours: sign in at the travelled-to moment.
        with time_machine.travel(at(due), tick=False):
            client.force_login(ha_specialist)
            html = html_of(client.get(reverse("tasks")))
            assert "due-soon" in html and "Sắp đến hạn" in html
            assert "Hồ sơ của chuyên viên một" not in html_of(client.get(reverse("tasks_overdue")))
        with time_machine.travel(at(due + datetime.timedelta(days=1)), tick=False):
            client.force_login(ha_specialist)
            html = html_of(client.get(reverse("tasks_overdue")))
            assert "Hồ sơ của chuyên viên một" in html
            assert "Hồ sơ của chuyên viên hai" not in html  # another specialist's task
            assert "due-overdue" in html and "Quá hạn" in html
            client.force_login(lead)
            html = html_of(client.get(reverse("tasks_overdue")))
            assert "Hồ sơ của chuyên viên một" in html and "Hồ sơ của chuyên viên hai" in html

    def test_queries_do_not_grow_with_rows(self, client, unit, clerk, head, ha_specialist):
        def count_queries(name):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse(name))
            assert response.status_code == 200
            return len(queries)

        def add(numbers):
            for index, number in enumerate(numbers):
                dossier = new_dossier(unit, clerk, head, f"Hồ sơ thử số {number}")
                if index % 2:
                    wf.claim_task(actor=ha_specialist, task=task(dossier, "intake"))
            TaskDeadline.objects.update(due_on=timezone.localdate() - datetime.timedelta(days=1))

        add(range(3))  # every list has rows: 1 of mine, 2 in the queue, 3 overdue
        client.force_login(ha_specialist)
        few = {name: count_queries(name) for name in ("tasks", "tasks_queue", "tasks_overdue", "home")}
        add(range(3, 30))
        many = {name: count_queries(name) for name in ("tasks", "tasks_queue", "tasks_overdue", "home")}
        assert many == few

    def test_paginated_by_25(self, client, unit, clerk, head, ha_specialist):
        for number in range(26):
            new_dossier(unit, clerk, head, f"Hồ sơ phân trang {number:02d}")
        client.force_login(ha_specialist)
        html = html_of(client.get(reverse("tasks_queue")))
        assert html.count('class="nowrap" href="/viec/') == 25
        assert "Trang 1/2" in html
        html = html_of(client.get(reverse("tasks_queue") + "?page=2"))
        assert html.count('class="nowrap" href="/viec/') == 1


class TestTaking:
    def test_claim_then_another_specialist_cannot(self, client, dossier, clerk, head, ha_specialist,
                                                  second_specialist):
        dossier = submitted_dossier(dossier, clerk, head)
        intake = task(dossier, "intake")
        client.force_login(ha_specialist)
        html = html_of(client.get(reverse("task_detail", args=[intake.pk])))
        assert "Nhận việc" in html and "Chưa có người nhận" in html
        response = client.post(reverse("task_claim", args=[intake.pk]), follow=True)
        html = html_of(response)
        assert "Đã nhận việc “Kiểm tra, tiếp nhận hồ sơ” của hồ sơ" in html
        assert "Trả lại hàng chờ" in html
        assert task(dossier, "intake").owner == ha_specialist

        client.force_login(second_specialist)
        html = html_of(client.get(reverse("task_detail", args=[intake.pk])))
        assert f"Việc này do {ha_specialist} đảm nhận." in html
        assert reverse("task_claim", args=[intake.pk]) not in html
        assert "Tiếp nhận, chuyển thẩm định" not in html
        response = client.post(reverse("task_claim", args=[intake.pk]))
        assert response.status_code == 409
        assert "Việc này đã có người nhận" in html_of(response)
        response = client.post(reverse("task_complete", args=[intake.pk]), {"decision": "accept"})
        assert response.status_code == 409
        assert f"Việc này do {ha_specialist} đảm nhận." in html_of(response)
        assert Dossier.objects.get(pk=dossier.pk).state == "submitted"

    def test_release_returns_the_task_to_the_queue(self, client, dossier, clerk, head, ha_specialist):
        dossier = submitted_dossier(dossier, clerk, head)
        intake = task(dossier, "intake")
        wf.claim_task(actor=ha_specialist, task=intake)
        client.force_login(ha_specialist)
        response = client.post(reverse("task_release", args=[intake.pk]), follow=True)
        assert response.redirect_chain[-1][0] == reverse("tasks_queue")
        html = html_of(response)
        assert "về hàng chờ" in html and dossier.title in html
        assert task(dossier, "intake").owner is None

    def test_lead_hands_the_task_to_another_specialist(self, client, dossier, clerk, head, ha_specialist,
                                                       second_specialist, lead):
        dossier = submitted_dossier(dossier, clerk, head)
        intake = task(dossier, "intake")
        wf.claim_task(actor=ha_specialist, task=intake)

        client.force_login(ha_specialist)
        html = html_of(client.get(reverse("task_detail", args=[intake.pk])))
        assert "Giao việc" not in html
        response = client.post(reverse("task_reassign", args=[intake.pk]), {"assign-to_user": second_specialist.pk})
        assert response.status_code == 403
        assert "Chỉ lãnh đạo Sở Nội vụ được giao lại việc." in html_of(response)

        client.force_login(lead)
        html = html_of(client.get(reverse("task_detail", args=[intake.pk])))
        assert "Giao cho" in html and str(second_specialist) in html
        response = client.post(reverse("task_reassign", args=[intake.pk]), {"assign-to_user": clerk.pk})
        assert response.status_code == 400
        assert "Người này không làm được việc này." in html_of(response)
        response = client.post(reverse("task_reassign", args=[intake.pk]),
                               {"assign-to_user": second_specialist.pk}, follow=True)
        assert f"cho {second_specialist}." in html_of(response)
        assert task(dossier, "intake").owner == second_specialist

        client.force_login(second_specialist)
        assert dossier.title in html_of(client.get(reverse("tasks")))

    def test_methods_are_enforced(self, client, dossier, clerk, head, ha_specialist):
        dossier = submitted_dossier(dossier, clerk, head)
        intake = task(dossier, "intake")
        client.force_login(ha_specialist)
        for name in ("task_claim", "task_release", "task_reassign", "task_complete", "task_check_eligibility"):
            assert client.get(reverse(name, args=[intake.pk])).status_code == 405, name
        assert client.post(reverse("tasks")).status_code == 405
