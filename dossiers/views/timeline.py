"""The audit history of a dossier, told in words."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dossiers.models import (
    AuditEvent,
    AwardKind,
    AwardType,
    DocumentType,
    DossierState,
    NominationOutcome,
    VerdictResult,
)

FIELD_LABELS = {
    "kind": _("Loại hình"),
    "year": _("Năm"),
    "title": _("Trích yếu"),
    "movement_id": _("Phong trào"),
    "state": _("Trạng thái"),
    "reason": _("Lý do"),
    "return_count": _("Số lần trả lại"),
    "regulation": _("Văn bản áp dụng"),
    "prepared_by": _("Người chuyển"),
    "document_type": _("Loại tài liệu"),
    "name": _("Tệp"),
    "size": _("Dung lượng (byte)"),
    "sha256": _("SHA-256"),
    "nomination": _("Người, tập thể được đề nghị"),
    "nominee": _("Người/tập thể"),
    "award": _("Hình thức"),
    "award_type": _("Hình thức"),
    "achievement_summary": _("Tóm tắt thành tích"),
    "due_on": _("Hạn bổ sung"),
    "items": _("Nội dung cần bổ sung"),
    "note": _("Ghi chú"),
    "eligible": _("Số đề nghị đủ điều kiện"),
    "task": _("Việc"),
    "starts_on": _("Công khai từ ngày"),
    "ends_on": _("Công khai đến ngày"),
    "status": _("Tình trạng"),
    "outcome": _("Kết quả"),
    "closed_at": _("Kết thúc lúc"),
    "accepted": _("Chấp nhận ngoại lệ"),
    "criterion": _("Tiêu chuẩn"),
    "result": _("Kết quả kiểm tra"),
    "nomination_result": _("Kết quả của đề nghị"),
    "counts": _("Số tiêu chuẩn theo kết quả"),
    "regulations": _("Văn bản áp dụng"),
    "count": _("Số lượng"),
    "names": _("Danh sách tên"),
}
HIDDEN_FIELDS = {"prepared_by", "nomination", "movement_id", "award_type", "owner", "results", "effective",
                 "nominations", "verdict", "nomination_id"}
MAX_VALUE_LENGTH = 80


def _value(key, value, names=None) -> str:
    if value is None or value == "":
        return "—"
    if names and key in names and value in names[key]:
        return names[key][value]
    if key == "state":
        return str(DossierState(value).label) if value in DossierState.values else str(value)
    if key == "kind":
        return str(AwardKind(value).label) if value in AwardKind.values else str(value)
    if isinstance(value, bool):
        return str(_("Có")) if value else str(_("Không"))
    if isinstance(value, str) and value in NominationOutcome.values:
        return str(NominationOutcome(value).label)
    if isinstance(value, str) and value in VerdictResult.values:
        return str(VerdictResult(value).label)
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        value = ", ".join(
            f"{VerdictResult(k).label if k in VerdictResult.values else k}: {v}" for k, v in value.items()
        )
    if key == "sha256":
        return str(value)[:12]
    text = str(value)
    return text if len(text) <= MAX_VALUE_LENGTH else text[: MAX_VALUE_LENGTH - 1] + "…"


def change_lines(before: dict, after: dict, names: dict | None = None) -> list[dict]:
    """One line per changed field: label, before and after (either may be missing).

    ``names`` maps a field to {code: display name}, e.g. document type codes to their names.
    """
    before, after = before or {}, after or {}
    lines = []
    for key in [*before, *(k for k in after if k not in before)]:
        if key in HIDDEN_FIELDS:
            continue
        lines.append({
            "label": FIELD_LABELS.get(key, key),
            "before": _value(key, before[key], names) if key in before else None,
            "after": _value(key, after[key], names) if key in after else None,
        })
    return lines


def code_names(events) -> dict:
    """Names for the codes the events mention: three queries at most, whatever the number of events."""
    doc_codes, award_codes = set(), set()
    for event in events:
        for data in (event.before or {}, event.after or {}):
            if isinstance(data.get("document_type"), str):
                doc_codes.add(data["document_type"])
            if isinstance(data.get("award"), str):
                award_codes.add(data["award"])
    names = {"document_type": {}, "award": {}}
    if doc_codes:
        names["document_type"] = dict(DocumentType.objects.filter(code__in=doc_codes).values_list("code", "name"))
    if award_codes:
        for code, name in AwardType.objects.filter(code__in=award_codes).values_list("code", "name"):
            names["award"].setdefault(code, name)
    return names


def dossier_timeline(dossier) -> list[dict]:
    events = list(AuditEvent.objects.filter(dossier_id_ref=dossier.pk).order_by("id"))
    names = code_names(events)
    return [
        {"event": event, "changes": change_lines(event.before, event.after, names)}
        for event in events
    ]
