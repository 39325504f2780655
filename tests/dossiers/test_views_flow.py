"""The unit's side of a dossier, driven through the web views only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dossiers.models import Attachment, Collective, Dossier, Nomination, Person
from dossiers.services import dossiers as svc
from dossiers.services.attachments import upload_attachment
from tests.factories import (
    DossierFactory,
    PersonFactory,
    UserFactory,
    award,
    document_type,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    return response.content.decode()


def create_dossier(client, unit, **overrides) -> Dossier:
    data = {"unit": unit.pk, "kind": "regular", "year": 2025,
            "title": "Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh năm 2025"}
    data.update(overrides)
    response = client.post(reverse("dossier_create"), data)
    assert response.status_code == 302, html_of(response)
    return Dossier.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))


def add_person(client, dossier, name="Nguyễn Văn An", code="BK_TINH_CN", **overrides) -> Nomination:
    data = {"subject_type": "individual", "full_name": name, "gender": "male", "birth_year": 1980,
            "position": "Trưởng phòng Kế hoạch", "award_type": award(code).pk,
            "achievement_summary": "Hoàn thành xuất sắc nhiệm vụ năm 2025."}
    data.update(overrides)
    response = client.post(reverse("nomination_create", args=[dossier.pk]), data)
    assert response.status_code == 302, html_of(response)
    return dossier.nominations.get(person__full_name=name)


def upload(client, dossier, code, nomination=None, name="to-trinh.pdf", **kwargs):
    data = {"document_type": document_type(code).pk, "file": pdf_upload(name, **kwargs)}
    if nomination is not None:
        data["nomination"] = nomination.pk
    return client.post(reverse("attachment_upload", args=[dossier.pk]), data)


def complete(dossier, actor, name="Nguyễn Văn An"):
    person = PersonFactory(unit=dossier.unit, full_name=name)
    nomination = svc.add_nomination(actor=actor, dossier=dossier, award_type=award("BK_TINH_CN"),
                                    achievement_summary="Hoàn thành xuất sắc nhiệm vụ.", person=person)
    for code, target in (("to_trinh", None), ("bien_ban_hop", None), ("bao_cao_ca_nhan", nomination)):
        upload_attachment(actor=actor, dossier=dossier, document_type=document_type(code),
                          uploaded_file=pdf_upload(), nomination=target)
    return nomination


@pytest.fixture
def submitted(dossier, clerk, head):
    complete(dossier, clerk)
    svc.send_to_head(actor=clerk, dossier=dossier)
    return svc.submit_dossier(actor=head, dossier=Dossier.objects.get(pk=dossier.pk))


def test_full_flow_from_creation_to_submission(client, unit, clerk, head):
    client.force_login(clerk)
    dossier = create_dossier(client, unit)
    assert dossier.created_by == clerk and dossier.state == "draft"

    nomination = add_person(client, dossier)
    assert nomination.person.unit == unit
    html = html_of(client.get(reverse("dossier_detail", args=[dossier.pk])))
    assert "Còn thiếu 3" in html
    assert "Tờ trình đề nghị khen thưởng" in html
    assert "Báo cáo thành tích cá nhân: Nguyễn Văn An" in html

    assert upload(client, dossier, "to_trinh", name="Tờ trình số 12.pdf").status_code == 302
    assert upload(client, dossier, "bien_ban_hop", name="bien-ban.pdf").status_code == 302
    assert upload(client, dossier, "bao_cao_ca_nhan", nomination, name="bao-cao.pdf").status_code == 302
    html = html_of(client.get(reverse("dossier_detail", args=[dossier.pk])))
    assert "Đủ thành phần" in html
    assert "Tờ trình số 12.pdf" in html

    response = client.post(reverse("dossier_send_to_head", args=[dossier.pk]), follow=True)
    assert "Đã chuyển hồ sơ cho thủ trưởng" in html_of(response)
    dossier.refresh_from_db()
    assert dossier.prepared_by == clerk
    # The clerk cannot submit: no submit button for them.
    assert reverse("dossier_submit", args=[dossier.pk]) not in html_of(response)

    client.force_login(head)
    html = html_of(client.get(reverse("home")))
    assert dossier.title in html
    html = html_of(client.get(reverse("dossier_detail", args=[dossier.pk])))
    assert "Trình hồ sơ" in html
    response = client.post(reverse("dossier_submit", args=[dossier.pk]), follow=True)
    html = html_of(response)
    assert "Đã trình hồ sơ lên Sở Nội vụ" in html
    assert '<span class="badge state-submitted">Đã trình</span>' in html
    dossier.refresh_from_db()
    assert dossier.state == "submitted" and dossier.submitted_by == head
    assert "Trình hồ sơ" in html and "Người trình" in html


def test_add_collective_nomination(client, clerk, dossier):
    client.force_login(clerk)
    response = client.post(reverse("nomination_create", args=[dossier.pk]), {
        "subject_type": "collective", "collective_name": "Phòng Kế hoạch - Tài chính", "collective_kind": "collective",
        "award_type": award("BK_TINH_TT").pk, "achievement_summary": "Tập thể hoàn thành xuất sắc nhiệm vụ.",
    })
    assert response.status_code == 302
    nomination = dossier.nominations.get()
    assert nomination.collective.name == "Phòng Kế hoạch - Tài chính"
    assert nomination.collective.unit == dossier.unit


def test_award_must_fit_the_subject_and_input_is_kept(client, clerk, dossier):
    client.force_login(clerk)
    response = client.post(reverse("nomination_create", args=[dossier.pk]), {
        "subject_type": "individual", "full_name": "Phạm Thị Hồng", "birth_year": 1990,
        "award_type": award("BK_TINH_TT").pk, "achievement_summary": "Thành tích tiêu biểu",
    })
    assert response.status_code == 200
    html = html_of(response)
    assert "không dành cho cá nhân" in html
    assert 'value="Phạm Thị Hồng"' in html
    assert "Thành tích tiêu biểu" in html
    assert not Person.objects.filter(full_name="Phạm Thị Hồng").exists()


def test_award_select_only_offers_proposable_awards(client, clerk, dossier):
    client.force_login(clerk)
    html = html_of(client.get(reverse("nomination_create", args=[dossier.pk])))
    allowed = svc.proposable_award_types(kind=dossier.kind)
    for each in allowed:
        assert f'value="{each.pk}"' in html
    # Awards a unit head decides alone (e.g. Lao động tiên tiến) are not proposed upward.
    assert f'value="{award("LDTT").pk}"' not in html
    assert 'data-subject="individual"' in html and 'data-subject="collective"' in html


def test_duplicate_nomination_refused_and_nothing_created(client, clerk, dossier):
    client.force_login(clerk)
    add_person(client, dossier)
    response = client.post(reverse("nomination_create", args=[dossier.pk]), {
        "subject_type": "individual", "full_name": "Nguyễn Văn An", "gender": "male", "birth_year": 1980,
        "award_type": award("BK_TINH_CN").pk, "achievement_summary": "Lần hai",
    })
    assert response.status_code == 200
    assert "đã được đề nghị" in html_of(response)
    assert dossier.nominations.count() == 1
    assert Person.objects.filter(full_name="Nguyễn Văn An").count() == 1


def test_failed_add_rolls_back_the_new_person(client, clerk, dossier, monkeypatch):
    from dossiers.exceptions import DomainError

    def refuse(**kwargs):
        raise DomainError("invalid", "Từ chối thử")

    monkeypatch.setattr(svc, "add_nomination", refuse)
    client.force_login(clerk)
    response = client.post(reverse("nomination_create", args=[dossier.pk]), {
        "subject_type": "collective", "collective_name": "Tổ Thử nghiệm", "collective_kind": "collective",
        "award_type": award("BK_TINH_TT").pk, "achievement_summary": "x",
    })
    assert "Từ chối thử" in html_of(response)
    assert not Collective.objects.filter(name="Tổ Thử nghiệm").exists()


def test_edit_and_remove_nomination(client, clerk, dossier):
    client.force_login(clerk)
    nomination = add_person(client, dossier)
    response = client.post(reverse("nomination_edit", args=[dossier.pk, nomination.pk]), {
        "award_type": award("BK_TINH_CN").pk, "achievement_summary": "Thành tích đã sửa",
    })
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.achievement_summary == "Thành tích đã sửa"

    url = reverse("nomination_delete", args=[dossier.pk, nomination.pk])
    # Without confirmation (no JavaScript): a confirmation page, nothing removed.
    response = client.post(url)
    assert response.status_code == 200
    assert "Đồng ý xóa" in html_of(response)
    assert dossier.nominations.count() == 1
    response = client.post(url, {"confirm": "1"}, follow=True)
    assert "Đã xóa đề nghị" in html_of(response)
    assert dossier.nominations.count() == 0


def test_edit_header(client, clerk, dossier):
    client.force_login(clerk)
    response = client.post(reverse("dossier_edit", args=[dossier.pk]), {
        "kind": "regular", "year": 2025, "title": "Trích yếu mới của hồ sơ",
    })
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.title == "Trích yếu mới của hồ sơ"
    html = html_of(client.get(reverse("dossier_detail", args=[dossier.pk])))
    assert "Sửa thông tin hồ sơ" in html


def test_create_refusal_keeps_input(client, clerk, unit):
    client.force_login(clerk)
    response = client.post(reverse("dossier_create"), {
        "unit": unit.pk, "kind": "thematic", "year": 2025, "title": "Khen thưởng chuyên đề thử",
    })
    assert response.status_code == 200
    html = html_of(response)
    assert "phải chọn phong trào" in html
    assert 'value="Khen thưởng chuyên đề thử"' in html
    assert not Dossier.objects.exists()


def test_create_offers_only_acting_units(client, clerk, unit, other_unit):
    client.force_login(clerk)
    html = html_of(client.get(reverse("dossier_create")))
    assert unit.name in html
    assert other_unit.name not in html
    response = client.post(reverse("dossier_create"), {
        "unit": other_unit.pk, "kind": "regular", "year": 2025, "title": "Cho đơn vị khác",
    })
    assert response.status_code == 200
    assert not Dossier.objects.exists()


def test_submit_refused_lists_missing_documents(client, clerk, head, dossier):
    person = PersonFactory(unit=dossier.unit, full_name="Lê Thị Mai")
    svc.add_nomination(actor=clerk, dossier=dossier, award_type=award("BK_TINH_CN"),
                       achievement_summary="Thành tích", person=person)
    Dossier.objects.filter(pk=dossier.pk).update(prepared_by=clerk)
    client.force_login(head)
    response = client.post(reverse("dossier_submit", args=[dossier.pk]))
    assert response.status_code == 400
    html = html_of(response)
    assert "Hồ sơ còn thiếu 3 tài liệu" in html
    assert '<ul class="alert-details">' in html
    assert "<li>Tờ trình đề nghị khen thưởng</li>" in html
    assert "<li>Báo cáo thành tích cá nhân: Lê Thị Mai</li>" in html
    dossier.refresh_from_db()
    assert dossier.state == "draft"


def test_send_to_head_refused_lists_missing_documents(client, clerk, dossier):
    person = PersonFactory(unit=dossier.unit, full_name="Lê Thị Mai")
    svc.add_nomination(actor=clerk, dossier=dossier, award_type=award("BK_TINH_CN"),
                       achievement_summary="Thành tích", person=person)
    client.force_login(clerk)
    response = client.post(reverse("dossier_send_to_head", args=[dossier.pk]))
    html = html_of(response)
    assert "Hồ sơ còn thiếu 3 tài liệu" in html
    assert "<li>Biên bản họp xét" in html
    dossier.refresh_from_db()
    assert dossier.prepared_at is None


class TestSeparationOfDuties:
    def test_head_cannot_submit_before_the_clerk_sends_it(self, client, clerk, head, dossier):
        complete(dossier, clerk)
        client.force_login(head)
        html = html_of(client.get(reverse("dossier_detail", args=[dossier.pk])))
        assert "Hồ sơ chưa được cán bộ TĐKT chuyển cho thủ trưởng." in html
        assert reverse("dossier_submit", args=[dossier.pk]) not in html
        response = client.post(reverse("dossier_submit", args=[dossier.pk]))
        assert response.status_code == 403
        assert "Hồ sơ chưa được cán bộ TĐKT chuyển cho thủ trưởng." in html_of(response)

    def test_who_sent_it_may_not_submit_it(self, client, unit):
        both = UserFactory(unit=unit, roles=["unit_clerk", "unit_head"])
        dossier = DossierFactory(unit=unit, created_by=both)
        complete(dossier, both)
        client.force_login(both)
        client.post(reverse("dossier_send_to_head", args=[dossier.pk]))
        response = client.post(reverse("dossier_submit", args=[dossier.pk]))
        assert response.status_code == 403
        assert "Người chuyển hồ sơ không được tự trình hồ sơ đó" in html_of(response)
        dossier.refresh_from_db()
        assert dossier.state == "draft"


class TestWithdraw:
    def test_reason_required_after_submission_and_input_kept(self, client, head, submitted):
        client.force_login(head)
        html = html_of(client.get(reverse("dossier_detail", args=[submitted.pk])))
        assert "Rút hồ sơ" in html
        response = client.post(reverse("dossier_withdraw", args=[submitted.pk]), {"withdraw-reason": "  "})
        assert response.status_code == 400
        assert "Hãy nêu lý do rút hồ sơ đã trình." in html_of(response)
        submitted.refresh_from_db()
        assert submitted.state == "submitted"

        response = client.post(reverse("dossier_withdraw", args=[submitted.pk]),
                               {"withdraw-reason": "Đơn vị xét lại danh sách"}, follow=True)
        html = html_of(response)
        assert "Đã rút hồ sơ." in html
        assert "Đơn vị xét lại danh sách" in html
        assert '<span class="badge state-withdrawn">Đã rút</span>' in html
        submitted.refresh_from_db()
        assert submitted.state == "withdrawn"

    def test_clerk_cannot_withdraw_a_submitted_dossier(self, client, clerk, submitted):
        client.force_login(clerk)
        assert reverse("dossier_withdraw", args=[submitted.pk]) not in html_of(
            client.get(reverse("dossier_detail", args=[submitted.pk])))
        response = client.post(reverse("dossier_withdraw", args=[submitted.pk]), {"withdraw-reason": "Thử"})
        assert response.status_code == 403
        assert "Chỉ thủ trưởng đơn vị được rút hồ sơ" in html_of(response)

    def test_clerk_may_withdraw_a_draft_without_reason(self, client, clerk, dossier):
        client.force_login(clerk)
        client.post(reverse("dossier_withdraw", args=[dossier.pk]), {"withdraw-reason": ""})
        dossier.refresh_from_db()
        assert dossier.state == "withdrawn"


def return_through_the_intake_task(client, dossier, text, **extra):
    """Home Affairs returns the dossier from its intake task page (the only place a return happens)."""
    import datetime

    from django.utils import timezone

    from workflows.services import active_task

    data = {
        "decision": "return", "items-TOTAL_FORMS": "5", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "50", "return-note": "",
        "return-due_on": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
        "items-0-reason": "other" if text else "", "items-0-text": text,
    }
    data.update(extra)
    return client.post(reverse("task_complete", args=[active_task(dossier, "intake").pk]), data, follow=True)


class TestReturn:
    def test_ha_returns_unit_sees_reason_edits_and_resubmits(self, client, clerk, head, ha_specialist, submitted):
        client.force_login(ha_specialist)
        response = return_through_the_intake_task(client, submitted, "")
        assert "Hãy nêu ít nhất một nội dung cần bổ sung." in html_of(response)
        response = return_through_the_intake_task(client, submitted, "Bổ sung biên bản họp có chữ ký đầy đủ")
        assert "Đã trả lại hồ sơ" in html_of(response)
        submitted.refresh_from_db()
        assert submitted.state == "returned" and submitted.return_count == 1

        client.force_login(clerk)
        html = html_of(client.get(reverse("home")))
        assert "Bổ sung biên bản họp có chữ ký đầy đủ" in html
        html = html_of(client.get(reverse("dossier_detail", args=[submitted.pk])))
        assert "Trả lại để bổ sung" in html
        assert "(lần 1)" in html
        assert "Bổ sung biên bản họp có chữ ký đầy đủ" in html
        assert reverse("nomination_create", args=[submitted.pk]) in html

        response = client.post(reverse("dossier_edit", args=[submitted.pk]), {
            "kind": "regular", "year": 2025, "title": "Đề nghị khen thưởng năm 2025 (đã bổ sung)",
        })
        assert response.status_code == 302
        nomination = submitted.nominations.get()
        response = client.post(reverse("nomination_edit", args=[submitted.pk, nomination.pk]), {
            "award_type": award("BK_TINH_CN").pk, "achievement_summary": "Thành tích đã bổ sung số liệu",
        })
        assert response.status_code == 302
        old = submitted.attachments.get(document_type__code="bien_ban_hop")
        response = client.post(reverse("attachment_delete", args=[old.pk]), {"confirm": "1"})
        assert response.status_code == 302
        assert upload(client, submitted, "bien_ban_hop", name="bien-ban-ky-day-du.pdf").status_code == 302
        client.post(reverse("dossier_send_to_head", args=[submitted.pk]))

        client.force_login(head)
        response = client.post(reverse("dossier_submit", args=[submitted.pk]), follow=True)
        html = html_of(response)
        assert "Đã trình lại hồ sơ sau khi bổ sung" in html
        assert "Đã trình" in html
        submitted.refresh_from_db()
        assert submitted.state == "submitted"
        assert submitted.title == "Đề nghị khen thưởng năm 2025 (đã bổ sung)"
        assert "Thành tích đã bổ sung số liệu" in html
        assert "Trình lại hồ sơ sau bổ sung" in html

    def test_unit_users_cannot_return(self, client, head, submitted):
        client.force_login(head)
        response = return_through_the_intake_task(client, submitted, "Tự trả")
        assert response.status_code == 404
        assert client.post(f"/dossiers/{submitted.pk}/return/", {"return-reason": "Tự trả"}).status_code == 404
        submitted.refresh_from_db()
        assert submitted.state == "submitted"


def test_attachment_delete_without_confirmation_asks_first(client, clerk, dossier):
    client.force_login(clerk)
    assert upload(client, dossier, "to_trinh").status_code == 302
    attachment = dossier.attachments.get()
    response = client.post(reverse("attachment_delete", args=[attachment.pk]))
    assert response.status_code == 200
    assert "Đồng ý xóa" in html_of(response)
    assert Attachment.objects.filter(pk=attachment.pk).exists()
