"""Thresholds at their exact edges, through whole sessions: 90%, 80% and a majority, both bases, written opinions.

Every case runs a real session (roster, attendance, electronic ballots or
written opinions, close, count) and most confirm it, so the nomination's
outcome is checked too. The counts are chosen where a float would go wrong
(0.8 * 15 = 12.000000000000002 > 12).
"""

from __future__ import annotations

import datetime

import pytest

from councils.models import AgendaItem, Council, CouncilMembership, MemberRole
from councils.services import sessions as svc
from councils.services import voting
from dossiers.models import Nomination
from tests.councils.conftest import SESSION_DAY
from tests.factories import UserFactory, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def council_of(province, office, ha_unit):
    """council_of(n): a council of n voting members (chair, secretary, others); returns (council, secretary, users)."""

    def make(size: int):
        council = Council.objects.create(province=province, name=f"Hội đồng {size} thành viên")
        users = []
        for index in range(size):
            role = MemberRole.CHAIR if index == 0 else MemberRole.SECRETARY if index == 1 else MemberRole.MEMBER
            roles = ["council_member"] + (["council_chair"] if index == 0 else []) + (
                ["council_secretary"] if index == 1 else [])
            user = UserFactory(unit=ha_unit if index == 1 else office, roles=roles,
                               username=f"hd{size}_{index}", last_name="Tòng", first_name=f"Văn {size} {index}")
            CouncilMembership.objects.create(council=council, user=user, role=role, position="Ủy viên",
                                             starts_on=SESSION_DAY - datetime.timedelta(days=30))
            users.append(user)
        return council, users[1], users

    return make


def run_session(council, secretary, users, nomination, *, present: int, agree: int, written_agree: int = 0,
                written_other: int = 0, threshold=None, confirm=True):
    """Present members: the first ``agree`` agree, the rest disagree; then written opinions of absent members."""
    session = svc.create_session(actor=secretary, council=council, title="Phiên họp xét danh hiệu",
                                 date=SESSION_DAY, place="Phòng họp số 1")
    svc.add_items(actor=secretary, session=session, nominations=[nomination])
    if threshold is not None:
        numerator, denominator, strict, base = threshold
        AgendaItem.objects.filter(session=session).update(threshold_numerator=numerator,
                                                          threshold_denominator=denominator,
                                                          threshold_strict=strict, threshold_base=base)
    svc.publish_agenda(actor=secretary, session=session)
    svc.start_session(actor=secretary, session=session)
    svc.record_attendance(actor=secretary, session=session, present_user_ids=[u.pk for u in users[:present]])
    item = session.items.get()
    absent = list(session.members.filter(present=False).order_by("user_id"))
    choices = ["agree"] * written_agree + ["disagree"] * written_other
    for member, choice in zip(absent, choices, strict=False):
        voting.enter_written_opinion(actor=secretary, session=session, member=member,
                                     choices={str(item.pk): choice}, scan=pdf_upload())
    svc.open_voting(actor=secretary, session=session)
    for index, user in enumerate(users[:present]):
        voting.cast_ballot(actor=user, session=session, choices={str(item.pk): "agree" if index < agree
                                                                 else "disagree"})
    svc.close_voting(actor=secretary, session=session)
    if confirm:
        svc.confirm_results(actor=users[0], session=session)   # the chair
    item.refresh_from_db()
    return item


def fresh(nomination):
    """Put a nomination back in the pool for the next session of the same test."""
    Nomination.objects.filter(pk=nomination.pk).update(outcome="eligible")
    nomination.dossier.__class__.objects.filter(pk=nomination.dossier_id).update(state="awaiting_council")
    AgendaItem.objects.filter(nomination=nomination).delete()
    return Nomination.objects.get(pk=nomination.pk)


def outcome(nomination) -> str:
    return Nomination.objects.get(pk=nomination.pk).outcome


class TestNinetyPercentOfAllMembers:
    @pytest.mark.parametrize(("size", "agree", "passed"), [(10, 9, True), (10, 8, False), (20, 18, True),
                                                           (20, 17, False)])
    def test_exactly_ninety_percent_passes(self, council_of, waiting, size, agree, passed):
        council, secretary, users = council_of(size)
        nomination = waiting[0]   # CSTĐ cấp tỉnh: at least 9/10 of all members
        item = run_session(council, secretary, users, nomination, present=size, agree=agree)
        assert (item.agree, item.base, item.threshold_numerator, item.threshold_denominator) == (agree, size, 9, 10)
        assert item.result == ("passed" if passed else "failed")
        assert outcome(nomination) == ("council_passed" if passed else "council_failed")

    def test_written_opinions_count_on_the_all_members_base(self, council_of, waiting):
        council, secretary, users = council_of(10)
        # 8 present and agreeing + 1 written agreement = 9 of 10: passes; the other absent member said nothing
        item = run_session(council, secretary, users, waiting[0], present=8, agree=8, written_agree=1)
        assert (item.agree, item.written_agree, item.total_agree, item.base, item.result) == (8, 1, 9, 10, "passed")


class TestEightyPercentOfPresentMembers:
    THRESHOLD = (4, 5, False, "present_members")

    @pytest.mark.parametrize(("agree", "written_agree", "passed"), [(10, 2, True), (9, 2, False), (12, 0, True),
                                                                     (11, 0, False)])
    def test_edge_with_written_opinions_in_the_base(self, council, secretary, members, waiting, agree,
                                                    written_agree, passed):
        # 12 present + 3 written opinions = a base of 15; 12/15 is exactly 80% (a float says 0.8 * 15 > 12)
        item = run_session(council, secretary, members, waiting[3], present=12, agree=agree,
                           written_agree=written_agree, written_other=3 - written_agree, threshold=self.THRESHOLD)
        assert item.base == 15 and item.written_agree + item.written_other == 3
        assert item.total_agree == agree + written_agree
        assert item.result == ("passed" if passed else "failed")
        assert outcome(waiting[3]) == ("council_passed" if passed else "council_failed")

    @pytest.mark.parametrize(("agree", "passed"), [(11, True), (10, False)])
    def test_absent_members_without_an_opinion_are_not_in_the_base(self, council, secretary, members, waiting,
                                                                   agree, passed):
        # 13 present, 2 absent without an opinion: base 13; 11/13 = 84.6% passes, 10/13 = 76.9% fails
        item = run_session(council, secretary, members, waiting[3], present=13, agree=agree,
                           threshold=self.THRESHOLD)
        assert (item.base, item.result) == (13, "passed" if passed else "failed")


class TestMajority:
    def test_majority_of_all_members_needs_more_than_half(self, council, secretary, members, waiting):
        nomination = waiting[1]   # Huân chương Lao động hạng Ba: a majority of all members (> 1/2 of 15)
        item = run_session(council, secretary, members, nomination, present=15, agree=8)
        assert (item.threshold_strict, item.base, item.result) == (True, 15, "passed")   # 8/15 = 53.3%
        nomination = fresh(nomination)
        item = run_session(council, secretary, members, nomination, present=15, agree=7)
        assert (item.base, item.result) == (15, "failed")

    @pytest.mark.parametrize(("agree", "passed"), [(7, True), (6, False)])
    def test_majority_of_present_members_exactly_half_fails(self, council, secretary, members, waiting, agree,
                                                            passed):
        item = run_session(council, secretary, members, waiting[1], present=12, agree=agree,
                           threshold=(1, 2, True, "present_members"))
        assert item.base == 12
        assert item.result == ("passed" if passed else "failed")   # 6/12 is exactly half: not a majority
