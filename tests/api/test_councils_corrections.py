"""Council corrections through the API: attendance after voting opened, written opinions after it closed.

Both are allowed until the results are confirmed, and the counts follow them;
after confirmation both are refused with our error body and nothing changes.
"""

from __future__ import annotations

import json

import pytest

from councils.models import AgendaItem, SessionState, VoterRecord, WrittenOpinion
from councils.models import CouncilSession as Session
from dossiers.models import Nomination
from tests.api.helpers import assert_error, url
from tests.api.test_councils import get, post
from tests.councils import conftest as council_fixtures
from tests.factories import pdf_upload

# The council of 15 (chair, secretary, 13 members) and nominations waiting for it: tests/councils/conftest.py.
office = council_fixtures.office
council = council_fixtures.council
chair = council_fixtures.chair
secretary = council_fixtures.secretary
members = council_fixtures.members
waiting = council_fixtures.waiting
open_session = council_fixtures.open_session

pytestmark = pytest.mark.django_db


def vote(api, session, users, choice="agree"):
    item = str(session.items.get().pk)
    for user in users:
        assert post(api(user), f"council-sessions/{session.pk}/ballot/", {"choices": {item: choice}},
                    status=201)["receipt"]


def counts(api, user, session) -> dict:
    (row,) = get(api(user), f"council-sessions/{session.pk}/agenda/")
    return {**row["counts"], "result": row["result"]}


def present_ids(detail) -> set[int]:
    return {m["user"] for m in detail["members"] if m["present"]}


def attendance(api, secretary, session, users, status=200):
    response = api(secretary).post(url(f"council-sessions/{session.pk}/attendance/"),
                                   {"present": [u.pk for u in users]}, format="json")
    assert response.status_code == status, response.content
    return response


def written(api, secretary, session, user, choice, name="y-kien.pdf"):
    item = str(session.items.get().pk)
    return api(secretary).post(url(f"council-sessions/{session.pk}/written-opinions/"), {
        "member": user.pk, "choices": json.dumps({item: choice}), "scan": pdf_upload(name)}, format="multipart")


class TestAttendanceCorrection:
    def test_a_member_added_while_voting_is_open_votes_and_is_counted(self, api, council, secretary, waiting,
                                                                      members):
        # CSTĐ cấp tỉnh: at least 90% of all 15 members.
        session = open_session(council, secretary, waiting[:1], members, present=13)
        vote(api, session, members[:13])
        late = members[13]
        assert_error(api(late).post(url(f"council-sessions/{session.pk}/ballot/"),
                                    {"choices": {str(session.items.get().pk): "agree"}}, format="json"),
                     403, "not_present")

        detail = attendance(api, secretary, session, members[:14]).json()
        assert detail["state"] == "voting_open"
        assert present_ids(detail) == {u.pk for u in members[:14]}
        assert get(api(secretary), f"council-sessions/{session.pk}/quorum/") == {
            "rule": "4/5", "members": 15, "present": 14, "required": 12, "met": True}
        assert get(api(secretary), f"council-sessions/{session.pk}/progress/") == {
            "expected": 14, "voted": 13, "written": 0}

        vote(api, session, [late])
        assert get(api(secretary), f"council-sessions/{session.pk}/progress/")["voted"] == 14
        assert post(api(secretary), f"council-sessions/{session.pk}/close-voting/")["state"] == "voting_closed"
        assert counts(api, members[5], session) == {
            "issued": 14, "valid": 14, "agree": 14, "disagree": 0, "abstain": 0, "written_agree": 0,
            "written_other": 0, "total_agree": 14, "base": 15, "share": "14/15", "percent": "93.3",
            "percent_text": "93,3", "result": "passed"}

    def test_a_member_who_voted_cannot_be_marked_absent(self, api, council, secretary, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=13)
        vote(api, session, members[:1])
        body = assert_error(attendance(api, secretary, session, members[1:13], status=400), 400, "already_voted")
        voted = session.members.get(user=members[0]).name
        assert body["message"] == (f"{voted} đã bỏ phiếu nên không đánh dấu vắng mặt được "
                                   "(phiếu kín không thể rút ra).")
        assert session.members.filter(present=True).count() == 13
        assert VoterRecord.objects.filter(session=session).count() == 13

    def test_after_close_the_counts_are_recomputed(self, api, council, secretary, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=13)
        AgendaItem.objects.filter(session=session).update(threshold_base="present_members")
        vote(api, session, members[:12])  # the 13th present member does not vote
        post(api(secretary), f"council-sessions/{session.pk}/close-voting/")
        before = counts(api, secretary, session)
        assert (before["issued"], before["base"], before["share"], before["result"]) == (13, 13, "12/13", "passed")

        detail = attendance(api, secretary, session, members[:14]).json()
        assert detail["state"] == "voting_closed" and len(present_ids(detail)) == 14
        after = counts(api, secretary, session)
        assert (after["issued"], after["base"], after["agree"], after["share"], after["percent"], after["result"]) == (
            14, 14, 12, "12/14", "85.7", "failed")   # under 90% of those present
        assert get(api(secretary), f"council-sessions/{session.pk}/quorum/")["present"] == 14

    def test_refused_once_the_results_are_confirmed(self, api, council, secretary, chair, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=14)
        vote(api, session, members[:14])
        post(api(secretary), f"council-sessions/{session.pk}/close-voting/")
        assert post(api(chair), f"council-sessions/{session.pk}/confirm/")["state"] == "results_confirmed"

        body = assert_error(attendance(api, secretary, session, members, status=400), 400, "results_confirmed")
        assert body["message"] == "Kết quả đã được xác nhận: không sửa điểm danh được nữa."
        assert len(present_ids(get(api(secretary), f"council-sessions/{session.pk}/"))) == 14
        assert counts(api, secretary, session)["share"] == "14/15"


class TestWrittenOpinionAfterClose:
    def test_entered_and_corrected_after_close_then_refused_after_confirmation(self, api, council, secretary, chair,
                                                                               waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=13)
        vote(api, session, members[:13])
        post(api(secretary), f"council-sessions/{session.pk}/close-voting/")
        closed = counts(api, members[5], session)
        assert (closed["total_agree"], closed["percent"], closed["result"]) == (13, "86.7", "failed")

        # An absent member's written opinion arrives after the vote closed: it counts.
        response = written(api, secretary, session, members[13], "agree")
        assert response.status_code == 201, response.content
        assert response.json()["member"] == members[13].pk and "choices" not in response.json()
        recounted = counts(api, members[5], session)
        assert (recounted["written_agree"], recounted["written_other"], recounted["total_agree"],
                recounted["share"], recounted["percent"], recounted["result"]) == (1, 0, 14, "14/15", "93.3",
                                                                                   "passed")
        assert get(api(secretary), f"council-sessions/{session.pk}/progress/")["written"] == 1

        # The scan was misread: the member disagreed. The same opinion is corrected, and the count follows.
        response = written(api, secretary, session, members[13], "disagree", name="y-kien-dung.pdf")
        assert response.status_code == 201, response.content
        corrected = counts(api, members[5], session)
        assert (corrected["written_agree"], corrected["written_other"], corrected["total_agree"],
                corrected["result"]) == (0, 1, 13, "failed")
        assert WrittenOpinion.objects.filter(session=session).count() == 1

        assert post(api(chair), f"council-sessions/{session.pk}/confirm/")["state"] == "results_confirmed"
        assert Nomination.objects.get(pk=waiting[0].pk).outcome == "council_failed"
        body = assert_error(written(api, secretary, session, members[14], "agree"), 400, "results_confirmed")
        assert body["message"] == "Kết quả đã được xác nhận: không nhập hoặc sửa ý kiến bằng văn bản được nữa."
        assert WrittenOpinion.objects.filter(session=session).count() == 1
        assert counts(api, members[5], session)["total_agree"] == 13
        assert Session.objects.get(pk=session.pk).state == SessionState.RESULTS_CONFIRMED

    def test_only_the_secretary_enters_it(self, api, council, secretary, chair, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=13)
        post(api(secretary), f"council-sessions/{session.pk}/close-voting/")
        assert_error(written(api, chair, session, members[13], "agree"), 403, "permission_denied")
        assert not WrittenOpinion.objects.filter(session=session).exists()
