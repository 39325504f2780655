"""The working-day calendar: package holidays (Tết included), the administrator's rows, counting, query cost."""

from __future__ import annotations

import datetime as dt
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers.models import AuditEvent
from tests.factories import ProvinceFactory, UserFactory
from workflows import calendar
from workflows.calendar import (
    WorkingCalendar,
    add_working_days,
    deadline_for,
    is_working_day,
    next_working_day,
    package_holidays,
    settings_for,
    subtract_working_days,
    working_days_between,
)
from workflows.models import CalendarDay, DayKind, WorkflowSettings

pytestmark = pytest.mark.django_db

TET_2025 = [date(2025, 1, 27), date(2025, 1, 28), date(2025, 1, 29), date(2025, 1, 30), date(2025, 1, 31)]


def day_range(first: date, last: date) -> list[date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


class TestPackageHolidays:
    def test_tet_2025_is_not_working(self):
        for day in TET_2025:
            assert not is_working_day(day), day
        assert is_working_day(date(2025, 1, 24))  # Friday before Tết
        assert is_working_day(date(2025, 2, 3))  # Monday after

    @pytest.mark.parametrize(
        ("year", "expected"),
        [
            # Giỗ Tổ Hùng Vương (10/3 âm lịch), 30/4, 1/5, 2/9 and Tết's first day (mùng 1).
            (2024, [date(2024, 4, 18), date(2024, 4, 30), date(2024, 5, 1), date(2024, 9, 2), date(2024, 2, 12)]),
            (2025, [date(2025, 4, 7), date(2025, 4, 30), date(2025, 5, 1), date(2025, 9, 2), date(2025, 1, 29)]),
            (2026, [date(2026, 4, 27), date(2026, 4, 30), date(2026, 5, 1), date(2026, 9, 2), date(2026, 2, 17)]),
        ],
    )
    def test_national_holidays_of_2024_to_2026(self, year, expected):
        days = {day for day, _name in package_holidays(year)}
        for day in expected:
            assert day in days, day
            assert not is_working_day(day), day
        names = " ".join(name for _day, name in package_holidays(year))
        assert "Tết Nguyên Đán" in names
        assert "Giỗ Tổ Hùng Vương" in names
        assert "Quốc khánh" in names

    def test_tet_2026_week_and_new_year(self):
        assert all(not is_working_day(day) for day in day_range(date(2026, 2, 16), date(2026, 2, 20)))
        assert not is_working_day(date(2026, 1, 1))

    def test_swapped_day_off_and_its_worked_saturday_from_the_package(self):
        # 2025: Saturday 26/04 worked, Friday 02/05 off (the package applies both sides of the swap).
        assert not is_working_day(date(2025, 5, 2))
        assert is_working_day(date(2025, 4, 26))
        assert not is_working_day(date(2025, 4, 19))  # an ordinary Saturday

    def test_english_names_for_english_admins(self):
        names = dict(package_holidays(2025, "en"))
        assert names[date(2025, 9, 2)] == "National Day"


class TestAdministratorDays:
    def test_saturday_entered_as_working_day_is_working(self):
        saturday = date(2025, 3, 8)
        assert not is_working_day(saturday)
        CalendarDay.objects.create(day=saturday, kind=DayKind.WORKING_DAY, name="Làm bù")
        assert is_working_day(saturday)

    def test_weekday_entered_as_day_off_is_not_working(self):
        wednesday = date(2025, 3, 12)
        assert is_working_day(wednesday)
        CalendarDay.objects.create(day=wednesday, kind=DayKind.DAY_OFF, name="Nghỉ bù")
        assert not is_working_day(wednesday)

    def test_weekday_entered_as_holiday_is_not_working(self):
        CalendarDay.objects.create(day=date(2025, 3, 13), kind=DayKind.HOLIDAY, name="Ngày lễ của tỉnh")
        assert not is_working_day(date(2025, 3, 13))

    def test_administrator_row_overrides_the_package(self):
        CalendarDay.objects.create(day=date(2025, 1, 31), kind=DayKind.WORKING_DAY, name="Sửa lịch")
        assert is_working_day(date(2025, 1, 31))


class TestCounting:
    def test_add_across_a_weekend(self):
        friday = date(2025, 3, 7)
        assert add_working_days(friday, 1) == date(2025, 3, 10)
        assert add_working_days(date(2025, 3, 6), 3) == date(2025, 3, 11)
        assert next_working_day(friday) == date(2025, 3, 10)

    def test_add_zero(self):
        assert add_working_days(date(2025, 3, 10), 0) == date(2025, 3, 10)
        assert add_working_days(date(2025, 3, 8), 0) == date(2025, 3, 10)
        assert add_working_days(date(2025, 1, 27), 0) == date(2025, 2, 3)

    def test_add_across_tet(self):
        assert add_working_days(date(2025, 1, 24), 1) == date(2025, 2, 3)
        assert next_working_day(date(2025, 1, 24)) == date(2025, 2, 3)
        # HA appraisal: 20 working days from Thursday 23/01/2025 end on Thursday 27/02/2025.
        assert add_working_days(date(2025, 1, 23), 20) == date(2025, 2, 27)

    def test_add_with_a_make_up_saturday(self):
        CalendarDay.objects.create(day=date(2025, 3, 8), kind=DayKind.WORKING_DAY, name="Làm bù")
        assert add_working_days(date(2025, 3, 7), 1) == date(2025, 3, 8)
        assert add_working_days(date(2025, 3, 7), 2) == date(2025, 3, 10)
        assert working_days_between(date(2025, 3, 7), date(2025, 3, 10)) == 2

    def test_add_across_the_new_year(self):
        # 31/12/2025 (Wed) + 1 skips New Year's Day 2026 (Thu).
        assert add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 2)

    def test_working_days_between(self):
        assert working_days_between(date(2025, 3, 7), date(2025, 3, 10)) == 1
        assert working_days_between(date(2025, 3, 10), date(2025, 3, 10)) == 0
        assert working_days_between(date(2025, 1, 24), date(2025, 2, 3)) == 1
        # January 2025: 23 weekdays less New Year's Day and the five weekdays of Tết.
        assert working_days_between(date(2024, 12, 31), date(2025, 1, 31)) == 17
        assert working_days_between(date(2025, 3, 10), date(2025, 3, 7)) == -1

    def test_between_inverts_add(self):
        start = date(2025, 1, 20)
        for days in range(0, 45):
            end = add_working_days(start, days)
            assert working_days_between(start, end) == days

    def test_subtract(self):
        assert subtract_working_days(date(2025, 2, 3), 1) == date(2025, 1, 24)
        assert subtract_working_days(date(2025, 3, 10), 2) == date(2025, 3, 6)
        assert subtract_working_days(date(2025, 3, 9), 0) == date(2025, 3, 7)
        assert subtract_working_days(date(2025, 2, 27), 20) == date(2025, 1, 23)

    def test_deadline_uses_the_local_date(self):
        # 18:00 UTC on Thursday 06/03 is 01:00 on Friday 07/03 in Hà Nội: due the next Monday.
        start = dt.datetime(2025, 3, 6, 18, 0, tzinfo=dt.UTC)
        assert deadline_for(start, 1) == date(2025, 3, 10)
        assert deadline_for(dt.datetime(2025, 3, 6, 9, 0, tzinfo=calendar.LOCAL_TZ), 1) == date(2025, 3, 7)
        # Submitted on the eve of Tết: 5 working days run from Monday 03/02.
        assert deadline_for(dt.datetime(2025, 1, 24, 16, 0, tzinfo=calendar.LOCAL_TZ), 5) == date(2025, 2, 7)


class TestQueryCost:
    def test_one_calendar_many_deadlines_constant_queries(self):
        CalendarDay.objects.create(day=date(2025, 3, 8), kind=DayKind.WORKING_DAY, name="Làm bù")
        starts = [date(2025, 1, 1) + dt.timedelta(days=n % 330) for n in range(1000)]

        def run(count: int) -> int:
            cal = WorkingCalendar(date(2025, 1, 1), date(2025, 12, 31))
            with CaptureQueriesContext(connection) as ctx:
                for start in starts[:count]:
                    cal.deadline_for(start, 20)
                    cal.is_working_day(start)
                    cal.working_days_between(start, start + dt.timedelta(days=30))
            return len(ctx.captured_queries)

        assert run(10) == run(1000) == 0

    def test_lazy_calendar_loads_once(self):
        with CaptureQueriesContext(connection) as ctx:
            cal = WorkingCalendar()
            for n in range(1000):
                cal.add_working_days(date(2025, 1, 1) + dt.timedelta(days=n % 300), 20)
        assert len(ctx.captured_queries) == 1

    def test_module_functions_see_new_rows(self):
        monday = date(2025, 3, 10)
        assert is_working_day(monday)
        CalendarDay.objects.create(day=monday, kind=DayKind.DAY_OFF, name="Nghỉ")
        assert not is_working_day(monday)


class TestSettings:
    def test_settings_for_creates_defaults_once(self):
        province = ProvinceFactory()
        first = settings_for(province)
        assert first.pk and first.appraisal_days == 20 and first.intake_days == 5
        assert settings_for(province).pk == first.pk
        assert settings_for(province.pk).pk == first.pk
        assert WorkflowSettings.objects.filter(province=province).count() == 1


class TestAdmin:
    @pytest.fixture
    def admin_client(self, client, unit):
        admin = UserFactory(unit=unit, roles=["administrator"], is_staff=True, is_superuser=True)
        client.force_login(admin)
        return client

    def test_adding_a_day_is_audited(self, admin_client):
        response = admin_client.post("/admin/workflows/calendarday/add/", {
            "day": "08/03/2025", "kind": DayKind.WORKING_DAY, "name": "Làm bù cho ngày 02/05",
        })
        assert response.status_code == 302, response.content.decode()[:3000]
        row = CalendarDay.objects.get(day=date(2025, 3, 8))
        assert AuditEvent.objects.filter(action="admin.created", object_type="workflows.calendarday",
                                         object_id=str(row.pk)).exists()
        assert is_working_day(date(2025, 3, 8))

    def test_changelist_shows_the_years_package_holidays(self, admin_client):
        CalendarDay.objects.create(day=date(2025, 3, 8), kind=DayKind.WORKING_DAY, name="Làm bù")
        html = admin_client.get("/admin/workflows/calendarday/", {"year": "2025"}).content.decode()
        assert "Làm bù" in html
        assert "29/01 Tết Nguyên Đán" in html
        assert "26/04" in html  # the package's worked Saturday

    def test_read_only_pages(self, admin_client):
        assert admin_client.get("/admin/workflows/notification/").status_code == 200
        assert admin_client.get("/admin/workflows/notification/add/").status_code == 403
        assert admin_client.get("/admin/workflows/taskdeadline/").status_code == 200
        assert admin_client.get("/admin/workflows/workflowsettings/").status_code == 200
