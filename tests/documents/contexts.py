"""Realistic contexts for the document templates, as the councils app builds them (plain values)."""

from __future__ import annotations

import datetime

from dossiers.documents.formatting import percent

MEMBERS = [
    ("Lê Văn Lương", "Chủ tịch UBND tỉnh", "Chủ tịch Hội đồng"),
    ("Tống Thanh Hải", "Phó Chủ tịch UBND tỉnh", "Phó Chủ tịch Hội đồng"),
    ("Nguyễn Đức Thịnh", "Giám đốc Sở Nội vụ", "Phó Chủ tịch thường trực"),
    ("Phạm Thị Ngọc Ánh", "Trưởng ban Thi đua - Khen thưởng, Sở Nội vụ", "Thư ký Hội đồng"),
    ("Đặng Văn Tùng", "Giám đốc Sở Tài chính", "Ủy viên"),
    ("Hoàng Thị Thanh Huyền", "Chủ tịch Liên đoàn Lao động tỉnh", "Ủy viên"),
    ("Lò Văn Sơn", "Trưởng ban Dân tộc tỉnh", "Ủy viên"),
    ("Vũ Quốc Khánh", "Chánh Văn phòng UBND tỉnh", "Ủy viên"),
    ("Trần Thị Mỹ Dung", "Giám đốc Sở Giáo dục và Đào tạo", "Ủy viên"),
    ("Bùi Xuân Trường", "Giám đốc Công an tỉnh", "Ủy viên"),
    ("Đỗ Thị Hường", "Chủ tịch Hội Liên hiệp Phụ nữ tỉnh", "Ủy viên"),
    ("Giàng A Dính", "Chủ tịch Hội Nông dân tỉnh", "Ủy viên"),
    ("Lù Thị Ỏn", "Bí thư Tỉnh đoàn", "Ủy viên"),
    ("Quàng Văn Ưng", "Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh", "Ủy viên"),
    ("Đinh Thị Ửng", "Giám đốc Sở Y tế", "Ủy viên"),
]

NOMINEES = [
    ("Nguyễn Thị Thu Hà", "Sở Tài chính", "Chiến sĩ thi đua cấp tỉnh", 90, 12, 1, 0, 2),
    ("Đặng Văn Tùng", "Sở Nông nghiệp và Môi trường", "Chiến sĩ thi đua cấp tỉnh", 90, 11, 2, 0, 2),
    ("Hoàng Thị Thanh Huyền", "Trường THPT Chuyên Lê Quý Đôn", "Chiến sĩ thi đua cơ sở", 80, 11, 1, 1, 1),
    ("Lò Văn Sơn", "UBND xã Bình Lư", "Bằng khen của Chủ tịch UBND tỉnh", 50, 10, 3, 0, 1),
]


def person(name: str, position: str, role: str) -> dict:
    return {"name": name, "position": position, "role_label": role}


def item(position: int, nominee: str, unit: str, award: str, threshold: int, agree: int, disagree: int,
         abstain: int, written_agree: int, *, members_total: int = 15, valid: int = 13) -> dict:
    total = agree + written_agree
    if threshold == 50:
        passed, label = total * 2 > members_total, "quá 50%"
    else:
        passed, label = total * 100 >= threshold * members_total, f"từ {threshold}% trở lên"
    return {
        "position": position, "nominee": nominee, "unit": unit, "award": award,
        "issued": valid, "valid": agree + disagree + abstain, "agree": agree, "disagree": disagree,
        "abstain": abstain, "written_agree": written_agree, "total_agree": total,
        "base_label": "tổng số thành viên Hội đồng", "base": members_total,
        "percent": percent(total, members_total), "threshold_label": label, "passed": passed,
    }


def minutes_context(*, items: int = 3, end_time: datetime.time | None = datetime.time(11, 30),
                    mode_label: str = "phiếu điện tử") -> dict:
    present = [person(*member) for member in MEMBERS[:13]]
    absent = [
        {**person(*MEMBERS[13]), "written_opinion": True},
        {**person(*MEMBERS[14]), "written_opinion": False},
    ]
    rows = []
    for index in range(items):
        nominee = NOMINEES[index % len(NOMINEES)]
        rows.append(item(index + 1, *nominee))
    passed = sum(1 for row in rows if row["passed"])
    return {
        "issuer": {"parent": "UBND TỈNH LAI CHÂU", "name": "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG", "code": "HĐTĐKT"},
        "number_line": "Số: 01/BB-HĐTĐKT",
        "place_date_line": "Lai Châu, ngày 05 tháng 3 năm 2026",
        "session": {
            "title": "Phiên họp thứ nhất năm 2026",
            "kind_label": "Phiên họp thường kỳ",
            "date": datetime.date(2026, 3, 5),
            "start_time": datetime.time(8, 0),
            "end_time": end_time,
            "place": "Phòng họp số 1, UBND tỉnh",
            "secret": True,
            "voting_method_label": "bỏ phiếu kín",
            "mode_label": mode_label,
        },
        "chair": {"name": "Lê Văn Lương", "position": "Chủ tịch UBND tỉnh, Chủ tịch Hội đồng"},
        "secretary": {"name": "Phạm Thị Ngọc Ánh",
                      "position": "Trưởng ban Thi đua - Khen thưởng, Sở Nội vụ, Thư ký Hội đồng"},
        "members_total": 15,
        "present": present,
        "absent": absent,
        "quorum": {"rule_label": "từ 80% tổng số thành viên trở lên", "required_count": 12, "present_count": 13,
                   "met": True},
        "items": rows,
        "summary": {"passed": passed, "failed": len(rows) - passed},
        "recipients": ["Chủ tịch UBND tỉnh (b/c)", "Các thành viên Hội đồng", "Sở Nội vụ"],
        "archive_line": "Lưu: VT, HĐTĐKT",
        "chair_signature": {"lines": ["CHỦ TỊCH HỘI ĐỒNG"], "name": "Lê Văn Lương"},
        "secretary_signature": {"lines": ["THƯ KÝ"], "name": "Phạm Thị Ngọc Ánh"},
    }
