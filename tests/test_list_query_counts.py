"""List pages and list endpoints not guarded beside their feature: the same queries for 3N rows as for N (issue 6).

Every other list page and endpoint has its guard in the tests of its feature (dossiers, tasks, notifications,
people, councils, decisions, central stage, public pages). Each test here reads the list once to warm the
caches, counts the queries with N rows, adds 2N more and allows no more queries than before.
"""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from bench import council_ballot
from dossiers.models import AwardRecord, DocumentType, Regulation, ReturnReason
from dossiers.services import central as central_svc
from dossiers.services import decisions as svc
from tests.central_world import drive, forwarded_rows, people
from tests.factories import DossierFactory, NominationFactory, PersonFactory, UnitFactory, UserFactory, award

DAY = datetime.date(2026, 3, 5)


def count(client, path, params=None) -> int:
    """Queries of one GET (after a first one that warms the caches)."""
    assert client.get(path, params or {}).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200, response.content[:500]
    return len(queries)


def api_client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


# -- decisions: the list to sign, a decision's page and its pool ---------------------------------------------


@pytest.fixture
def lead(ha_unit):
    return UserFactory(unit=ha_unit, roles=["ha_lead"], username="lanhdao")


@pytest.fixture
def chairman(province):
    office = UnitFactory(province=province, name="Văn phòng UBND tỉnh")
    return UserFactory(unit=office, roles=["signer"], username="chutich", last_name="Lê", first_name="Văn Lương")


def ready_nominations(province, count, *, unit_name="Sở Xây dựng", code="BK_TINH_CN"):
    unit = UnitFactory(province=province, name=unit_name)
    dossier = DossierFactory(unit=unit, state="awaiting_decision", year=2025)
    return [NominationFactory(dossier=dossier, award_type=award(code),
                              outcome="council_passed" if code == "CSTD_TINH" else "eligible",  # a title: voted
                              person=PersonFactory(unit=unit, full_name=f"Phạm Văn Bình {index}"))
            for index in range(count)]


def drafted(ha_specialist, province, nominations, title="Về việc tặng Bằng khen"):
    return svc.create_decision(actor=ha_specialist, province=province, title=title, nominations=nominations)


def checked(ha_specialist, lead, province, nominations):
    return svc.check_decision(actor=lead, decision=drafted(ha_specialist, province, nominations), submission_date=DAY)


def signed(ha_specialist, lead, chairman, province, nominations):
    return svc.sign_decision(actor=chairman, decision=checked(ha_specialist, lead, province, nominations),
                             decision_date=DAY)


def test_decisions_to_sign(client, province, ha_specialist, lead, chairman, django_assert_max_num_queries):
    for index in range(2):
        checked(ha_specialist, lead, province, ready_nominations(province, 2, unit_name=f"Sở A{index}"))
    client.force_login(chairman)
    few = count(client, reverse("decision_to_sign"))
    for index in range(4):
        checked(ha_specialist, lead, province, ready_nominations(province, 2, unit_name=f"Sở B{index}"))
    with django_assert_max_num_queries(few):
        response = client.get(reverse("decision_to_sign"))
    assert len(set(re.findall(r'href="/quyet-dinh/(\d+)/"', response.content.decode()))) == 6


def test_a_draft_decision_page_and_its_pool(client, province, ha_specialist, django_assert_max_num_queries):
    decision = drafted(ha_specialist, province, ready_nominations(province, 3))
    ready_nominations(province, 2, unit_name="Sở Y tế")
    client.force_login(ha_specialist)
    page = reverse("decision_detail", args=[decision.pk])
    pool = reverse("decision_add_items", args=[decision.pk])
    few = {page: count(client, page), pool: count(client, pool)}
    svc.add_items(actor=ha_specialist, decision=decision,
                  nominations=ready_nominations(province, 3, unit_name="Sở Tư pháp")
                  + ready_nominations(province, 3, unit_name="Sở Công Thương", code="CSTD_TINH"))
    ready_nominations(province, 4, unit_name="Sở Giáo dục", code="CSTD_TINH")
    for path, queries in few.items():
        with django_assert_max_num_queries(queries):
            assert client.get(path).status_code == 200
    assert decision.items.count() == 9


def test_a_signed_decision_page_and_endpoint(client, province, ha_specialist, lead, chairman,
                                             django_assert_max_num_queries):
    small = signed(ha_specialist, lead, chairman, province, ready_nominations(province, 3, unit_name="Sở A"))
    large = signed(ha_specialist, lead, chairman, province,
                   ready_nominations(province, 5, unit_name="Sở B")
                   + ready_nominations(province, 4, unit_name="Sở C", code="CSTD_TINH"))
    client.force_login(ha_specialist)
    few = count(client, reverse("decision_detail", args=[small.pk]))
    with django_assert_max_num_queries(few):
        assert client.get(reverse("decision_detail", args=[large.pk])).status_code == 200
    api = api_client(ha_specialist)
    few = count(api, f"/api/v1/decisions/{small.pk}/")
    with django_assert_max_num_queries(few):
        response = api.get(f"/api/v1/decisions/{large.pk}/")
    assert len(response.json()["items"]) == 9


def test_revocation_form_and_page(client, province, ha_specialist, lead, chairman, django_assert_max_num_queries):
    signed(ha_specialist, lead, chairman, province,
           ready_nominations(province, 8, unit_name="Sở A") + ready_nominations(province, 4, unit_name="Sở B",
                                                                                code="CSTD_TINH"))
    records = list(AwardRecord.objects.order_by("pk"))
    assert len(records) == 12
    small, large = records[:3], records[3:]
    client.force_login(ha_specialist)
    form = reverse("revocation_create")
    few = count(client, form, {"records": [r.pk for r in small]})
    with django_assert_max_num_queries(few):
        page = client.get(form, {"records": [r.pk for r in large]})
    assert page.status_code == 200
    pages = [svc.draft_revocation(actor=ha_specialist, province=province, title="Về việc hủy bỏ khen thưởng",
                                  records=[(record, "Kê khai không trung thực") for record in chosen])
             for chosen in (small, large)]
    few = count(client, reverse("decision_detail", args=[pages[0].pk]))
    with django_assert_max_num_queries(few):
        assert client.get(reverse("decision_detail", args=[pages[1].pk])).status_code == 200


# -- a task page: the dossier's nominations and their verdicts ------------------------------------------------


def test_an_appraisal_task_page_with_3_and_9_nominations(client, unit, clerk, head, ha_specialist,
                                                         django_assert_max_num_queries):
    from dossiers.services.eligibility import check_eligibility
    from tests.workflows.test_flow import accept, submitted_dossier, task

    pages = []
    for size in (3, 9):
        dossier = submitted_dossier(DossierFactory(unit=unit, created_by=clerk, title=f"Hồ sơ {size} đề nghị"),
                                    clerk, head, *(["BK_TINH_CN"] * size))
        accept(dossier, ha_specialist)
        check_eligibility(actor=ha_specialist, dossier=dossier)
        pages.append(reverse("task_detail", args=[task(dossier, "appraisal").pk]))
    client.force_login(ha_specialist)
    few = count(client, pages[0])
    with django_assert_max_num_queries(few):
        response = client.get(pages[1])
    assert response.content.decode().count("Lò Văn Thắng") >= 9


# -- the central board's Excel export --------------------------------------------------------------------------


def test_the_central_board_export(client, province, django_assert_max_num_queries):
    who = people(province)
    central_svc.create_submission(actor=who.liaison, province=province, title="Đề nghị Thủ tướng tặng Bằng khen",
                                  nominations=forwarded_rows(province, 2))
    forwarded_rows(province, 2)
    client.force_login(who.liaison)
    few = count(client, reverse("central_board_export"))
    submission = central_svc.create_submission(actor=who.liaison, province=province,
                                               title="Đề nghị Thủ tướng tặng Bằng khen tập thể",
                                               nominations=forwarded_rows(province, 5, collective=True))
    drive(submission, who, "sent")
    forwarded_rows(province, 3, code="HC_LD3_CN")
    with django_assert_max_num_queries(few):
        response = client.get(reverse("central_board_export"))
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) - 1 == 12  # the header, then one row per nomination


# -- catalogue endpoints --------------------------------------------------------------------------------------


def test_catalogue_lists(clerk, django_assert_max_num_queries):
    client = api_client(clerk)
    paths = {"/api/v1/catalogue/regulations/": {"page_size": 500},
             "/api/v1/catalogue/document-types/": {"page_size": 500}, "/api/v1/return-reasons/": {}}
    few = {path: count(client, path, params) for path, params in paths.items()}
    sizes = {path: len(_rows(client.get(path, params).json())) for path, params in paths.items()}
    for index in range(20):
        Regulation.objects.create(code=f"TEST-{index}", name=f"Văn bản thử {index}",
                                  effective_from=datetime.date(2000, 1, 1) + datetime.timedelta(days=index))
        DocumentType.objects.create(code=f"test_{index}", name=f"Tài liệu thử {index}", order=900 + index)
        ReturnReason.objects.create(code=f"test_{index}", name=f"Lý do thử {index}", order=900 + index)
    for path, params in paths.items():
        with django_assert_max_num_queries(few[path]):
            response = client.get(path, params)
        assert len(_rows(response.json())) == sizes[path] + 20, path


def _rows(body):
    return body["results"] if isinstance(body, dict) else body


# -- a member's own ballot through the API --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_members_ballot_endpoint_for_5_and_60_items():
    counts = []
    for items in (5, 60):
        with transaction.atomic():  # each session in a savepoint rolled back: the builds share unit codes
            setup = council_ballot.build(items=items, members=3, seed=11)
            client = api_client(setup.voters[2])
            path = f"/api/v1/council-sessions/{setup.session.pk}/ballot/"
            cast = client.post(path, {"choices": {str(pk): "agree" for pk in setup.item_ids}}, format="json")
            assert cast.status_code == 201, cast.content
            receipt = cast.json()["receipt"]
            counts.append(count(client, path) if not setup.session.secret
                          else _count_with_receipt(client, path, receipt))
            assert len(client.get(path, HTTP_X_BALLOT_RECEIPT=receipt).json()["choices"]) == items
            transaction.set_rollback(True)
    assert counts[0] == counts[1]


def _count_with_receipt(client, path, receipt) -> int:
    client.get(path, HTTP_X_BALLOT_RECEIPT=receipt)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path, HTTP_X_BALLOT_RECEIPT=receipt).status_code == 200
    return len(queries)

