"""The council API: a whole session, quorum, paper totals, ballots and receipts, permissions, schema, queries."""

from __future__ import annotations

import datetime
import importlib.util
import json

import pytest
import yaml
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from councils.models import AgendaItem, Ballot, CouncilSession, SessionState
from councils.services import sessions as svc
from dossiers.models import Dossier, Nomination
from tests.api.helpers import assert_error, url
from tests.councils import conftest as council_fixtures
from tests.factories import (
    CollectiveFactory,
    DossierFactory,
    NominationFactory,
    PersonFactory,
    ProvinceFactory,
    UnitFactory,
    UserFactory,
    award,
    pdf_upload,
)

# The council of 15 (chair, secretary, 13 members) and four nominations waiting for it: tests/councils/conftest.py.
office = council_fixtures.office
council = council_fixtures.council
chair = council_fixtures.chair
secretary = council_fixtures.secretary
members = council_fixtures.members
waiting = council_fixtures.waiting
make_session = council_fixtures.make_session
open_session = council_fixtures.open_session

HAS_NUMBERING = importlib.util.find_spec("dossiers.documents.numbering") is not None


def post(client, path, body=None, status=200):
    response = client.post(url(path), body if body is not None else {}, format="json")
    assert response.status_code == status, response.content
    return response.json() if response.content else None


def get(client, path, params=None, status=200, **headers):
    response = client.get(url(path), params or {}, **headers)
    assert response.status_code == status, response.content
    return response.json()


def choices_for(agenda, choice_of) -> dict[str, str]:
    return {str(item["id"]): choice_of(item) for item in agenda}


@pytest.fixture
def outsider():
    """A council secretary of another province."""
    elsewhere = UnitFactory(province=ProvinceFactory(code="DBN", name="Tỉnh Điện Biên", place_name="Điện Biên"))
    return UserFactory(unit=elsewhere, roles=["council_secretary", "council_member"], username="thuky_dbn")


def prepare_through_api(api, secretary, waiting, members, *, present=13, **fields):
    """Create, fill, publish, start and take attendance through the API; returns (session id, agenda)."""
    client = api(secretary)
    body = post(client, "council-sessions/", {"title": "Phiên họp thứ nhất năm 2026", "date": "2026-03-05",
                                              "place": "Phòng họp số 1, UBND tỉnh", **fields}, status=201)
    pk = body["id"]
    assert body["state"] == "draft" and body["secret"] is True and body["item_count"] == 0
    pool = get(client, f"council-sessions/{pk}/pool/")
    assert {row["id"] for row in pool["results"]} == {n.pk for n in waiting}
    agenda = post(client, f"council-sessions/{pk}/items/", {"nominations": [row["id"] for row in pool["results"]]},
                  status=201)
    assert [row["position"] for row in agenda] == [1, 2, 3, 4]
    assert get(client, f"council-sessions/{pk}/pool/")["count"] == 0
    assert post(client, f"council-sessions/{pk}/publish/")["state"] == "agenda_published"
    assert post(client, f"council-sessions/{pk}/start/")["state"] == "in_progress"
    detail = post(client, f"council-sessions/{pk}/attendance/", {"present": [u.pk for u in members[:present]]})
    assert sum(m["present"] for m in detail["members"]) == present
    return pk, agenda


def vote_and_confirm(api, secretary, chair, waiting, members):
    """The electronic vote of 13 present members, one written opinion, counting and the chair's confirmation."""
    pk, agenda = prepare_through_api(api, secretary, waiting, members)
    client = api(secretary)
    assert get(client, f"council-sessions/{pk}/quorum/") == {"rule": "4/5", "members": 15, "present": 13,
                                                             "required": 12, "met": True}
    assert post(client, f"council-sessions/{pk}/open-voting/")["state"] == "voting_open"

    # Everyone present agrees on everything, except that the last two disagree on item 2.
    receipts = []
    for index, user in enumerate(members[:13]):
        ballot = choices_for(agenda, lambda item, i=index: "disagree" if i >= 11 and item["position"] == 2
                             else "agree")
        receipts.append(post(api(user), f"council-sessions/{pk}/ballot/", {"choices": ballot},
                             status=201)["receipt"])
    assert len(set(receipts)) == 13 and all(len(r) == 19 for r in receipts)
    assert get(api(members[0]), f"council-sessions/{pk}/")["my_ballot_cast"] is True
    assert get(api(members[13]), f"council-sessions/{pk}/")["my_ballot_cast"] is False
    # An absent member's written opinion: agree on everything.
    response = client.post(url(f"council-sessions/{pk}/written-opinions/"), {
        "member": members[13].pk, "choices": json.dumps(choices_for(agenda, lambda item: "agree")),
        "scan": pdf_upload("y-kien.pdf")}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["member"] == members[13].pk and "choices" not in response.json()

    assert get(client, f"council-sessions/{pk}/progress/") == {"expected": 13, "voted": 13, "written": 1}
    during = get(client, f"council-sessions/{pk}/agenda/")
    assert {row["result"] for row in during} == {"pending"} and {row["counts"] is None for row in during} == {True}

    assert post(client, f"council-sessions/{pk}/close-voting/")["state"] == "voting_closed"
    counted = {row["position"]: row for row in get(api(members[5]), f"council-sessions/{pk}/agenda/")}
    first = counted[1]
    assert first["counts"] == {"issued": 13, "valid": 13, "agree": 13, "disagree": 0, "abstain": 0,
                               "written_agree": 1, "written_other": 0, "total_agree": 14, "base": 15,
                               "share": "14/15", "percent": "93.3", "percent_text": "93,3"}
    assert first["result"] == "passed"
    # Item 2 (the CSTĐ tỉnh of the press unit): 11 + 1 written = 12 of 15 < 90%.
    assert counted[2]["threshold"] == "9/10" and counted[2]["threshold_base"] == "all_members"
    assert counted[2]["threshold_strict"] is False and counted[2]["threshold_label"] == "từ 90% trở lên"
    assert (counted[2]["counts"]["agree"], counted[2]["counts"]["disagree"], counted[2]["result"]) == (11, 2, "failed")
    assert counted[4]["award"]["code"] == "CO_TINH" and counted[4]["threshold"] == "4/5"

    # Confirmation is the chair's (a plain member may not).
    assert_error(api(members[5]).post(url(f"council-sessions/{pk}/confirm/")), 403, "permission_denied")
    assert post(api(chair), f"council-sessions/{pk}/confirm/")["state"] == "results_confirmed"
    outcomes = dict(Nomination.objects.filter(pk__in=[n.pk for n in waiting]).values_list("pk", "outcome"))
    assert sorted(outcomes.values()) == ["council_failed", "council_passed", "council_passed", "council_passed"]
    return pk


class TestWholeSession:
    def test_from_creation_to_confirmed_results_and_draft_minutes(self, api, secretary, chair, waiting, members):
        pk = vote_and_confirm(api, secretary, chair, waiting, members)
        assert set(Dossier.objects.values_list("state", flat=True)) == {"awaiting_decision"}
        response = api(members[3]).get(url(f"council-sessions/{pk}/minutes.pdf"))
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert "du-thao" in response["Content-Disposition"]

    @pytest.mark.skipif(not HAS_NUMBERING, reason="dossiers.documents.numbering (the number register) is not there yet")
    def test_signing_the_minutes_and_correcting_them(self, api, secretary, chair, waiting, members):
        pk = vote_and_confirm(api, secretary, chair, waiting, members)
        assert_error(api(secretary).post(url(f"council-sessions/{pk}/finalise/"), {}, format="json"),
                     403, "permission_denied")
        body = post(api(chair), f"council-sessions/{pk}/finalise/", {"minutes_date": "2026-03-05",
                                                                     "end_time": "11:30"})
        assert body["state"] == "finalised" and body["minutes_date"] == "2026-03-05"
        assert body["minutes_number"].endswith("/BB-HĐTĐKT") and body["end_time"] == "11:30:00"
        response = api(secretary).get(url(f"council-sessions/{pk}/minutes.pdf"))
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        assert "du-thao" not in response["Content-Disposition"]
        # After signing: only an audited correction, never a plain change.
        assert_error(api(secretary).patch(url(f"council-sessions/{pk}/"), {"place": "Hội trường"}, format="json"),
                     400, "invalid_state")
        correction = post(api(secretary), f"council-sessions/{pk}/corrections/",
                          {"note": "Sửa địa điểm họp", "place": "Hội trường tầng 3"}, status=201)
        assert correction["note"] == "Sửa địa điểm họp"
        detail = get(api(secretary), f"council-sessions/{pk}/")
        assert detail["place"] == "Hội trường tầng 3" and [c["note"] for c in detail["corrections"]] == [
            "Sửa địa điểm họp"]

    def test_draft_minutes_need_an_opening_time(self, api, council, secretary, waiting, members):
        session = make_session(council, secretary, waiting[:1])
        assert_error(api(secretary).get(url(f"council-sessions/{session.pk}/minutes.pdf")), 400, "no_start_time")
        api(secretary).patch(url(f"council-sessions/{session.pk}/"), {"start_time": "08:00"}, format="json")
        response = api(secretary).get(url(f"council-sessions/{session.pk}/minutes.pdf"))
        assert response.status_code == 200 and response.content.startswith(b"%PDF")

    def test_leaving_an_item_for_a_later_session(self, api, secretary, waiting, members):
        session = make_session(council_of(secretary), secretary, waiting)
        item = session.items.get(nomination=waiting[3])
        assert_error(api(members[4]).delete(url(f"agenda-items/{item.pk}/")), 404, "not_found")  # draft: no roster
        response = api(secretary).delete(url(f"agenda-items/{item.pk}/"))
        assert response.status_code == 204
        assert not AgendaItem.objects.filter(pk=item.pk).exists()
        agenda = get(api(secretary), f"council-sessions/{session.pk}/agenda/")
        assert [row["position"] for row in agenda] == [1, 2, 3]
        assert get(api(secretary), f"council-sessions/{session.pk}/pool/")["count"] == 1


def council_of(user):
    from councils.models import Council

    return Council.objects.get(province_id=user.unit.province_id)


class TestQuorum:
    def test_voting_does_not_open_without_quorum(self, api, secretary, waiting, members):
        pk, _agenda = prepare_through_api(api, secretary, waiting, members, present=11)
        assert get(api(secretary), f"council-sessions/{pk}/quorum/") == {
            "rule": "4/5", "members": 15, "present": 11, "required": 12, "met": False}
        body = assert_error(api(secretary).post(url(f"council-sessions/{pk}/open-voting/")), 400, "no_quorum")
        assert "có mặt 11/15, cần ít nhất 12" in body["message"]
        assert CouncilSession.objects.get(pk=pk).state == SessionState.IN_PROGRESS


class TestPaperTally:
    def test_totals_must_add_up(self, api, council, secretary, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=13, mode="paper")
        item = session.items.get()
        path = f"agenda-items/{item.pk}/paper-tally/"
        body = assert_error(api(secretary).post(url(path), {"issued": 13, "valid": 13, "agree": 10, "disagree": 1,
                                                            "abstain": 1}, format="json"), 400, "tally_mismatch")
        assert "(12)" in body["message"] and "(13)" in body["message"]
        assert_error(api(secretary).post(url(path), {"issued": 14, "valid": 13, "agree": 13, "disagree": 0,
                                                     "abstain": 0}, format="json"), 400, "tally_mismatch")
        body = assert_error(api(secretary).post(url(path), {"issued": 13, "valid": -1, "agree": 0, "disagree": 0,
                                                            "abstain": 0}, format="json"), 400, "invalid")
        assert body["errors"][0]["field"] == "valid"
        assert_error(api(members[4]).post(url(path), {"issued": 13, "valid": 13, "agree": 13, "disagree": 0,
                                                      "abstain": 0}, format="json"), 403, "permission_denied")
        first = post(api(secretary), path, {"issued": 13, "valid": 13, "agree": 12, "disagree": 1, "abstain": 0},
                     status=201)
        assert first["agree"] == 12
        post(api(secretary), path, {"issued": 13, "valid": 13, "agree": 13, "disagree": 0, "abstain": 0}, status=200)
        agenda = get(api(secretary), f"council-sessions/{session.pk}/agenda/")
        assert agenda[0]["paper_tally_entered"] is True and agenda[0]["counts"] is None
        assert post(api(secretary), f"council-sessions/{session.pk}/close-voting/")["state"] == "voting_closed"
        agenda = get(api(secretary), f"council-sessions/{session.pk}/agenda/")
        assert agenda[0]["counts"]["agree"] == 13 and agenda[0]["result"] == "failed"  # 13/15 < 90%

    def test_electronic_ballot_refused_in_a_paper_session(self, api, council, secretary, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=13, mode="paper")
        assert_error(api(members[0]).post(url(f"council-sessions/{session.pk}/ballot/"), {"choices": {}},
                                          format="json"), 400, "paper_session")


class TestBallots:
    @pytest.fixture
    def session(self, council, secretary, waiting, members):
        return open_session(council, secretary, waiting[:2], members, present=13)

    def test_second_ballot_without_receipt_is_a_conflict(self, api, session, members):
        path = f"council-sessions/{session.pk}/ballot/"
        items = list(session.items.order_by("position"))
        post(api(members[0]), path, {"choices": {str(items[0].pk): "agree"}}, status=201)
        body = assert_error(api(members[0]).post(url(path), {"choices": {str(items[0].pk): "disagree"}},
                                                 format="json"), 409, "already_voted")
        assert "mã biên nhận" in body["message"]
        assert_error(api(members[0]).post(url(path), {"choices": {str(items[0].pk): "disagree"},
                                                      "receipt": "AAAA-BBBB-CCCC-DDDD"}, format="json"),
                     409, "already_voted")
        assert Ballot.objects.get(session=session).choices == {str(items[0].pk): "agree"}

    def test_changing_with_the_receipt_and_reading_it_back(self, api, session, members):
        path = f"council-sessions/{session.pk}/ballot/"
        first, second = (str(i.pk) for i in session.items.order_by("position"))
        client = api(members[0])
        receipt = post(client, path, {"choices": {first: "agree", second: "agree"}}, status=201)["receipt"]
        assert get(client, path, HTTP_X_BALLOT_RECEIPT=receipt) == {"choices": {first: "agree", second: "agree"}}
        changed = post(client, path, {"choices": {first: "disagree", second: "abstain"},
                                      "receipt": receipt.lower()}, status=200)
        assert changed == {"receipt": receipt.lower()}
        assert get(client, path, HTTP_X_BALLOT_RECEIPT=receipt) == {"choices": {first: "disagree", second: "abstain"}}
        assert Ballot.objects.filter(session=session).count() == 1
        response = client.get(url(path), HTTP_X_BALLOT_RECEIPT=receipt)
        assert "no-store" in response["Cache-Control"]
        # No receipt, a wrong one, or someone who is no voting member of the session.
        assert_error(client.get(url(path)), 400, "receipt_required")
        assert_error(client.get(url(path), HTTP_X_BALLOT_RECEIPT="AAAA-BBBB-CCCC-DDDD"), 404, "ballot_not_found")
        assert_error(api(members[1]).get(url(path), HTTP_X_BALLOT_RECEIPT="AAAA-BBBB-CCCC-DDDD"),
                     404, "ballot_not_found")

    def test_invalid_choices(self, api, session, members, waiting):
        path = url(f"council-sessions/{session.pk}/ballot/")
        item = str(session.items.first().pk)
        body = assert_error(api(members[0]).post(path, {"choices": {item: "yes"}}, format="json"), 400, "invalid")
        assert body["errors"][0]["field"] == f"choices.{item}"
        assert_error(api(members[0]).post(path, {"choices": {"999999": "agree"}}, format="json"), 400, "invalid")
        assert_error(api(members[0]).post(path, {"choices": ["agree"]}, format="json"), 400, "invalid")
        assert_error(api(members[14]).post(path, {"choices": {item: "agree"}}, format="json"), 403, "not_present")

    def test_open_vote_reads_the_ballot_by_member(self, api, council, secretary, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=13, secret=False)
        path = f"council-sessions/{session.pk}/ballot/"
        item = str(session.items.get().pk)
        client = api(members[2])
        assert_error(client.get(url(path)), 404, "ballot_not_found")
        assert post(client, path, {"choices": {item: "agree"}}, status=201)["receipt"]
        assert post(client, path, {"choices": {item: "abstain"}}, status=200) == {"receipt": None}
        assert get(client, path) == {"choices": {item: "abstain"}}
        assert_error(api(members[3]).get(url(path)), 404, "ballot_not_found")

    def test_ballot_after_close_is_refused(self, api, session, secretary, members):
        post(api(secretary), f"council-sessions/{session.pk}/close-voting/")
        assert_error(api(members[0]).post(url(f"council-sessions/{session.pk}/ballot/"), {"choices": {}},
                                          format="json"), 400, "voting_closed")


class TestWrittenOpinions:
    def test_refusals(self, api, council, secretary, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=13)
        path = url(f"council-sessions/{session.pk}/written-opinions/")
        item = str(session.items.get().pk)
        good = {"member": members[14].pk, "choices": json.dumps({item: "agree"}), "scan": pdf_upload()}
        assert_error(api(members[0]).post(path, good, format="multipart"), 403, "permission_denied")
        body = assert_error(api(secretary).post(path, {**good, "choices": "{not json", "scan": pdf_upload()},
                                                format="multipart"), 400, "invalid")
        assert body["errors"][0]["field"] == "choices"
        assert_error(api(secretary).post(path, {**good, "member": members[0].pk, "scan": pdf_upload()},
                                         format="multipart"), 400, "present")
        outsider = UserFactory(roles=["council_member"])
        assert_error(api(secretary).post(path, {**good, "member": outsider.pk, "scan": pdf_upload()},
                                         format="multipart"), 400, "invalid")
        assert_error(api(secretary).post(path, {**good, "choices": "{}", "scan": pdf_upload()},
                                         format="multipart"), 400, "incomplete")
        assert_error(api(secretary).post(path, {"member": members[14].pk, "choices": good["choices"]},
                                         format="multipart"), 400, "invalid")
        assert_error(api(secretary).post(path, {**good, "scan": pdf_upload()}, format="json"),
                     415, "unsupported_media_type")


class TestPermissions:
    def test_a_member_may_not_prepare_or_run_the_session(self, api, council, secretary, waiting, members):
        session = make_session(council, secretary, waiting)
        post(api(secretary), f"council-sessions/{session.pk}/publish/")
        member = api(members[6])
        for path in ("start/", "open-voting/", "close-voting/", "reopen-voting/", "confirm/"):
            assert_error(member.post(url(f"council-sessions/{session.pk}/{path}")), 403, "permission_denied")
        assert_error(member.post(url(f"council-sessions/{session.pk}/attendance/"), {"present": []}, format="json"),
                     403, "permission_denied")
        assert_error(member.get(url(f"council-sessions/{session.pk}/pool/")), 403, "permission_denied")
        assert_error(member.get(url(f"council-sessions/{session.pk}/progress/")), 403, "permission_denied")
        assert_error(member.patch(url(f"council-sessions/{session.pk}/"), {"title": "X"}, format="json"),
                     403, "permission_denied")
        assert_error(member.post(url(f"council-sessions/{session.pk}/items/"), {"nominations": [waiting[0].pk]},
                                 format="json"), 403, "permission_denied")
        # ... but may read it: the session, its agenda and quorum.
        assert get(member, f"council-sessions/{session.pk}/")["my_rights"] == {
            "manage": False, "confirm": False, "sign": False, "vote": False}
        assert len(get(member, f"council-sessions/{session.pk}/agenda/")) == 4
        assert get(member, f"council-sessions/{session.pk}/quorum/")["members"] == 15

    def test_a_member_may_not_publish(self, api, council, secretary, waiting, members):
        session = make_session(council, secretary, waiting)
        # The draft is not yet the member's (no roster): not found; the chair reads the province's sessions.
        assert_error(api(members[6]).post(url(f"council-sessions/{session.pk}/publish/")), 404, "not_found")
        assert_error(api(members[0]).post(url(f"council-sessions/{session.pk}/publish/")), 403, "permission_denied")
        assert CouncilSession.objects.get(pk=session.pk).state == SessionState.DRAFT

    def test_only_the_secretary_creates(self, api, council, chair, secretary, members):
        body = {"title": "Phiên họp", "date": "2026-03-05", "place": "Phòng họp"}
        assert_error(api(chair).post(url("council-sessions/"), body, format="json"), 403, "permission_denied")
        assert_error(api(members[5]).post(url("council-sessions/"), body, format="json"), 403, "permission_denied")
        assert_error(api(secretary).post(url("council-sessions/"), {**body, "council": 999999}, format="json"),
                     400, "invalid")
        assert_error(api(secretary).post(url("council-sessions/"), {**body, "place": "  "}, format="json"),
                     400, "invalid")
        created = post(api(secretary), "council-sessions/", {**body, "council": council.pk, "mode": "paper",
                                                             "secret": False, "kind": "thematic"}, status=201)
        assert (created["mode"], created["secret"], created["kind"]) == ("paper", False, "thematic")

    def test_another_province_is_not_found(self, api, council, secretary, waiting, members, outsider):
        session = open_session(council, secretary, waiting[:1], members, present=13)
        item = session.items.get()
        client = api(outsider)
        for path in ("", "agenda/", "pool/", "quorum/", "progress/", "ballot/"):
            assert_error(client.get(url(f"council-sessions/{session.pk}/{path}")), 404, "not_found")
        assert_error(client.get(url(f"council-sessions/{session.pk}/minutes.pdf")), 404, "not_found")
        for path in ("publish/", "start/", "close-voting/", "confirm/", "finalise/", "ballot/", "corrections/"):
            assert_error(client.post(url(f"council-sessions/{session.pk}/{path}"), {}, format="json"),
                         404, "not_found")
        assert_error(client.patch(url(f"council-sessions/{session.pk}/"), {"title": "X"}, format="json"),
                     404, "not_found")
        assert_error(client.delete(url(f"agenda-items/{item.pk}/")), 404, "not_found")
        assert_error(client.post(url(f"agenda-items/{item.pk}/paper-tally/"), {}, format="json"), 404, "not_found")
        assert get(client, "council-sessions/")["count"] == 0

    def test_a_member_not_on_the_roster_is_not_found(self, api, council, secretary, waiting, members, office):
        session = open_session(council, secretary, waiting[:1], members, present=13)
        stranger = UserFactory(unit=office, roles=["council_member"])
        assert_error(api(stranger).get(url(f"council-sessions/{session.pk}/")), 404, "not_found")
        assert_error(api(stranger).post(url(f"council-sessions/{session.pk}/ballot/"), {"choices": {}},
                                        format="json"), 404, "not_found")
        assert get(api(stranger), "council-sessions/")["count"] == 0
        assert [row["id"] for row in get(api(members[9]), "council-sessions/")["results"]] == [session.pk]

    def test_anonymous_is_refused(self, anon, council, secretary, waiting, members):
        session = make_session(council, secretary, waiting)
        assert_error(anon.get(url("council-sessions/")), 401, "not_authenticated")
        assert_error(anon.get(url(f"council-sessions/{session.pk}/minutes.pdf")), 401, "not_authenticated")


class TestUpdate:
    def test_secretary_changes_the_header_until_the_session_opens(self, api, council, secretary, waiting, members):
        session = make_session(council, secretary, waiting)
        path = f"council-sessions/{session.pk}/"
        body = api(secretary).patch(url(path), {"title": "Phiên họp chuyên đề", "secret": False,
                                                "start_time": "08:00"}, format="json").json()
        assert (body["title"], body["secret"], body["start_time"]) == ("Phiên họp chuyên đề", False, "08:00:00")
        post(api(secretary), f"{path}publish/")
        post(api(secretary), f"{path}start/")
        body = assert_error(api(secretary).patch(url(path), {"secret": True}, format="json"), 400, "invalid_state")
        assert body["errors"][0]["field"] == "secret"
        response = api(secretary).patch(url(path), {"place": "Hội trường", "secret": False}, format="json")
        assert response.status_code == 200 and response.json()["place"] == "Hội trường"
        assert_error(api(secretary).patch(url(path), {"date": "05/03/2026"}, format="json"), 400, "invalid")
        assert_error(api(secretary).put(url(path), {}, format="json"), 405, "method_not_allowed")


class TestItems:
    def test_unknown_or_foreign_nominations_are_invalid(self, api, council, secretary, waiting, members):
        session = make_session(council, secretary, waiting[:1])
        foreign = NominationFactory(dossier=DossierFactory(
            unit=UnitFactory(province=ProvinceFactory(code="DBN", name="Tỉnh Điện Biên", place_name="Điện Biên")),
            state="awaiting_council"), award_type=award("CSTD_TINH"), outcome="eligible")
        body = assert_error(api(secretary).post(url(f"council-sessions/{session.pk}/items/"),
                                                {"nominations": [waiting[1].pk, foreign.pk, 999999]}, format="json"),
                            400, "invalid")
        assert [e["field"] for e in body["errors"]] == ["nominations", "nominations"]
        assert session.items.count() == 1
        body = assert_error(api(secretary).post(url(f"council-sessions/{session.pk}/items/"),
                                                {"nominations": [waiting[0].pk]}, format="json"),
                            400, "already_on_agenda")
        assert_error(api(secretary).post(url(f"council-sessions/{session.pk}/items/"), {"nominations": []},
                                         format="json"), 400, "invalid")


# --------------------------------------------------------------------------
# Schema and queries
# --------------------------------------------------------------------------


def test_schema_is_valid_and_lists_the_council_endpoints(tmp_path, db):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    paths = yaml.safe_load(target.read_text())["paths"]
    for path in ("/api/v1/council-sessions/", "/api/v1/council-sessions/{id}/", "/api/v1/council-sessions/{id}/agenda/",
                 "/api/v1/council-sessions/{id}/pool/", "/api/v1/council-sessions/{id}/items/",
                 "/api/v1/council-sessions/{id}/ballot/", "/api/v1/council-sessions/{id}/written-opinions/",
                 "/api/v1/council-sessions/{id}/minutes.pdf", "/api/v1/agenda-items/{id}/paper-tally/",
                 "/api/v1/agenda-items/{id}/", "/api/v1/council-sessions/{id}/progress/"):
        assert path in paths, path
    ballot = paths["/api/v1/council-sessions/{id}/ballot/"]
    assert {"200", "201", "409"} <= set(ballot["post"]["responses"])
    assert any(p["name"] == "X-Ballot-Receipt" and p["in"] == "header" for p in ballot["get"]["parameters"])
    assert list(paths["/api/v1/council-sessions/{id}/minutes.pdf"]["get"]["responses"]["200"]["content"]) == [
        "application/pdf"]
    assert list(paths["/api/v1/council-sessions/{id}/written-opinions/"]["post"]["requestBody"]["content"]) == [
        "multipart/form-data"]


def count_queries(client, path) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url(path))
    assert response.status_code == 200, response.content
    return len(context), response.json()


def add_sessions(council, secretary, count):
    for index in range(count):
        session = CouncilSession.objects.create(council=council, title=f"Phiên họp {index}", place="Phòng họp",
                                                date=datetime.date(2026, 3, 5), created_by=secretary)
        nomination = NominationFactory(dossier=DossierFactory(unit=secretary.unit, state="in_council"),
                                       award_type=award("CSTD_TINH"), outcome="eligible")
        AgendaItem.objects.create(session=session, nomination=nomination)


def add_waiting(province, count):
    unit = UnitFactory(province=province)
    dossier = DossierFactory(unit=unit, state="awaiting_council")
    for index in range(count):
        if index % 3 == 2:
            NominationFactory(dossier=dossier, award_type=award("CO_TINH"), outcome="eligible", person=None,
                              collective=CollectiveFactory(unit=unit))
        else:
            NominationFactory(dossier=dossier, award_type=award("CSTD_TINH"), outcome="eligible",
                              person=PersonFactory(unit=unit))


class TestQueryCounts:
    def test_session_list(self, api, council, secretary, django_assert_max_num_queries):
        client = api(secretary)
        add_sessions(council, secretary, 3)
        few, body = count_queries(client, "council-sessions/")
        assert body["count"] == 3 and {row["item_count"] for row in body["results"]} == {1}
        add_sessions(council, secretary, 27)
        with django_assert_max_num_queries(few):
            response = client.get(url("council-sessions/"))
        assert response.json()["count"] == 30 and len(response.json()["results"]) == 30

    def test_pool_and_agenda(self, api, council, secretary, members, province, django_assert_max_num_queries):
        client = api(secretary)
        add_waiting(province, 3)
        session = CouncilSession.objects.create(council=council, title="Phiên họp", place="Phòng họp",
                                                date=datetime.date(2026, 3, 5), created_by=secretary)
        few_pool, body = count_queries(client, f"council-sessions/{session.pk}/pool/")
        assert body["count"] == 3
        svc.add_items(actor=secretary, session=session,
                                       nominations=Nomination.objects.filter(outcome="eligible"))
        few_agenda, body = count_queries(client, f"council-sessions/{session.pk}/agenda/")
        assert len(body) == 3
        add_waiting(province, 27)
        with django_assert_max_num_queries(few_pool):
            response = client.get(url(f"council-sessions/{session.pk}/pool/"))
        assert response.json()["count"] == 27
        svc.add_items(actor=secretary, session=session,
                                       nominations=Nomination.objects.filter(outcome="eligible",
                                                                             agenda_items__isnull=True))
        with django_assert_max_num_queries(few_agenda):
            response = client.get(url(f"council-sessions/{session.pk}/agenda/"))
        assert len(response.json()) == 30

    def test_session_detail_does_not_grow_with_the_roster(self, api, council, secretary, waiting, members,
                                                          django_assert_max_num_queries):
        session = make_session(council, secretary, waiting)
        svc.publish_agenda(actor=secretary, session=session)
        client = api(secretary)
        few, body = count_queries(client, f"council-sessions/{session.pk}/")
        assert len(body["members"]) == 15
        for index in range(15):
            user = UserFactory(unit=secretary.unit, roles=["council_member"])
            council.memberships.create(user=user, starts_on=datetime.date(2026, 3, 1), position=f"Ủy viên {index}")
        svc.start_session(actor=secretary, session=session)  # the roster is copied again
        with django_assert_max_num_queries(few):
            response = client.get(url(f"council-sessions/{session.pk}/"))
        assert len(response.json()["members"]) == 30
