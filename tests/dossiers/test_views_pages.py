"""Each page renders for the roles it serves; everything outside a user's scope is 404."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from dossiers.models import Dossier
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


def complete(dossier, actor, name="Nguyễn Văn An"):
    person = PersonFactory(unit=dossier.unit, full_name=name)
    nomination = svc.add_nomination(actor=actor, dossier=dossier, award_type=award("BK_TINH_CN"),
                                    achievement_summary="Hoàn thành xuất sắc nhiệm vụ.", person=person)
    for code, target in (("to_trinh", None), ("bien_ban_hop", None), ("bao_cao_ca_nhan", nomination)):
        upload_attachment(actor=actor, dossier=dossier, document_type=document_type(code),
                          uploaded_file=pdf_upload(), nomination=target)
    return nomination


@pytest.fixture
def nomination(dossier, clerk):
    return complete(dossier, clerk)


@pytest.fixture
def submitted(dossier, clerk, head, nomination):
    svc.send_to_head(actor=clerk, dossier=dossier)
    return svc.submit_dossier(actor=head, dossier=Dossier.objects.get(pk=dossier.pk))


@pytest.mark.django_db
class TestHome:
    def test_clerk_sees_drafts_and_returned_dossiers(self, client, clerk, unit, ha_specialist):
        draft = DossierFactory(unit=unit, created_by=clerk, title="Hồ sơ đang soạn thử")
        returned = DossierFactory(unit=unit, created_by=clerk, title="Hồ sơ bị trả lại thử")
        complete(returned, clerk, name="Trần Thị Bích")
        head = UserFactory(unit=unit, roles=["unit_head"])
        svc.send_to_head(actor=clerk, dossier=returned)
        svc.submit_dossier(actor=head, dossier=Dossier.objects.get(pk=returned.pk))
        from workflows import services as wf

        wf.complete_intake(actor=ha_specialist, task=wf.active_task(returned, "intake"), decision="return",
                           note="Thiếu biên bản họp có chữ ký")
        client.force_login(clerk)
        html = client.get(reverse("home")).content.decode()
        assert draft.title in html
        assert returned.title in html
        assert "Trả lại lần 1" in html
        assert "Thiếu biên bản họp có chữ ký" in html
        assert reverse("dossier_create") in html

    def test_head_sees_dossiers_sent_to_them(self, client, clerk, head, dossier, nomination, unit):
        waiting = DossierFactory(unit=unit, created_by=clerk, title="Chưa chuyển thủ trưởng")
        svc.send_to_head(actor=clerk, dossier=dossier)
        client.force_login(head)
        html = client.get(reverse("home")).content.decode()
        assert "chờ thủ trưởng trình" in html
        assert dossier.title in html
        assert waiting.title not in html

    def test_ha_sees_submitted_dossiers(self, client, ha_specialist, submitted, unit, clerk):
        draft = DossierFactory(unit=unit, created_by=clerk, title="Bản nháp không được thấy")
        client.force_login(ha_specialist)
        html = client.get(reverse("home")).content.decode()
        assert submitted.title in html
        assert draft.title not in html
        assert "Chuyên viên Sở Nội vụ" in html
        assert reverse("dossier_create") not in html


@pytest.mark.django_db
class TestPagesByRole:
    @pytest.mark.parametrize("user_fixture", ["clerk", "head"])
    def test_unit_pages(self, request, client, dossier, nomination, user_fixture):
        client.force_login(request.getfixturevalue(user_fixture))
        for url in (
            reverse("home"),
            reverse("dossier_list"),
            reverse("dossier_create"),
            reverse("dossier_detail", args=[dossier.pk]),
            reverse("dossier_edit", args=[dossier.pk]),
            reverse("nomination_create", args=[dossier.pk]),
            reverse("nomination_edit", args=[dossier.pk, nomination.pk]),
            reverse("nomination_delete", args=[dossier.pk, nomination.pk]),
            reverse("nominee_import", args=[dossier.pk]),
            reverse("people_list"),
            reverse("history_import"),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            assert '<html lang="vi">' in response.content.decode()

    def test_ha_reads_a_submitted_dossier_and_is_sent_to_the_task(self, client, ha_specialist, submitted):
        from workflows.services import active_task

        client.force_login(ha_specialist)
        html = client.get(reverse("dossier_detail", args=[submitted.pk])).content.decode()
        assert "Đã trình" in html
        # Returning happens on the intake task, which the process panel links to.
        assert "/return/" not in html
        assert reverse("task_detail", args=[active_task(submitted, "intake").pk]) in html
        assert reverse("nomination_create", args=[submitted.pk]) not in html
        assert reverse("dossier_edit", args=[submitted.pk]) not in html
        assert client.get(reverse("dossier_list")).status_code == 200

    def test_ha_cannot_create_dossiers_or_import_history(self, client, ha_specialist):
        client.force_login(ha_specialist)
        assert client.get(reverse("dossier_create")).status_code == 403
        assert client.get(reverse("history_import")).status_code == 403

    def test_ha_does_not_see_drafts(self, client, ha_specialist, dossier):
        client.force_login(ha_specialist)
        assert client.get(reverse("dossier_detail", args=[dossier.pk])).status_code == 404

    def test_submitted_dossier_is_read_only_for_the_unit(self, client, clerk, submitted):
        client.force_login(clerk)
        html = client.get(reverse("dossier_detail", args=[submitted.pk])).content.decode()
        assert "Đã trình" in html
        assert reverse("nomination_create", args=[submitted.pk]) not in html
        response = client.get(reverse("dossier_edit", args=[submitted.pk]), follow=True)
        assert "không còn sửa được" in response.content.decode()
        response = client.get(reverse("nomination_create", args=[submitted.pk]), follow=True)
        assert "không còn sửa được" in response.content.decode()

    def test_detail_shows_the_dossier(self, client, clerk, dossier, nomination):
        client.force_login(clerk)
        html = client.get(reverse("dossier_detail", args=[dossier.pk])).content.decode()
        assert dossier.reference in html
        assert "Đang soạn" in html
        assert "Nguyễn Văn An" in html
        assert "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh" in html
        assert "Đủ thành phần" in html
        assert "to-trinh.pdf" in html
        # Audit history: local time, actor and what changed.
        created = timezone.localtime(dossier.created_at)
        assert "Thêm đề nghị" in html
        assert "Tải lên tài liệu" in html
        assert created.strftime("%d/%m/%Y") in html
        history = html[html.index('id="nhat-ky"'):]
        assert "Tờ trình đề nghị khen thưởng" in history and "to_trinh" not in history
        assert "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh" in history and "BK_TINH_CN" not in history
        # The clerk's action, and no head or HA action.
        assert "Chuyển thủ trưởng" in html
        assert reverse("dossier_submit", args=[dossier.pk]) not in html
        assert "/return/" not in html

    def test_audit_times_are_shown_in_ho_chi_minh_time(self, client, clerk, unit):
        # 20:30 UTC on 1 March is 03:30 on 2 March in Hà Nội (UTC+7).
        moment = datetime.datetime(2025, 3, 1, 20, 30, tzinfo=datetime.UTC)
        with mock.patch("django.utils.timezone.now", return_value=moment):
            dossier = svc.create_dossier(actor=clerk, unit=unit, kind="regular", year=2025, title="Giờ địa phương")
        client.force_login(clerk)
        html = client.get(reverse("dossier_detail", args=[dossier.pk])).content.decode()
        assert "02/03/2025 03:30" in html


@pytest.mark.django_db
class TestScope:
    """Another unit's user gets 404 everywhere, never 403."""

    def test_other_unit_gets_404(self, client, other_clerk, dossier, nomination):
        attachment = dossier.attachments.first()
        client.force_login(other_clerk)
        for url in (
            reverse("dossier_detail", args=[dossier.pk]),
            reverse("dossier_edit", args=[dossier.pk]),
            reverse("nomination_create", args=[dossier.pk]),
            reverse("nomination_edit", args=[dossier.pk, nomination.pk]),
            reverse("nomination_delete", args=[dossier.pk, nomination.pk]),
            reverse("nominee_import", args=[dossier.pk]),
            reverse("attachment_download", args=[attachment.pk]),
            reverse("attachment_delete", args=[attachment.pk]),
        ):
            assert client.get(url).status_code == 404, url
        for url in (
            reverse("dossier_send_to_head", args=[dossier.pk]),
            reverse("dossier_submit", args=[dossier.pk]),
            reverse("dossier_withdraw", args=[dossier.pk]),
            reverse("attachment_upload", args=[dossier.pk]),
            reverse("nomination_delete", args=[dossier.pk, nomination.pk]),
            reverse("attachment_delete", args=[attachment.pk]),
        ):
            assert client.post(url, {"confirm": "1"}).status_code == 404, url
        assert Dossier.objects.filter(pk=dossier.pk, state="draft").exists()
        assert dossier.nominations.count() == 1
        assert dossier.attachments.count() == 3

    def test_nomination_of_another_dossier_is_404(self, client, clerk, unit, dossier, nomination):
        other = DossierFactory(unit=unit, created_by=clerk)
        client.force_login(clerk)
        assert client.get(reverse("nomination_edit", args=[other.pk, nomination.pk])).status_code == 404

    def test_not_found_page_is_vietnamese(self, client, clerk):
        client.force_login(clerk)
        response = client.get(reverse("dossier_detail", args=[999999]))
        assert response.status_code == 404
        assert "Không tìm thấy" in response.content.decode()

    def test_methods_are_enforced(self, client, clerk, dossier):
        client.force_login(clerk)
        for name in ("dossier_send_to_head", "dossier_submit", "dossier_withdraw", "attachment_upload"):
            assert client.get(reverse(name, args=[dossier.pk])).status_code == 405
