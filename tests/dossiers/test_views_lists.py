"""List pages: diacritic-insensitive search, Vietnamese name order, filters, pagination, query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dossiers.models import Dossier
from dossiers.services import dossiers as svc
from tests.factories import (
    CollectiveFactory,
    DossierFactory,
    NominationFactory,
    PersonFactory,
    UnitFactory,
    award,
)

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


class TestDossierList:
    def test_search_ignores_diacritics_and_finds_nominees(self, client, clerk, unit):
        found = DossierFactory(unit=unit, created_by=clerk, title="Đề nghị khen thưởng phòng Kế hoạch")
        person = PersonFactory(unit=unit, full_name="Nguyễn Văn An")
        svc.add_nomination(actor=clerk, dossier=found, award_type=award("BK_TINH_CN"),
                           achievement_summary="Thành tích", person=person)
        other = DossierFactory(unit=unit, created_by=clerk, title="Đề nghị khen thưởng chuyên đề")
        svc.refresh_search_text(other)
        client.force_login(clerk)
        html = client.get(reverse("dossier_list"), {"q": "nguyen van an"}).content.decode()
        assert found.title in html
        assert other.title not in html
        html = client.get(reverse("dossier_list"), {"q": "KE HOACH"}).content.decode()
        assert found.title in html and other.title not in html
        html = client.get(reverse("dossier_list"), {"q": "Kế hoạch"}).content.decode()
        assert found.title in html and other.title not in html

    def test_filters_by_state_and_year(self, client, clerk, unit):
        old = DossierFactory(unit=unit, created_by=clerk, year=2024, title="Hồ sơ năm 2024")
        new = DossierFactory(unit=unit, created_by=clerk, year=2025, title="Hồ sơ năm 2025")
        gone = DossierFactory(unit=unit, created_by=clerk, year=2025, title="Hồ sơ đã rút")
        svc.withdraw_dossier(actor=clerk, dossier=gone, reason="")
        client.force_login(clerk)
        html = client.get(reverse("dossier_list"), {"year": 2024}).content.decode()
        assert old.title in html and new.title not in html
        html = client.get(reverse("dossier_list"), {"state": "withdrawn"}).content.decode()
        assert gone.title in html and new.title not in html
        assert '<span class="badge state-withdrawn">Đã rút</span>' in html
        # A malformed filter is ignored, not an error.
        assert client.get(reverse("dossier_list"), {"year": "abc", "state": "nope"}).status_code == 200

    def test_other_units_dossiers_are_not_listed(self, client, clerk, unit, other_unit, other_clerk):
        mine = DossierFactory(unit=unit, created_by=clerk, title="Hồ sơ của Sở Tài chính")
        theirs = DossierFactory(unit=other_unit, created_by=other_clerk, title="Hồ sơ của Báo Lai Châu")
        client.force_login(clerk)
        html = client.get(reverse("dossier_list")).content.decode()
        assert mine.title in html and theirs.title not in html

    def test_pagination_keeps_the_filters(self, client, clerk, unit):
        DossierFactory.create_batch(27, unit=unit, created_by=clerk, year=2025)
        client.force_login(clerk)
        html = client.get(reverse("dossier_list"), {"year": 2025}).content.decode()
        assert "Trang 1/2" in html
        assert "?year=2025&amp;page=2" in html
        html = client.get(reverse("dossier_list"), {"year": 2025, "page": 2}).content.decode()
        assert "Trang 2/2" in html
        assert html.count('class="badge state-draft"') == 2

    def test_state_badge_and_dates(self, client, clerk, dossier):
        client.force_login(clerk)
        html = client.get(reverse("dossier_list")).content.decode()
        assert '<span class="badge state-draft">Đang soạn</span>' in html
        from django.utils import timezone

        assert timezone.localtime(dossier.created_at).strftime("%d/%m/%Y") in html


class TestPeopleList:
    def test_people_in_vietnamese_order(self, client, clerk, unit):
        """Given name, then family name, Vietnamese alphabet (Đ after D) and tones; not the full name's order."""
        expected = ["Trần Văn An", "Lê Văn Anh", "Hoàng Thị Ánh", "Đỗ Thị Dung", "Bùi Văn Dũng",
                    "Dương Văn Dũng", "Đặng Văn Dũng", "Nguyễn Thị Đào"]
        assert sorted(expected) != expected
        for name in sorted(expected):
            PersonFactory(unit=unit, full_name=name)
        client.force_login(clerk)
        html = client.get(reverse("people_list")).content.decode()
        positions = [html.index(name) for name in expected]
        assert positions == sorted(positions)

    def test_search_ignores_diacritics(self, client, clerk, unit):
        PersonFactory(unit=unit, full_name="Nguyễn Thị Ánh")
        PersonFactory(unit=unit, full_name="Trần Văn Bình")
        CollectiveFactory(unit=unit, name="Phòng Kế hoạch - Tài chính")
        client.force_login(clerk)
        html = client.get(reverse("people_list"), {"q": "nguyen thi anh"}).content.decode()
        assert "Nguyễn Thị Ánh" in html and "Trần Văn Bình" not in html
        html = client.get(reverse("people_list"), {"q": "ke hoach"}).content.decode()
        assert "Phòng Kế hoạch - Tài chính" in html and "Nguyễn Thị Ánh" not in html

    def test_only_people_of_visible_units(self, client, clerk, unit, other_unit):
        PersonFactory(unit=unit, full_name="Người Trong Đơn Vị")
        PersonFactory(unit=other_unit, full_name="Người Đơn Vị Khác")
        client.force_login(clerk)
        html = client.get(reverse("people_list")).content.decode()
        assert "Người Trong Đơn Vị" in html and "Người Đơn Vị Khác" not in html

    def test_paginated_separately(self, client, clerk, unit):
        PersonFactory.create_batch(26, unit=unit)
        CollectiveFactory(unit=unit, name="Tổ Một")
        client.force_login(clerk)
        html = client.get(reverse("people_list")).content.decode()
        assert "Trang 1/2" in html
        assert "?page=2" in html
        assert "Tổ Một" in html


class TestConstantQueries:
    """The number of queries of a list page does not grow with its rows."""

    def _dossiers(self, unit, clerk, count):
        for _ in range(count):
            dossier = DossierFactory(unit=unit, created_by=clerk)
            NominationFactory(dossier=dossier)

    def test_dossier_list(self, client, clerk, unit, django_assert_max_num_queries):
        self._dossiers(unit, clerk, 3)
        client.force_login(clerk)
        client.get(reverse("dossier_list"))
        few = queries_for(client, reverse("dossier_list"))
        self._dossiers(unit, clerk, 27)
        many = queries_for(client, reverse("dossier_list"))
        assert many == few
        with django_assert_max_num_queries(few):
            client.get(reverse("dossier_list"), {"q": "de nghi", "year": 2025})

    def test_home_for_clerk_and_head(self, client, clerk, head, unit):
        self._dossiers(unit, clerk, 3)
        Dossier.objects.update(prepared_by=clerk)
        counts = {}
        for user in (clerk, head):
            client.force_login(user)
            client.get(reverse("home"))
            counts[user.pk] = queries_for(client, reverse("home"))
        self._dossiers(unit, clerk, 27)
        Dossier.objects.update(prepared_by=clerk)
        for user in (clerk, head):
            client.force_login(user)
            assert queries_for(client, reverse("home")) == counts[user.pk]

    def test_home_for_ha(self, client, ha_specialist, clerk, unit, django_assert_max_num_queries):
        self._dossiers(unit, clerk, 3)
        Dossier.objects.update(state="submitted")
        client.force_login(ha_specialist)
        client.get(reverse("home"))
        few = queries_for(client, reverse("home"))
        self._dossiers(unit, clerk, 27)
        Dossier.objects.update(state="submitted")
        with django_assert_max_num_queries(few):
            html = client.get(reverse("home")).content.decode()
        assert html.count('class="badge state-submitted"') == 30

    def test_people_list(self, client, clerk, unit):
        PersonFactory.create_batch(3, unit=unit)
        CollectiveFactory.create_batch(2, unit=unit)
        client.force_login(clerk)
        client.get(reverse("people_list"))
        few = queries_for(client, reverse("people_list"))
        PersonFactory.create_batch(27, unit=unit)
        CollectiveFactory.create_batch(30, unit=unit)
        assert queries_for(client, reverse("people_list")) == few

    def test_dossier_detail_does_not_grow_with_nominations(self, client, clerk, dossier):
        for _ in range(2):
            NominationFactory(dossier=dossier)
        client.force_login(clerk)
        client.get(reverse("dossier_detail", args=[dossier.pk]))
        few = queries_for(client, reverse("dossier_detail", args=[dossier.pk]))
        for _ in range(10):
            NominationFactory(dossier=dossier)
        assert queries_for(client, reverse("dossier_detail", args=[dossier.pk])) == few


def test_units_below_are_listed_for_the_parent(client, province, unit, clerk):
    child = UnitFactory(province=province, parent=unit, name="Phòng thuộc Sở")
    DossierFactory(unit=child, title="Hồ sơ của đơn vị cấp dưới")
    client.force_login(clerk)
    assert "Hồ sơ của đơn vị cấp dưới" in client.get(reverse("dossier_list")).content.decode()
