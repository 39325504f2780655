"""Separation of duties after the hand-over to the unit head.

Rule: sending the dossier to the head certifies its content. Any later change
to that content (details, nominations, attachments, an imported list), by
anyone, cancels the hand-over; a clerk must check and send it again before the
head can submit. The head therefore always submits what a clerk handed over,
and nobody can slip content into a dossier someone else handed over and then
submit it himself.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from dossiers.exceptions import PermissionDeniedError
from dossiers.imports.nominees import import_nominees
from dossiers.models import AuditEvent, Dossier
from dossiers.services import dossiers as svc
from dossiers.services.attachments import remove_attachment, upload_attachment
from dossiers.services.audit import verify_chain
from tests.dossiers.test_imports_nominees import nominee, workbook_file
from tests.factories import PersonFactory, UserFactory, award, document_type, pdf_upload


def complete(dossier, actor):
    person = PersonFactory(unit=dossier.unit, full_name="Nguyễn Văn An")
    nomination = svc.add_nomination(actor=actor, dossier=dossier, award_type=award("BK_TINH_CN"),
                                    achievement_summary="Hoàn thành xuất sắc nhiệm vụ.", person=person)
    for code, target in (("to_trinh", None), ("bien_ban_hop", None), ("bao_cao_ca_nhan", nomination)):
        upload_attachment(actor=actor, dossier=dossier, document_type=document_type(code),
                          uploaded_file=pdf_upload(), nomination=target)
    return nomination


def fresh(dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


@pytest.fixture
def handed_over(dossier, clerk):
    complete(dossier, clerk)
    svc.send_to_head(actor=clerk, dossier=dossier)
    assert fresh(dossier).prepared_by == clerk
    return fresh(dossier)


def _edit_details(dossier, actor):
    svc.update_dossier(actor=actor, dossier=dossier, kind="regular", year=2025, title="Trích yếu đã sửa")


def _add_nomination(dossier, actor):
    svc.add_nomination(actor=actor, dossier=dossier, award_type=award("BK_TINH_CN"),
                       achievement_summary="Thêm sau khi chuyển.",
                       person=PersonFactory(unit=dossier.unit, full_name="Lò Văn Thêm"))


def _update_nomination(dossier, actor):
    nomination = dossier.nominations.get()
    svc.update_nomination(actor=actor, nomination=nomination, award_type=nomination.award_type,
                          achievement_summary="Tóm tắt viết lại sau khi chuyển.")


def _remove_nomination(dossier, actor):
    svc.remove_nomination(actor=actor, nomination=dossier.nominations.get())


def _upload(dossier, actor):
    upload_attachment(actor=actor, dossier=dossier, document_type=document_type("khac"), uploaded_file=pdf_upload())


def _remove_attachment(dossier, actor):
    remove_attachment(actor=actor, attachment=dossier.attachments.get(document_type__code="bien_ban_hop"))


def _import(dossier, actor):
    import_nominees(actor=actor, dossier=dossier, fileobj=workbook_file([nominee(name="Vàng Thị Nhập")]))


CONTENT_EDITS = {
    "details": _edit_details,
    "add_nomination": _add_nomination,
    "update_nomination": _update_nomination,
    "remove_nomination": _remove_nomination,
    "upload": _upload,
    "remove_attachment": _remove_attachment,
    "import": _import,
}


@pytest.mark.parametrize("edit", CONTENT_EDITS.values(), ids=CONTENT_EDITS.keys())
@pytest.mark.parametrize("editor", ["clerk", "head"])
def test_every_content_edit_cancels_the_hand_over(edit, editor, handed_over, request):
    actor = request.getfixturevalue(editor)
    edit(handed_over, actor)
    dossier = fresh(handed_over)
    assert dossier.prepared_by is None and dossier.prepared_at is None
    events = list(AuditEvent.objects.filter(dossier_id_ref=dossier.pk).order_by("-id")[:2])
    assert events[0].action == "dossier.handover_cancelled"
    assert events[0].actor == actor
    assert events[0].before == {"prepared_by": handed_over.prepared_by_id}
    assert events[1].action != "dossier.handover_cancelled"  # the change itself comes just before
    assert verify_chain() == []


def test_head_cannot_submit_content_changed_after_hand_over(handed_over, clerk, head):
    _add_nomination(handed_over, head)
    with pytest.raises(PermissionDeniedError) as refused:
        svc.submit_dossier(actor=head, dossier=handed_over)
    assert refused.value.code == "separation_of_duties"
    message = refused.value.message
    assert "sau khi chuyển thủ trưởng" in message
    assert head.get_full_name() in message
    assert "chuyển lại" in message
    assert fresh(handed_over).state == "draft"


def test_clerk_must_send_again_then_head_submits(handed_over, clerk, head):
    _remove_attachment(handed_over, clerk)
    _upload(handed_over, clerk)
    upload_attachment(actor=clerk, dossier=handed_over, document_type=document_type("bien_ban_hop"),
                      uploaded_file=pdf_upload())
    with pytest.raises(PermissionDeniedError, match="sau khi chuyển thủ trưởng"):
        svc.submit_dossier(actor=head, dossier=handed_over)
    svc.send_to_head(actor=clerk, dossier=handed_over)
    assert svc.submit_dossier(actor=head, dossier=handed_over).state == "submitted"


def test_dual_role_user_cannot_submit_what_he_added_after_someone_elses_hand_over(handed_over, unit, head):
    both = UserFactory(unit=unit, roles=["unit_clerk", "unit_head"], first_name="Văn Kiêm", last_name="Hoàng")
    _add_nomination(handed_over, both)
    person = handed_over.nominations.get(person__full_name="Lò Văn Thêm")
    upload_attachment(actor=both, dossier=handed_over, document_type=document_type("bao_cao_ca_nhan"),
                      uploaded_file=pdf_upload(), nomination=person)
    with pytest.raises(PermissionDeniedError, match="sau khi chuyển thủ trưởng"):
        svc.submit_dossier(actor=both, dossier=handed_over)
    # Sending it again makes him the preparer: he still may not submit it himself.
    svc.send_to_head(actor=both, dossier=handed_over)
    with pytest.raises(PermissionDeniedError, match="không được tự trình"):
        svc.submit_dossier(actor=both, dossier=handed_over)
    # Another head may.
    assert svc.submit_dossier(actor=head, dossier=handed_over).state == "submitted"


def test_change_that_changes_nothing_keeps_the_hand_over(handed_over, clerk, head):
    svc.update_dossier(actor=clerk, dossier=handed_over, kind=handed_over.kind, year=handed_over.year,
                       title=handed_over.title)
    assert fresh(handed_over).prepared_by == clerk
    assert svc.submit_dossier(actor=head, dossier=handed_over).state == "submitted"


def test_refused_edit_keeps_the_hand_over(handed_over, clerk):
    from dossiers.exceptions import DomainError

    with pytest.raises(DomainError):
        svc.add_nomination(actor=clerk, dossier=handed_over, award_type=award("BK_TINH_CN"),
                           achievement_summary="  ", person=PersonFactory(unit=handed_over.unit))
    assert fresh(handed_over).prepared_by == clerk


def test_a_unit_allowing_self_submission_is_not_affected(handed_over, unit):
    unit.allow_self_submit = True
    unit.save()
    both = UserFactory(unit=unit, roles=["unit_clerk", "unit_head"])
    _edit_details(handed_over, both)
    assert svc.submit_dossier(actor=both, dossier=handed_over).state == "submitted"


class TestInThePages:
    def test_editor_is_told_and_head_sees_why(self, client, handed_over, clerk, head):
        client.force_login(clerk)
        response = client.post(reverse("nomination_edit", args=[handed_over.pk, handed_over.nominations.get().pk]),
                               {"award_type": award("BK_TINH_CN").pk, "achievement_summary": "Viết lại."},
                               follow=True)
        html = response.content.decode()
        assert "Đã lưu đề nghị" in html
        assert "thay đổi này hủy lần chuyển đó" in html
        client.force_login(head)
        html = client.get(reverse("dossier_detail", args=[handed_over.pk])).content.decode()
        assert "sau khi chuyển thủ trưởng" in html
        response = client.post(reverse("dossier_submit", args=[handed_over.pk]))
        assert response.status_code == 403
        assert "sau khi chuyển thủ trưởng" in response.content.decode()
        assert fresh(handed_over).state == "draft"

    def test_upload_before_hand_over_gives_no_warning(self, client, dossier, clerk):
        client.force_login(clerk)
        response = client.post(reverse("attachment_upload", args=[dossier.pk]),
                               {"document_type": document_type("to_trinh").pk, "file": pdf_upload()}, follow=True)
        html = response.content.decode()
        assert "Đã tải lên" in html
        assert "hủy lần chuyển" not in html

    def test_upload_after_hand_over_warns(self, client, handed_over, clerk):
        client.force_login(clerk)
        response = client.post(reverse("attachment_upload", args=[handed_over.pk]),
                               {"document_type": document_type("khac").pk, "file": pdf_upload()}, follow=True)
        assert "thay đổi này hủy lần chuyển đó" in response.content.decode()
        assert fresh(handed_over).prepared_at is None
