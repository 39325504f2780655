"""The whole catalogue against the domain reference (shared/domain.md) and the YAML fixtures.

The expected data below is transcribed from domain.md ("Catalogue", "Who
decides", "Council voting"); ``test_transcription_matches_domain_md`` reads
domain.md itself and fails if the two drift apart. The other tests check every
award of both regulation versions in the database against it, and every award
of the fixtures against what was loaded.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from dossiers.models import Authority, AwardCategory, AwardKind, AwardType, SubjectKind
from dossiers.services.catalogue import REGULATION_FILES, regulation_data

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_MD = Path(os.environ.get("DOMAIN_MD", ROOT.parent / "shared" / "domain.md"))
REGULATIONS = ["ND98_2023", "ND152_2025"]

# domain.md, "Emulation titles": code -> (title, subject, authority, forwarded).
TITLES = {
    "CSTD_TQ": ("Chiến sĩ thi đua toàn quốc", "individual", "prime_minister", True),
    "CSTD_TINH": ("Chiến sĩ thi đua cấp tỉnh", "individual", "provincial_chairman", False),
    "CSTD_CS": ("Chiến sĩ thi đua cơ sở", "individual", "unit_head", False),
    "LDTT": ("Lao động tiên tiến", "individual", "unit_head", False),
    "CO_CP": ("Cờ thi đua của Chính phủ", "collective", "prime_minister", True),
    "CO_TINH": ("Cờ thi đua của UBND tỉnh", "collective", "provincial_chairman", False),
    "TTLDXS": ("Tập thể lao động xuất sắc", "collective", "provincial_chairman", False),
    "TTLDTT": ("Tập thể lao động tiên tiến", "collective", "unit_head", False),
}
# domain.md, "Council voting": a vote is required for the emulation fighter titles and the flags,
# at least 90% / 80% of all council members; other proposals pass by a majority of all members.
VOTES = {
    "CSTD_TQ": Fraction(9, 10),
    "CSTD_TINH": Fraction(9, 10),
    "CSTD_CS": Fraction(4, 5),
    "CO_TINH": Fraction(4, 5),
    "CO_CP": Fraction(4, 5),
}
# domain.md, "Forms of commendation": the orders, with I-III as three classes.
ORDERS = [
    "Sao vàng", "Hồ Chí Minh",
    "Độc lập hạng Nhất", "Độc lập hạng Nhì", "Độc lập hạng Ba",
    "Lao động hạng Nhất", "Lao động hạng Nhì", "Lao động hạng Ba",
    "Bảo vệ Tổ quốc hạng Nhất", "Bảo vệ Tổ quốc hạng Nhì", "Bảo vệ Tổ quốc hạng Ba",
    "Chiến công hạng Nhất", "Chiến công hạng Nhì", "Chiến công hạng Ba",
    "Đại đoàn kết dân tộc", "Dũng cảm", "Hữu nghị",
]
# The other forms domain.md lists, each with the words it uses for them.
FORM_CATEGORIES = {
    AwardCategory.MEDAL: "medals (huy chương)",
    AwardCategory.HONORARY_TITLE: "state honorary\ntitles (danh hiệu vinh dự nhà nước)",
    AwardCategory.PRIZE: "prizes",
    AwardCategory.COMMEMORATIVE_MEDAL: "commemorative medals (kỷ niệm chương,\nthe province has its own)",
    AwardCategory.CERTIFICATE_OF_MERIT: "certificates of merit (bằng khen: of the PM; of the\nprovincial Chairman)",
    AwardCategory.UNIT_CERTIFICATE: "unit certificates (giấy khen)",
}
# "Who decides": the President decides orders, medals and state honorary titles; the PM the
# Government flag, the national emulation fighter and the PM's certificate of merit.
PRESIDENT_DECIDES = (AwardCategory.ORDER, AwardCategory.MEDAL, AwardCategory.HONORARY_TITLE)
PM_DECIDES = ("CO_CP", "CSTD_TQ", "BK_TTG_CN", "BK_TTG_TT")
CERTIFICATES = {  # code -> (authority, forwarded): the PM's, the provincial Chairman's, the unit's
    "BK_TTG_CN": ("prime_minister", True),
    "BK_TTG_TT": ("prime_minister", True),
    "BK_TINH_CN": ("provincial_chairman", False),
    "BK_TINH_TT": ("provincial_chairman", False),
    "GK_CN": ("unit_head", False),
    "GK_TT": ("unit_head", False),
}
MAJORITY = (Fraction(1, 2), True, "all_members")  # threshold, strictly more than, base
DECIDED_AT_CENTRE = {Authority.PRIME_MINISTER, Authority.PRESIDENT}

AUTHORITY_WORDS = {"PM (forwarded)": ("prime_minister", True), "provincial Chairman": ("provincial_chairman", False),
                   "unit head": ("unit_head", False)}
CLASSES = {"I": "hạng Nhất", "II": "hạng Nhì", "III": "hạng Ba"}


def _full_name(name: str) -> str:
    return name.replace("UBND", "Ủy ban nhân dân")


def _domain_text() -> str:
    if not DOMAIN_MD.exists():
        # The reference lives beside the repository, not in it: a clean clone (CI) may not have it.
        # The fixtures are still checked against the transcription below by the other tests.
        pytest.skip(f"domain reference not found at {DOMAIN_MD} (set DOMAIN_MD to its path)")
    return DOMAIN_MD.read_text(encoding="utf-8")


def parse_titles(text: str) -> dict:
    section = text.split("Emulation titles (danh hiệu thi đua):", 1)[1].split("Forms of commendation", 1)[0]
    titles = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"[A-Z_]+", cells[0]):
            code, title, subject, decided_by = cells
            titles[code] = (title, subject, *AUTHORITY_WORDS[decided_by])
    return titles


def parse_orders(text: str) -> list[str]:
    listed = re.search(r"orders \(huân chương: (.*?), \.\.\.\)", " ".join(text.split())).group(1)
    orders = []
    for item in listed.split(", "):
        classes = re.fullmatch(r"(.+) I-III", item)
        if classes:
            orders += [f"{classes.group(1)} {CLASSES[number]}" for number in ("I", "II", "III")]
        else:
            orders.append(item)
    return orders


def test_transcription_matches_domain_md():
    text = _domain_text()
    assert parse_titles(text) == TITLES
    assert parse_orders(text) == ORDERS
    for words in FORM_CATEGORIES.values():
        assert " ".join(words.split()) in " ".join(text.split())
    flat = " ".join(text.split())
    assert "at least **90% of all council members** (not of those present) for CSTĐ toàn quốc and CSTĐ cấp tỉnh" in flat
    assert "at least **80%** for CSTĐ cơ sở, Cờ thi đua tỉnh and Cờ thi đua Chính phủ" in flat
    assert "Other proposals pass by a majority of all members" in flat
    assert "the President decides orders, medals and state honorary titles" in flat
    assert ("the PM decides the Government flag, the national emulation fighter and the PM's certificate of merit"
            in flat)
    assert "Everything the province cannot decide is **forwarded**" in flat


def awards_of(regulation: str) -> dict[str, AwardType]:
    return {a.code: a for a in AwardType.objects.filter(regulation__code=regulation)}


def vote_of(award: AwardType) -> tuple:
    return award.vote_threshold, award.vote_threshold_strict, award.vote_base


@pytest.mark.django_db
@pytest.mark.parametrize("regulation", REGULATIONS)
class TestAgainstTheDomain:
    def test_titles(self, regulation):
        awards = awards_of(regulation)
        for code, (title, subject, authority, forwarded) in TITLES.items():
            award = awards[code]
            assert award.category == AwardCategory.EMULATION_TITLE, code
            assert award.name == _full_name(title), code
            assert (award.subject, award.authority, award.forwarded) == (subject, authority, forwarded), code

    def test_votes_and_thresholds(self, regulation):
        for code, award in awards_of(regulation).items():
            if code in VOTES:
                assert award.vote_required, code
                assert vote_of(award) == (VOTES[code], False, "all_members"), code  # "at least", of all members
            elif award.vote_required:
                assert vote_of(award) == MAJORITY, code
        assert not awards_of(regulation)["LDTT"].vote_required

    def test_orders(self, regulation):
        orders = AwardType.objects.filter(regulation__code=regulation, category=AwardCategory.ORDER)
        by_name: dict[str, list[AwardType]] = {}
        for award in orders:
            by_name.setdefault(award.name, []).append(award)
        for order in ORDERS:
            found = by_name.get(f"Huân chương {order}")
            assert found, f"Huân chương {order} missing from {regulation}"
            for award in found:
                assert (award.authority, award.forwarded) == ("president", True), award.code
                assert award.vote_required and vote_of(award) == MAJORITY, award.code

    def test_other_forms(self, regulation):
        awards = awards_of(regulation).values()
        for category in FORM_CATEGORIES:
            assert any(a.category == category for a in awards), f"no {category} in {regulation}"
        for award in awards:
            if award.category in PRESIDENT_DECIDES:
                assert (award.authority, award.forwarded) == ("president", True), award.code
        assert any(a.category == AwardCategory.COMMEMORATIVE_MEDAL and a.authority == "provincial_chairman"
                   for a in awards), "the province's own commemorative medal"
        by_code = awards_of(regulation)
        for code, expected in CERTIFICATES.items():
            assert (by_code[code].authority, by_code[code].forwarded) == expected, code
        for code in PM_DECIDES:
            assert by_code[code].authority == "prime_minister", code

    def test_everything_decided_at_the_centre_is_forwarded(self, regulation):
        for code, award in awards_of(regulation).items():
            assert award.forwarded == (award.authority in DECIDED_AT_CENTRE), code


def _documents(award: AwardType) -> set[tuple]:
    return {(r.award_kind, r.unit_kind, r.document_type.code)
            for r in award.required_documents.select_related("document_type")}


@pytest.mark.django_db
@pytest.mark.parametrize("filename", REGULATION_FILES)
def test_every_fixture_award_is_loaded_with_its_fields(filename):
    header, rows = regulation_data(filename)
    loaded = awards_of(header["code"])
    assert sorted(loaded) == sorted(row["code"] for row in rows)
    for row in rows:
        code = row["code"]
        assert row["name"].strip(), code
        assert row["category"] in AwardCategory.values, code
        assert row["subject"] in SubjectKind.values, code
        assert row["kinds"] and set(row["kinds"]) <= set(AwardKind.values), code
        assert row["authority"] in Authority.values, code
        assert row.get("rank"), code
        if row.get("is_active", True):  # history-only awards (a ministry's certificate) are never proposed here
            assert {kind for kind, unit_kind, _doc in row["required_documents"] if not unit_kind} == set(
                row["kinds"]), f"{code}: every kind it may be proposed under needs its documents"
        assert row["criteria"], code

        award = loaded[code]
        assert (award.name, award.category, award.subject, award.kinds, award.authority, award.forwarded) == (
            row["name"], row["category"], row["subject"], row["kinds"], row["authority"], row.get("forwarded", False)
        ), code
        vote = row.get("vote")
        assert award.vote_required == bool(vote), code
        if vote:
            assert vote_of(award) == (Fraction(vote["threshold"]), not vote.get("at_least", True),
                                      vote.get("base", "all_members")), code
        multiple = row.get("cash_multiple")
        assert award.cash_multiple == (None if multiple is None else Decimal(str(multiple))), code
        assert _documents(award) == set(row["required_documents"]), code
        assert award.criteria.filter(parent=None).count() == len(row["criteria"]), code


@pytest.mark.django_db
def test_both_versions_carry_the_same_awards():
    assert sorted(awards_of("ND98_2023")) == sorted(awards_of("ND152_2025"))
