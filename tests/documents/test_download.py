"""Downloading documents: the same scope as everything else, the cache by content hash, and large documents
rendered by the task worker behind a progress page."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from dossiers.documents import official, render
from dossiers.models import CertificateLayout, GeneratedDocument, PublicNotice
from tests.documents import expect
from tests.factories import DossierFactory, NominationFactory, ProvinceFactory, UnitFactory, UserFactory


def url(kind, obj, **query):
    base = reverse("document_pdf", args=[kind, obj.pk])
    return base + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


@pytest.fixture
def renders(monkeypatch):
    """Counts every WeasyPrint rendering (the cache is in front of it)."""
    calls = []
    original = render.pdf_from_parts

    def counting(parts, **kwargs):
        calls.append(len(parts))
        return original(parts, **kwargs)

    monkeypatch.setattr(render, "pdf_from_parts", counting)
    return calls


def pdf_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# Scope -------------------------------------------------------------------------------------------------------

def test_home_affairs_reads_a_draft_decision_units_do_not(client, draft, ha_specialist, finance_clerk):
    client.force_login(ha_specialist)
    response = client.get(url("decision", draft))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('inline; filename="QD-du-thao-')
    assert "DỰ THẢO" in expect.lines(pdf_of(response))
    client.force_login(finance_clerk)
    assert client.get(url("decision", draft)).status_code == 404
    client.logout()
    assert client.get(url("decision", draft)).status_code == 404


def test_a_signed_decision_is_public(client, signed_decision, finance_clerk, other_clerk):
    for user in (finance_clerk, other_clerk, None):
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        response = client.get(url("decision", signed_decision))
        assert response.status_code == 200
        assert response["Content-Disposition"] == (
            "inline; filename=\"QD-01-QD-UBND.pdf\"; filename*=UTF-8''QD-01-QD-UBND.pdf")


@pytest.mark.parametrize("kind", ["ha-submission", "certificates"])
def test_provincial_working_documents_are_not_for_units(client, kind, signed_decision, finance_clerk,
                                                        ha_specialist):
    client.force_login(finance_clerk)
    assert client.get(url(kind, signed_decision)).status_code == 404
    client.force_login(ha_specialist)
    assert client.get(url(kind, signed_decision)).status_code == 200


def test_central_submission_for_the_province_roles_only(client, central_submission, liaison, finance_clerk):
    client.force_login(finance_clerk)
    assert client.get(url("central-submission", central_submission)).status_code == 404
    client.force_login(liaison)
    response = client.get(url("central-submission", central_submission))
    assert response.status_code == 200
    assert "Số: 01/TTr-UBND Lai Châu, ngày 05 tháng 3 năm 2024" in expect.lines(pdf_of(response))


def test_another_province_sees_nothing(client, draft):
    other = ProvinceFactory(code="DBN", name="Tỉnh Điện Biên", place_name="Điện Biên")
    outsider = UserFactory(unit=UnitFactory(province=other, name="Sở Nội vụ Điện Biên"), roles=["ha_lead"])
    client.force_login(outsider)
    assert client.get(url("decision", draft)).status_code == 404
    assert client.get(url("ha-submission", draft)).status_code == 404
    assert client.get(url("certificates", draft)).status_code == 404


def test_unit_documents_follow_the_dossier_scope(client, unit, clerk, other_clerk, ha_specialist):
    dossier = DossierFactory(unit=unit, created_by=clerk)
    nomination = NominationFactory(dossier=dossier)
    client.force_login(clerk)
    assert client.get(url("proposal-letter", dossier)).status_code == 200
    assert client.get(url("achievement-report", nomination)).status_code == 200
    client.force_login(other_clerk)
    assert client.get(url("proposal-letter", dossier)).status_code == 404
    assert client.get(url("achievement-report", nomination)).status_code == 404
    # Home Affairs reads a dossier once it is submitted, not the unit's draft.
    client.force_login(ha_specialist)
    assert client.get(url("proposal-letter", dossier)).status_code == 404
    dossier.__class__.objects.filter(pk=dossier.pk).update(state="under_review")
    assert client.get(url("proposal-letter", dossier)).status_code == 200


def test_public_notice_follows_its_dossier(client, unit, clerk, other_clerk, ha_specialist):
    dossier = DossierFactory(unit=unit, created_by=clerk, state="public_notice")
    notice = PublicNotice.objects.create(dossier=dossier, starts_on=datetime.date(2024, 3, 1),
                                         ends_on=datetime.date(2024, 3, 14), created_by=ha_specialist)
    client.force_login(ha_specialist)
    assert client.get(url("public-notice", notice)).status_code == 200
    client.force_login(clerk)
    assert client.get(url("public-notice", notice)).status_code == 200
    client.force_login(other_clerk)
    assert client.get(url("public-notice", notice)).status_code == 404


def test_unknown_kind_and_foreign_layout(client, signed_decision, ha_specialist):
    client.force_login(ha_specialist)
    assert client.get(reverse("document_pdf", args=["bien-ban-mat", signed_decision.pk])).status_code == 404
    other = ProvinceFactory(code="DBN", name="Tỉnh Điện Biên", place_name="Điện Biên")
    foreign = CertificateLayout.objects.create(province=other, name="Phôi Điện Biên")
    assert client.get(url("certificates", signed_decision, layout=foreign.pk)).status_code == 404
    assert client.get(url("certificates", signed_decision, layout="abc")).status_code == 404


# Cache ---------------------------------------------------------------------------------------------------------

def test_the_second_request_renders_nothing(client, draft, ha_specialist, renders):
    client.force_login(ha_specialist)
    first = pdf_of(client.get(url("decision", draft)))
    assert renders == [1]
    second = pdf_of(client.get(url("decision", draft)))
    assert renders == [1]
    assert first == second
    assert GeneratedDocument.objects.count() == 1
    document = GeneratedDocument.objects.get()
    assert document.state == "done" and document.kind == "decision" and document.object_id == draft.pk
    assert document.content_hash == official.prepare("decision", draft).content_hash
    assert document.parts == []


def test_changed_data_renders_again(client, draft, ha_specialist, renders):
    client.force_login(ha_specialist)
    client.get(url("decision", draft))
    draft.title = "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
    draft.save()
    response = client.get(url("decision", draft))
    assert renders == [1, 1]
    assert "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh" in expect.lines(pdf_of(response))
    assert GeneratedDocument.objects.count() == 2


def test_a_lost_file_is_rendered_again(client, draft, ha_specialist, renders):
    client.force_login(ha_specialist)
    client.get(url("decision", draft))
    document = GeneratedDocument.objects.get()
    document.file.storage.delete(document.file.name)
    assert client.get(url("decision", draft)).status_code == 200
    assert renders == [1, 1]
    assert GeneratedDocument.objects.count() == 1


def test_the_same_document_is_shared_by_whoever_may_read_it(client, signed_decision, ha_specialist,
                                                             finance_clerk, renders):
    client.force_login(ha_specialist)
    client.get(url("decision", signed_decision))
    client.force_login(finance_clerk)
    assert client.get(url("decision", signed_decision)).status_code == 200
    assert renders == [1]


def test_building_a_document_does_not_query_per_row(draft, province, ha_specialist, lead, finance,
                                                    django_assert_max_num_queries):
    from tests.documents.conftest import make_decision
    from tests.factories import PersonFactory, award

    dossier = DossierFactory(unit=finance, state="awaiting_decision", year=2023)
    many = [NominationFactory(dossier=dossier, award_type=award("BK_TINH_CN", "ND98_2023"), outcome="eligible",
                              person=PersonFactory(unit=finance)) for _ in range(30)]
    big = make_decision(province=province, ha_specialist=ha_specialist, lead=lead, nominations=many)
    for decision in (draft, big):
        for kind in ("decision", "ha-submission", "certificates"):
            with django_assert_max_num_queries(14):
                official.document_html(kind, decision.__class__.objects.get(pk=decision.pk))


# Background ------------------------------------------------------------------------------------------------------

@pytest.fixture
def small_threshold(settings):
    settings.DOCUMENT_BACKGROUND_ROWS = 2
    settings.DOCUMENT_CERTIFICATE_CHUNK = 1
    return settings


def run_worker():
    """The real database task worker, in this process, until the queue is empty.

    It closes "old" connections between tasks, which inside a test's transaction would close the test's
    own connection (on PostgreSQL): that one step is left out.
    """
    from unittest import mock

    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def test_a_large_document_is_rendered_in_the_background(client, signed_decision, ha_specialist, small_threshold,
                                                        renders, django_capture_on_commit_callbacks):
    client.force_login(ha_specialist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url("certificates", signed_decision))
    document = GeneratedDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("document_progress", args=[document.pk])
    assert renders == []
    assert document.state == "queued" and document.task_id and len(document.parts) == 3
    assert document.pages_total == 3

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Đang chờ đến lượt tạo văn bản…" in html
    assert reverse("document_status", args=[document.pk]) in html
    assert 'src="/static/documents/progress.js"' in html and "<script>" not in html
    status = client.get(reverse("document_status", args=[document.pk])).json()
    assert status == {"state": "queued", "state_label": "Đang chờ tạo", "pages_done": 0, "pages_total": 3,
                      "percent": 0, "message": "Đang chờ đến lượt tạo văn bản…", "file_url": None,
                      "retry_url": None}
    # Asking again while it waits queues nothing more.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert client.get(url("certificates", signed_decision))["Location"] == response["Location"]
    assert callbacks == []
    assert client.get(reverse("document_file", args=[document.pk]))["Location"] == response["Location"]

    run_worker()

    assert renders == [3]
    status = client.get(reverse("document_status", args=[document.pk])).json()
    assert status["state"] == "done" and status["percent"] == 100 and status["pages_done"] == 3
    assert status["message"] == "Đã tạo xong văn bản."
    assert status["file_url"] == reverse("document_file", args=[document.pk])
    pdf = pdf_of(client.get(status["file_url"]))
    from tests.documents import pdf as pdfread
    assert len(pdfread.reader(pdf).pages) == 3
    assert "Bà Nguyễn Thị Thu Hà" in expect.lines(pdf)
    # The finished file is the cache: the download link now serves it at once.
    response = client.get(url("certificates", signed_decision))
    assert response.status_code == 200 and renders == [3]


def test_progress_is_recorded_part_by_part(client, signed_decision, ha_specialist, small_threshold, monkeypatch,
                                           django_capture_on_commit_callbacks):
    seen = []
    original = render.pdf_from_parts

    def watching(parts, progress=None):
        def report(done, total):
            progress(done, total)
            seen.append(GeneratedDocument.objects.values_list("pages_done", "state").get())
        return original(parts, progress=report)

    monkeypatch.setattr(render, "pdf_from_parts", watching)
    client.force_login(ha_specialist)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url("certificates", signed_decision))
    run_worker()
    assert seen == [(1, "rendering"), (2, "rendering"), (3, "rendering")]
    assert GeneratedDocument.objects.get().state == "done"


def test_a_failed_rendering_offers_a_retry(client, signed_decision, ha_specialist, small_threshold, monkeypatch,
                                           django_capture_on_commit_callbacks):
    def broken(parts, progress=None):
        raise render.DocumentRenderError("hỏng")

    monkeypatch.setattr(render, "pdf_from_parts", broken)
    client.force_login(ha_specialist)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url("decision", signed_decision))
    run_worker()
    document = GeneratedDocument.objects.get()
    status = client.get(reverse("document_status", args=[document.pk])).json()
    assert status["state"] == "failed" and "Không tạo được văn bản" in status["message"]
    assert status["retry_url"] == url("decision", signed_decision)
    assert "hỏng" not in status["message"]
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.get(status["retry_url"])
    run_worker()
    assert client.get(reverse("document_status", args=[document.pk])).json()["state"] == "done"


def test_progress_of_another_scope_is_not_found(client, draft, ha_specialist, finance_clerk, small_threshold,
                                                django_capture_on_commit_callbacks):
    client.force_login(ha_specialist)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url("decision", draft))
    document = GeneratedDocument.objects.get()
    client.force_login(finance_clerk)
    for name in ("document_progress", "document_status", "document_file"):
        assert client.get(reverse(name, args=[document.pk])).status_code == 404


def test_a_rendering_lost_with_its_worker_is_queued_again(client, signed_decision, ha_specialist, small_threshold,
                                                          django_capture_on_commit_callbacks):
    import datetime as dt

    from django.utils import timezone

    client.force_login(ha_specialist)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url("decision", signed_decision))
    GeneratedDocument.objects.update(state="rendering", started_at=timezone.now() - dt.timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.get(url("decision", signed_decision))
    assert len(callbacks) == 1
    assert GeneratedDocument.objects.get().state == "queued"
    run_worker()
    assert GeneratedDocument.objects.get().state == "done"


def test_a_signed_decision_keeps_its_first_file(client, signed_decision, ha_specialist, renders, monkeypatch):
    client.force_login(ha_specialist)
    first = pdf_of(client.get(url("decision", signed_decision)))
    # A later change of the templates (or of the renderer) makes other HTML: the signed record stays as issued.
    monkeypatch.setattr(official, "RENDERER_VERSION", "weasyprint-99/documents-2")
    assert pdf_of(client.get(url("decision", signed_decision))) == first
    assert renders == [1]
    # A draft is not a record: its PDF follows the data.
    draft = signed_decision.__class__.objects.create(province=signed_decision.province, title="Dự thảo khác",
                                                     created_by=ha_specialist)
    client.get(url("decision", draft))
    monkeypatch.setattr(official, "RENDERER_VERSION", "weasyprint-99/documents-3")
    client.get(url("decision", draft))
    assert renders == [1, 1, 1]
