"""Deadlines of the central stage in working days: due dates across public holidays, overdue alerts once."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from dossiers.models import CentralOverdueAlert, CentralSubmission, CentralTimeLimits
from dossiers.services import central as svc
from dossiers.services.central_deadlines import CentralClock, send_overdue_alerts
from tests.central_world import drive, forward_through_decision, people
from tests.factories import ProvinceFactory, UnitFactory, UserFactory
from workflows.calendar import WorkingCalendar
from workflows.models import CalendarDay, Notification

# Thursday before the Hùng Kings' day (observed Monday 27/4) and 30/4-1/5: five working days later is
# Tuesday 5 May 2026, not Thursday 30 April.
SENT = datetime.date(2026, 4, 23)
DUE = datetime.date(2026, 5, 5)


def at(day: datetime.date, hour: int = 9):
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def who(province):
    return people(province)


@pytest.fixture
def sent(province, who):
    nominations = forward_through_decision(province, who)
    submission = svc.create_submission(actor=who.liaison, province=province, title="Trình Chủ tịch nước",
                                       nominations=nominations)
    return drive(submission, who, "sent", day=SENT)


def liaison_alerts():
    return Notification.objects.filter(kind="central.overdue")


class TestDueDates:
    def test_sent_is_due_five_working_days_later_holidays_skipped(self, province, sent):
        clock = CentralClock(province, today=SENT)
        assert clock.due_on(sent) == DUE
        assert [clock.is_overdue(sent) for clock in (CentralClock(province, today=d) for d in (
            datetime.date(2026, 4, 30), datetime.date(2026, 5, 4), DUE, DUE + datetime.timedelta(days=1)))] == [
            False, False, False, True]

    def test_received_allows_appraisal_and_consultation(self, province, who, sent):
        received = drive(sent, who, "received", day=DUE)
        # 20 + 10 working days from Tuesday 5 May 2026: no holiday in between.
        assert CentralClock(province, today=DUE).due_on(received) == datetime.date(2026, 6, 16)

    def test_limits_are_the_provinces_data(self, province, sent):
        CentralTimeLimits.objects.create(province=province, check_days=2)
        assert CentralClock(province, today=SENT).due_on(sent) == datetime.date(2026, 4, 28)

    def test_a_day_off_entered_by_the_administrator_counts(self, province, sent):
        CalendarDay.objects.create(day=datetime.date(2026, 5, 4), kind="day_off", name="Nghỉ bù")
        assert CentralClock(province, today=SENT).due_on(sent) == datetime.date(2026, 5, 6)

    def test_untimed_states_have_no_due_date(self, province, who):
        nominations = forward_through_decision(province, who)
        draft = svc.create_submission(actor=who.liaison, province=province, title="Trình", nominations=nominations)
        clock = CentralClock(province, today=SENT)
        assert clock.due_on(draft) is None and not clock.is_overdue(draft)

    @pytest.mark.django_db
    def test_the_overdue_query_agrees_with_the_due_dates_around_tet(self, province):
        """The SQL cut-off per state says "overdue" for exactly the starts whose due date has passed."""
        calendar = WorkingCalendar(datetime.date(2025, 12, 1), datetime.date(2026, 3, 31))
        for today in (datetime.date(2026, 2, 23), datetime.date(2026, 2, 24), datetime.date(2026, 3, 2)):
            clock = CentralClock(province, today=today)
            for state, cutoff in clock.cutoffs().items():
                days = clock.allowance(state)
                for offset in range(0, 70):
                    start = today - datetime.timedelta(days=offset)
                    assert (start < cutoff) == (calendar.add_working_days(start, days) < today), (state, start)


class TestAlerts:
    def test_once_per_overdue_stage_across_the_holiday(self, province, who, sent):
        other_liaison = UserFactory(unit=who.liaison.unit, roles=["central_liaison"], username="lienhe2")
        elsewhere = UnitFactory(province=ProvinceFactory(code="DBN", name="Tỉnh Điện Biên", place_name="Điện Biên"))
        UserFactory(unit=elsewhere, roles=["central_liaison"], username="tinh_khac")
        with time_machine.travel(at(datetime.date(2026, 5, 4)), tick=False):
            call_command("central_deadlines")
        assert not liaison_alerts().exists()  # 4 May: a calendar-day count would already say overdue
        with time_machine.travel(at(DUE + datetime.timedelta(days=1)), tick=False):
            call_command("central_deadlines")
            call_command("central_deadlines")
        assert set(liaison_alerts().values_list("recipient__username", flat=True)) == {"lienhe", "lienhe2"}
        assert liaison_alerts().count() == 2
        note = liaison_alerts().get(recipient=other_liaison)
        assert note.message == ("Hồ sơ trình Trung ương 01/TTr-UBND quá hạn 05/05/2026: đang chờ Bộ Nội vụ tiếp "
                                "nhận hoặc trả lại hồ sơ.")
        assert note.url == f"/trung-uong/ho-so/{sent.pk}/"
        assert CentralOverdueAlert.objects.get().due_on == DUE

    def test_a_new_stage_is_alerted_again(self, province, who, sent):
        assert len(send_overdue_alerts(today=datetime.date(2026, 5, 6))) == 1
        svc.record_returned(actor=who.liaison, submission=sent, returned_on=datetime.date(2026, 5, 6),
                            reason="Thiếu xác nhận của cơ quan thuế")
        assert send_overdue_alerts(today=datetime.date(2026, 6, 1)) == []  # returned: the province's turn
        svc.record_sent(actor=who.liaison, submission=sent, sent_on=datetime.date(2026, 5, 8), channel="Bưu điện",
                        dispatch_number="CV 145/UBND-NC")
        assert send_overdue_alerts(today=datetime.date(2026, 5, 15)) == []  # due 15/5
        alerts = send_overdue_alerts(today=datetime.date(2026, 5, 18))
        assert [(a.state, a.started_on) for a in alerts] == [("sent", datetime.date(2026, 5, 8))]
        assert liaison_alerts().count() == 2
        assert send_overdue_alerts(today=datetime.date(2026, 5, 19)) == []

    def test_nothing_overdue_nothing_sent(self, province, sent):
        assert send_overdue_alerts(today=DUE) == []
        assert CentralSubmission.objects.count() == 1 and not CentralOverdueAlert.objects.exists()
