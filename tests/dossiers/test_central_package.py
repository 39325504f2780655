"""The export package of a central submission holds everything the Ministry needs: the TTr-UBND, the Chairman's
decision that agreed to propose the items upward, the signed council minutes where they were voted on, each
nominee's achievement report, the dossiers' uploaded documents and the submission's own supplements, with a
manifest whose every checksum and size is checked here against the bytes in the ZIP."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import zipfile

import pytest
from django.urls import reverse

from councils.models import Council, CouncilMembership, MemberRole
from councils.services import sessions as council_services
from councils.services import voting
from dossiers.documents import council_minutes, official, store
from dossiers.models import Decision, Dossier, GeneratedDocument, Nomination
from dossiers.services import central as svc
from dossiers.services import decisions
from tests.central_world import DAY, drive, forward_through_decision, people
from tests.documents.pdf import flat, text
from tests.factories import (
    DossierFactory,
    NominationFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
    award,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def who(province):
    return people(province)


def council_passed(province, who) -> list[Nomination]:
    """An order for the President voted on by the council in a session whose minutes the chair signed, then
    agreed by the Chairman's decision to be proposed upward."""
    office = who.chairman.unit
    council = Council.objects.create(province=province)
    members = []
    for index, (role, last, first) in enumerate([(MemberRole.CHAIR, "Nguyễn", "Văn Hòa"),
                                                 (MemberRole.SECRETARY, "Đỗ", "Thị Thu Trang"),
                                                 (MemberRole.MEMBER, "Lò", "Văn Thành"),
                                                 (MemberRole.MEMBER, "Tao", "Văn Minh"),
                                                 (MemberRole.MEMBER, "Giàng", "A Páo")]):
        roles = ["council_member"] + (["council_chair"] if role == MemberRole.CHAIR else []) + (
            ["council_secretary"] if role == MemberRole.SECRETARY else [])
        user = UserFactory(unit=office, roles=roles, username=f"hd{index}", last_name=last, first_name=first)
        CouncilMembership.objects.create(council=council, user=user, role=role, starts_on=DAY.replace(day=1),
                                         position="Ủy viên")
        members.append(user)
    chair, secretary = members[0], members[1]
    unit = UnitFactory(province=province, name="Sở Tài chính")
    dossier = DossierFactory(unit=unit, state="awaiting_council", year=2025)
    nomination = NominationFactory(dossier=dossier, award_type=award("HC_LD3_CN"), outcome="eligible",
                                   person=PersonFactory(unit=unit, full_name="Đặng Văn Tùng"))
    session = council_services.create_session(actor=secretary, council=council, title="Phiên họp thứ nhất năm 2026",
                                               date=DAY, place="Phòng họp số 1, UBND tỉnh")
    council_services.add_items(actor=secretary, session=session, nominations=[nomination])
    council_services.publish_agenda(actor=secretary, session=session)
    council_services.start_session(actor=secretary, session=session)
    council_services.record_attendance(actor=secretary, session=session, present_user_ids=[m.pk for m in members])
    council_services.open_voting(actor=secretary, session=session)
    item = session.items.get()
    for member in members:
        voting.cast_ballot(actor=member, session=session, choices={str(item.pk): "agree"})
    council_services.close_voting(actor=secretary, session=session)
    council_services.confirm_results(actor=chair, session=session)
    council_services.finalise(actor=chair, session=session, minutes_date=DAY, end_time=datetime.time(11, 30))
    nomination.refresh_from_db()
    assert nomination.outcome == "council_passed"
    Dossier.objects.filter(pk=dossier.pk).update(state="awaiting_decision")
    decision = decisions.create_decision(actor=who.specialist, province=province, title="Về việc khen thưởng",
                                         nominations=[nomination])
    decisions.check_decision(actor=who.lead, decision=decision, submission_date=DAY)
    decisions.sign_decision(actor=who.chairman, decision=decision, decision_date=DAY)
    return [Nomination.objects.get(pk=nomination.pk)]


def download(client, submission) -> zipfile.ZipFile:
    response = client.get(reverse("central_package", args=[submission.pk]))
    assert response.status_code == 200, response.content[:500]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def assert_manifest_matches(archive: zipfile.ZipFile) -> dict:
    """Every file is listed once with the SHA-256 and size of its bytes in the ZIP; nothing else is in it."""
    manifest = json.loads(archive.read("manifest.json"))
    paths = [entry["path"] for entry in manifest["files"]]
    assert len(paths) == len(set(paths))
    assert set(paths) | {"manifest.json"} == set(archive.namelist())
    for entry in manifest["files"]:
        content = archive.read(entry["path"])
        assert hashlib.sha256(content).hexdigest() == entry["sha256"], entry["path"]
        assert len(content) == entry["size"], entry["path"]
    return manifest


def pdf_text(archive, path) -> str:
    content = archive.read(path)
    assert content.startswith(b"%PDF")
    return flat(text(content))


def test_everything_the_ministry_needs_with_checksums(client, province, who):
    forwarded = council_passed(province, who)
    nomination = forwarded[0]
    decision = Decision.objects.get()
    submission = svc.create_submission(actor=who.liaison, province=province, title="Trình Chủ tịch nước",
                                       nominations=forwarded)
    svc.add_central_attachment(actor=who.liaison, submission=submission, label="Danh sách trích ngang",
                               uploaded_file=pdf_upload("Danh sách.pdf"))
    drive(submission, who, "sent")
    svc.record_returned(actor=who.liaison, submission=submission, returned_on=DAY, reason="Thiếu xác nhận thuế")
    supplement = svc.add_central_attachment(actor=who.liaison, submission=submission, nomination=nomination,
                                            label="Xác nhận của cơ quan thuế",
                                            uploaded_file=pdf_upload("Xác nhận thuế.pdf"))
    client.force_login(who.liaison)
    archive = download(client, submission)
    manifest = assert_manifest_matches(archive)
    by_kind: dict[str, list[dict]] = {}
    for entry in manifest["files"]:
        by_kind.setdefault(entry["kind"], []).append(entry)
    assert sorted(by_kind) == ["BB-HĐTĐKT", "QĐ-UBND", "TTr-UBND", "achievement-report", "supplement"]

    # The Chairman's decision, as numbered and signed.
    [qd] = by_kind["QĐ-UBND"]
    assert decision.number == "01/QĐ-UBND" and qd["path"] == "quyet-dinh/qd-01-qd-ubnd.pdf"
    body = pdf_text(archive, qd["path"])
    assert f"Số: {decision.number}" in body and "QUYẾT ĐỊNH" in body and "Đặng Văn Tùng" in body
    assert manifest["decisions"] == [{"number": decision.number, "date": DAY.isoformat(), "path": qd["path"],
                                      "nominees": [1]}]

    # The signed minutes of the session that voted on it.
    [bb] = by_kind["BB-HĐTĐKT"]
    assert bb["path"] == "bien-ban/01-bien-ban-01-bb-hdtdkt.pdf"
    body = pdf_text(archive, bb["path"])
    assert "Số: 01/BB-HĐTĐKT" in body and "BIÊN BẢN" in body and "Đặng Văn Tùng" in body
    assert manifest["minutes"][0]["number"] == "01/BB-HĐTĐKT" and manifest["minutes"][0]["nominees"] == [1]

    # The achievement report generated from what the unit entered.
    [report] = by_kind["achievement-report"]
    assert report["path"] == "de-nghi/001-dang-van-tung/00-bao-cao-thanh-tich.pdf"
    body = pdf_text(archive, report["path"])
    assert "BÁO CÁO THÀNH TÍCH" in body and "Đặng Văn Tùng" in body

    # The submission's own documents, in their own folder, by the sending they went with.
    supplements = {entry["original_name"]: entry for entry in by_kind["supplement"]}
    assert supplements["Danh sách.pdf"]["path"] == "tai-lieu-bo-sung/gui-lan-dau/01-danh-sach.pdf"
    added = supplements["Xác nhận thuế.pdf"]
    assert added["path"] == "tai-lieu-bo-sung/tra-lai-lan-1/01-xac-nhan-thue.pdf"
    assert (added["label"], added["return_round"], added["nominee"]) == ("Xác nhận của cơ quan thuế", 1, 1)
    assert added["sha256"] == supplement.sha256 and archive.read(added["path"]) == pdf_upload().read()
    assert manifest["submission"]["return_count"] == 1

    [nominee] = manifest["nominees"]
    assert nominee["achievement_report"] == report["path"]
    assert nominee["decisions"] == [qd["path"]] and nominee["minutes"] == [bb["path"]]
    assert nominee["files"] == [added["path"]]


def test_a_signed_decision_goes_as_published(client, province, who):
    """The decision's first file made after signing is the record; the package carries that file."""
    forwarded = forward_through_decision(province, who)
    decision = Decision.objects.get()
    published = store.obtain(official.prepare("decision", decision))
    # Mark the published file, so that a new rendering (whatever the templates make today) would show.
    with published.file.open("ab") as handle:
        handle.write(b"% the copy published on signing\n")
    with published.file.open("rb") as handle:
        published_bytes = handle.read()
    submission = svc.create_submission(actor=who.liaison, province=province, title="Trình", nominations=forwarded)
    client.force_login(who.liaison)
    archive = download(client, submission)
    manifest = assert_manifest_matches(archive)
    [qd] = [entry for entry in manifest["files"] if entry["kind"] == "QĐ-UBND"]
    assert archive.read(qd["path"]) == published_bytes
    assert GeneratedDocument.objects.filter(kind="decision").count() == 1
    # No council voted on these rows (made without a session): the package lists no minutes.
    assert manifest["minutes"] == [] and manifest["nominees"][0]["minutes"] == []


def test_without_the_councils_app_there_are_no_minutes(client, province, who, monkeypatch):
    forwarded = council_passed(province, who)
    monkeypatch.setattr(council_minutes, "_provider", None)
    submission = svc.create_submission(actor=who.liaison, province=province, title="Trình", nominations=forwarded)
    client.force_login(who.liaison)
    manifest = assert_manifest_matches(download(client, submission))
    assert manifest["minutes"] == [] and not any(e["kind"] == "BB-HĐTĐKT" for e in manifest["files"])
    assert [e["kind"] for e in manifest["files"]] == ["TTr-UBND", "QĐ-UBND", "achievement-report"]


def test_a_changed_supplement_is_not_packed(client, province, who):
    forwarded = forward_through_decision(province, who)
    submission = svc.create_submission(actor=who.liaison, province=province, title="Trình", nominations=forwarded)
    attachment = svc.add_central_attachment(actor=who.liaison, submission=submission, label="Danh sách",
                                            uploaded_file=pdf_upload("danh-sach.pdf"))
    with attachment.file.open("ab") as handle:
        handle.write(b"% changed on disk\n")
    client.force_login(who.liaison)
    response = client.get(reverse("central_package", args=[submission.pk]), follow=True)
    assert "Tài liệu “danh-sach.pdf” của hồ sơ trình không còn khớp mã băm lưu khi tải lên" in \
        response.content.decode()
