"""Electronic ballots: one per member, changeable with the receipt, secret, recounted."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from councils.models import AgendaItem, Ballot, SessionMember, VoterRecord
from councils.services import sessions as svc
from councils.services import voting
from dossiers.exceptions import ConflictError, DomainError, PermissionDeniedError
from dossiers.models import AuditEvent
from tests.councils.conftest import open_session


def vote_all(session, users, choice_for):
    """Every user in ``users`` votes; choice_for(index, item) gives their choice. Returns the receipts."""
    items = list(session.items.order_by("position"))
    return [voting.cast_ballot(actor=user, session=session,
                               choices={str(item.pk): choice_for(index, item) for item in items})
            for index, user in enumerate(users)]


class TestBallots:
    def test_thirteen_present_vote_and_the_count_follows(self, council, secretary, waiting, members, chair):
        session = open_session(council, secretary, waiting, members, present=13)
        # everyone agrees on every item, except members 11 and 12 who disagree on items 2-4
        vote_all(session, members[:13], lambda i, item: "disagree" if i >= 11 and item.position > 1 else "agree")
        assert voting.progress(session) == {"expected": 13, "voted": 13, "written": 0}
        svc.close_voting(actor=secretary, session=session)
        items = {i.position: i for i in AgendaItem.objects.filter(session=session)}
        assert (items[1].agree, items[1].disagree, items[1].abstain, items[1].result) == (13, 0, 0, "passed")
        assert (items[2].agree, items[2].result) == (11, "failed")   # CSTĐ tỉnh needs 14 of 15
        assert (items[4].agree, items[4].result) == (11, "failed")   # Cờ tỉnh needs 12 of 15

    def test_blank_choices_count_as_not_agreeing(self, council, secretary, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=13)
        for user in members[:13]:
            voting.cast_ballot(actor=user, session=session, choices={})
        svc.close_voting(actor=secretary, session=session)
        item = session.items.get()
        assert (item.valid, item.agree, item.abstain, item.result) == (13, 0, 13, "failed")

    def test_changing_the_ballot_before_close_with_the_receipt(self, council, secretary, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=13)
        item = session.items.get()
        receipt = voting.cast_ballot(actor=members[0], session=session, choices={str(item.pk): "disagree"})
        assert len(receipt) == 19
        with pytest.raises(ConflictError, match="mã biên nhận"):
            voting.cast_ballot(actor=members[0], session=session, choices={str(item.pk): "agree"})
        voting.cast_ballot(actor=members[0], session=session, choices={str(item.pk): "agree"}, receipt=receipt)
        assert Ballot.objects.filter(session=session).count() == 1
        assert Ballot.objects.get(session=session).choices == {str(item.pk): "agree"}
        with pytest.raises(ConflictError):  # another member's receipt does not reach someone else's ballot
            voting.cast_ballot(actor=members[1], session=session, choices={str(item.pk): "agree"})
            voting.cast_ballot(actor=members[1], session=session, choices={str(item.pk): "agree"},
                               receipt="AAAA-BBBB-CCCC-DDDD")

    def test_change_refused_when_the_session_forbids_it(self, council, secretary, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=13, allow_change=False)
        item = session.items.get()
        receipt = voting.cast_ballot(actor=members[0], session=session, choices={str(item.pk): "agree"})
        with pytest.raises(ConflictError, match="không cho phép sửa phiếu"):
            voting.cast_ballot(actor=members[0], session=session, choices={str(item.pk): "disagree"},
                               receipt=receipt)

    def test_refused_after_close_and_for_absent_or_non_members(self, council, secretary, waiting, members, clerk):
        session = open_session(council, secretary, waiting[:1], members, present=13)
        item = session.items.get()
        with pytest.raises(PermissionDeniedError, match="chưa được điểm danh"):
            voting.cast_ballot(actor=members[14], session=session, choices={str(item.pk): "agree"})
        with pytest.raises(PermissionDeniedError, match="không có quyền biểu quyết"):
            voting.cast_ballot(actor=clerk, session=session, choices={str(item.pk): "agree"})
        with pytest.raises(DomainError, match="Lựa chọn không hợp lệ"):
            voting.cast_ballot(actor=members[0], session=session, choices={str(item.pk): "yes"})
        svc.close_voting(actor=secretary, session=session)
        with pytest.raises(DomainError, match="đã kết thúc bỏ phiếu"):
            voting.cast_ballot(actor=members[0], session=session, choices={str(item.pk): "agree"})

    def test_open_voting_names_the_ballot(self, council, secretary, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=13, secret=False)
        item = session.items.get()
        voting.cast_ballot(actor=members[0], session=session, choices={str(item.pk): "agree"})
        voting.cast_ballot(actor=members[0], session=session, choices={str(item.pk): "disagree"})  # no receipt needed
        ballot = Ballot.objects.get(session=session)
        assert ballot.member.user == members[0] and ballot.choices == {str(item.pk): "disagree"}
        assert AuditEvent.objects.filter(action__in=["ballot.cast", "ballot.changed"]).count() == 2


class TestSecrecy:
    def test_no_column_or_order_links_a_ballot_to_a_member(self, council, secretary, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=13)
        item = session.items.get()
        # a recognisable pattern: member i agrees iff i is even
        for index, user in enumerate(members[:13]):
            voting.cast_ballot(actor=user, session=session,
                               choices={str(item.pk): "agree" if index % 2 == 0 else "disagree"})
        svc.close_voting(actor=secretary, session=session)

        ballot_columns = {f.column for f in Ballot._meta.concrete_fields}
        voter_columns = {f.column for f in VoterRecord._meta.concrete_fields}
        # besides their own random keys and the session, only the ballot's member column (open voting only)
        assert ballot_columns & voter_columns == {"id", "session_id", "member_id"}
        assert not any("time" in c or c.endswith("_at") for c in ballot_columns | voter_columns)
        ballots = list(Ballot.objects.filter(session=session).values("id", "member_id", "receipt_hash", "choices"))
        voters = list(VoterRecord.objects.filter(session=session).values("id", "member_id"))
        assert all(b["member_id"] is None for b in ballots)
        # keys are random UUIDs, not sequences; no ballot key equals a voter key
        assert {b["id"] for b in ballots}.isdisjoint({v["id"] for v in voters})
        assert all(b["id"].version == 4 for b in ballots)
        # the receipt hash cannot be recomputed from anything stored about a member
        import hashlib

        guesses = {hashlib.sha256(f"{session.pk}:{value}".encode()).hexdigest()
                   for m in SessionMember.objects.filter(session=session)
                   for value in (m.pk, m.user_id, m.name, m.user.username)}
        assert guesses.isdisjoint({b["receipt_hash"] for b in ballots})
        # no audit event of a secret vote names a choice
        assert not AuditEvent.objects.filter(action__startswith="ballot.").exists()
        closing = AuditEvent.objects.get(action="session.voting_closed")
        assert "choices" not in closing.after

    def test_the_vote_tables_are_rewritten_in_random_order_at_close(self, council, secretary, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=13)
        item = session.items.get()
        before = []
        for user in members[:13]:
            voting.cast_ballot(actor=user, session=session, choices={str(item.pk): "agree"})
            before.append(Ballot.objects.filter(session=session).order_by("id").values_list("id", flat=True))
        ids_before = set(Ballot.objects.filter(session=session).values_list("id", flat=True))
        svc.close_voting(actor=secretary, session=session)
        assert ids_before.isdisjoint(set(Ballot.objects.filter(session=session).values_list("id", flat=True)))


def test_recount_gives_the_stored_results(council, secretary, waiting, members, chair):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    session = open_session(council, secretary, waiting, members, present=14)
    vote_all(session, members[:14], lambda i, item: "agree" if (i + item.position) % 5 else "abstain")
    svc.close_voting(actor=secretary, session=session)
    assert svc.recount(session) == []
    AgendaItem.objects.filter(session=session, position=1).update(agree=0)
    assert svc.recount(session) == [str(AgendaItem.objects.get(session=session, position=1))]
    with pytest.raises(CommandError, match="1 nội dung không khớp"):
        call_command("recount_sessions", "--all")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_ballots_by_one_member_record_one(council, secretary, waiting, members):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (select_for_update is a no-op on SQLite)")
    session = open_session(council, secretary, waiting[:1], members, present=13)
    item = session.items.get()
    results, barrier = [], threading.Barrier(8)

    def attempt():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            results.append(voting.cast_ballot(actor=members[0], session=session, choices={str(item.pk): "agree"}))
        except ConflictError:
            results.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Ballot.objects.filter(session=session).count() == 1
    assert results.count("refused") == 7
