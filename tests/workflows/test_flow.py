"""Whole review flows: submission to each route, returns, rejections, duties, timers, feedback."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone
from viewflow.workflow.status import PROCESS, STATUS
from viewflow.workflow.timers import fire_due_timers

from dossiers.exceptions import ConflictError, DomainError, PermissionDeniedError
from dossiers.models import AuditEvent, Dossier, NominationOutcome, VerdictResult
from dossiers.requirements import missing_documents
from dossiers.services import dossiers as unit_services
from dossiers.services.attachments import upload_attachment
from dossiers.services.audit import verify_chain
from dossiers.services.review import AppraisalInput, ItemInput, changes_since_return
from tests.factories import PDF_BYTES, PersonFactory, UnitFactory, UserFactory, award
from workflows import services as wf
from workflows.models import Notification, TaskDeadline


@pytest.fixture
def lead(ha_unit):
    return UserFactory(unit=ha_unit, roles=["ha_lead"], username="lanhdao", email="lanhdao@example.vn")


@pytest.fixture
def second_specialist(ha_unit):
    return UserFactory(unit=ha_unit, roles=["ha_specialist"], username="chuyenvien2")


def upload_missing(dossier, actor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    for requirement in missing_documents(dossier):
        upload_attachment(actor=actor, dossier=dossier, document_type=requirement.document_type,
                          uploaded_file=SimpleUploadedFile("tai-lieu.pdf", PDF_BYTES),
                          nomination=requirement.nomination)


def submitted_dossier(dossier, clerk, head, *codes, regulation=None):
    """Nominations for ``codes`` (of ``regulation``: the one in force today by default), documents, submitted."""
    if regulation is None:
        from dossiers.models import Regulation

        regulation = Regulation.objects.in_force_on(timezone.localdate()).code
    for index, code in enumerate(codes or ("BK_TINH_CN",)):
        person = PersonFactory(unit=dossier.unit, full_name=f"Lò Văn Thắng {index}")
        unit_services.add_nomination(actor=clerk, dossier=dossier, award_type=award(code, regulation),
                                     achievement_summary="Hoàn thành xuất sắc nhiệm vụ.", person=person)
    upload_missing(dossier, clerk)
    unit_services.send_to_head(actor=clerk, dossier=dossier)
    unit_services.submit_dossier(actor=head, dossier=dossier)
    return Dossier.objects.get(pk=dossier.pk)


def state(dossier) -> str:
    return Dossier.objects.get(pk=dossier.pk).state


def task(dossier, name):
    found = wf.active_task(dossier, name)
    assert found is not None, f"no active {name} task"
    return found


def accept(dossier, specialist):
    wf.complete_intake(actor=specialist, task=task(dossier, "intake"), decision="accept")


def appraise(dossier, specialist, *, eligible=True):
    """Check eligibility, accept every failed criterion in writing, conclude on every nomination."""
    from dossiers.services.eligibility import check_eligibility, override_verdict, stored_verdicts

    check_eligibility(actor=specialist, dossier=dossier)
    if eligible:
        for verdicts in stored_verdicts(dossier).values():
            for verdict in verdicts:
                if verdict.result != VerdictResult.PASS:
                    override_verdict(actor=specialist, verdict=verdict, reason="Đã xác minh thành tích thực tế.")
    decisions = [AppraisalInput(nomination_id=n.pk, eligible=eligible, note="" if eligible else "Không đủ")
                 for n in dossier.nominations.all()]
    wf.complete_appraisal(actor=specialist, task=task(dossier, "appraisal"), decision="submit", appraisals=decisions)


def approve(dossier, lead):
    wf.complete_approval(actor=lead, task=task(dossier, "approval"), decision="approve")


class TestStart:
    def test_submission_starts_the_process_with_an_intake_task_due_in_5_working_days(self, dossier, clerk, head,
                                                                                     ha_specialist):
        dossier = submitted_dossier(dossier, clerk, head)
        intake = task(dossier, "intake")
        assert intake.status == STATUS.NEW and intake.owner is None
        deadline = TaskDeadline.objects.get(task=intake)
        assert deadline.working_days == 5
        assert deadline.due_on > timezone.localdate()
        assert Notification.objects.filter(recipient=ha_specialist, kind="dossier.submitted").exists()

    def test_a_failing_process_start_rolls_the_submission_back(self, dossier, clerk, head, monkeypatch):
        def broken(**kwargs):
            raise RuntimeError("process could not start")

        monkeypatch.setattr(wf, "start_review_process", broken)
        with pytest.raises(RuntimeError):
            submitted_dossier(dossier, clerk, head)
        assert state(dossier) == "draft"


class TestReturnAndResubmit:
    def test_return_resubmit_then_full_route_to_decision(self, dossier, clerk, head, ha_specialist, lead):
        dossier = submitted_dossier(dossier, clerk, head)
        nomination = dossier.nominations.get()
        wf.claim_task(actor=ha_specialist, task=task(dossier, "intake"))
        wf.complete_intake(
            actor=ha_specialist, task=task(dossier, "intake"), decision="return", note="Bổ sung giúp.",
            items=[ItemInput(reason="missing_initiative", nomination_id=nomination.pk, text="Thiếu xác nhận"),
                   ItemInput(reason="unsigned", document_type="to_trinh")],
        )
        assert state(dossier) == "returned"
        waiting = task(dossier, "await_supplement")
        deadline = TaskDeadline.objects.get(task=waiting)
        assert deadline.due_on == dossier.supplement_requests.get().due_on
        assert Notification.objects.filter(recipient=clerk, kind="dossier.returned").exists()

        # the unit edits and resubmits; HA sees what changed
        unit_services.update_dossier(actor=clerk, dossier=dossier, kind="regular", year=2025, title="Đã bổ sung")
        unit_services.send_to_head(actor=clerk, dossier=dossier)
        unit_services.submit_dossier(actor=head, dossier=dossier)
        assert state(dossier) == "submitted"
        changes = changes_since_return(Dossier.objects.get(pk=dossier.pk))
        assert [e.action for e in changes] == ["dossier.updated", "dossier.sent_to_head", "dossier.resubmitted"]
        assert dossier.supplement_requests.get().resolved_at is not None

        accept(dossier, ha_specialist)
        appraise(dossier, ha_specialist)
        approve(dossier, lead)
        assert state(dossier) == "awaiting_decision"
        assert wf.active_task(dossier, "await_decision") is not None
        dossier.refresh_from_db()
        assert dossier.return_count == 1
        assert verify_chain() == []

    def test_repeated_returns_are_counted(self, dossier, clerk, head, ha_specialist):
        dossier = submitted_dossier(dossier, clerk, head)
        for expected in (1, 2):
            wf.complete_intake(actor=ha_specialist, task=task(dossier, "intake"), decision="return",
                               items=[ItemInput(reason="other", text=f"Lần {expected}")])
            unit_services.send_to_head(actor=clerk, dossier=dossier)
            unit_services.submit_dossier(actor=head, dossier=dossier)
        dossier.refresh_from_db()
        assert dossier.return_count == 2
        assert list(dossier.supplement_requests.values_list("number", flat=True)) == [1, 2]
        assert task(dossier, "intake")


class TestRoutes:
    def test_award_needing_a_vote_goes_to_the_council_pool(self, dossier, clerk, head, ha_specialist, lead):
        dossier = submitted_dossier(dossier, clerk, head, "CSTD_TINH")
        accept(dossier, ha_specialist)
        appraise(dossier, ha_specialist)
        approve(dossier, lead)
        assert state(dossier) == "awaiting_council"
        assert wf.active_task(dossier, "await_council") is not None

    def test_council_result_wakes_the_process_towards_the_decision(self, dossier, clerk, head, ha_specialist, lead):
        from dossiers.signals import council_result_final

        dossier = submitted_dossier(dossier, clerk, head, "CSTD_TINH")
        accept(dossier, ha_specialist)
        appraise(dossier, ha_specialist)
        approve(dossier, lead)
        # the council issue moves the dossier on before it signals; simulate that legal change
        Dossier.objects.filter(pk=dossier.pk).update(state="awaiting_decision")
        council_result_final.send(sender=Dossier, dossier=Dossier.objects.get(pk=dossier.pk))
        assert wf.active_task(dossier, "await_council") is None
        assert wf.active_task(dossier, "await_decision") is not None

    def test_nothing_eligible_closes_the_dossier(self, dossier, clerk, head, ha_specialist, lead):
        dossier = submitted_dossier(dossier, clerk, head)
        accept(dossier, ha_specialist)
        appraise(dossier, ha_specialist, eligible=False)
        approve(dossier, lead)
        assert state(dossier) == "closed"
        assert wf.process_of(dossier).status == PROCESS.DONE

    def test_order_goes_through_public_notice_then_council(self, dossier, clerk, head, ha_specialist, lead):
        from dossiers.services.notice import submit_feedback

        dossier = submitted_dossier(dossier, clerk, head, "HC_LD3_CN")
        accept(dossier, ha_specialist)
        appraise(dossier, ha_specialist)
        approve(dossier, lead)
        assert state(dossier) == "public_notice"
        notice = Dossier.objects.get(pk=dossier.pk).public_notice
        nomination = dossier.nominations.get()
        feedback = submit_feedback(nomination=nomination, name="", contact="", text="Đề nghị xem lại thành tích.",
                                   client_key="abc")

        after_notice = timezone.make_aware(datetime.datetime.combine(notice.ends_on, datetime.time(12)))
        with time_machine.travel(after_notice + datetime.timedelta(days=1), tick=False):
            assert fire_due_timers() >= 1
            # the period is over but the feedback is open: the nomination waits
            assert state(dossier) == "public_notice"
            assert wf.active_task(dossier, "await_feedback") is not None

            from dossiers.services.notice import resolve_feedback

            resolve_feedback(actor=ha_specialist, feedback=feedback, upheld=False, note="Không có cơ sở.")
        assert state(dossier) == "awaiting_council"
        assert wf.active_task(dossier, "await_council") is not None

    def test_upheld_feedback_stops_the_nomination(self, dossier, clerk, head, ha_specialist, lead):
        from dossiers.services.notice import resolve_feedback, submit_feedback

        dossier = submitted_dossier(dossier, clerk, head, "HC_LD3_CN")
        accept(dossier, ha_specialist)
        appraise(dossier, ha_specialist)
        approve(dossier, lead)
        nomination = dossier.nominations.get()
        feedback = submit_feedback(nomination=nomination, name="Người dân", contact="", text="Sai sự thật.",
                                   client_key="xyz")
        resolve_feedback(actor=ha_specialist, feedback=feedback, upheld=True, note="Có cơ sở: đã xác minh.")
        nomination.refresh_from_db()
        assert nomination.outcome == NominationOutcome.INELIGIBLE
        notice = Dossier.objects.get(pk=dossier.pk).public_notice
        after_notice = timezone.make_aware(datetime.datetime.combine(notice.ends_on, datetime.time(12)))
        with time_machine.travel(after_notice + datetime.timedelta(days=1), tick=False):
            fire_due_timers()
        assert state(dossier) == "closed"


class TestRejections:
    def test_at_intake(self, dossier, clerk, head, ha_specialist):
        dossier = submitted_dossier(dossier, clerk, head)
        with pytest.raises(DomainError, match="nêu lý do"):
            wf.complete_intake(actor=ha_specialist, task=task(dossier, "intake"), decision="reject", reason="")
        wf.complete_intake(actor=ha_specialist, task=task(dossier, "intake"), decision="reject",
                           reason="Không thuộc thẩm quyền của tỉnh.")
        dossier.refresh_from_db()
        assert dossier.state == "rejected" and dossier.rejected_reason == "Không thuộc thẩm quyền của tỉnh."
        assert wf.process_of(dossier).status == PROCESS.DONE
        assert Notification.objects.filter(recipient=clerk, kind="dossier.rejected").exists()

    def test_at_appraisal(self, dossier, clerk, head, ha_specialist):
        dossier = submitted_dossier(dossier, clerk, head)
        accept(dossier, ha_specialist)
        wf.complete_appraisal(actor=ha_specialist, task=task(dossier, "appraisal"), decision="reject",
                              reason="Thành tích không đúng đối tượng.")
        assert state(dossier) == "rejected"

    def test_at_approval(self, dossier, clerk, head, ha_specialist, lead):
        dossier = submitted_dossier(dossier, clerk, head)
        accept(dossier, ha_specialist)
        appraise(dossier, ha_specialist)
        wf.complete_approval(actor=lead, task=task(dossier, "approval"), decision="reject", reason="Trùng đối tượng.")
        assert state(dossier) == "rejected"

    def test_return_from_appraisal(self, dossier, clerk, head, ha_specialist):
        dossier = submitted_dossier(dossier, clerk, head)
        accept(dossier, ha_specialist)
        wf.complete_appraisal(actor=ha_specialist, task=task(dossier, "appraisal"), decision="return",
                              items=[ItemInput(reason="other", text="Bổ sung số liệu")])
        assert state(dossier) == "returned"
        assert wf.active_task(dossier, "await_supplement") is not None


class TestDuties:
    def test_appraiser_cannot_approve(self, dossier, clerk, head, ha_unit):
        both = UserFactory(unit=ha_unit, roles=["ha_specialist", "ha_lead"])
        dossier = submitted_dossier(dossier, clerk, head)
        accept(dossier, both)
        appraise(dossier, both)
        with pytest.raises(PermissionDeniedError) as refused:
            wf.claim_task(actor=both, task=task(dossier, "approval"))
        assert refused.value.code == "separation_of_duties"
        with pytest.raises(PermissionDeniedError):
            approve(dossier, both)
        assert state(dossier) == "under_review"

    def test_lead_sends_back_to_appraisal(self, dossier, clerk, head, ha_specialist, lead):
        dossier = submitted_dossier(dossier, clerk, head)
        accept(dossier, ha_specialist)
        appraise(dossier, ha_specialist)
        wf.complete_approval(actor=lead, task=task(dossier, "approval"), decision="send_back", note="Xem lại tiêu chuẩn.")
        assert state(dossier) == "under_review"
        assert wf.active_task(dossier, "appraisal") is not None

    def test_claim_release_and_lead_reassigns(self, dossier, clerk, head, ha_specialist, second_specialist, lead):
        dossier = submitted_dossier(dossier, clerk, head)
        intake = task(dossier, "intake")
        wf.claim_task(actor=ha_specialist, task=intake)
        with pytest.raises(ConflictError, match="đã có người nhận"):
            wf.claim_task(actor=second_specialist, task=intake)
        with pytest.raises(ConflictError, match="đảm nhận"):
            wf.complete_intake(actor=second_specialist, task=intake, decision="accept")
        with pytest.raises(PermissionDeniedError):
            wf.release_task(actor=second_specialist, task=intake)
        wf.release_task(actor=ha_specialist, task=intake)
        assert task(dossier, "intake").owner is None
        wf.reassign_task(actor=lead, task=intake, to_user=second_specialist)
        assert task(dossier, "intake").owner == second_specialist
        assert Notification.objects.filter(recipient=second_specialist, kind="task.assigned").exists()
        with pytest.raises(PermissionDeniedError, match="Chỉ lãnh đạo"):
            wf.reassign_task(actor=ha_specialist, task=intake, to_user=ha_specialist)
        with pytest.raises(DomainError, match="không có vai trò"):
            wf.reassign_task(actor=lead, task=intake, to_user=clerk)
        assert {"task.claimed", "task.released", "task.reassigned"} <= set(
            AuditEvent.objects.filter(dossier_id_ref=dossier.pk).values_list("action", flat=True))

    def test_waiting_steps_cannot_be_taken(self, dossier, clerk, head, ha_specialist):
        dossier = submitted_dossier(dossier, clerk, head)
        wf.complete_intake(actor=ha_specialist, task=task(dossier, "intake"), decision="return",
                           items=[ItemInput(reason="other", text="Bổ sung")])
        with pytest.raises(DomainError) as refused:
            wf.claim_task(actor=ha_specialist, task=task(dossier, "await_supplement"))
        assert refused.value.code == "wrong_task"

    def test_unit_users_cannot_take_ha_tasks(self, dossier, clerk, head):
        dossier = submitted_dossier(dossier, clerk, head)
        with pytest.raises(PermissionDeniedError):
            wf.claim_task(actor=clerk, task=task(dossier, "intake"))

    def test_specialist_of_another_province_cannot_take_the_task(self, dossier, clerk, head):
        from tests.factories import ProvinceFactory

        other = UnitFactory(province=ProvinceFactory(code="DBN", name="Tỉnh Điện Biên", place_name="Điện Biên"))
        outsider = UserFactory(unit=other, roles=["ha_specialist"])
        dossier = submitted_dossier(dossier, clerk, head)
        with pytest.raises(PermissionDeniedError):
            wf.claim_task(actor=outsider, task=task(dossier, "intake"))

    def test_completed_task_cannot_be_completed_again(self, dossier, clerk, head, ha_specialist):
        dossier = submitted_dossier(dossier, clerk, head)
        intake = task(dossier, "intake")
        wf.complete_intake(actor=ha_specialist, task=intake, decision="accept")
        with pytest.raises(ConflictError):
            wf.complete_intake(actor=ha_specialist, task=intake, decision="accept")


class TestTimers:
    def test_reminder_then_escalation_as_time_passes(self, dossier, clerk, head, ha_specialist, lead):
        dossier = submitted_dossier(dossier, clerk, head)
        intake = task(dossier, "intake")
        wf.claim_task(actor=ha_specialist, task=intake)
        deadline = TaskDeadline.objects.get(task=intake)

        def at(day, hour=9):
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

        with time_machine.travel(at(deadline.remind_on, 7), tick=False):
            assert fire_due_timers() == 0
        with time_machine.travel(at(deadline.remind_on), tick=False):
            assert fire_due_timers() == 1
        reminder = Notification.objects.get(recipient=ha_specialist, kind="task.reminder")
        assert deadline.due_on.strftime("%d/%m/%Y") in reminder.message
        assert not Notification.objects.filter(kind="task.overdue").exists()

        with time_machine.travel(at(deadline.due_on + datetime.timedelta(days=1)), tick=False):
            assert fire_due_timers() == 1
        assert Notification.objects.filter(recipient=lead, kind="task.overdue").exists()
        deadline.refresh_from_db()
        assert deadline.reminded_at and deadline.escalated_at
        # the task itself is still there, now overdue
        assert task(dossier, "intake").pk == intake.pk

    def test_timers_of_a_finished_task_are_cancelled(self, dossier, clerk, head, ha_specialist):
        dossier = submitted_dossier(dossier, clerk, head)
        deadline = TaskDeadline.objects.get(task=task(dossier, "intake"))
        accept(dossier, ha_specialist)
        later = timezone.make_aware(datetime.datetime.combine(deadline.due_on + datetime.timedelta(days=1),
                                                              datetime.time(9)))
        with time_machine.travel(later, tick=False):
            fire_due_timers()
        assert not Notification.objects.filter(kind__in=["task.reminder", "task.overdue"],
                                               message__contains="Kiểm tra").exists()


def test_withdrawal_cancels_the_process(dossier, clerk, head):
    dossier = submitted_dossier(dossier, clerk, head)
    unit_services.withdraw_dossier(actor=head, dossier=dossier, reason="Đơn vị xét lại.")
    assert wf.process_of(dossier).status == PROCESS.CANCELED
    assert wf.active_task(dossier, "intake") is None


class TestDecisionStage:
    def test_signed_decision_ends_the_process(self, dossier, clerk, head, ha_specialist, lead, province):
        from dossiers.services import decisions

        chairman = UserFactory(unit=UnitFactory(province=province), roles=["signer"])
        dossier = submitted_dossier(dossier, clerk, head)
        accept(dossier, ha_specialist)
        appraise(dossier, ha_specialist)
        approve(dossier, lead)
        decision = decisions.create_decision(actor=ha_specialist, province=province, title="Tặng Bằng khen",
                                             nominations=list(dossier.nominations.all()))
        decisions.check_decision(actor=lead, decision=decision)
        decisions.sign_decision(actor=chairman, decision=decision)
        assert state(dossier) == "closed"
        assert wf.active_task(dossier, "await_decision") is None
        assert wf.process_of(dossier).status == PROCESS.DONE

    def test_forwarded_items_wait_for_the_central_level(self, dossier, clerk, head, ha_specialist, lead, province):
        from dossiers.services import central, decisions
        from dossiers.signals import council_result_final

        chairman = UserFactory(unit=UnitFactory(province=province), roles=["signer"])
        dossier = submitted_dossier(dossier, clerk, head, "CSTD_TQ")
        accept(dossier, ha_specialist)
        appraise(dossier, ha_specialist)
        approve(dossier, lead)
        # the council passes it (the council tests drive the session itself)
        Dossier.objects.filter(pk=dossier.pk).update(state="awaiting_decision")
        dossier.nominations.update(outcome="council_passed")
        council_result_final.send(sender=Dossier, dossier=Dossier.objects.get(pk=dossier.pk))
        decision = decisions.create_decision(actor=ha_specialist, province=province, title="Đề nghị Thủ tướng",
                                             nominations=list(dossier.nominations.all()))
        decisions.check_decision(actor=lead, decision=decision)
        decisions.sign_decision(actor=chairman, decision=decision)
        assert state(dossier) == "forwarded"
        assert wf.active_task(dossier, "await_central") is not None
        submission = central.create_submission(actor=ha_specialist, province=province, title="Trình Thủ tướng",
                                               nominations=list(dossier.nominations.all()))
        central.sign_submission(actor=chairman, submission=submission)
        central.record_sent(actor=lead, submission=submission, sent_on=timezone.localdate(), channel="Điện tử",
                            dispatch_number="CV 1")
        central.record_received(actor=lead, submission=submission, received_on=timezone.localdate())
        central.record_item_decision(actor=lead, item=submission.items.get(), granted=True,
                                     decision_number="99/QĐ-TTg", decision_date=timezone.localdate())
        assert state(dossier) == "closed"
        assert wf.process_of(dossier).status == PROCESS.DONE
