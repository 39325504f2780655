"""Certificates of merit (bằng khen) of a decision: one page per awardee, printed in one batch.

Two ways to print, per ``CertificateLayout``:

- ``full``: the whole certificate on plain paper (A4 landscape by default);
- ``preprinted``: only the variable fields, each placed at its position in
  millimetres from the top-left corner of the province's pre-printed blank.

``positions`` maps a field to ``{"x", "y", "width", "size", "align", "bold", "italic"}``
(mm, mm, mm, pt); missing fields take ``DEFAULT_POSITIONS``, and a field set to
``null`` (or ``{"hidden": true}``) is not printed (the blank already has it).
A test print shows sample data inside a frame per field, labelled with its
name and position, so that a clerk can line a blank up against it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404

from dossiers.documents.builders import common
from dossiers.documents.builders.decision import capitalised, decision_items
from dossiers.models import AwardCategory, CertificateLayout, Decision, SignerCapacity

FIELDS = ("nominee", "position_unit", "award", "achievement", "decision", "place_date", "signer_title",
          "signer_name")
FIELD_LABELS = {
    "nominee": "Họ và tên",
    "position_unit": "Chức vụ, đơn vị",
    "award": "Danh hiệu, hình thức",
    "achievement": "Thành tích",
    "decision": "Số, ngày quyết định",
    "place_date": "Địa danh, ngày tháng",
    "signer_title": "Chức danh người ký",
    "signer_name": "Họ tên người ký",
}
# A blank of A4 landscape (297 x 210 mm) whose border, motto, issuer, "TẶNG" and "BẰNG KHEN" are printed.
DEFAULT_POSITIONS = {
    "nominee": {"x": 40, "y": 92, "width": 217, "size": 22, "align": "center", "bold": True},
    "position_unit": {"x": 40, "y": 106, "width": 217, "size": 15, "align": "center"},
    "award": None,
    "achievement": {"x": 40, "y": 118, "width": 217, "size": 15, "align": "center", "italic": True},
    "decision": {"x": 28, "y": 168, "width": 112, "size": 12, "align": "left"},
    "place_date": {"x": 150, "y": 146, "width": 120, "size": 13, "align": "center", "italic": True},
    "signer_title": {"x": 150, "y": 153, "width": 120, "size": 13, "align": "center", "bold": True},
    "signer_name": {"x": 150, "y": 184, "width": 120, "size": 14, "align": "center", "bold": True},
}
SAMPLE = {
    "nominee": "Bà Nguyễn Thị Mẫu",
    "position_unit": "Trưởng phòng Tổng hợp, Sở Nông nghiệp và Môi trường",
    "verb": "TẶNG",
    "award": "BẰNG KHEN",
    "achievement": "Đã có thành tích xuất sắc trong thực hiện nhiệm vụ năm 2024",
    "signer_title": ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
    "signer_name": "Nguyễn Văn Ký",
}


def _number(value, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def field_positions(layout: CertificateLayout) -> dict[str, dict]:
    """Every printed field with its position (the layout's over the defaults)."""
    given = layout.positions if isinstance(layout.positions, dict) else {}
    found = {}
    for name in FIELDS:
        spec = given[name] if name in given else DEFAULT_POSITIONS[name]
        if not spec or (isinstance(spec, dict) and spec.get("hidden")):
            continue
        default = DEFAULT_POSITIONS[name] or {"x": 40, "y": 80, "width": 217, "size": 16, "align": "center"}
        align = spec.get("align", default.get("align", "left"))
        found[name] = {
            "name": name,
            "label": FIELD_LABELS[name],
            "x": _number(spec.get("x"), default["x"]),
            "y": _number(spec.get("y"), default["y"]),
            "width": _number(spec.get("width"), default["width"]),
            "size": _number(spec.get("size"), default["size"]),
            "align": align if align in ("left", "center", "right") else "left",
            "bold": bool(spec.get("bold", default.get("bold", False))),
            "italic": bool(spec.get("italic", default.get("italic", False))),
        }
    return found


def default_layout(province) -> CertificateLayout:
    layout = CertificateLayout.objects.filter(province=province, is_default=True).order_by("pk").first()
    return layout or CertificateLayout(province=province, name="Mẫu mặc định", mode=CertificateLayout.Mode.FULL)


def _signer(capacity: str, name: str) -> tuple[list[str], str]:
    if capacity == SignerCapacity.VICE_CHAIRMAN:
        return ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], name
    return ["CHỦ TỊCH"], name


def _award_heading(award_type) -> tuple[str, str]:
    if award_type.category == AwardCategory.EMULATION_TITLE:
        return "TẶNG DANH HIỆU", common.upper(award_type.name)
    if award_type.category == AwardCategory.CERTIFICATE_OF_MERIT:
        return "TẶNG", "BẰNG KHEN"
    return "TẶNG", common.upper(award_type.name)


def _decision_line(decision: Decision | None, day: datetime.date | None, number: str) -> str:
    return f"Quyết định số {number or common.BLANK + '/QĐ-UBND'} {common.reference_date(day)}"


def certificates_context(decision: Decision, *, layout: CertificateLayout | None = None, test: bool = False,
                         **options) -> dict:
    province = decision.province
    layout = layout or default_layout(province)
    base = {
        "issuer_line": f"CHỦ TỊCH ỦY BAN NHÂN DÂN {common.province_upper(province)}",
        "place_date": common.date_line(province, decision.decision_date),
        "decision": _decision_line(decision, decision.decision_date, decision.number),
    }
    if test:
        certificates = [{**base, **SAMPLE,
                         "place_date": common.date_line(province, datetime.date(2024, 12, 31)),
                         "decision": _decision_line(None, datetime.date(2024, 12, 31), "99/QĐ-UBND")}]
    else:
        title, name = _signer(decision.signer_capacity, decision.signed_by.get_full_name()
                              if decision.signed_by_id else "")
        certificates = []
        for item in decision_items(decision):
            if item.forwarded:
                continue
            nomination = item.nomination
            verb, award = _award_heading(item.award_type)
            dossier = nomination.dossier
            certificates.append({
                **base,
                "nominee": common.prefix_name(nomination),
                "position_unit": common.subject_description(nomination),
                "verb": verb,
                "award": award,
                "achievement": capitalised(common.kind_phrase(dossier.kind, dossier.year, dossier.movement)),
                "signer_title": title,
                "signer_name": name,
            })
    return {
        "document_type": "BẰNG KHEN",
        "title": decision.title,
        "issuer": {"name": common.province_issuer(province)["name"]},
        "layout": {
            "name": layout.name,
            "preprinted": layout.mode == CertificateLayout.Mode.PREPRINTED,
            "width": layout.page_width_mm or 297,
            "height": layout.page_height_mm or 210,
            "fields": list(field_positions(layout).values()),
        },
        "test": bool(test),
        "certificates": certificates,
        "rows": len(certificates),
    }


def split(context: dict) -> list[dict]:
    """Parts of a few certificates each, laid out one after the other (progress in the background)."""
    size = max(1, int(getattr(settings, "DOCUMENT_CERTIFICATE_CHUNK", 20)))
    certificates = context["certificates"]
    if len(certificates) <= size:
        return [context]
    return [{**context, "certificates": certificates[start:start + size], "rows": len(certificates[start:start + size])}
            for start in range(0, len(certificates), size)]


def parse_options(decision: Decision, query) -> dict:
    """``?layout=<id>`` (a layout of the decision's province) and ``?test=1``."""
    options = {"test": query.get("test") in ("1", "true", "on")}
    layout_id = query.get("layout")
    if layout_id:
        if not layout_id.isdigit():
            raise Http404
        options["layout"] = get_object_or_404(CertificateLayout, pk=int(layout_id), province_id=decision.province_id)
    return options


def validate_positions(value) -> None:
    """The admin's check of ``CertificateLayout.positions``: known fields, numbers in millimetres and points."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if value in (None, ""):
        return
    if not isinstance(value, dict):
        raise ValidationError(_("Vị trí các trường phải là một đối tượng JSON: {\"nominee\": {\"x\": 40, ...}}."))
    errors = []
    for name, spec in value.items():
        if name not in FIELDS:
            errors.append(_("Không có trường “%(name)s”; các trường là: %(fields)s.")
                          % {"name": name, "fields": ", ".join(FIELDS)})
            continue
        if spec is None or (isinstance(spec, dict) and spec.get("hidden")):
            continue
        if not isinstance(spec, dict):
            errors.append(_("Trường “%(name)s” phải là một đối tượng JSON hoặc null.") % {"name": name})
            continue
        for key in ("x", "y", "width", "size"):
            if key in spec and (isinstance(spec[key], bool) or not isinstance(spec[key], int | float)
                                or spec[key] < 0):
                errors.append(_("“%(key)s” của trường “%(name)s” phải là một số không âm.")
                              % {"key": key, "name": name})
        if spec.get("align", "left") not in ("left", "center", "right"):
            errors.append(_("“align” của trường “%(name)s” phải là left, center hoặc right.") % {"name": name})
    if errors:
        raise ValidationError(errors)
