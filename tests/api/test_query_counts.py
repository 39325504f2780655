"""List endpoints run the same number of queries for 3 rows as for 30."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers.services.attachments import upload_attachment
from tests.api.helpers import url
from tests.factories import (
    CollectiveFactory,
    DossierFactory,
    NominationFactory,
    PersonFactory,
    UnitFactory,
    award,
    document_type,
    pdf_upload,
)


def queries(client, path, params=None) -> tuple[int, dict | list]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url(path), params or {})
    assert response.status_code == 200, response.content
    return len(context), response.json()


def add_dossiers(unit, clerk, count):
    for _ in range(count):
        dossier = DossierFactory(unit=unit, created_by=clerk)
        NominationFactory(dossier=dossier)


def add_nominations(dossier, clerk, count):
    for index in range(count):
        if index % 3 == 2:
            nomination = NominationFactory(dossier=dossier, person=None, award_type=award("BK_TINH_TT"),
                                           collective=CollectiveFactory(unit=dossier.unit))
        else:
            nomination = NominationFactory(dossier=dossier, person=PersonFactory(unit=dossier.unit))
        upload_attachment(actor=clerk, dossier=dossier, document_type=document_type("bao_cao_ca_nhan"),
                          uploaded_file=pdf_upload(), nomination=nomination)


def test_dossier_list(api, clerk, unit, django_assert_max_num_queries):
    client = api(clerk)
    add_dossiers(unit, clerk, 3)
    few, body = queries(client, "dossiers/")
    assert body["count"] == 3
    add_dossiers(unit, clerk, 27)
    with django_assert_max_num_queries(few):
        response = client.get(url("dossiers/"))
    assert len(response.json()["results"]) == 30
    assert {d["nomination_count"] for d in response.json()["results"]} == {1}


def test_dossier_list_for_home_affairs(api, ha_specialist, unit, clerk, django_assert_max_num_queries):
    from dossiers.models import Dossier

    client = api(ha_specialist)
    add_dossiers(unit, clerk, 3)
    Dossier.objects.update(state="submitted")  # test set-up only: the reading side is what is measured
    few, body = queries(client, "dossiers/")
    assert body["count"] == 3
    add_dossiers(unit, clerk, 27)
    Dossier.objects.update(state="submitted")
    with django_assert_max_num_queries(few):
        response = client.get(url("dossiers/"))
    assert response.json()["count"] == 30


def test_units_list(api, ha_specialist, province, django_assert_max_num_queries):
    client = api(ha_specialist)
    parent = UnitFactory(province=province)
    for _ in range(3):
        UnitFactory(province=province, parent=parent)
    few, body = queries(client, "units/")
    for _ in range(27):
        UnitFactory(province=province, parent=parent, successor=parent)
    with django_assert_max_num_queries(few):
        response = client.get(url("units/"))
    assert response.json()["count"] >= 30


def test_nominations_attachments_and_detail(api, clerk, dossier, django_assert_max_num_queries):
    client = api(clerk)
    add_nominations(dossier, clerk, 3)
    counts = {path: queries(client, path)[0] for path in (
        f"dossiers/{dossier.pk}/nominations/", f"dossiers/{dossier.pk}/attachments/",
        f"dossiers/{dossier.pk}/history/", f"dossiers/{dossier.pk}/")}
    add_nominations(dossier, clerk, 27)
    for path, few in counts.items():
        with django_assert_max_num_queries(few):
            response = client.get(url(path))
        assert response.status_code == 200
    assert len(client.get(url(f"dossiers/{dossier.pk}/nominations/")).json()) == 30


def test_award_types_list_is_a_fixed_number_of_queries(api, clerk, django_assert_max_num_queries):
    # The catalogue is seeded (about 160 rows with documents and criteria trees): no query per row.
    with django_assert_max_num_queries(12):
        response = api(clerk).get(url("catalogue/award-types/"), {"page_size": 500})
    assert response.json()["count"] > 100


def test_labels_follow_each_requests_language(api, clerk, unit):
    """The list's labels are translated once per answer, in that answer's language: an English request between
    two Vietnamese ones gets English labels, and the next Vietnamese one Vietnamese again (nothing cached across
    requests)."""
    client = api(clerk)
    add_dossiers(unit, clerk, 2)

    def labels(language):
        response = client.get(url("dossiers/"), HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        return {row["state_label"] for row in response.json()["results"]}

    assert labels("vi") == {"Đang soạn"}
    assert labels("en") == {"Draft"}
    assert labels("vi") == {"Đang soạn"}
