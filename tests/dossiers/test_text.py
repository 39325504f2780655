"""Vietnamese text: NFC input, diacritic-free search, name order."""

from __future__ import annotations

import unicodedata

import pytest

from dossiers.models import Person
from dossiers.selectors import dossier_list, people_of_units
from dossiers.text import fold, nfc, person_sort_key, split_person_name
from tests.factories import DossierFactory, NominationFactory, PersonFactory


def test_nfc_normalises_and_strips_control_characters():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hằng")
    assert decomposed != "Nguyễn Thị Hằng"
    assert nfc(decomposed + "\x00\x07 ") == "Nguyễn Thị Hằng"


def test_fold_removes_every_mark_and_d_stroke():
    assert fold("ĐẶNG  Thị Ánh   Tuyết") == "dang thi anh tuyet"
    assert fold("Nguyễn Văn An") == "nguyen van an"
    assert fold("Ưng Hoàng Phúc") == "ung hoang phuc"


def test_split_name():
    assert split_person_name("Nguyễn Thị Minh Khai") == ("Nguyễn", "Thị Minh", "Khai")
    assert split_person_name("Lò Ân") == ("Lò", "", "Ân")


@pytest.mark.parametrize(
    "ordered",
    [
        # given name first: An < Anh < Ánh < Ăn < Ân < Bình
        ["Nguyễn Văn An", "Lê Văn Anh", "Trần Thị Ánh", "Lò Văn Ăn", "Vũ Ân", "Đỗ Bình"],
        # d before đ; same given name -> family name decides
        ["Hoàng Dũng", "Đinh Đức", "Lý Đức", "Nguyễn Đức"],
        # tones: ngang < huyền < hỏi < ngã < sắc < nặng
        ["Trần Ha", "Trần Hà", "Trần Hả", "Trần Hã", "Trần Há", "Trần Hạ"],
        # o < ô < ơ, u < ư
        ["Lê Bo", "Lê Bô", "Lê Bơ", "Lê Tu", "Lê Tư"],
        # same given and family name -> middle name decides
        ["Nguyễn An Bình", "Nguyễn Văn Bình"],
    ],
)
def test_person_sort_key_follows_vietnamese_order(ordered):
    shuffled = list(reversed(ordered))
    assert sorted(shuffled, key=person_sort_key) == ordered


# Given name first (An < Anh < Ánh: tone after letters; Dung < Dũng; D < Đ), then family name
# (Bùi < Dương < Đặng). Sorting by the full name, by the folded full name or by folded given
# and family names gives another order, so a list that passes is sorted by the Vietnamese rule.
VIETNAMESE_ORDER = [
    "Trần Văn An",
    "Lê Văn Anh",
    "Hoàng Thị Ánh",
    "Đỗ Thị Dung",
    "Bùi Văn Dũng",
    "Dương Văn Dũng",
    "Đặng Văn Dũng",
    "Nguyễn Thị Đào",
]


def test_name_order_data_tells_the_rules_apart():
    def folded_given_then_family(name):
        family, _middle, given = split_person_name(name)
        return fold(given), fold(family)

    assert sorted(VIETNAMESE_ORDER) != VIETNAMESE_ORDER
    assert sorted(VIETNAMESE_ORDER, key=fold) != VIETNAMESE_ORDER
    assert sorted(VIETNAMESE_ORDER, key=folded_given_then_family) != VIETNAMESE_ORDER
    assert sorted(sorted(VIETNAMESE_ORDER), key=person_sort_key) == VIETNAMESE_ORDER


def test_people_stored_in_nfc_and_listed_in_vietnamese_order(unit, clerk):
    for name in sorted(VIETNAMESE_ORDER):  # inserted in code-point order, the order a naive sort would give
        PersonFactory(unit=unit, full_name=unicodedata.normalize("NFD", name) if "Đào" in name else name)
    assert Person.objects.get(search_key="nguyen thi dao").full_name == "Nguyễn Thị Đào"
    names = [p.full_name for p in people_of_units(user=clerk)]
    assert names == VIETNAMESE_ORDER


def test_people_search_ignores_diacritics(unit, clerk):
    PersonFactory(unit=unit, full_name="Nguyễn Văn An")
    PersonFactory(unit=unit, full_name="Nguyễn Văn Bình")
    assert [p.full_name for p in people_of_units(user=clerk, query="nguyen van an")] == ["Nguyễn Văn An"]
    assert [p.full_name for p in people_of_units(user=clerk, query="NGUYỄN VĂN AN")] == ["Nguyễn Văn An"]


def test_dossier_search_finds_nominee_and_title(unit, clerk):
    from dossiers.services.dossiers import refresh_search_text

    dossier = DossierFactory(unit=unit, title="Khen thưởng chuyên đề Nông thôn mới")
    NominationFactory(dossier=dossier, person=PersonFactory(unit=unit, full_name="Nguyễn Văn An"))
    refresh_search_text(dossier)
    DossierFactory(unit=unit, title="Hồ sơ khác")
    assert list(dossier_list(user=clerk, query="nguyen van an")) == [dossier]
    assert list(dossier_list(user=clerk, query="nong thon moi")) == [dossier]
    assert list(dossier_list(user=clerk, query="không có")) == []
