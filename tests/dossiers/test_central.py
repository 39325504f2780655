"""Forwarding to the central level: a submission through every state, a return included."""

from __future__ import annotations

import datetime

import pytest

from dossiers.exceptions import ConflictError, DomainError, PermissionDeniedError
from dossiers.models import AwardRecord, CentralSubmission, Dossier, Nomination
from dossiers.services import central as svc
from dossiers.services.audit import verify_chain
from tests.dossiers.test_decisions import DAY, signed
from tests.factories import UserFactory


@pytest.fixture
def liaison(ha_unit):
    return UserFactory(unit=ha_unit, roles=["central_liaison"], username="lienhe")


@pytest.fixture
def forwarded(province, ready, ha_specialist, lead, chairman):
    """The Chairman's decision agreed to propose the order upward: the nomination is forwarded."""
    signed(province, ha_specialist, lead, chairman, ready)
    return Nomination.objects.get(outcome="forwarded")


def test_whole_life_of_a_submission(province, forwarded, ha_specialist, chairman, liaison):
    assert list(svc.forwardable(province=province)) == [forwarded]
    submission = svc.create_submission(actor=ha_specialist, province=province,
                                       title="Đề nghị Chủ tịch nước tặng Huân chương Lao động", nominations=[forwarded])
    assert list(svc.forwardable(province=province)) == []
    submission = svc.sign_submission(actor=chairman, submission=submission, signed_on=DAY)
    assert submission.state == "signed" and submission.number == "01/TTr-UBND"
    submission = svc.record_sent(actor=liaison, submission=submission, sent_on=DAY, channel="Hệ thống hồ sơ điện tử",
                                 dispatch_number="CV 123/UBND-NC")
    assert submission.state == "sent"
    # the Ministry returns it for supplement; the province supplements and sends again
    with pytest.raises(DomainError, match="lý do"):
        svc.record_returned(actor=liaison, submission=submission, returned_on=DAY, reason="")
    submission = svc.record_returned(actor=liaison, submission=submission, returned_on=DAY,
                                     reason="Thiếu xác nhận của cơ quan thuế")
    assert submission.state == "returned" and submission.return_count == 1
    submission = svc.record_sent(actor=liaison, submission=submission, sent_on=DAY + datetime.timedelta(days=7),
                                 channel="Hệ thống hồ sơ điện tử", dispatch_number="CV 145/UBND-NC")
    submission = svc.record_received(actor=liaison, submission=submission, received_on=DAY + datetime.timedelta(days=9))
    assert submission.state == "received"
    with pytest.raises(DomainError, match="không chuyển tiếp được"):
        svc.record_items_received(actor=liaison, submission=submission, received_on=DAY)
    item = submission.items.get()
    svc.record_item_decision(actor=liaison, item=item, granted=True, authority="president",
                             decision_number="1234/QĐ-CTN", decision_date=datetime.date(2026, 8, 20))
    with pytest.raises(ConflictError):
        svc.record_item_decision(actor=liaison, item=item, granted=False, reason="x")
    submission.refresh_from_db()
    assert submission.state == "decided"
    record = AwardRecord.objects.get(award_code="HC_LD3_CN")
    assert (record.decision_number, record.decided_by) == ("1234/QĐ-CTN", "Chủ tịch nước")
    assert Nomination.objects.get(pk=forwarded.pk).outcome == "granted"
    assert Dossier.objects.get().state == "closed"
    submission = svc.record_items_received(actor=liaison, submission=submission, received_on=datetime.date(2026, 9, 5))
    submission = svc.record_handed_over(actor=liaison, submission=submission, handed_over_on=datetime.date(2026, 9, 20))
    submission = svc.close_submission(actor=liaison, submission=submission)
    assert submission.state == "closed"
    assert verify_chain() == []


def test_declined_with_a_reason(province, forwarded, ha_specialist, chairman, liaison):
    submission = svc.create_submission(actor=ha_specialist, province=province, title="Trình", nominations=[forwarded])
    svc.sign_submission(actor=chairman, submission=submission)
    svc.record_sent(actor=liaison, submission=submission, sent_on=DAY, channel="Bưu điện", dispatch_number="CV 1")
    svc.record_received(actor=liaison, submission=submission, received_on=DAY)
    with pytest.raises(DomainError, match="lý do"):
        svc.record_item_decision(actor=liaison, item=submission.items.get(), granted=False)
    svc.record_item_decision(actor=liaison, item=submission.items.get(), granted=False,
                             reason="Chưa đủ thời gian giữ hình thức khen thưởng trước")
    assert Nomination.objects.get(pk=forwarded.pk).outcome == "declined"
    assert not AwardRecord.objects.filter(award_code="HC_LD3_CN").exists()
    assert Dossier.objects.get().state == "closed"


def test_roles_and_order(province, forwarded, ha_specialist, chairman, liaison, clerk):
    with pytest.raises(PermissionDeniedError):
        svc.create_submission(actor=clerk, province=province, title="X", nominations=[forwarded])
    submission = svc.create_submission(actor=liaison, province=province, title="X", nominations=[forwarded])
    with pytest.raises(PermissionDeniedError):
        svc.sign_submission(actor=liaison, submission=submission)
    with pytest.raises(DomainError, match="không ghi nhận gửi được"):
        svc.record_sent(actor=liaison, submission=submission, sent_on=DAY, channel="a", dispatch_number="b")
    with pytest.raises(DomainError, match="chưa có trong hồ sơ trình khác"):
        svc.create_submission(actor=liaison, province=province, title="Y", nominations=[forwarded])
    assert CentralSubmission.objects.count() == 1
