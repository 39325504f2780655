"""A province with forwarded nominations and the people of the central stage, for the central tests.

Nominations are made forwarded the way the product does it: a decision of the
Chairman lists them and agrees to propose them upward (``forward_through_decision``),
or, where a test only needs many rows, directly in that outcome (``forwarded_rows``).
Submissions are moved through their states by the services (``drive``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dossiers.models import Dossier, Nomination
from dossiers.services import central as svc
from dossiers.services import decisions
from dossiers.services.attachments import upload_attachment
from tests.factories import (
    CollectiveFactory,
    DossierFactory,
    NominationFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
    award,
    document_type,
    pdf_upload,
)

DAY = datetime.date(2026, 3, 5)
STEPS = ["signed", "sent", "received", "decided", "items_received", "handed_over", "closed"]


@dataclass
class People:
    specialist: object
    lead: object
    chairman: object
    liaison: object
    auditor: object
    clerk: object


def people(province) -> People:
    home_affairs = UnitFactory(province=province, name="Sở Nội vụ")
    office = UnitFactory(province=province, name="Văn phòng UBND tỉnh")
    inspectorate = UnitFactory(province=province, name="Thanh tra tỉnh")
    finance = UnitFactory(province=province, name="Sở Tài chính")
    return People(
        specialist=UserFactory(unit=home_affairs, roles=["ha_specialist"], username="chuyenvien"),
        lead=UserFactory(unit=home_affairs, roles=["ha_lead"], username="lanhdao"),
        chairman=UserFactory(unit=office, roles=["signer"], username="chutich", last_name="Lê",
                             first_name="Văn Lương"),
        liaison=UserFactory(unit=home_affairs, roles=["central_liaison"], username="lienhe", last_name="Lường",
                            first_name="Thị Hạnh"),
        auditor=UserFactory(unit=inspectorate, roles=["auditor"], username="kiemtra"),
        clerk=UserFactory(unit=finance, roles=["unit_clerk"], username="canbo"),
    )


def forward_through_decision(province, who: People, *, unit_name="Sở Tài chính", year=2025,
                             nominees=(("Đặng Văn Tùng", "HC_LD3_CN"),), day=DAY, files=()) -> list[Nomination]:
    """Nominations passed by the council and agreed by the Chairman's decision to be proposed upward.

    ``files``: (document type code, uploaded name, index of the nomination or None for the dossier's own),
    uploaded by the unit's clerk while the dossier was a draft.
    """
    unit = UnitFactory(province=province, name=unit_name)
    dossier = DossierFactory(unit=unit, year=year)
    nominations = [
        NominationFactory(dossier=dossier, award_type=award(code), outcome="council_passed",
                          person=PersonFactory(unit=unit, full_name=name))
        for name, code in nominees
    ]
    if files:
        clerk = UserFactory(unit=unit, roles=["unit_clerk"])
        for code, name, index in files:
            upload_attachment(actor=clerk, dossier=dossier, document_type=document_type(code),
                              uploaded_file=pdf_upload(name),
                              nomination=None if index is None else nominations[index])
    Dossier.objects.filter(pk=dossier.pk).update(state="awaiting_decision")
    decision = decisions.create_decision(actor=who.specialist, province=province, title="Về việc khen thưởng",
                                         nominations=nominations)
    decisions.check_decision(actor=who.lead, decision=decision, submission_date=day)
    decisions.sign_decision(actor=who.chairman, decision=decision, decision_date=day)
    return list(Nomination.objects.filter(pk__in=[n.pk for n in nominations]).order_by("pk"))


def forwarded_rows(province, count: int, *, unit=None, code="BK_TTG_CN", year=2025, collective=False):
    """``count`` forwarded nominations in one forwarded dossier (no decision behind them: list tests)."""
    unit = unit or UnitFactory(province=province)
    dossier = DossierFactory(unit=unit, state="forwarded", year=year)
    rows = []
    for _ in range(count):
        if collective:
            rows.append(NominationFactory(dossier=dossier, award_type=award(code), outcome="forwarded", person=None,
                                          collective=CollectiveFactory(unit=unit)))
        else:
            rows.append(NominationFactory(dossier=dossier, award_type=award(code), outcome="forwarded",
                                          person=PersonFactory(unit=unit)))
    return rows


def drive(submission, who: People, until: str, *, day=DAY, granted=True):
    """Move a submission on through the services, from its state up to the state ``until``."""
    first = STEPS.index(submission.state) + 1 if submission.state in STEPS else 0
    for step in STEPS[first: STEPS.index(until) + 1]:
        if step == "signed":
            svc.sign_submission(actor=who.chairman, submission=submission, signed_on=day)
        elif step == "sent":
            svc.record_sent(actor=who.liaison, submission=submission, sent_on=day, channel="Hệ thống hồ sơ điện tử",
                            dispatch_number="CV 123/UBND-NC")
        elif step == "received":
            svc.record_received(actor=who.liaison, submission=submission, received_on=day)
        elif step == "decided":
            for item in submission.items.all():
                if granted:
                    svc.record_item_decision(actor=who.liaison, item=item, granted=True, authority="president",
                                             decision_number="1234/QĐ-CTN", decision_date=day)
                else:
                    svc.record_item_decision(actor=who.liaison, item=item, granted=False, reason="Chưa đủ điều kiện")
        elif step == "items_received":
            svc.record_items_received(actor=who.liaison, submission=submission, received_on=day)
        elif step == "handed_over":
            svc.record_handed_over(actor=who.liaison, submission=submission, handed_over_on=day)
        elif step == "closed":
            svc.close_submission(actor=who.liaison, submission=submission, closed_on=day)
    submission.refresh_from_db()
    return submission
