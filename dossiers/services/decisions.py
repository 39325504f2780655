"""Award decisions: HA drafts, the HA lead checks (TTr-SNV), the Chairman signs (QĐ-UBND).

Signing is one transaction: the decision gets its number from the register,
provincial nominations become awarded with their cash reward and an award
record in the history (the initiatives they counted are marked used),
nominations for the Prime Minister or the President are marked forwarded, and
each dossier whose nominations are all decided moves on (closed, or forwarded)
and wakes its review process.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from dossiers.documents.numbering import allocate_number
from dossiers.exceptions import ConflictError, DomainError, PermissionDeniedError
from dossiers.models import (
    Authority,
    AwardRecord,
    BaseSalary,
    Decision,
    DecisionItem,
    DecisionKind,
    DecisionState,
    Dossier,
    DossierState,
    Initiative,
    Nomination,
    NominationOutcome,
    RevocationItem,
    Source,
    cash_amount,
)
from dossiers.models.users import Role
from dossiers.services.audit import record_event
from dossiers.services.dossiers import _save_transition, lock_dossier
from dossiers.services.signers import signer_capacity_of
from dossiers.text import clean_line, nfc

HA_ISSUER, PROVINCE_ISSUER = "SNV", "UBND"
READY_OUTCOMES = (NominationOutcome.COUNCIL_PASSED, NominationOutcome.ELIGIBLE)


def _in_province(user, province) -> bool:
    return user.unit is not None and user.unit.province_id == province.pk


def _require_ha(actor, province, message):
    if not (actor.has_role(Role.HA_SPECIALIST, Role.HA_LEAD) and _in_province(actor, province)):
        raise PermissionDeniedError("permission_denied", message)


def _lock(decision: Decision) -> Decision:
    return Decision.objects.select_for_update().select_related("province").get(pk=decision.pk)


def _save(decision: Decision) -> None:
    try:
        decision.save()
    except ConcurrentTransition:
        raise ConflictError("conflict", _("Quyết định vừa được người khác thay đổi. Hãy tải lại trang.")) from None


def ready_for_decision(*, province, year=None, award_code=None, unit_id=None, session_id=None,
                       dossier_id=None) -> QuerySet[Nomination]:
    """Nominations the Chairman may now decide or propose upward, not yet on a decision.

    ``session_id`` keeps those a council session voted on (through the reverse
    relation ``agenda_items``: no import of the councils app).
    """
    taken = DecisionItem.objects.exclude(decision__state=DecisionState.REVOKED).values("nomination_id")
    qs = (
        Nomination.objects.filter(dossier__unit__province=province, dossier__state=DossierState.AWAITING_DECISION)
        .filter(Q(outcome=NominationOutcome.COUNCIL_PASSED)
                | Q(outcome=NominationOutcome.ELIGIBLE, award_type__vote_required=False))
        .exclude(pk__in=taken)
        .select_related("award_type", "dossier", "dossier__unit", "person", "collective")
    )
    if year:
        qs = qs.filter(dossier__year=year)
    if award_code:
        qs = qs.filter(award_type__code=award_code)
    if unit_id:
        qs = qs.filter(dossier__unit_id=unit_id)
    if dossier_id:
        qs = qs.filter(dossier_id=dossier_id)
    if session_id:
        qs = qs.filter(pk__in=Nomination.objects.filter(agenda_items__session_id=session_id).values("pk"))
    return qs.order_by("award_type__rank", "award_type__code", "dossier__unit__name_key", "person__sort_key",
                       "collective__sort_key", "id")


@transaction.atomic
def create_decision(*, actor, province, title: str, nominations, legal_bases: str = "",
                    recipients: str = "") -> Decision:
    """HA drafts the submission and the decision from nominations ready for it."""
    _require_ha(actor, province, _("Chỉ Sở Nội vụ được lập dự thảo quyết định khen thưởng."))
    title = clean_line(title)
    if not title:
        raise DomainError("invalid", _("Hãy nhập trích yếu của quyết định."))
    decision = Decision.objects.create(province=province, title=title, legal_bases=nfc(legal_bases) or "",
                                       recipients=nfc(recipients) or "", created_by=actor)
    add_items(actor=actor, decision=decision, nominations=nominations)
    record_event(actor=actor, action="decision.drafted", obj=decision, after={"title": title},
                 message=_("Lập dự thảo quyết định khen thưởng"))
    return decision


@transaction.atomic
def update_draft(*, actor, decision: Decision, title: str, legal_bases: str = "", recipients: str = "") -> Decision:
    """HA edits the text of a draft: its title (trích yếu), legal bases and recipients, one per line."""
    decision = _lock(decision)
    _require_ha(actor, decision.province, _("Chỉ Sở Nội vụ được sửa dự thảo."))
    if decision.state != DecisionState.DRAFT:
        raise DomainError("invalid_state", _("Chỉ sửa được dự thảo chưa trình ký."))
    title = clean_line(title)
    if not title:
        raise DomainError("invalid", _("Hãy nhập trích yếu của quyết định."),
                          details=[{"field": "title", "message": _("Hãy nhập trích yếu của quyết định.")}])
    before = {"title": decision.title, "legal_bases": decision.legal_bases, "recipients": decision.recipients}
    decision.title = title
    decision.legal_bases = _lines(legal_bases)
    decision.recipients = _lines(recipients)
    after = {"title": decision.title, "legal_bases": decision.legal_bases, "recipients": decision.recipients}
    if after == before:
        return decision
    _save(decision)
    record_event(actor=actor, action="decision.edited", obj=decision,
                 before={k: v for k, v in before.items() if after[k] != v},
                 after={k: v for k, v in after.items() if before[k] != v},
                 message=_("Sửa dự thảo quyết định"))
    return decision


def _lines(text: str) -> str:
    """One entry per line: each line cleaned, empty lines dropped."""
    return "\n".join(line for line in (clean_line(raw) for raw in (nfc(text) or "").splitlines()) if line)


@transaction.atomic
def add_items(*, actor, decision: Decision, nominations) -> list[DecisionItem]:
    decision = _lock(decision)
    _require_ha(actor, decision.province, _("Chỉ Sở Nội vụ được sửa dự thảo."))
    if decision.state != DecisionState.DRAFT or decision.kind != DecisionKind.AWARD:
        raise DomainError("invalid_state", _("Chỉ sửa được danh sách của dự thảo quyết định khen thưởng."))
    wanted = [n.pk for n in nominations]
    ready = {n.pk: n for n in ready_for_decision(province=decision.province).filter(pk__in=wanted)}
    missing = [pk for pk in wanted if pk not in ready]
    if missing:
        raise DomainError("not_ready", _("Có %(count)d đề nghị chưa sẵn sàng để quyết định hoặc đã có trong dự "
                                         "thảo khác.") % {"count": len(missing)})
    start = decision.items.count()
    items = [DecisionItem(decision=decision, nomination=n, award_type=n.award_type, forwarded=n.award_type.forwarded,
                          position=start + index) for index, n in enumerate(ready[pk] for pk in wanted)]
    DecisionItem.objects.bulk_create(items)
    _renumber(decision)
    return items


@transaction.atomic
def remove_item(*, actor, item: DecisionItem) -> None:
    decision = _lock(item.decision)
    _require_ha(actor, decision.province, _("Chỉ Sở Nội vụ được sửa dự thảo."))
    if decision.state != DecisionState.DRAFT:
        raise DomainError("invalid_state", _("Chỉ sửa được danh sách của dự thảo."))
    item.delete()
    _renumber(decision)


def _renumber(decision: Decision) -> None:
    items = list(decision.items.select_related("award_type", "nomination__dossier__unit", "nomination__person",
                                               "nomination__collective"))
    items.sort(key=lambda i: (i.forwarded, i.award_type.rank, i.award_type.code,
                              i.nomination.dossier.unit.name_key,
                              i.nomination.person.sort_key if i.nomination.person_id else "~"
                              + i.nomination.collective.sort_key, i.pk))
    for position, item in enumerate(items, start=1):
        item.position = position
    DecisionItem.objects.bulk_update(items, ["position"])


@transaction.atomic
def check_decision(*, actor, decision: Decision, submission_date: datetime.date | None = None) -> Decision:
    """The HA lead checks the draft and issues the submission to the Chairman (numbered TTr-SNV)."""
    decision = _lock(decision)
    if not (actor.has_role(Role.HA_LEAD) and _in_province(actor, decision.province)):
        raise PermissionDeniedError("permission_denied", _("Chỉ lãnh đạo Sở Nội vụ kiểm tra, trình ký."))
    if decision.state != DecisionState.DRAFT:
        raise DomainError("invalid_state", _("Quyết định không ở trạng thái dự thảo."))
    if not decision.items.exists() and not decision.revocations.exists():
        raise DomainError("empty", _("Dự thảo chưa có nội dung."))
    day = submission_date or timezone.localdate()
    if not decision.submission_number:
        number = allocate_number(scope=decision.province.code, issuer=HA_ISSUER, type_code="TTr", year=day.year,
                                 object_type="dossiers.decision", object_id=str(decision.pk))
        decision.submission_number = number.symbol
        decision.submission_date = day
    decision.mark_checked(by=actor)
    _save(decision)
    record_event(actor=actor, action="decision.checked", obj=decision,
                 after={"submission_number": decision.submission_number, "submission_date": day},
                 message=_("Lãnh đạo Sở kiểm tra, trình Chủ tịch UBND tỉnh ký"))
    return decision


@transaction.atomic
def send_back(*, actor, decision: Decision, note: str) -> Decision:
    """The signer (or the HA lead) returns the checked draft for changes."""
    decision = _lock(decision)
    if not (actor.has_role(Role.SIGNER, Role.HA_LEAD) and _in_province(actor, decision.province)):
        raise PermissionDeniedError("permission_denied", _("Bạn không được trả lại dự thảo này."))
    if decision.state != DecisionState.CHECKED:
        raise DomainError("invalid_state", _("Chỉ trả lại được dự thảo đã trình ký."))
    note = clean_line(note)
    if not note:
        raise DomainError("reason_required", _("Hãy nêu nội dung cần sửa."))
    decision.send_back()
    _save(decision)
    record_event(actor=actor, action="decision.sent_back", obj=decision, after={"note": note},
                 message=_("Trả lại dự thảo quyết định để sửa"))
    return decision


@transaction.atomic
def sign_decision(*, actor, decision: Decision, capacity: str | None = None,
                  decision_date: datetime.date | None = None) -> Decision:
    """The Chairman (or a Vice-Chairman for him) signs: number, awards, history, dossiers, all at once.

    The capacity is the signer's own (``User.signer_capacity``); ``capacity``, when given, must match it.
    """
    from dossiers.eligibility.evaluator import evaluate
    from dossiers.signals import decision_signed

    decision = _lock(decision)
    if not (actor.has_role(Role.SIGNER) and _in_province(actor, decision.province)):
        raise PermissionDeniedError("permission_denied", _("Chỉ Chủ tịch, Phó Chủ tịch UBND tỉnh ký quyết định."))
    if decision.state != DecisionState.CHECKED:
        raise DomainError("invalid_state", _("Quyết định chưa được lãnh đạo Sở Nội vụ kiểm tra, trình ký."))
    capacity = signer_capacity_of(actor, capacity)
    day = decision_date or timezone.localdate()
    number = allocate_number(scope=decision.province.code, issuer=PROVINCE_ISSUER, type_code="QĐ", year=day.year,
                             object_type="dossiers.decision", object_id=str(decision.pk))
    decision.number = number.symbol
    decision.decision_date = day
    decision.sign(by=actor, capacity=capacity)
    if decision.kind == DecisionKind.REVOCATION:
        _save(decision)
        _apply_revocations(actor, decision)
        return decision
    # Locked, so that an administrator's edit of this row waits for the signing and then sees it used.
    salary = BaseSalary.objects.select_for_update().filter(effective_from__lte=day).order_by("-effective_from").first()
    if salary is None:
        raise DomainError("no_base_salary", _("Chưa có mức lương cơ sở áp dụng vào ngày %(day)s.")
                          % {"day": day.strftime("%d/%m/%Y")})
    decision.base_salary = salary.amount
    _save(decision)

    items = list(decision.items.select_related("award_type", "nomination", "nomination__dossier",
                                               "nomination__person", "nomination__collective"))
    stale = [i for i in items if i.nomination.outcome not in READY_OUTCOMES]
    if stale:
        raise ConflictError("stale", _("%(name)s không còn ở trạng thái chờ quyết định.")
                          % {"name": stale[0].nomination.subject_name})
    verdicts = evaluate([i.nomination for i in items if not i.forwarded])
    decided_by = _("Chủ tịch UBND %(province)s") % {"province": decision.province.name}
    for item in items:
        nomination = item.nomination
        if item.forwarded:
            nomination.forward()
        else:
            nomination.award()
            item.cash_amount = cash_amount(item.award_type.cash_multiple, salary.amount) \
                if item.award_type.cash_multiple else 0
            record = AwardRecord.objects.create(
                person=nomination.person, collective=nomination.collective, award_type=item.award_type,
                award_code=item.award_type.code, award_name=item.award_type.name, year=nomination.dossier.year,
                kind=nomination.dossier.kind, decision_number=decision.number, decision_date=day,
                decided_by=decided_by, nomination=nomination, source=Source.SYSTEM,
            )
            used = getattr(verdicts.get(nomination.pk), "initiative_ids", None) or []
            if used:
                Initiative.objects.filter(pk__in=used, used_by__isnull=True).update(used_by=record)
        nomination.save()
    DecisionItem.objects.bulk_update(items, ["cash_amount"])
    total = sum(i.cash_amount for i in items)
    record_event(actor=actor, action="decision.signed", obj=decision,
                 after={"number": decision.number, "date": day, "capacity": capacity, "items": len(items),
                        "base_salary": salary.amount, "total": total},
                 message=_("Ký ban hành Quyết định số %(number)s") % {"number": decision.number})
    for dossier_id in sorted({i.nomination.dossier_id for i in items}):
        _move_dossier_on(actor, dossier_id, decision)
    for dossier_id in sorted({i.nomination.dossier_id for i in items}):
        dossier = Dossier.objects.get(pk=dossier_id)
        if dossier.state != DossierState.AWAITING_DECISION:
            decision_signed.send(sender=Dossier, dossier=dossier, decision=decision)
    return decision


def _move_dossier_on(actor, dossier_id: int, decision: Decision) -> None:
    """Once none of its nominations waits for a decision, the dossier is decided, then closed or forwarded."""
    dossier = lock_dossier(Dossier(pk=dossier_id))
    waiting = dossier.nominations.filter(
        Q(outcome=NominationOutcome.COUNCIL_PASSED) | Q(outcome=NominationOutcome.ELIGIBLE, award_type__vote_required=False)
    ).exists()
    if waiting or dossier.state != DossierState.AWAITING_DECISION:
        return
    dossier.mark_decided()
    if dossier.nominations.filter(outcome=NominationOutcome.FORWARDED).exists():
        dossier.forward()
    else:
        dossier.close()
    _save_transition(dossier)
    record_event(actor=actor, action="dossier.decided", obj=dossier, dossier=dossier,
                 before={"state": DossierState.AWAITING_DECISION}, after={"state": dossier.state},
                 message=_("Có Quyết định số %(number)s") % {"number": decision.number})


@transaction.atomic
def draft_revocation(*, actor, province, title: str, records: list[tuple[AwardRecord, str]]) -> Decision:
    """A decision revoking awards (Law Art. 93): the records stay in history, marked revoked with the reason."""
    _require_ha(actor, province, _("Chỉ Sở Nội vụ được lập dự thảo quyết định hủy bỏ."))
    title = clean_line(title)
    if not title or not records:
        raise DomainError("invalid", _("Hãy nhập trích yếu và chọn khen thưởng cần hủy bỏ."))
    decision = Decision.objects.create(province=province, kind=DecisionKind.REVOCATION, title=title, created_by=actor)
    rows = []
    for record, reason in records:
        reason = clean_line(reason)
        if not reason:
            raise DomainError("reason_required", _("Hãy nêu lý do hủy bỏ khen thưởng của %(name)s.")
                              % {"name": record.subject_name})
        if record.revoked:
            raise DomainError("already_revoked", _("Khen thưởng của %(name)s đã bị hủy bỏ.")
                              % {"name": record.subject_name})
        _require_revocable(record, province)
        rows.append(RevocationItem(decision=decision, award_record=record, reason=reason))
    RevocationItem.objects.bulk_create(rows)
    record_event(actor=actor, action="decision.revocation_drafted", obj=decision,
                 after={"records": [r.award_record_id for r in rows]},
                 message=_("Lập dự thảo quyết định hủy bỏ khen thưởng"))
    return decision


def _require_revocable(record: AwardRecord, province) -> None:
    """Whoever decided an award revokes it (Law Art. 93): the province revokes its own, once at a time."""
    subject = record.subject
    if subject.unit.province_id != province.pk:
        raise DomainError("not_found", _("Không tìm thấy khen thưởng này trong tỉnh."))
    if record.award_type_id and record.award_type.authority != Authority.PROVINCIAL_CHAIRMAN:
        raise DomainError("not_provincial", _("Khen thưởng “%(award)s” của %(name)s không do Chủ tịch UBND tỉnh "
                                              "quyết định: cấp nào quyết định thì cấp đó hủy bỏ.")
                          % {"award": record.award_name, "name": record.subject_name})
    pending = RevocationItem.objects.filter(award_record=record, decision__state__in=[DecisionState.DRAFT,
                                                                                      DecisionState.CHECKED])
    if pending.exists():
        raise DomainError("revocation_pending", _("Khen thưởng của %(name)s đã có trong một dự thảo quyết định hủy "
                                                  "bỏ khác.") % {"name": record.subject_name})


def _apply_revocations(actor, decision: Decision) -> None:
    items = list(decision.revocations.select_related("award_record", "award_record__nomination"))
    for item in items:
        record = item.award_record
        AwardRecord.objects.filter(pk=record.pk).update(
            revoked=True, revoked_reason=f"{item.reason} (Quyết định số {decision.number})")
        if record.nomination_id and record.nomination.outcome in (NominationOutcome.AWARDED,
                                                                 NominationOutcome.GRANTED):
            nomination = Nomination.objects.get(pk=record.nomination_id)
            nomination.revoke()
            nomination.save()
        Initiative.objects.filter(used_by=record).update(used_by=None)
    record_event(actor=actor, action="decision.revocation_signed", obj=decision,
                 after={"number": decision.number, "records": list(decision.revocations.values_list(
                     "award_record_id", flat=True))},
                 message=_("Ký Quyết định số %(number)s hủy bỏ khen thưởng") % {"number": decision.number})
    _revoke_emptied_decisions(actor, decision, [item.award_record for item in items])


def _revoke_emptied_decisions(actor, revocation: Decision, records: list[AwardRecord]) -> None:
    """An award decision none of whose awards still stands is itself revoked (``revoked``, audited).

    Its awards are the records it wrote (matched by nomination, number and date: numbers restart every
    year). One that still has a standing award, or that proposed someone upward (that part is not the
    province's to revoke), stays signed and shows which of its awards were revoked by which decision.
    """
    nomination_ids = [record.nomination_id for record in records if record.nomination_id]
    if not nomination_ids:
        return
    touched = (Decision.objects.filter(kind=DecisionKind.AWARD, state=DecisionState.SIGNED,
                                       province_id=revocation.province_id, items__nomination_id__in=nomination_ids)
               .values_list("pk", flat=True).distinct().order_by("pk"))
    for pk in list(touched):
        target = _lock(Decision(pk=pk))
        if target.state != DecisionState.SIGNED:
            continue
        standing = AwardRecord.objects.filter(nomination__decision_items__decision=target, revoked=False,
                                              decision_number=target.number, decision_date=target.decision_date)
        if standing.exists() or target.items.filter(forwarded=True).exists():
            continue
        target.mark_revoked()
        _save(target)
        record_event(actor=actor, action="decision.revoked", obj=target,
                     before={"state": DecisionState.SIGNED},
                     after={"state": DecisionState.REVOKED, "revoked_by": revocation.number,
                            "revoked_by_id": revocation.pk},
                     message=_("Mọi khen thưởng của quyết định đã bị hủy bỏ (Quyết định số %(number)s): quyết "
                               "định bị hủy bỏ") % {"number": revocation.number})


def public_decisions(province=None) -> QuerySet[Decision]:
    """Signed award decisions, newest first, as the province publishes them (every province's when None)."""
    qs = Decision.objects.filter(kind=DecisionKind.AWARD, state__in=[DecisionState.SIGNED, DecisionState.REVOKED])
    if province is not None:
        qs = qs.filter(province=province)
    return qs.order_by("-decision_date", "-id")



