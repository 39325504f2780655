"""The one working-day calendar of the product (lịch làm việc).

A day is a working day when:

1. an administrator entered it as a ``CalendarDay``: ``working_day`` makes it
   one (a weekend day worked in exchange, ngày làm bù), ``holiday`` and
   ``day_off`` make it a day off. These rows win over everything below, so
   the administrator can correct the package;
2. otherwise, it is not a Vietnamese public holiday per the ``holidays``
   package (``holidays.country_holidays("VN")``: New Year, Tết Nguyên đán,
   Giỗ Tổ Hùng Vương, 30/4, 1/5, Quốc khánh and the days off the Government
   swapped, such as 02/05/2025 for 26/04/2025);
3. and it is Monday to Friday, or a weekend day the package knows was worked
   in exchange for such a swapped day off (26/04/2025, 04/05/2024, ...), so
   that a swap the package applies is applied on both of its sides.

``WorkingCalendar`` loads the administrator's rows for whole years in one
query and keeps them, so computing a thousand deadlines costs one query (or
one more per further year reached). The module functions use a short-lived
instance each; keep an instance only as long as a single piece of work (a
timer run, a page), since it does not see later edits.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.utils import timezone

from workflows.models import CalendarDay, DayKind, WorkflowSettings

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
COUNTRY = "VN"
ONE_DAY = dt.timedelta(days=1)
SATURDAY = 5


@lru_cache(maxsize=64)
def _package_days(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """The package's holidays of ``year`` and its weekend days worked in exchange (ngày làm bù)."""
    # A swap may cross the new year: populate the neighbours to see both of its sides.
    calendar = holidays.country_holidays(COUNTRY, years=[year - 1, year, year + 1])
    days_off = frozenset(day for day in calendar if day.year == year)
    worked = frozenset(day for day in calendar.weekend_workdays if day.year == year)
    return days_off, worked


def package_holidays(year: int, language: str | None = None) -> list[tuple[dt.date, str]]:
    """The package's public holidays of ``year`` with their names, for reference (admin).

    ``language`` is a Django language code; Vietnamese unless it is English.
    """
    code = "en_US" if (language or "vi").lower().startswith("en") else "vi"
    calendar = holidays.country_holidays(COUNTRY, years=year, language=code)
    return sorted((day, name) for day, name in calendar.items() if day.year == year)


def package_weekend_workdays(year: int) -> list[dt.date]:
    """Weekend days of ``year`` the package knows were worked in exchange for a day off."""
    return sorted(_package_days(year)[1])


class WorkingCalendar:
    """Working days with the administrator's rows loaded once per year, in one query per load.

    ``WorkingCalendar(start, end)`` loads the years from ``start`` to one year
    after ``end`` at once; any other year is loaded (with the following one)
    the first time a computation reaches it.
    """

    def __init__(self, start: dt.date | None = None, end: dt.date | None = None):
        self._overrides: dict[dt.date, str] = {}
        self._years: set[int] = set()
        if start is not None or end is not None:
            first = start or end
            last = end or start
            if last < first:
                first, last = last, first
            self._load(first.year, last.year + 1)

    # Loading -----------------------------------------------------------------

    def _load(self, first_year: int, last_year: int) -> None:
        missing = [year for year in range(first_year, last_year + 1) if year not in self._years]
        if not missing:
            return
        low, high = dt.date(min(missing), 1, 1), dt.date(max(missing), 12, 31)
        for day, kind in CalendarDay.objects.filter(day__range=(low, high)).values_list("day", "kind"):
            self._overrides[day] = kind
        self._years.update(range(min(missing), max(missing) + 1))

    def _ensure(self, year: int) -> None:
        if year not in self._years:
            self._load(year, year + 1)

    # Questions ---------------------------------------------------------------

    def is_working_day(self, day: dt.date) -> bool:
        day = _as_date(day)
        self._ensure(day.year)
        kind = self._overrides.get(day)
        if kind is not None:
            return kind == DayKind.WORKING_DAY
        days_off, worked = _package_days(day.year)
        if day in days_off:
            return False
        if day.weekday() >= SATURDAY:
            return day in worked
        return True

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        day = _as_date(day) + ONE_DAY
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def previous_working_day(self, day: dt.date) -> dt.date:
        """The last working day strictly before ``day``."""
        day = _as_date(day) - ONE_DAY
        while not self.is_working_day(day):
            day -= ONE_DAY
        return day

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date ``days`` working days after ``start`` (``start`` itself not counted).

        ``days=0`` gives ``start`` when it is a working day, else the next one;
        a negative ``days`` counts backwards (``subtract_working_days``).
        """
        start = _as_date(start)
        if days < 0:
            return self.subtract_working_days(start, -days)
        if days == 0:
            return start if self.is_working_day(start) else self.next_working_day(start)
        day = start
        for _ in range(days):
            day = self.next_working_day(day)
        return day

    def subtract_working_days(self, end: dt.date, days: int) -> dt.date:
        """The date ``days`` working days before ``end`` (``end`` itself not counted).

        ``days=0`` gives ``end`` when it is a working day, else the previous one.
        """
        end = _as_date(end)
        if days < 0:
            return self.add_working_days(end, -days)
        if days == 0:
            return end if self.is_working_day(end) else self.previous_working_day(end)
        day = end
        for _ in range(days):
            day = self.previous_working_day(day)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """The number of working days in ``(start, end]``; negative when ``end`` is before ``start``."""
        start, end = _as_date(start), _as_date(end)
        if end < start:
            return -self.working_days_between(end, start)
        self._load(start.year, end.year)
        count = 0
        day = start + ONE_DAY
        while day <= end:
            if self.is_working_day(day):
                count += 1
            day += ONE_DAY
        return count

    def deadline_for(self, start: dt.datetime | dt.date, working_days: int) -> dt.date:
        """The due date: the ``working_days``-th working day after the local date of ``start``."""
        return self.add_working_days(local_date(start), working_days)


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return local_date(value) if isinstance(value, dt.datetime) else value


def local_date(moment: dt.datetime | dt.date) -> dt.date:
    """The date in Asia/Ho_Chi_Minh of ``moment`` (a naive datetime is taken as already local)."""
    if not isinstance(moment, dt.datetime):
        return moment
    if timezone.is_naive(moment):
        return moment.date()
    return moment.astimezone(LOCAL_TZ).date()


# Module functions: each uses a short-lived calendar. -----------------------------


def is_working_day(day: dt.date) -> bool:
    return WorkingCalendar(day).is_working_day(day)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date that is ``days`` working days after ``start`` (``start`` itself not counted)."""
    return WorkingCalendar(start).add_working_days(start, days)


def subtract_working_days(end: dt.date, days: int) -> dt.date:
    """The date that is ``days`` working days before ``end`` (``end`` itself not counted)."""
    end = _as_date(end)
    return WorkingCalendar(dt.date(end.year - 1, 1, 1), end).subtract_working_days(end, days)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in ``(start, end]``."""
    return WorkingCalendar(start, end).working_days_between(start, end)


def next_working_day(day: dt.date) -> dt.date:
    """The first working day strictly after ``day``."""
    return WorkingCalendar(day).next_working_day(day)


def deadline_for(start: dt.datetime | dt.date, working_days: int) -> dt.date:
    """Due date: the ``working_days``-th working day after the local (Asia/Ho_Chi_Minh) date of ``start``."""
    day = local_date(start)
    return WorkingCalendar(day).add_working_days(day, working_days)


def settings_for(province) -> WorkflowSettings:
    """The province's time limits, created with the regulations' defaults the first time.

    ``province`` is a Province or its id; ``None`` gives unsaved defaults.
    """
    if province is None:
        return WorkflowSettings()
    province_id = getattr(province, "pk", province)
    workflow_settings, _ = WorkflowSettings.objects.get_or_create(province_id=province_id)
    return workflow_settings
