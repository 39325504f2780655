"""Secret ballots while voting is open: rows rewritten on every cast, receipts bound to the member, no lost votes.

The PostgreSQL tests read the system columns a database dump or a superuser
sees: ``xmin`` (the transaction that wrote the row) and ``ctid`` (where it
sits in the table). After every cast both must say nothing about who cast
which ballot.
"""

from __future__ import annotations

import json
import threading
import time

import pytest
from django.db import connection

from councils.models import AgendaItem, Ballot, CouncilSession, SessionState, VoterRecord
from councils.services import sessions as svc
from councils.services import voting
from dossiers.exceptions import ConflictError, DomainError
from tests.councils.conftest import open_session

BALLOT_TABLE = Ballot._meta.db_table
VOTER_TABLE = VoterRecord._meta.db_table


def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("xmin, ctid and row locks are PostgreSQL's (SQLite has none of them)")


def pattern(index: int, items: list[AgendaItem]) -> dict[str, str]:
    """A ballot that tells its member apart: the base-3 digits of the member's index, one per item."""
    choices = ("agree", "disagree", "abstain")
    return {str(item.pk): choices[(index // 3 ** position) % 3] for position, item in enumerate(items)}


def system_rows(table: str, session) -> list[tuple]:
    """(xmin, id, member_id or choices) of the session's rows in physical (ctid) order."""
    column = "member_id" if table == VOTER_TABLE else "choices"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT xmin::text, id, {column} FROM {table} WHERE session_id = %s ORDER BY ctid",
                       [session.pk])
        rows = cursor.fetchall()
    if column == "choices":  # jsonb arrives as text through a raw cursor
        rows = [(x, i, json.loads(c) if isinstance(c, str) else c) for x, i, c in rows]
    return rows


def all_ids(session) -> set:
    return (set(Ballot.objects.filter(session=session).values_list("id", flat=True))
            | set(VoterRecord.objects.filter(session=session).values_list("id", flat=True)))


class TestRewrittenOnEveryCast:
    def test_every_cast_gives_every_row_new_keys(self, council, secretary, waiting, members):
        """Works on SQLite too: after each cast no ballot or voter record keeps its key."""
        session = open_session(council, secretary, waiting, members, present=13)
        items = list(session.items.order_by("position"))
        receipts = []
        for index, user in enumerate(members[:6]):
            before = all_ids(session)
            receipts.append(voting.cast_ballot(actor=user, session=session, choices=pattern(index, items)))
            after = all_ids(session)
            assert before.isdisjoint(after), f"cast {index + 1} left rows with their old keys"
            assert Ballot.objects.filter(session=session).count() == index + 1
            assert VoterRecord.objects.filter(session=session).count() == 13
            assert VoterRecord.objects.filter(session=session, has_voted=True).count() == index + 1
        # a change rewrites everything too, and the change is there
        before = all_ids(session)
        voting.cast_ballot(actor=members[0], session=session, choices=pattern(40, items), receipt=receipts[0])
        assert before.isdisjoint(all_ids(session))
        stored = sorted(Ballot.objects.filter(session=session).values_list("choices", flat=True), key=str)
        assert stored == sorted([pattern(40, items)] + [pattern(i, items) for i in range(1, 6)], key=str)

    def test_open_vote_rows_keep_their_member(self, council, secretary, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=13, secret=False)
        item = session.items.get()
        for user in members[:3]:
            voting.cast_ballot(actor=user, session=session, choices={str(item.pk): "agree"})
        assert set(Ballot.objects.filter(session=session).values_list("member__user", flat=True)) == {
            u.pk for u in members[:3]}

    @pytest.mark.postgres
    def test_mid_vote_dump_shares_one_xmin_and_no_voting_order(self, council, secretary, waiting, members):
        needs_postgres()
        session = open_session(council, secretary, waiting, members, present=15)
        items = list(session.items.order_by("position"))
        member_of_user = dict(session.members.values_list("user_id", "pk"))
        voted = []
        for index, user in enumerate(members):
            voting.cast_ballot(actor=user, session=session, choices=pattern(index, items))
            voted.append(index)
            ballots, voters = system_rows(BALLOT_TABLE, session), system_rows(VOTER_TABLE, session)
            # (a) one transaction wrote every row of both tables: xmin joins nothing to nothing
            assert len({row[0] for row in ballots + voters}) == 1, f"after cast {index + 1}"
            assert len(ballots) == index + 1 and len(voters) == 15
        # (b) physical order: 15 ballots and 15 voter records, each order a random permutation of 15
        # (the chance that a random one equals the voting order is 1 in 15! = 1.3e12)
        by_pattern = {str(sorted(pattern(i, items).items())): i for i in range(15)}
        ballot_order = [by_pattern[str(sorted(row[2].items()))] for row in system_rows(BALLOT_TABLE, session)]
        voter_order = [member_of_user[members[i].pk] for i in range(15)]
        physical_voters = [row[2] for row in system_rows(VOTER_TABLE, session)]
        assert sorted(ballot_order) == voted
        assert ballot_order != voted
        assert physical_voters != voter_order
        # and the order of ballots says nothing about the order of voter records either
        assert [voter_order.index(m) for m in physical_voters] != ballot_order

    @pytest.mark.postgres
    def test_a_ballot_change_also_rewrites_both_tables_in_one_transaction(self, council, secretary, waiting,
                                                                           members):
        needs_postgres()
        session = open_session(council, secretary, waiting[:1], members, present=13)
        item = session.items.get()
        receipts = [voting.cast_ballot(actor=user, session=session, choices={str(item.pk): "agree"})
                    for user in members[:5]]
        before = {row[1] for row in system_rows(BALLOT_TABLE, session) + system_rows(VOTER_TABLE, session)}
        voting.cast_ballot(actor=members[2], session=session, choices={str(item.pk): "disagree"}, receipt=receipts[2])
        ballots, voters = system_rows(BALLOT_TABLE, session), system_rows(VOTER_TABLE, session)
        assert len({row[0] for row in ballots + voters}) == 1
        assert before.isdisjoint({row[1] for row in ballots + voters})


class TestReceiptBoundToTheMember:
    def test_another_member_cannot_change_a_ballot_with_its_receipt(self, council, secretary, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=13)
        item = session.items.get()
        receipt_a = voting.cast_ballot(actor=members[3], session=session, choices={str(item.pk): "agree"})
        voting.cast_ballot(actor=members[4], session=session, choices={str(item.pk): "abstain"})
        with pytest.raises(ConflictError, match="mã biên nhận"):
            voting.cast_ballot(actor=members[4], session=session, choices={str(item.pk): "disagree"},
                               receipt=receipt_a)
        assert sorted(Ballot.objects.filter(session=session).values_list("choices", flat=True), key=str) == [
            {str(item.pk): "abstain"}, {str(item.pk): "agree"}]
        # a member who has not voted yet and brings A's receipt casts a ballot of their own; A's stays
        voting.cast_ballot(actor=members[5], session=session, choices={str(item.pk): "disagree"}, receipt=receipt_a)
        assert Ballot.objects.filter(session=session, choices={str(item.pk): "agree"}).count() == 1
        # A, with A's receipt, still can
        voting.cast_ballot(actor=members[3], session=session, choices={str(item.pk): "disagree"}, receipt=receipt_a)
        assert Ballot.objects.filter(session=session, choices={str(item.pk): "agree"}).count() == 0
        assert Ballot.objects.filter(session=session).count() == 3

    def test_receipt_is_typed_with_or_without_dashes_and_spaces(self, council, secretary, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=13)
        item = session.items.get()
        receipt = voting.cast_ballot(actor=members[0], session=session, choices={str(item.pk): "agree"})
        typed = " " + receipt.replace("-", " ").lower() + " "
        voting.cast_ballot(actor=members[0], session=session, choices={str(item.pk): "disagree"}, receipt=typed)
        assert list(Ballot.objects.filter(session=session).values_list("choices", flat=True)) == [
            {str(item.pk): "disagree"}]


# --------------------------------------------------------------------------
# Races (PostgreSQL: SQLite serialises whole transactions, so nothing races there)
# --------------------------------------------------------------------------


def run_threads(*targets):
    errors = []

    def wrap(target):
        def run():
            from django.db import connection as thread_connection

            try:
                target()
            except BaseException as exc:  # reported to the test below
                errors.append(exc)
            finally:
                thread_connection.close()
        return run

    threads = [threading.Thread(target=wrap(t)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not [t for t in threads if t.is_alive()], "a thread hung (deadlock?)"
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
class TestRaces:
    def test_a_change_racing_the_close_is_counted(self, council, secretary, waiting, members, monkeypatch):
        """The cast holds the session row while it writes; the close waits and counts the change."""
        needs_postgres()
        session = open_session(council, secretary, waiting[:1], members, present=13)
        item = session.items.get()
        receipts = [voting.cast_ballot(actor=user, session=session, choices={str(item.pk): "agree"})
                    for user in members[:13]]
        in_cast = threading.Event()
        real_clean = voting._clean_choices

        def slow_clean(*args, **kwargs):
            in_cast.set()
            time.sleep(0.3)  # the window in which an unlocked cast lost its change to the close
            return real_clean(*args, **kwargs)

        monkeypatch.setattr(voting, "_clean_choices", slow_clean)
        outcome = {}

        def change():
            outcome["receipt"] = voting.cast_ballot(actor=members[0], session=session,
                                                    choices={str(item.pk): "disagree"}, receipt=receipts[0])

        def close():
            assert in_cast.wait(10)
            svc.close_voting(actor=secretary, session=session)

        assert run_threads(change, close) == []
        assert outcome["receipt"] == receipts[0]
        item.refresh_from_db()
        assert (item.agree, item.disagree) == (12, 1)
        assert svc.recount(CouncilSession.objects.get(pk=session.pk)) == []

    def test_a_change_arriving_during_the_close_is_refused_clearly(self, council, secretary, waiting, members,
                                                                    monkeypatch):
        needs_postgres()
        session = open_session(council, secretary, waiting[:1], members, present=13)
        item = session.items.get()
        receipts = [voting.cast_ballot(actor=user, session=session, choices={str(item.pk): "agree"})
                    for user in members[:13]]
        in_close = threading.Event()
        real_count = svc.count_session

        def slow_count(*args, **kwargs):
            in_close.set()
            time.sleep(0.3)
            return real_count(*args, **kwargs)

        monkeypatch.setattr(svc, "count_session", slow_count)
        refusals = []

        def change():
            assert in_close.wait(10)
            try:
                voting.cast_ballot(actor=members[0], session=session, choices={str(item.pk): "disagree"},
                                   receipt=receipts[0])
            except DomainError as exc:
                refusals.append(exc.message)

        assert run_threads(lambda: svc.close_voting(actor=secretary, session=session), change) == []
        assert refusals == ["Chưa mở hoặc đã kết thúc bỏ phiếu."]
        item.refresh_from_db()
        assert (item.agree, item.disagree) == (13, 0)
        assert CouncilSession.objects.get(pk=session.pk).state == SessionState.VOTING_CLOSED

    def test_changes_racing_the_close_are_never_lost(self, council, secretary, waiting, members):
        """No sleeps: many changes and a close at once; each change is either counted or refused."""
        needs_postgres()
        session = open_session(council, secretary, waiting[:1], members, present=13)
        item = session.items.get()
        receipts = [voting.cast_ballot(actor=user, session=session, choices={str(item.pk): "agree"})
                    for user in members[:13]]
        barrier = threading.Barrier(9)
        accepted, refused = [], []

        def change(index):
            def run():
                barrier.wait(10)
                try:
                    voting.cast_ballot(actor=members[index], session=session, choices={str(item.pk): "disagree"},
                                       receipt=receipts[index])
                    accepted.append(index)
                except DomainError:
                    refused.append(index)
            return run

        def close():
            barrier.wait(10)
            svc.close_voting(actor=secretary, session=session)

        assert run_threads(*[change(i) for i in range(8)], close) == []
        item.refresh_from_db()
        assert len(accepted) + len(refused) == 8
        assert item.disagree == len(accepted) and item.agree == 13 - len(accepted)

    def test_parallel_changes_by_one_member_leave_one_ballot(self, council, secretary, waiting, members):
        needs_postgres()
        session = open_session(council, secretary, waiting[:1], members, present=13)
        item = session.items.get()
        receipt = voting.cast_ballot(actor=members[0], session=session, choices={str(item.pk): "agree"})
        barrier, results = threading.Barrier(6), []
        wanted = ["disagree", "abstain", "agree", "disagree", "abstain", "agree"]

        def change(choice):
            def run():
                barrier.wait(10)
                results.append(voting.cast_ballot(actor=members[0], session=session,
                                                  choices={str(item.pk): choice}, receipt=receipt))
            return run

        assert run_threads(*[change(c) for c in wanted]) == []
        assert results == [receipt] * 6
        ballots = list(Ballot.objects.filter(session=session).values_list("choices", flat=True))
        assert len(ballots) == 1 and ballots[0][str(item.pk)] in wanted
        assert VoterRecord.objects.filter(session=session, has_voted=True).count() == 1
