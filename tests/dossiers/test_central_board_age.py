"""The tracking board by age: a minimum age in working days and the oldest first, counted on the working-day
calendar (public holidays skipped) exactly as the board shows each row's age."""

from __future__ import annotations

import datetime
import io
import re
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dossiers import selectors_central as selectors
from dossiers.services import central as svc
from dossiers.services.central_deadlines import CentralClock
from tests.central_world import drive, forward_through_decision, forwarded_rows, people

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 5, 5)          # Tuesday
THURSDAY = datetime.date(2026, 4, 23)      # then Friday 24/4; 27/4 (Hùng Kings, observed), 30/4 and 1/5 are off
TUESDAY = datetime.date(2026, 4, 28)
GRANTED_ON = datetime.date(2026, 4, 29)


def now():
    return time_machine.travel(datetime.datetime(TODAY.year, TODAY.month, TODAY.day, 9,
                                                 tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False)


@pytest.fixture
def who(province):
    return people(province)


@pytest.fixture
def ages(province, who):
    """Four rows: waiting since Thursday 23/4 (5 working days on 5/5), waiting since Tuesday 28/4 (3), granted on
    29/4 after a decision of 23/4 (3, no longer growing), and one with no decision behind it (no age)."""
    oldest = forward_through_decision(province, who, day=THURSDAY, unit_name="Sở Tài chính",
                                      nominees=(("Đặng Văn Tùng", "HC_LD3_CN"),))[0]
    recent = forward_through_decision(province, who, day=TUESDAY, unit_name="Sở Y tế",
                                      nominees=(("Hoàng Thị Mai", "BK_TTG_CN"),))[0]
    granted = forward_through_decision(province, who, day=THURSDAY, unit_name="Sở Xây dựng",
                                       nominees=(("Lò Văn Sơn", "HC_LD3_CN"),))[0]
    submission = drive(svc.create_submission(actor=who.liaison, province=province, title="Trình",
                                             nominations=[granted]), who, "received", day=THURSDAY)
    svc.record_item_decision(actor=who.liaison, item=submission.items.get(), granted=True, authority="president",
                             decision_number="1234/QĐ-CTN", decision_date=GRANTED_ON)
    unknown = forwarded_rows(province, 1)[0]
    return {"oldest": oldest, "recent": recent, "granted": granted, "unknown": unknown}


def names(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'<tr class="central-row[^"]*">\s*<td>([^<]+)<div', response.content.decode())


def ages_shown(response) -> list[str]:
    return re.findall(r'<td class="num" title="[^"]*">([^<]+)</td>', response.content.decode())


class TestBoardPage:
    def test_the_ages_are_exact_working_days(self, client, province, who, ages):
        client.force_login(who.liaison)
        with now():
            response = client.get(reverse("central_board"), {"sort": "age"})
            clock = CentralClock(province)
        assert names(response) == ["Đặng Văn Tùng", "Lò Văn Sơn", "Hoàng Thị Mai", ages["unknown"].subject_name]
        assert ages_shown(response) == ["5", "3", "3", "—"]
        assert clock.today == TODAY

    def test_minimum_age(self, client, who, ages):
        client.force_login(who.liaison)
        with now():
            assert names(client.get(reverse("central_board"), {"min_age": 5})) == ["Đặng Văn Tùng"]
            assert names(client.get(reverse("central_board"), {"min_age": 4})) == ["Đặng Văn Tùng"]
            assert sorted(names(client.get(reverse("central_board"), {"min_age": 3}))) == [
                "Hoàng Thị Mai", "Lò Văn Sơn", "Đặng Văn Tùng"]
            response = client.get(reverse("central_board"), {"min_age": 6})
            assert names(response) == []
            assert "Không có đề nghị nào khớp bộ lọc." in response.content.decode()
            # With other filters: the granted row is no longer waiting.
            assert names(client.get(reverse("central_board"), {"min_age": 3, "status": "waiting",
                                                               "sort": "age"})) == ["Đặng Văn Tùng", "Hoàng Thị Mai"]
            # A day later, the waiting rows are a working day older; the granted one is not.
        with time_machine.travel(datetime.datetime(2026, 5, 6, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False):
            assert names(client.get(reverse("central_board"), {"min_age": 4, "sort": "age"})) == [
                "Đặng Văn Tùng", "Hoàng Thị Mai"]

    def test_the_form_keeps_the_choices_and_refuses_nonsense(self, client, who, ages):
        client.force_login(who.liaison)
        with now():
            page = client.get(reverse("central_board"), {"min_age": 4, "sort": "age"}).content.decode()
            assert 'name="min_age" value="4"' in page
            assert '<option value="age" selected>Lâu nhất trước (số ngày làm việc)</option>' in page
            assert "Bỏ lọc" in page
            # An invalid value filters nothing (as the other filters do) instead of failing.
            assert len(names(client.get(reverse("central_board"), {"min_age": "-2"}))) == 4

    def test_the_excel_export_follows_the_same_filter_and_order(self, client, who, ages):
        client.force_login(who.liaison)
        with now():
            response = client.get(reverse("central_board_export"), {"min_age": 3, "sort": "age"})
        rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        header = rows[0]
        data = [dict(zip(header, row, strict=True)) for row in rows[1:]]
        assert [(row["Cá nhân, tập thể"], row["Số ngày làm việc"]) for row in data] == [
            ("Đặng Văn Tùng", 5), ("Lò Văn Sơn", 3), ("Hoàng Thị Mai", 3)]

    def test_query_count_does_not_grow(self, client, province, who, django_assert_max_num_queries):
        forward_through_decision(province, who, day=THURSDAY, unit_name="Sở Tài chính")
        client.force_login(who.liaison)
        params = {"min_age": 1, "sort": "age"}
        with now():
            client.get(reverse("central_board"), params)
            with CaptureQueriesContext(connection) as few:
                client.get(reverse("central_board"), params)
            few = len(few)
        assert few > 5
        for index, day in enumerate([THURSDAY, TUESDAY, GRANTED_ON]):
            forward_through_decision(province, who, day=day, unit_name=f"Sở số {index}",
                                     nominees=[(f"Người {index}-{n}", "BK_TTG_CN") for n in range(4)])
        with now(), django_assert_max_num_queries(few):
            response = client.get(reverse("central_board"), params)
        assert len(names(response)) == 13


def test_selector_age_matches_the_row_age(province, who, ages):
    """The SQL age the board filters and sorts by is the age each row shows."""
    with now():
        clock = CentralClock(province)
        rows = list(selectors.board_rows(province, selectors.BoardFilters(sort=selectors.SORT_AGE), clock))
        assert [(row.age_days, selectors.board_row(row, clock).age) for row in rows] == [
            (5, 5), (3, 3), (3, 3), (None, None)]
