"""The agenda through the API: what members read before they vote (summary, verdicts, documents), and exact shares."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from councils.api.serializers import AgendaItemSerializer
from councils.models import AgendaItem, ItemResult
from councils.services import sessions as svc
from dossiers.models import Attachment, EligibilityOverride, EligibilityVerdict, Regulation
from tests.api.helpers import url
from tests.councils import conftest as council_fixtures
from tests.factories import (
    PDF_BYTES,
    DossierFactory,
    NominationFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
    award,
    document_type,
)

office = council_fixtures.office
council = council_fixtures.council
chair = council_fixtures.chair
secretary = council_fixtures.secretary
members = council_fixtures.members
waiting = council_fixtures.waiting
make_session = council_fixtures.make_session

pytestmark = pytest.mark.django_db


def attach(dossier, user, name, nomination=None, code="to_trinh") -> Attachment:
    return Attachment.objects.create(
        dossier=dossier, nomination=nomination, document_type=document_type(code),
        file=ContentFile(PDF_BYTES, name="upload.pdf"), original_name=name, content_type="application/pdf",
        size=len(PDF_BYTES), sha256=hashlib.sha256(PDF_BYTES).hexdigest(), uploaded_by=user,
    )


def verdicts(nomination, specialist):
    """A stored check: all_of(two consecutive titles: failed but accepted in writing, not disciplined: passed)."""
    regulation = Regulation.objects.get(code="ND152_2025")
    root = EligibilityVerdict.objects.create(nomination=nomination, key="all_of", regulation=regulation,
                                             description="Đủ các tiêu chuẩn", result="fail",
                                             explanation="Một tiêu chuẩn chưa đạt.")
    titles = EligibilityVerdict.objects.create(
        nomination=nomination, parent=root, key="consecutive_titles", regulation=regulation, order=1,
        description="Hai lần liên tục đạt CSTĐ cơ sở", result="fail", explanation="Chỉ có năm 2025.")
    EligibilityVerdict.objects.create(nomination=nomination, parent=root, key="not_disciplined",
                                      regulation=regulation, order=2, description="Không bị kỷ luật", result="pass",
                                      explanation="Không có kỷ luật.")
    EligibilityOverride.objects.create(verdict=titles, reason="Đã xác minh quyết định năm 2024.",
                                       created_by=specialist)


@pytest.fixture
def published(council, secretary, members, waiting, ha_specialist):
    """A published agenda of waiting[0] (with verdicts, a dossier document and a nominee document)."""
    nomination = waiting[0]
    nomination.achievement_summary = "Ba năm liền hoàn thành xuất sắc nhiệm vụ; sáng kiến cấp tỉnh."
    nomination.save(update_fields=["achievement_summary"])
    verdicts(nomination, ha_specialist)
    letter = attach(nomination.dossier, secretary, "Tờ trình số 12.pdf")
    report = attach(nomination.dossier, secretary, "Báo cáo thành tích.pdf", nomination=nomination,
                    code="bao_cao_ca_nhan")
    other = attach(nomination.dossier, secretary, "Báo cáo của người khác.pdf", nomination=waiting[1],
                   code="bao_cao_ca_nhan")   # the same dossier, a nomination not on this agenda
    session = make_session(council, secretary, [nomination])
    return {"session": session, "letter": letter, "report": report, "other": other}


def agenda_of(api, user, session):
    response = api(user).get(url(f"council-sessions/{session.pk}/agenda/"))
    assert response.status_code == 200, response.content
    return response.json()


class TestDetailsForMembers:
    def test_members_and_the_chair_read_summary_verdicts_and_documents(self, api, published, secretary, chair,
                                                                       members):
        session = published["session"]
        svc.publish_agenda(actor=secretary, session=session)
        for reader in (members[7], chair):
            (row,) = agenda_of(api, reader, session)
            assert row["achievement_summary"].startswith("Ba năm liền hoàn thành xuất sắc")
            eligibility = row["eligibility"]
            assert eligibility["result"] == "pass"   # the failed criterion was accepted in writing
            (root,) = eligibility["verdicts"]
            assert (root["key"], root["result"], root["result_label"]) == ("all_of", "fail", "Không đạt")
            titles, clean = root["children"]
            assert titles["description"] == "Hai lần liên tục đạt CSTĐ cơ sở"
            assert titles["override"]["reason"] == "Đã xác minh quyết định năm 2024."
            assert clean["override"] is None and clean["children"] == []
            assert [d["original_name"] for d in row["documents"]] == ["Tờ trình số 12.pdf", "Báo cáo thành tích.pdf"]
            for document in row["documents"]:
                assert document["download_url"].endswith(
                    f"/api/v1/council-sessions/{session.pk}/documents/{document['id']}/")
                response = api(reader).get(document["download_url"])
                assert response.status_code == 200
                assert b"".join(response.streaming_content) == PDF_BYTES
                assert response["Cache-Control"] == "private, no-store"

    def test_before_publication_only_the_secretary_reads_them(self, api, published, secretary, chair):
        session = published["session"]
        (row,) = agenda_of(api, chair, session)   # the chair sees the draft session, not yet its dossiers
        assert row["achievement_summary"] is None and row["eligibility"] is None and row["documents"] is None
        letter = published["letter"]
        response = api(chair).get(url(f"council-sessions/{session.pk}/documents/{letter.pk}/"))
        assert response.status_code == 404 and response.json()["code"] == "not_found"
        (row,) = agenda_of(api, secretary, session)
        assert row["achievement_summary"] and len(row["documents"]) == 2

    def test_out_of_scope_documents_and_readers_are_refused(self, api, published, secretary, members, clerk,
                                                             province, council):
        session = published["session"]
        svc.publish_agenda(actor=secretary, session=session)
        member = api(members[7])
        path = f"council-sessions/{session.pk}/documents/"
        # another nomination's report in the same dossier, another dossier's document, no such document
        stranger = attach(DossierFactory(unit=published["letter"].dossier.unit, state="awaiting_council"),
                          secretary, "Hồ sơ khác.pdf")
        assert member.get(url(f"{path}{published['letter'].pk}/")).status_code == 200
        for attachment_id in (published["other"].pk, stranger.pk, 999999):
            response = member.get(url(f"{path}{attachment_id}/"))
            assert response.status_code == 404, attachment_id
        # a unit clerk, and a council member not on this session's roster: the session itself is not found
        outsider = UserFactory(unit=clerk.unit, roles=["council_member"], username="khach")
        for user in (clerk, outsider):
            assert api(user).get(url(f"{path}{published['letter'].pk}/")).status_code == 404
            assert api(user).get(url(f"council-sessions/{session.pk}/agenda/")).status_code == 404
        # an auditor reads the session but not the dossiers' documents
        auditor = UserFactory(unit=secretary.unit, roles=["auditor"], username="kiemtra")
        (row,) = agenda_of(api, auditor, session)
        assert row["documents"] is None and row["eligibility"] is None
        assert api(auditor).get(url(f"{path}{published['letter'].pk}/")).status_code == 404
        # through another session of the member's (the same dossier, another nominee): that session's own
        # documents, not this nominee's report
        other = make_session(council, secretary, [published["other"].nomination])
        svc.publish_agenda(actor=secretary, session=other)
        elsewhere = f"council-sessions/{other.pk}/documents/"
        assert member.get(url(f"{elsewhere}{published['other'].pk}/")).status_code == 200
        assert member.get(url(f"{elsewhere}{published['report'].pk}/")).status_code == 404

    def test_details_do_not_grow_the_query_count(self, api, council, secretary, members, province, ha_specialist,
                                                  django_assert_max_num_queries):
        unit = UnitFactory(province=province, name="Sở Y tế")

        def nominations(count):
            dossier = DossierFactory(unit=unit, state="awaiting_council")
            made = [NominationFactory(dossier=dossier, award_type=award("CSTD_TINH"), outcome="eligible",
                                      person=PersonFactory(unit=unit)) for _ in range(count)]
            for nomination in made:
                verdicts(nomination, ha_specialist)
                attach(dossier, secretary, "Báo cáo.pdf", nomination=nomination, code="bao_cao_ca_nhan")
            attach(dossier, secretary, "Tờ trình.pdf")
            return made

        session = make_session(council, secretary, nominations(2))
        svc.publish_agenda(actor=secretary, session=session)
        reader = api(members[7])
        with CaptureQueriesContext(connection) as few:
            assert len(reader.get(url(f"council-sessions/{session.pk}/agenda/")).json()) == 2
        # a longer agenda for the same published session (written directly: the services edit drafts only)
        AgendaItem.objects.filter(session=session).delete()
        for index, nomination in enumerate(nominations(12), start=3):
            AgendaItem.objects.create(session=session, nomination=nomination, position=index)
        with django_assert_max_num_queries(len(few)):
            body = reader.get(url(f"council-sessions/{session.pk}/agenda/")).json()
        assert len(body) == 12 and all(len(row["documents"]) == 2 for row in body)
        assert all(len(row["eligibility"]["verdicts"][0]["children"]) == 2 for row in body)


class TestExactShares:
    def test_one_in_sixteen_is_rounded_half_up_as_the_minutes_print_it(self):
        item = AgendaItem(position=1, issued=16, valid=16, agree=1, disagree=15, abstain=0, written_agree=0,
                          written_other=0, base=16, result=ItemResult.FAILED)
        counts = AgendaItemSerializer(context={"counted": True}).get_counts(item)
        # 1/16 = 6.25%: a float rounds it to 6.2 (round(6.25, 1) == 6.2); the minutes print 6,3
        assert round(100 * 1 / 16, 1) == 6.2
        assert (counts["share"], counts["percent"], counts["percent_text"]) == ("1/16", "6.3", "6,3")

    def test_two_thirds(self):
        item = AgendaItem(position=1, issued=15, valid=15, agree=10, disagree=5, abstain=0, written_agree=0,
                          written_other=0, base=15, result=ItemResult.FAILED)
        counts = AgendaItemSerializer(context={"counted": True}).get_counts(item)
        assert (counts["share"], counts["percent"], counts["percent_text"]) == ("10/15", "66.7", "66,7")
