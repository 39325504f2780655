"""The award catalogue and the units tree, read-only."""

from __future__ import annotations

import datetime

from tests.api.helpers import assert_error, url
from tests.factories import UnitFactory, UserFactory


def all_results(client, path, params=None):
    return client.get(url(path), {"page_size": 500, **(params or {})}).json()["results"]


class TestCatalogue:
    def test_regulations(self, api, clerk):
        codes = [r["code"] for r in all_results(api(clerk), "catalogue/regulations/")]
        assert codes == ["ND98_2023", "ND152_2025"]

    def test_document_types(self, api, clerk):
        rows = {d["code"]: d for d in all_results(api(clerk), "catalogue/document-types/")}
        assert rows["to_trinh"]["per_nomination"] is False
        assert rows["bao_cao_ca_nhan"]["per_nomination"] is True

    def test_award_type_representation(self, api, clerk):
        rows = all_results(api(clerk), "catalogue/award-types/", {"regulation": "ND152_2025"})
        cstd = next(a for a in rows if a["code"] == "CSTD_TINH")
        assert cstd["regulation"] == "ND152_2025"
        assert (cstd["vote_required"], cstd["vote_threshold"], cstd["vote_threshold_strict"], cstd["vote_base"]) \
            == (True, "9/10", False, "all_members")
        assert cstd["cash_multiple"] == "3.00"
        assert cstd["authority"] == "provincial_chairman"
        assert [d["document_type"] for d in cstd["required_documents"]["regular"]] == [
            "to_trinh", "bien_ban_hop", "bao_cao_ca_nhan", "xac_nhan_sang_kien", "xac_nhan_thue", "xac_nhan_bhxh",
        ]
        enterprise_only = {d["document_type"]: d["unit_kind"] for d in cstd["required_documents"]["regular"]}
        assert enterprise_only["xac_nhan_thue"] == "enterprise"
        assert enterprise_only["to_trinh"] == ""
        assert [c["key"] for c in cstd["criteria"]] == ["not_disciplined", "consecutive_titles",
                                                       "initiative_at_level"]
        assert cstd["criteria"][1]["params"] == {"award_codes": ["CSTD_CS"], "count": 3}

        bk = next(a for a in rows if a["code"] == "BK_TINH_CN")
        any_of = bk["criteria"][1]
        assert any_of["key"] == "any_of"
        assert [c["key"] for c in any_of["children"]] == ["consecutive_titles", "all_of"]
        assert [c["key"] for c in any_of["children"][1]["children"]] == ["ratings_in_window", "initiative_at_level"]
        assert set(bk["required_documents"]) == set(bk["kinds"])
        assert [d["document_type"] for d in bk["required_documents"]["exceptional"]] == ["to_trinh"]

        majority = next(a for a in rows if a["code"] == "BK_TTG_CN")
        assert (majority["vote_threshold"], majority["vote_threshold_strict"]) == ("1/2", True)
        assert next(a for a in rows if a["code"] == "HC_CC1_CN")["cash_multiple"] is None

    def test_filters(self, api, clerk):
        client = api(clerk)
        rows = all_results(client, "catalogue/award-types/", {"in_force_on": "2024-06-01"})
        assert {a["regulation"] for a in rows} == {"ND98_2023"}
        rows = all_results(client, "catalogue/award-types/", {"in_force_on": "2025-07-01"})
        assert {a["regulation"] for a in rows} == {"ND152_2025"}

        rows = all_results(client, "catalogue/award-types/",
                           {"regulation": "ND152_2025", "kind": "regular", "subject": "individual"})
        assert rows and all("regular" in a["kinds"] and a["subject"] == "individual" for a in rows)
        codes = {a["code"] for a in rows}
        assert {"CSTD_TINH", "CSTD_CS", "LDTT", "BK_TINH_CN"} <= codes
        assert "HC_CC1_CN" not in codes  # exceptional only

        proposable = {a["code"] for a in all_results(
            client, "catalogue/award-types/", {"regulation": "ND152_2025", "proposable": "true"})}
        assert "CSTD_TINH" in proposable
        assert not {"CSTD_CS", "LDTT", "TTLDTT", "GK_CN"} & proposable
        decided_by_head = {a["code"] for a in all_results(
            client, "catalogue/award-types/", {"regulation": "ND152_2025", "proposable": "false"})}
        assert {"CSTD_CS", "LDTT"} <= decided_by_head
        assert "CSTD_TINH" not in decided_by_head

    def test_bad_filters(self, api, clerk):
        body = assert_error(api(clerk).get(url("catalogue/award-types/"), {
            "in_force_on": "01/07/2025", "kind": "khac", "proposable": "co"}), 400, "invalid")
        fields = {e["field"]: e["message"] for e in body["errors"]}
        assert set(fields) == {"in_force_on", "kind", "proposable"}
        assert "NNNN-TT-NN" in fields["in_force_on"]

    def test_paginated(self, api, clerk):
        body = api(clerk).get(url("catalogue/award-types/")).json()
        assert set(body) == {"count", "next", "previous", "results"}
        assert len(body["results"]) == 50 < body["count"]

    def test_catalogue_is_read_only(self, api, ha_specialist):
        assert_error(api(ha_specialist).post(url("catalogue/regulations/"), {}, format="json"),
                     405, "method_not_allowed")

    def test_any_authenticated_user_reads_it(self, api, db):
        nobody = UserFactory(unit=None)
        assert api(nobody).get(url("catalogue/award-types/")).status_code == 200


class TestUnits:
    def test_unit_user_sees_own_unit_and_below(self, api, clerk, unit, other_unit, province):
        child = UnitFactory(province=province, parent=unit, name="Phòng Kế hoạch - Tài chính")
        rows = all_results(api(clerk), "units/")
        assert {u["id"] for u in rows} == {unit.pk, child.pk}
        row = next(u for u in rows if u["id"] == child.pk)
        assert (row["parent"], row["successor"], row["merged_on"], row["kind"]) == (unit.pk, None, None,
                                                                                   "department")
        assert_error(api(clerk).get(url(f"units/{other_unit.pk}/")), 404, "not_found")
        assert api(clerk).get(url(f"units/{child.pk}/")).status_code == 200

    def test_merged_unit_shows_its_successor(self, api, clerk, unit, province):
        merged = UnitFactory(province=province, name="Sở cũ")
        merged.successor, merged.merged_on = unit, datetime.date(2025, 7, 1)
        merged.save()
        row = next(u for u in all_results(api(clerk), "units/") if u["id"] == merged.pk)
        assert (row["successor"], row["merged_on"]) == (unit.pk, "2025-07-01")

    def test_home_affairs_sees_the_province(self, api, ha_specialist, unit, other_unit, ha_unit):
        ids = {u["id"] for u in all_results(api(ha_specialist), "units/")}
        assert {unit.pk, other_unit.pk, ha_unit.pk} <= ids
