"""Public feedback as Home Affairs' work: each feedback is a task in the specialists' queue, with a due date.

A feedback about a noticed nominee becomes a claimable task ("Xử lý góp ý của
người dân") due in the province's working days (5 by default); it is resolved
(dismissed or upheld, with a note) through the task, the feedback list or the
API, and the dossier moves on only once every feedback is resolved.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import PROCESS, STATUS
from viewflow.workflow.timers import fire_due_timers

from dossiers.models import Dossier, FeedbackStatus, NominationOutcome, PublicFeedback
from dossiers.services import dossiers as unit_services
from dossiers.services.notice import resolve_feedback, submit_feedback
from tests.factories import UserFactory
from tests.workflows.test_flow import accept, appraise, approve, state, submitted_dossier
from workflows import selectors
from workflows import services as wf
from workflows.calendar import settings_for
from workflows.models import FeedbackProcess, Notification, TaskDeadline

pytestmark = pytest.mark.django_db

TITLE = "Xử lý góp ý của người dân"


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def lead(ha_unit):
    return UserFactory(unit=ha_unit, roles=["ha_lead"], username="lanhdao")


@pytest.fixture
def second_specialist(ha_unit):
    return UserFactory(unit=ha_unit, roles=["ha_specialist"], username="chuyenvien2")


def noticed(dossier, clerk, head, specialist, lead, *codes):
    dossier = submitted_dossier(dossier, clerk, head, *(codes or ("HC_LD3_CN",)))
    accept(dossier, specialist)
    appraise(dossier, specialist)
    approve(dossier, lead)
    assert state(dossier) == "public_notice"
    return Dossier.objects.get(pk=dossier.pk)


def send(nomination, text="Đề nghị xem lại thành tích năm 2023.", key="k1"):
    return submit_feedback(nomination=nomination, name="Người dân", contact="0912 345 678", text=text,
                           client_key=key)


def feedback_task_of(feedback):
    found = wf.feedback_task(feedback)
    assert found is not None, "no open task for the feedback"
    return found


def after_notice(dossier) -> datetime.datetime:
    return at(Dossier.objects.get(pk=dossier.pk).public_notice.ends_on + datetime.timedelta(days=1), 12)


class TestQueue:
    def test_feedback_is_a_task_in_the_specialists_queue_due_in_5_working_days(self, dossier, clerk, head,
                                                                              ha_specialist, lead):
        # Thursday 24/04/2025: the notice opens; the feedback comes on Tuesday 29/04, before 30/4, 1/5 and
        # the day off of 2/5 (swapped for Saturday 26/04). Five working days later: Friday 09/05/2025.
        with time_machine.travel(at(datetime.date(2025, 4, 24)), tick=False):
            dossier = noticed(dossier, clerk, head, ha_specialist, lead)
        with time_machine.travel(at(datetime.date(2025, 4, 29), 10), tick=False):
            feedback = send(dossier.nominations.get())
            resolve = feedback_task_of(feedback)
            assert resolve.flow_task.name == "resolve_feedback"
            assert str(resolve.flow_task.task_title) == TITLE
            assert resolve.status == STATUS.NEW and resolve.owner is None
            deadline = TaskDeadline.objects.get(task=resolve)
            assert (deadline.working_days, deadline.due_on) == (5, datetime.date(2025, 5, 9))
            assert list(selectors.queue_tasks(ha_specialist)) == [resolve]
            assert list(selectors.queue_tasks(lead)) == []  # leads approve; specialists resolve feedback
            process = FeedbackProcess.objects.get(feedback=feedback)
            assert process.dossier_id == dossier.pk and process.status == PROCESS.NEW

    def test_the_limit_is_the_provinces(self, dossier, clerk, head, ha_specialist, lead, province):
        limits = settings_for(province)
        limits.feedback_days = 2
        limits.save()
        with time_machine.travel(at(datetime.date(2025, 4, 24)), tick=False):
            dossier = noticed(dossier, clerk, head, ha_specialist, lead)
        with time_machine.travel(at(datetime.date(2025, 4, 29), 10), tick=False):
            deadline = TaskDeadline.objects.get(task=feedback_task_of(send(dossier.nominations.get())))
        # after Tuesday 29/04: Monday 05/05 (1), Tuesday 06/05 (2)
        assert (deadline.working_days, deadline.due_on) == (2, datetime.date(2025, 5, 6))

    def test_specialists_are_told_with_a_link_to_the_task(self, dossier, clerk, head, ha_specialist, lead):
        dossier = noticed(dossier, clerk, head, ha_specialist, lead)
        nomination = dossier.nominations.get()
        feedback = send(nomination)
        note = Notification.objects.get(recipient=ha_specialist, kind="feedback.received")
        assert note.message == (f"Có góp ý mới của người dân về {nomination.subject_name} "
                                f"(hồ sơ {dossier.reference}).")
        assert note.url == reverse("task_detail", args=[feedback_task_of(feedback).pk])
        assert not Notification.objects.filter(recipient=lead, kind="feedback.received").exists()

    def test_queue_page_shows_the_task_and_the_specialist_claims_and_resolves_it(
            self, client, dossier, clerk, head, ha_specialist, second_specialist, lead):
        dossier = noticed(dossier, clerk, head, ha_specialist, lead)
        nomination = dossier.nominations.get()
        feedback = send(nomination)
        resolve = feedback_task_of(feedback)
        due = TaskDeadline.objects.get(task=resolve).due_on.strftime("%d/%m/%Y")

        client.force_login(ha_specialist)
        html = client.get(reverse("tasks_queue")).content.decode()
        assert TITLE in html and f"Về {nomination.subject_name}" in html and due in html
        assert reverse("task_detail", args=[resolve.pk]) in html

        page = client.get(reverse("task_detail", args=[resolve.pk])).content.decode()
        assert "Đề nghị xem lại thành tích năm 2023." in page and "0912 345 678" in page
        assert "Nhận việc" in page

        response = client.post(reverse("task_claim", args=[resolve.pk]))
        assert response.status_code == 302
        assert feedback_task_of(feedback).owner == ha_specialist
        assert f"Về {nomination.subject_name}" in client.get(reverse("tasks")).content.decode()

        client.force_login(second_specialist)
        assert resolve.pk not in [t.pk for t in selectors.queue_tasks(second_specialist)]
        refused = client.post(reverse("task_complete", args=[resolve.pk]), {"decision": "dismiss", "note": "Không."})
        assert refused.status_code == 409
        assert f"Việc này do {ha_specialist} đảm nhận." in refused.content.decode()

        client.force_login(ha_specialist)
        missing_note = client.post(reverse("task_complete", args=[resolve.pk]), {"decision": "dismiss", "note": ""})
        assert missing_note.status_code == 400
        assert "Hãy ghi kết quả xem xét góp ý." in missing_note.content.decode()

        done = client.post(reverse("task_complete", args=[resolve.pk]),
                           {"decision": "dismiss", "note": "Đã xác minh: thành tích đúng."}, follow=True)
        assert (f"Đã ghi nhận góp ý về {nomination.subject_name} (hồ sơ {dossier.reference}) không có cơ sở."
                in done.content.decode())
        feedback.refresh_from_db()
        assert (feedback.status, feedback.resolution_note, feedback.resolved_by) == (
            FeedbackStatus.DISMISSED, "Đã xác minh: thành tích đúng.", ha_specialist)
        assert wf.feedback_task(feedback) is None
        assert FeedbackProcess.objects.get(feedback=feedback).status == PROCESS.DONE
        assert list(selectors.queue_tasks(ha_specialist)) == []

    def test_the_lead_hands_a_feedback_task_over(self, dossier, clerk, head, ha_specialist, second_specialist, lead):
        dossier = noticed(dossier, clerk, head, ha_specialist, lead)
        feedback = send(dossier.nominations.get())
        wf.reassign_task(actor=lead, task=feedback_task_of(feedback), to_user=second_specialist)
        assert feedback_task_of(feedback).owner == second_specialist
        assert Notification.objects.filter(recipient=second_specialist, kind="task.assigned",
                                           message__contains=TITLE).exists()
        wf.release_task(actor=second_specialist, task=feedback_task_of(feedback))
        assert feedback_task_of(feedback).owner is None


class TestBlocking:
    def test_nomination_waits_for_the_feedback_task_then_proceeds(self, dossier, clerk, head, ha_specialist,
                                                                  second_specialist, lead):
        dossier = noticed(dossier, clerk, head, ha_specialist, lead, "HC_LD3_CN", "HC_LD3_CN")
        first, second = dossier.nominations.order_by("id")
        on_first, on_second = send(first, key="a"), send(second, key="b")
        wf.claim_task(actor=ha_specialist, task=feedback_task_of(on_first))
        with time_machine.travel(after_notice(dossier), tick=False):
            fire_due_timers()
            assert state(dossier) == "public_notice"
            assert wf.active_task(dossier, "await_feedback") is not None
            wf.complete_feedback(actor=ha_specialist, task=feedback_task_of(on_first), decision="uphold",
                                 note="Có cơ sở: đã xác minh.")
            # one feedback is still open: the dossier still waits
            assert state(dossier) == "public_notice"
            wf.complete_feedback(actor=second_specialist, task=feedback_task_of(on_second), decision="dismiss",
                                 note="Không có cơ sở.")
        assert state(dossier) == "awaiting_council"
        assert wf.active_task(dossier, "await_feedback") is None
        assert wf.active_task(dossier, "await_council") is not None
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.outcome, second.outcome) == (NominationOutcome.INELIGIBLE, NominationOutcome.ELIGIBLE)

    def test_resolving_from_the_feedback_list_finishes_the_task(self, client, dossier, clerk, head, ha_specialist,
                                                                second_specialist, lead):
        dossier = noticed(dossier, clerk, head, ha_specialist, lead)
        feedback = send(dossier.nominations.get())
        resolve = feedback_task_of(feedback)
        wf.claim_task(actor=second_specialist, task=resolve)
        client.force_login(ha_specialist)
        listing = client.get(reverse("feedback_queue")).content.decode()
        assert reverse("feedback_task", args=[feedback.pk]) in listing
        assert client.get(reverse("feedback_task", args=[feedback.pk])).url == reverse("task_detail",
                                                                                    args=[resolve.pk])
        prefix = f"fb{feedback.pk}"
        response = client.post(reverse("feedback_resolve", args=[feedback.pk]),
                               {f"{prefix}-decision": "dismissed", f"{prefix}-note": "Không có cơ sở."})
        assert response.status_code == 302
        resolve.refresh_from_db()
        assert (resolve.status, resolve.owner) == (STATUS.DONE, ha_specialist)
        assert FeedbackProcess.objects.get(feedback=feedback).status == PROCESS.DONE
        with time_machine.travel(after_notice(dossier), tick=False):
            fire_due_timers()
        assert state(dossier) == "awaiting_council"

    def test_a_task_resolved_elsewhere_is_done_and_cannot_be_completed_again(self, dossier, clerk, head,
                                                                             ha_specialist, lead):
        from dossiers.exceptions import ConflictError

        dossier = noticed(dossier, clerk, head, ha_specialist, lead)
        feedback = send(dossier.nominations.get())
        resolve = feedback_task_of(feedback)
        resolve_feedback(actor=ha_specialist, feedback=feedback, upheld=False, note="Không có cơ sở.")
        resolve.refresh_from_db()
        assert (resolve.status, resolve.owner) == (STATUS.DONE, ha_specialist)
        with pytest.raises(ConflictError, match="đã được xử lý"):
            wf.complete_feedback(actor=ha_specialist, task=resolve, decision="uphold", note="Có cơ sở.")
        assert PublicFeedback.objects.get(pk=feedback.pk).status == FeedbackStatus.DISMISSED


class TestDeadlines:
    def test_reminder_then_escalation_to_the_lead(self, dossier, clerk, head, ha_specialist, lead):
        with time_machine.travel(at(datetime.date(2025, 4, 24)), tick=False):
            dossier = noticed(dossier, clerk, head, ha_specialist, lead)
        with time_machine.travel(at(datetime.date(2025, 4, 29), 10), tick=False):
            feedback = send(dossier.nominations.get())
            wf.claim_task(actor=ha_specialist, task=feedback_task_of(feedback))
        deadline = TaskDeadline.objects.get(task=feedback_task_of(feedback))
        # two working days before Friday 09/05/2025
        assert deadline.remind_on == datetime.date(2025, 5, 7)
        with time_machine.travel(at(datetime.date(2025, 5, 7)), tick=False):
            fire_due_timers()
        reminder = Notification.objects.get(recipient=ha_specialist, kind="task.reminder")
        assert reminder.message == (f"Sắp đến hạn: “{TITLE}” của hồ sơ {dossier.reference} phải xong trước hết "
                                    "ngày 09/05/2025.")
        with time_machine.travel(at(datetime.date(2025, 5, 12)), tick=False):
            fire_due_timers()
            assert [t.pk for t in selectors.overdue_tasks(lead)] == [feedback_task_of(feedback).pk]
            assert [t.pk for t in selectors.overdue_tasks(ha_specialist)] == [feedback_task_of(feedback).pk]
        overdue = Notification.objects.get(recipient=lead, kind="task.overdue")
        assert overdue.message == (f"Quá hạn: “{TITLE}” của hồ sơ {dossier.reference} đã quá hạn ngày "
                                   "09/05/2025.")


def test_queue_query_count_does_not_grow_with_feedback_tasks(client, dossier, clerk, head, ha_specialist, lead,
                                                             django_assert_max_num_queries):
    dossier = noticed(dossier, clerk, head, ha_specialist, lead)
    nomination = dossier.nominations.get()
    send(nomination, key="a")
    client.force_login(ha_specialist)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("tasks_queue")).status_code == 200
    for index in range(6):
        send(nomination, key=f"b{index}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get(reverse("tasks_queue")).content.decode()
    assert html.count(TITLE) >= 7


def test_withdrawal_during_public_notice_cancels_the_open_feedback_tasks(dossier, clerk, head, ha_specialist,
                                                                         second_specialist, lead):
    dossier = noticed(dossier, clerk, head, ha_specialist, lead)
    nomination = dossier.nominations.get()
    waiting, claimed = send(nomination, key="a"), send(nomination, key="b")
    wf.claim_task(actor=second_specialist, task=feedback_task_of(claimed))
    assert len(selectors.queue_tasks(ha_specialist)) == 1

    unit_services.withdraw_dossier(actor=head, dossier=dossier, reason="Đơn vị xét lại thành tích.")

    assert state(dossier) == "withdrawn"
    assert wf.feedback_task(waiting) is None and wf.feedback_task(claimed) is None
    assert list(selectors.queue_tasks(ha_specialist)) == []
    assert list(selectors.queue_tasks(second_specialist)) == []
    assert [p.status for p in FeedbackProcess.objects.filter(dossier=dossier)] == [PROCESS.CANCELED] * 2
    assert wf.process_of(dossier).status == PROCESS.CANCELED
