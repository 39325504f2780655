"""The catalogue as shipped: every title and form, versioned by regulation, rules as data."""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError

from dossiers.exceptions import DomainError
from dossiers.models import AwardType, Criterion, Regulation
from dossiers.requirements import dossier_requirements
from dossiers.services.catalogue import load_catalogue
from tests.factories import DossierFactory, NominationFactory, UnitFactory, award

DOMAIN_TITLES = ["CSTD_TQ", "CSTD_TINH", "CSTD_CS", "LDTT", "CO_CP", "CO_TINH", "TTLDXS", "TTLDTT"]
DOMAIN_FORMS = ["HC_SAO_VANG_CN", "HC_HCM_CN", "HC_DL1_CN", "HC_DL2_CN", "HC_DL3_CN", "HC_LD1_CN", "HC_LD2_CN",
                "HC_LD3_CN", "HC_BVTQ1_CN", "HC_BVTQ3_CN", "HC_CC1_CN", "HC_CC3_TT", "HC_DDKDT", "HC_DUNG_CAM",
                "HC_HUU_NGHI_CN", "HCH_CSVV1", "NGND", "AH_LD_CN", "BMVNAH", "GT_HCM", "KNC_TINH",
                "BK_TTG_CN", "BK_TTG_TT", "BK_TINH_CN", "BK_TINH_TT", "BK_TINH_HGD", "GK_CN", "GK_TT"]


@pytest.mark.django_db
@pytest.mark.parametrize("regulation", ["ND98_2023", "ND152_2025"])
def test_every_title_and_form_is_seeded(regulation):
    codes = set(AwardType.objects.filter(regulation__code=regulation).values_list("code", flat=True))
    assert set(DOMAIN_TITLES + DOMAIN_FORMS) <= codes


@pytest.mark.django_db
def test_regulation_in_force_by_date():
    in_force = Regulation.objects.in_force_on
    assert in_force(datetime.date(2024, 1, 1)).code == "ND98_2023"
    assert in_force(datetime.date(2025, 6, 30)).code == "ND98_2023"
    assert in_force(datetime.date(2025, 7, 1)).code == "ND152_2025"
    with pytest.raises(DomainError, match="Không có văn bản quy định"):
        in_force(datetime.date(2023, 12, 31))


@pytest.mark.django_db
def test_vote_thresholds_are_exact_fractions():
    assert award("CSTD_TINH").vote_threshold == Fraction(9, 10)
    assert award("CSTD_TINH").vote_threshold_strict is False  # "at least 90%"
    assert award("CSTD_TQ").vote_base == "all_members"
    assert award("CO_TINH").vote_threshold == Fraction(4, 5)
    assert award("CO_CP").vote_threshold == Fraction(4, 5)
    majority = award("HC_LD3_CN")
    assert majority.vote_threshold == Fraction(1, 2) and majority.vote_threshold_strict is True
    assert award("BK_TINH_CN").vote_required is False


@pytest.mark.django_db
def test_authority_forwarding_and_public_notice():
    assert award("CSTD_TQ").authority == "prime_minister" and award("CSTD_TQ").forwarded
    assert award("HC_LD3_CN").authority == "president" and award("HC_LD3_CN").public_notice_required
    assert award("NGND").public_notice_required
    assert award("BK_TINH_CN").authority == "provincial_chairman" and not award("BK_TINH_CN").forwarded
    assert award("LDTT").authority == "unit_head"


@pytest.mark.django_db
def test_cash_multiples_of_decree_152():
    expected = {"CSTD_TQ": "4.5", "CSTD_TINH": "3.0", "CSTD_CS": "1.0", "LDTT": "0.3", "TTLDXS": "1.5",
                "TTLDTT": "0.8", "CO_CP": "12", "BK_TTG_TT": "7", "BK_TINH_TT": "3", "GK_TT": "0.6"}
    for code, multiple in expected.items():
        assert award(code).cash_multiple == Decimal(multiple), code


@pytest.mark.django_db
def test_carried_over_figures_are_marked():
    assert "giữ theo Nghị định 98/2023" in award("CO_TINH").notes
    assert "giữ theo" not in award("CO_TINH", "ND98_2023").notes


@pytest.mark.django_db
def test_required_documents_depend_on_kind_and_unit(province):
    department = UnitFactory(province=province, kind="department")
    enterprise = UnitFactory(province=province, kind="enterprise")

    def required(unit, kind, code):
        dossier = DossierFactory(unit=unit, kind=kind)
        NominationFactory(dossier=dossier, award_type=award(code))
        return {r.document_type.code for r in dossier_requirements(dossier)}

    assert required(department, "regular", "CSTD_TINH") == {"to_trinh", "bien_ban_hop", "bao_cao_ca_nhan",
                                                            "xac_nhan_sang_kien"}
    assert required(enterprise, "regular", "BK_TINH_CN") == {"to_trinh", "bien_ban_hop", "bao_cao_ca_nhan",
                                                             "xac_nhan_thue", "xac_nhan_bhxh"}
    # simplified procedure: only the proposal letter
    assert required(department, "exceptional", "BK_TINH_CN") == {"to_trinh"}


@pytest.mark.django_db
def test_criteria_stored_as_a_tree_with_the_common_block():
    cstd = award("CSTD_TINH")
    keys = list(cstd.criteria.filter(parent=None).values_list("key", flat=True))
    assert keys == ["not_disciplined", "consecutive_titles", "initiative_at_level"]
    consecutive = cstd.criteria.get(key="consecutive_titles")
    assert consecutive.params == {"award_codes": ["CSTD_CS"], "count": 3}
    bk = award("BK_TINH_CN").criteria.get(key="any_of", parent=None)
    assert [c.key for c in bk.children.order_by("order")] == ["consecutive_titles", "all_of"]


@pytest.mark.django_db
def test_invalid_criterion_refused_by_the_admin_form_validation():
    criterion = Criterion(award_type=award("LDTT"), key="consecutive_titles", params={"count": "ba"},
                          description="x")
    with pytest.raises(ValidationError):
        criterion.full_clean()
    criterion = Criterion(award_type=award("LDTT"), key="made_up", params={}, description="x")
    with pytest.raises(ValidationError):
        criterion.full_clean()


@pytest.mark.django_db
def test_loading_again_keeps_admin_edits_unless_replacing():
    edited = award("BK_TINH_CN")
    edited.name = "Bằng khen (đã sửa)"
    edited.save()
    load_catalogue()
    assert award("BK_TINH_CN").name == "Bằng khen (đã sửa)"
    load_catalogue(replace=True)
    assert award("BK_TINH_CN").name == "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
