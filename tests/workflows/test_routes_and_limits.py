"""Whole review flows to each route, what the unit and HA are told at each step, the default time limits
on real tasks (dates worked out by hand across Tết and 30/4-1/5), and the dashboard's overdue count."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.timers import fire_due_timers

from dossiers.models import Dossier
from dossiers.services import dossiers as unit_services
from dossiers.services.notice import resolve_feedback, submit_feedback
from dossiers.services.review import ItemInput
from dossiers.signals import council_result_final
from tests.factories import UserFactory
from tests.workflows.test_flow import accept, appraise, approve, state, submitted_dossier, task
from workflows import services as wf
from workflows.models import Notification, TaskDeadline

pytestmark = pytest.mark.django_db


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def lead(ha_unit):
    return UserFactory(unit=ha_unit, roles=["ha_lead"], username="lanhdao", email="lanhdao@example.vn")


def messages_to(user, kind) -> list[str]:
    return list(Notification.objects.filter(recipient=user, kind=kind).order_by("id").values_list("message", flat=True))


def return_and_resubmit(dossier, clerk, head, specialist):
    nomination = dossier.nominations.first()
    wf.complete_intake(actor=specialist, task=task(dossier, "intake"), decision="return", note="Bổ sung giúp.",
                       items=[ItemInput(reason="missing_initiative", nomination_id=nomination.pk,
                                        text="Thiếu xác nhận sáng kiến")])
    assert state(dossier) == "returned"
    unit_services.send_to_head(actor=clerk, dossier=dossier)
    unit_services.submit_dossier(actor=head, dossier=dossier)
    assert state(dossier) == "submitted"


# ---------------------------------------------------------------- whole flows


class TestWholeFlows:
    def test_return_resubmit_appraise_approve_to_the_council(self, dossier, clerk, head, ha_specialist, lead):
        dossier = submitted_dossier(dossier, clerk, head, "CSTD_TINH")
        return_and_resubmit(dossier, clerk, head, ha_specialist)
        ref = dossier.reference
        # HA hears of the resubmission, with a link to the dossier
        resubmitted = Notification.objects.get(recipient=ha_specialist, kind="dossier.resubmitted")
        assert resubmitted.message == f"Sở Tài chính đã trình lại hồ sơ {ref} sau khi bổ sung."
        assert resubmitted.url == reverse("dossier_detail", args=[dossier.pk])
        accept(dossier, ha_specialist)
        appraise(dossier, ha_specialist)
        approve(dossier, lead)
        assert state(dossier) == "awaiting_council"
        assert wf.active_task(dossier, "await_council") is not None
        assert Dossier.objects.get(pk=dossier.pk).return_count == 1
        # the unit hears of the approval and where the dossier went
        for person in (clerk, head):
            assert messages_to(person, "dossier.progress") == [
                f"Hồ sơ {ref} đã được Sở Nội vụ duyệt: Chờ Hội đồng xét."]

        # the council concludes (the council issue moves the dossier on, then signals)
        dossier.nominations.update(outcome="council_passed")
        Dossier.objects.filter(pk=dossier.pk).update(state="awaiting_decision")
        council_result_final.send(sender=Dossier, dossier=Dossier.objects.get(pk=dossier.pk))
        assert wf.active_task(dossier, "await_decision") is not None
        for person in (clerk, head):
            assert messages_to(person, "dossier.council_result") == [
                f"Hội đồng đã xét hồ sơ {ref}: 1 đề nghị đạt, 0 đề nghị không đạt."]

    def test_council_result_counts_passed_and_failed(self, dossier, clerk, head, ha_specialist, lead):
        dossier = submitted_dossier(dossier, clerk, head, "CSTD_TINH", "CSTD_TINH", "CSTD_TINH")
        accept(dossier, ha_specialist)
        appraise(dossier, ha_specialist)
        approve(dossier, lead)
        first, second, third = dossier.nominations.order_by("id")
        for nomination, outcome in ((first, "council_passed"), (second, "council_failed"), (third, "council_failed")):
            dossier.nominations.filter(pk=nomination.pk).update(outcome=outcome)
        Dossier.objects.filter(pk=dossier.pk).update(state="awaiting_decision")
        council_result_final.send(sender=Dossier, dossier=Dossier.objects.get(pk=dossier.pk))
        assert messages_to(clerk, "dossier.council_result") == [
            f"Hội đồng đã xét hồ sơ {dossier.reference}: 1 đề nghị đạt, 2 đề nghị không đạt."]

    def test_return_resubmit_appraise_approve_through_the_public_notice(self, dossier, clerk, head, ha_specialist,
                                                                       lead):
        dossier = submitted_dossier(dossier, clerk, head, "HC_LD3_CN")
        return_and_resubmit(dossier, clerk, head, ha_specialist)
        accept(dossier, ha_specialist)
        appraise(dossier, ha_specialist)
        approve(dossier, lead)
        ref = dossier.reference
        assert state(dossier) == "public_notice"
        assert messages_to(clerk, "dossier.progress") == [f"Hồ sơ {ref} đã được Sở Nội vụ duyệt: Đang công khai."]
        nomination = dossier.nominations.get()
        feedback = submit_feedback(nomination=nomination, name="", contact="", text="Xin xem lại.", client_key="k")
        assert messages_to(ha_specialist, "feedback.received") == [
            f"Có góp ý mới của người dân về {nomination.subject_name} (hồ sơ {ref})."]
        notice = Dossier.objects.get(pk=dossier.pk).public_notice
        with time_machine.travel(at(notice.ends_on + datetime.timedelta(days=1), 12), tick=False):
            fire_due_timers()
            assert state(dossier) == "public_notice"  # the feedback is still open
            resolve_feedback(actor=ha_specialist, feedback=feedback, upheld=False, note="Không có cơ sở.")
        assert state(dossier) == "awaiting_council"
        assert wf.active_task(dossier, "await_council") is not None
        assert Dossier.objects.get(pk=dossier.pk).return_count == 1


class TestRejectionsTheUnitSees:
    def check_unit_sees(self, client, dossier, clerk, head, reason):
        dossier = Dossier.objects.get(pk=dossier.pk)
        assert dossier.state == "rejected" and dossier.rejected_reason == reason
        expected = f"Hồ sơ {dossier.reference} không được chấp nhận: {reason}"
        for person in (clerk, head):
            assert messages_to(person, "dossier.rejected") == [expected]
        client.force_login(clerk)
        page = client.get(reverse("dossier_detail", args=[dossier.pk])).content.decode()
        assert "Không chấp nhận" in page
        assert reason in page
        assert expected in client.get(reverse("notifications")).content.decode()

    def test_at_appraisal(self, client, dossier, clerk, head, ha_specialist):
        dossier = submitted_dossier(dossier, clerk, head)
        accept(dossier, ha_specialist)
        wf.complete_appraisal(actor=ha_specialist, task=task(dossier, "appraisal"), decision="reject",
                              reason="Thành tích không đúng đối tượng được đề nghị.")
        self.check_unit_sees(client, dossier, clerk, head, "Thành tích không đúng đối tượng được đề nghị.")

    def test_at_approval(self, client, dossier, clerk, head, ha_specialist, lead):
        dossier = submitted_dossier(dossier, clerk, head)
        accept(dossier, ha_specialist)
        appraise(dossier, ha_specialist)
        wf.complete_approval(actor=lead, task=task(dossier, "approval"), decision="reject",
                             reason="Cá nhân đã được đề nghị trong hồ sơ khác cùng năm.")
        self.check_unit_sees(client, dossier, clerk, head, "Cá nhân đã được đề nghị trong hồ sơ khác cùng năm.")
        assert not Notification.objects.filter(recipient=clerk, kind="dossier.progress").exists()


# ---------------------------------------------------------------- default time limits on real tasks


class TestDefaultTimeLimits:
    def test_intake_5_and_appraisal_20_working_days_across_tet_2025(self, dossier, clerk, head, ha_specialist):
        # Monday 20/01/2025. Tết: Monday 27/01 to Saturday 01/02/2025 are days off.
        with time_machine.travel(at(datetime.date(2025, 1, 20)), tick=False):
            dossier = submitted_dossier(dossier, clerk, head)
            intake = TaskDeadline.objects.get(task=task(dossier, "intake"))
            # 21, 22, 23, 24 January, then Monday 03/02
            assert (intake.working_days, intake.due_on) == (5, datetime.date(2025, 2, 3))
            accept(dossier, ha_specialist)
            appraisal = TaskDeadline.objects.get(task=task(dossier, "appraisal"))
        # 21-24/01 (4), 03-07/02 (9), 10-14/02 (14), 17-21/02 (19), Monday 24/02 (20)
        assert (appraisal.working_days, appraisal.due_on) == (20, datetime.date(2025, 2, 24))
        # two working days before the due date
        assert appraisal.remind_on == datetime.date(2025, 2, 20)

    def test_supplement_10_working_days_across_30_4_and_1_5_2025(self, dossier, clerk, head, ha_specialist):
        # Thursday 24/04/2025. Off: 30/04, 01/05 and Friday 02/05 (swapped for Saturday 26/04, a working day).
        with time_machine.travel(at(datetime.date(2025, 4, 24)), tick=False):
            dossier = submitted_dossier(dossier, clerk, head)
            wf.complete_intake(actor=ha_specialist, task=task(dossier, "intake"), decision="return",
                               items=[ItemInput(reason="other", text="Bổ sung số liệu")])
            waiting = TaskDeadline.objects.get(task=task(dossier, "await_supplement"))
        # 25/04 (1), Saturday 26/04 (2), 28/04 (3), 29/04 (4), 05-09/05 (9), Monday 12/05 (10)
        expected = datetime.date(2025, 5, 12)
        assert dossier.supplement_requests.get().due_on == expected
        assert (waiting.working_days, waiting.due_on) == (10, expected)
        assert messages_to(clerk, "dossier.returned") == [
            f"Hồ sơ {dossier.reference} được trả lại để bổ sung, hạn 12/05/2025."]

    def test_public_notice_runs_10_working_days_from_the_approval_across_tet(self, dossier, clerk, head,
                                                                             ha_specialist, lead):
        # approved on Wednesday 22/01/2025
        with time_machine.travel(at(datetime.date(2025, 1, 22)), tick=False):
            dossier = submitted_dossier(dossier, clerk, head, "HC_LD3_CN")
            accept(dossier, ha_specialist)
            appraise(dossier, ha_specialist)
            approve(dossier, lead)
        notice = Dossier.objects.get(pk=dossier.pk).public_notice
        # 23/01 (1), 24/01 (2), Tết to 02/02, 03-07/02 (7), 10/02 (8), 11/02 (9), Wednesday 12/02 (10)
        assert (notice.starts_on, notice.ends_on) == (datetime.date(2025, 1, 22), datetime.date(2025, 2, 12))
        # the period runs to the end of its last day
        with time_machine.travel(at(datetime.date(2025, 2, 12), 23), tick=False):
            fire_due_timers()
        assert state(dossier) == "public_notice"
        with time_machine.travel(at(datetime.date(2025, 2, 13), 1), tick=False):
            fire_due_timers()
        assert state(dossier) == "awaiting_council"


# ---------------------------------------------------------------- the dashboard's overdue count


def test_home_page_counts_the_overdue_tasks(client, unit, clerk, head, ha_specialist, lead):
    from tests.factories import DossierFactory

    with time_machine.travel(at(datetime.date(2025, 4, 24)), tick=False):
        first = submitted_dossier(DossierFactory(unit=unit, created_by=clerk), clerk, head)
        second = submitted_dossier(DossierFactory(unit=unit, created_by=clerk), clerk, head)
    with time_machine.travel(at(datetime.date(2025, 5, 5)), tick=False):
        third = submitted_dossier(DossierFactory(unit=unit, created_by=clerk), clerk, head)
    # intake due: 24/04 + 5 working days = 25, 26 (Saturday worked), 28, 29/04, 05/05
    assert {TaskDeadline.objects.get(task=task(d, "intake")).due_on for d in (first, second)} == {
        datetime.date(2025, 5, 5)}
    # submitted Monday 05/05: 6, 7, 8, 9 and Monday 12/05
    assert TaskDeadline.objects.get(task=task(third, "intake")).due_on == datetime.date(2025, 5, 12)
    wf.claim_task(actor=ha_specialist, task=task(first, "intake"))

    def summary(user, day):
        client.force_login(user)
        with time_machine.travel(at(day), tick=False):
            html = client.get(reverse("home")).content.decode()
        start = html.index('id="cong-viec"')
        return html[start:html.index("</section>", start)]

    def count(html, label):
        before = html[:html.index(f'<span class="work-label">{label}</span>')]
        return int(before.rsplit('<span class="work-count">', 1)[1].split("<", 1)[0])

    on_due_day = summary(ha_specialist, datetime.date(2025, 5, 5))
    assert count(on_due_day, "Quá hạn") == 0
    day_after = summary(ha_specialist, datetime.date(2025, 5, 6))
    assert (count(day_after, "Việc của tôi"), count(day_after, "Hàng chờ"), count(day_after, "Quá hạn")) == (1, 2, 2)
    assert "has-overdue" in day_after
    assert count(summary(lead, datetime.date(2025, 5, 6)), "Quá hạn") == 2
    # a week later the third dossier's intake (due 12/05) is overdue too
    assert count(summary(lead, datetime.date(2025, 5, 13)), "Quá hạn") == 3


# ---------------------------------------------------------------- email as the demo sends it


def test_demo_email_settings_write_each_notification_to_a_file(tmp_path, settings, dossier, clerk, head,
                                                             ha_specialist, django_capture_on_commit_callbacks):
    mail_dir = tmp_path / "mail"
    # What config/settings.py chooses with the demo's environment (bin/demo sets DJANGO_EMAIL_FILE_PATH).
    env = {k: v for k, v in os.environ.items() if k != "EMAIL_HOST"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DJANGO_EMAIL_FILE_PATH=str(mail_dir))
    chosen = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND); "
                               "print(settings.EMAIL_FILE_PATH)"],
        cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert chosen == ["django.core.mail.backends.filebased.EmailBackend", str(mail_dir)]
    settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH = chosen
    settings.SITE_URL = "https://khenthuong.laichau.gov.vn"
    ha_specialist.email = "chuyenvien@example.vn"
    ha_specialist.save(update_fields=["email"])

    with django_capture_on_commit_callbacks(execute=True):
        dossier = submitted_dossier(dossier, clerk, head)
    files = list(Path(mail_dir).iterdir())
    assert len(files) == 1
    text = files[0].read_text(encoding="utf-8")
    assert "To: chuyenvien@example.vn" in text
    assert f"https://khenthuong.laichau.gov.vn{reverse('dossier_detail', args=[dossier.pk])}" in text
    assert Notification.objects.get(recipient=ha_specialist, kind="dossier.submitted").emailed_at is not None
