"""Demo data: the province of Lai Châu, its units, people, history and dossiers.

``build_demo()`` fills an empty database (after ``load_catalogue``) with what a
visitor needs to try every role: the units named in the province's 2024
emulation plan (Kế hoạch 503/KH-UBND), two departments merged on 1 March 2025
the way the real ones were, one account per role, five years of history
(2021-2025, plus the units' own 2026 year-end titles) chosen so that the
eligibility rules have something to say, and 2026 dossiers in several states.

Units, people and history rows are written directly (history as if imported
from the units' spreadsheets); every dossier, nomination, attachment, unit
merge and state change goes through the services, so each has its audit trail.
"""

from __future__ import annotations

import datetime
import textwrap
import unicodedata
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from dossiers.models import (
    AnnualRating,
    AwardRecord,
    Collective,
    DisciplineKind,
    DisciplineRecord,
    EmulationBlock,
    EmulationCluster,
    Initiative,
    Movement,
    Person,
    Province,
    Regulation,
    Role,
    Source,
    Unit,
    UnitKind,
    User,
)
from dossiers.requirements import missing_documents

PROVINCE_CODE = "LCH"
PASSWORD = "LaiChau@2024"
YEAR = 2026
HISTORY_YEARS = tuple(range(2021, YEAR + 1))
MERGED_ON = datetime.date(2025, 3, 1)


class DemoDataExists(Exception):
    """The demo province is already there; building it again would duplicate it."""


# --------------------------------------------------------------------------- units

BLOCKS = {
    "tong_hop": "Khối các cơ quan tổng hợp",
    "van_hoa": "Khối văn hóa - xã hội",
    "doanh_nghiep": "Khối doanh nghiệp",
}
CLUSTERS = {
    "mnbg": "Cụm thi đua 7 tỉnh miền núi biên giới phía Bắc",
    "huyen": "Cụm thi đua các huyện, thành phố",
}
D, P, H, C, E = (UnitKind.DEPARTMENT, UnitKind.PUBLIC_SERVICE, UnitKind.DISTRICT, UnitKind.COMMUNE,
                 UnitKind.ENTERPRISE)
# code, name, short name, kind, parent code, block, cluster
UNITS = [
    ("SNV", "Sở Nội vụ", "SNV", D, None, "tong_hop", None),
    ("STC", "Sở Tài chính", "STC", D, None, "tong_hop", None),
    ("VPUB", "Văn phòng UBND tỉnh", "VP UBND", D, None, "tong_hop", None),
    ("TTR", "Thanh tra tỉnh", "TTr", D, None, "tong_hop", None),
    ("SKHDT", "Sở Kế hoạch và Đầu tư", "SKHĐT", D, None, "tong_hop", None),
    ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội", "SLĐTBXH", D, None, "van_hoa", None),
    ("BLC", "Báo Lai Châu", "Báo LC", P, None, "van_hoa", None),
    ("PTTH", "Đài Phát thanh và Truyền hình tỉnh", "Đài PTTH", P, None, "van_hoa", None),
    ("TPLC", "Thành phố Lai Châu", "TP Lai Châu", H, None, None, "huyen"),
    ("HTD", "Huyện Tam Đường", "Tam Đường", H, None, None, "huyen"),
    ("HPT", "Huyện Phong Thổ", "Phong Thổ", H, None, None, "huyen"),
    ("HSH", "Huyện Sìn Hồ", "Sìn Hồ", H, None, None, "huyen"),
    ("HMT", "Huyện Mường Tè", "Mường Tè", H, None, None, "huyen"),
    ("HNN", "Huyện Nậm Nhùn", "Nậm Nhùn", H, None, None, "huyen"),
    ("HTU", "Huyện Tân Uyên", "Tân Uyên", H, None, None, "huyen"),
    ("HTHU", "Huyện Than Uyên", "Than Uyên", H, None, None, "huyen"),
    ("TPLC-TP", "Phường Tân Phong", "", C, "TPLC", None, None),
    ("TPLC-DP", "Phường Đông Phong", "", C, "TPLC", None, None),
    ("HTD-BG", "Xã Bản Giang", "", C, "HTD", None, None),
    ("HTD-SB", "Xã Sơn Bình", "", C, "HTD", None, None),
    ("HPT-SLL", "Xã Sì Lở Lầu", "", C, "HPT", None, None),
    ("HTHU-MK", "Xã Mường Kim", "", C, "HTHU", None, None),
    ("HTU-PT", "Xã Pắc Ta", "", C, "HTU", None, None),
    ("CNLC", "Công ty Cổ phần Cấp nước Lai Châu", "Cấp nước LC", E, None, "doanh_nghiep", None),
    ("XSKT", "Công ty TNHH MTV Xổ số kiến thiết Lai Châu", "Xổ số LC", E, None, "doanh_nghiep", None),
    ("CTU", "Công ty Cổ phần Chè Than Uyên", "Chè Than Uyên", E, None, "doanh_nghiep", None),
]
MERGES = [("SKHDT", "STC"), ("SLDTBXH", "SNV")]
MOVEMENTS = [
    ("Lai Châu chung sức xây dựng nông thôn mới", datetime.date(2021, 8, 11)),
    ("Lai Châu chung tay vì người nghèo - Không để ai bị bỏ lại phía sau", datetime.date(2021, 8, 11)),
    ("Cán bộ, công chức, viên chức tỉnh Lai Châu thi đua thực hiện văn hóa công sở", datetime.date(2022, 3, 1)),
    ("Đẩy mạnh phát triển kết cấu hạ tầng đồng bộ, hiện đại; thực hành tiết kiệm, chống lãng phí",
     datetime.date(2023, 2, 15)),
]

# --------------------------------------------------------------------------- accounts


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    unit: str
    full_name: str  # họ, tên đệm, tên: the family name goes to last_name, the rest to first_name
    position: str
    signer_capacity: str = ""  # signers only: what their signature block reads (SignerCapacity)


ACCOUNTS = [
    Account("canbo.stc", Role.UNIT_CLERK, "STC", "Lò Thị Hương", "Chuyên viên Văn phòng Sở, phụ trách TĐKT"),
    Account("thutruong.stc", Role.UNIT_HEAD, "STC", "Trần Văn Đức", "Giám đốc Sở Tài chính"),
    Account("canbo.tamduong", Role.UNIT_CLERK, "HTD", "Tao Thị Ngọc", "Chuyên viên Phòng Nội vụ huyện"),
    Account("thutruong.tamduong", Role.UNIT_HEAD, "HTD", "Hoàng Văn Thắng", "Chủ tịch UBND huyện Tam Đường"),
    Account("chuyenvien.snv", Role.HA_SPECIALIST, "SNV", "Vàng Thị Dung", "Chuyên viên Ban Thi đua - Khen thưởng"),
    Account("lanhdao.snv", Role.HA_LEAD, "SNV", "Nguyễn Quang Huy", "Phó Giám đốc Sở Nội vụ"),
    Account("thuky.hd", Role.COUNCIL_SECRETARY, "SNV", "Đỗ Thị Thu Trang", "Thư ký Hội đồng TĐKT tỉnh"),
    Account("uyvien.hd", Role.COUNCIL_MEMBER, "VPUB", "Phạm Văn Khánh", "Chánh Văn phòng UBND tỉnh"),
    Account("uyvien2.hd", Role.COUNCIL_MEMBER, "SNV", "Lê Thị Hồng", "Giám đốc Sở Nội vụ"),
    Account("uyvien3.hd", Role.COUNCIL_MEMBER, "STC", "Vương Đình Quý", "Phó Giám đốc Sở Tài chính"),
    Account("chutich.hd", Role.COUNCIL_CHAIR, "VPUB", "Nguyễn Văn Hòa", "Chủ tịch UBND tỉnh"),
    Account("ky.ubnd", Role.SIGNER, "VPUB", "Bùi Đức Thịnh", "Phó Chủ tịch UBND tỉnh", "vice_chairman"),
    Account("lienhe.tw", Role.CENTRAL_LIAISON, "SNV", "Lường Thị Hạnh", "Chuyên viên Ban Thi đua - Khen thưởng"),
    Account("kiemtra", Role.AUDITOR, "TTR", "Đinh Văn Kiên", "Thanh tra viên chính"),
    Account("quantri", Role.ADMINISTRATOR, "SNV", "Hà Minh Quân", "Quản trị hệ thống"),
]

# --------------------------------------------------------------------------- history
# One character per year of HISTORY_YEARS (2021..2026); "-" means nothing that year.
# Ratings: X = HTXSNV, T = HTTNV, H = HTNV, K = KHTNV.
# Individual titles: L = Lao động tiên tiến, C = Chiến sĩ thi đua cơ sở (and LĐTT).
# Collective titles: T = Tập thể lao động tiên tiến, X = Tập thể lao động xuất sắc.
# 2026 holds only what the unit head decides at the unit's own year-end review.

RATINGS = {"X": "htxsnv", "T": "httnv", "H": "htnv", "K": "khtnv"}

# key, unit, full name, gender, birth year, position, collective, ratings, titles
PEOPLE = [
    ("ha", "STC", "Nguyễn Thị Thu Hà", "female", 1982, "Trưởng phòng Quản lý ngân sách", "qlns",
     "TXXXXX", "LLCCCC"),
    ("minh", "STC", "Lê Văn Minh", "male", 1979, "Phó Trưởng phòng Tài chính hành chính sự nghiệp", "hcsn",
     "TTXTXX", "LLCLCC"),
    ("lan", "STC", "Phạm Thị Lan", "female", 1988, "Chuyên viên Phòng Quản lý ngân sách", "qlns",
     "TTTTXX", "LLLLLL"),
    ("bao", "STC", "Trần Quốc Bảo", "male", 1985, "Chuyên viên chính Phòng Tài chính hành chính sự nghiệp", "hcsn",
     "TTTXHT", "LLLC-L"),
    ("anh", "STC", "Vũ Thị Ngọc Ánh", "female", 1993, "Chuyên viên Phòng Quản lý ngân sách", "qlns",
     "--TTTT", "--LLLL"),
    ("tuan", "STC", "Hoàng Minh Tuấn", "male", 1990, "Chuyên viên Văn phòng Sở", None, "TTTTTT", "LLLLLL"),
    ("tung", "SKHDT", "Đặng Văn Tùng", "male", 1980, "Trưởng phòng Tổng hợp, quy hoạch", "dkkd",
     "XXXX--", "CCCC--"),
    ("son", "SLDTBXH", "Lò Văn Sơn", "male", 1984, "Phó Trưởng phòng Lao động - Việc làm", None,
     "TTXX--", "LLCC--"),
    ("huyen", "BLC", "Hoàng Thị Thanh Huyền", "female", 1986, "Phóng viên Ban Thời sự", None, "XXXXXX", "CCCCCC"),
    ("mai", "HTD", "Lù Thị Mai", "female", 1987, "Chuyên viên Phòng Nội vụ huyện Tam Đường", None,
     "TTTXXX", "LLLCCC"),
    ("dung", "HTD", "Tao Văn Dũng", "male", 1976, "Trưởng phòng Nông nghiệp và Phát triển nông thôn huyện", "nnptnt",
     "XXTXTX", "CCLCLC"),
    ("pao", "HTD-BG", "Sùng A Páo", "male", 1983, "Chủ tịch UBND xã Bản Giang", None, "TTTTXX", "LLLLCC"),
    ("thao", "STC", "Đinh Thị Thảo", "female", 1984, "Phó Chánh Văn phòng Sở Tài chính", None, "TXXXXX", "LCCCCC"),
    ("quynh", "STC", "Nguyễn Như Quỳnh", "female", 1989, "Chuyên viên Phòng Tin học và Thống kê", None,
     "TTXXXX", "LLCCCC"),
    ("khoa", "HTD", "Lý Văn Khoa", "male", 1970, "Phó Chủ tịch UBND huyện Tam Đường", None, "XXXXXX", "CCCCCC"),
    ("hung", "HTD", "Vàng A Hùng", "male", 1989, "Chuyên viên Phòng Văn hóa và Thông tin huyện", None,
     "TTXXXX", "LLCCCC"),
    ("xuan", "HTD", "Phàn Thị Xuân", "female", 1990, "Chuyên viên Phòng Văn hóa và Thông tin huyện", None,
     "TTXXXX", "LLCCCC"),
    ("nga", "HTD", "Chẻo Thị Nga", "female", 1992, "Chuyên viên Văn phòng HĐND và UBND huyện", None,
     "TTTTTT", "LLLLLL"),
    ("hoa", "HTD", "Lò Thị Hoa", "female", 1986, "Phó Trưởng phòng Giáo dục và Đào tạo huyện", None,
     "TXXXXX", "LLCCCC"),
]
# key, unit, name, ratings, titles
COLLECTIVES = [
    ("qlns", "STC", "Phòng Quản lý ngân sách", "TXXXXX", "TTXXXT"),
    ("hcsn", "STC", "Phòng Tài chính hành chính sự nghiệp", "TTTTTT", "TTTTTT"),
    ("dkkd", "SKHDT", "Phòng Đăng ký kinh doanh", "TXXT--", "TXXT--"),
    ("nnptnt", "HTD", "Phòng Nông nghiệp và Phát triển nông thôn huyện Tam Đường", "TTXXXX", "TTXXXT"),
    ("bangiang", "HTD-BG", "Cán bộ và Nhân dân xã Bản Giang", "------", "------"),
]
# person, title, year, level, research
INITIATIVES = [
    ("ha", "Quy trình lập dự toán ngân sách cấp xã trên phần mềm quản lý ngân sách", 2023, "unit", False),
    ("ha", "Bộ chỉ tiêu giám sát giải ngân vốn đầu tư công theo tháng", 2024, "unit", False),
    ("ha", "Giải pháp điều hành dự toán ngân sách tỉnh Lai Châu trong điều kiện hợp nhất đơn vị", 2025, "province",
     False),
    ("minh", "Mẫu biểu quyết toán kinh phí sự nghiệp giáo dục dùng chung cho các huyện", 2023, "unit", False),
    ("minh", "Rút ngắn thời gian thẩm tra quyết toán dự án hoàn thành", 2025, "unit", False),
    ("minh", "Số hóa hồ sơ thẩm tra quyết toán tại Sở Tài chính", 2026, "unit", False),
    ("lan", "Bảng theo dõi bổ sung có mục tiêu cho ngân sách huyện", 2025, "unit", False),
    ("lan", "Hướng dẫn khóa sổ kế toán cuối năm cho đơn vị dự toán cấp II", 2026, "unit", False),
    ("tung", "Đề tài: Thu hút đầu tư vào nông nghiệp công nghệ cao tỉnh Lai Châu", 2024, "province", True),
    ("huyen", "Loạt bài: Nông thôn mới vùng biên giới Lai Châu", 2025, "province", False),
    ("mai", "Số hóa hồ sơ thi đua, khen thưởng cấp huyện", 2024, "unit", False),
    ("mai", "Quy trình bình xét thi đua trực tuyến tại các xã", 2025, "unit", False),
    ("mai", "Sổ tay nghiệp vụ TĐKT cho cán bộ cấp xã", 2026, "unit", False),
    ("dung", "Mô hình trồng chè Shan tuyết theo chuỗi giá trị tại xã Bản Giang", 2024, "province", False),
    ("thao", "Quy chế phối hợp tiếp nhận, luân chuyển hồ sơ điện tử giữa các phòng của Sở", 2025, "province", False),
    ("quynh", "Công cụ đối soát số liệu thu, chi ngân sách tự động", 2025, "unit", False),
    ("quynh", "Báo cáo thống kê tài chính tự động hằng tháng", 2026, "unit", False),
    ("khoa", "Đề án phát triển du lịch cộng đồng gắn với bản sắc dân tộc huyện Tam Đường", 2024, "province", False),
]
# Provincial certificates received earlier: person, award code, year.
EARLIER_AWARDS = [("ha", "BK_TINH_CN", 2021), ("tung", "BK_TINH_CN", 2022), ("huyen", "BK_TINH_CN", 2023)]


# --------------------------------------------------------------------------- helpers


def _ascii(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D").replace("“", '"').replace("”", '"').replace("→", "->")
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return text.encode("ascii", "ignore").decode()


def make_pdf(*lines: str) -> bytes:
    """A small valid one-page PDF (A4, Times) showing ``lines`` without diacritics."""
    def esc(s: str) -> str:
        return _ascii(s).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    wrapped = [part for line in lines for part in textwrap.wrap(esc(line), 64, break_long_words=False) or [""]]
    text = "BT /F1 14 Tf 72 770 Td 18 TL " + " ".join(f"({part}) '" for part in wrapped) + " ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text.encode("latin-1")),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


def _regulation_on(day: datetime.date):
    return (Regulation.objects.filter(effective_from__lte=day)
            .exclude(effective_to__lt=day).order_by("-effective_from").first())


# --------------------------------------------------------------------------- builders


def _build_units(province):
    blocks = {key: EmulationBlock.objects.create(province=province, name=name) for key, name in BLOCKS.items()}
    clusters = {key: EmulationCluster.objects.create(province=province, name=name)
                for key, name in CLUSTERS.items()}
    units = {}
    for code, name, short, kind, parent, block, cluster in UNITS:
        units[code] = Unit.objects.create(
            province=province, code=code, name=name, short_name=short, kind=kind,
            parent=units.get(parent), block=blocks.get(block), cluster=clusters.get(cluster),
        )
    province.home_affairs_unit = units["SNV"]
    province.save(update_fields=["home_affairs_unit"])
    for name, started in MOVEMENTS:
        Movement.objects.create(province=province, name=name, started_on=started)
    return units


def _build_accounts(units):
    groups = {role.value: Group.objects.get_or_create(name=role.value)[0] for role in Role}
    hashed = make_password(PASSWORD)  # one hash for all: the demo password is shared anyway
    users = {}
    for account in ACCOUNTS:
        is_admin = account.role == Role.ADMINISTRATOR
        user = User.objects.create(
            username=account.username, password=hashed, last_name=account.full_name.split(" ", 1)[0],
            first_name=account.full_name.split(" ", 1)[1],
            email=f"{account.username}@khenthuong.laichau.invalid", unit=units[account.unit],
            position=account.position, signer_capacity=account.signer_capacity, is_staff=is_admin,
            is_superuser=is_admin,
        )
        user.groups.add(groups[account.role])
        users[account.username] = user
    return users


def _title_record(subject_field, subject, code, name, year, unit, regulations):
    if code in ("LDTT", "CSTD_CS", "TTLDTT"):
        decided = datetime.date(year, 11, 16) if year == YEAR else datetime.date(year, 12, 18)
        number, decided_by = f"{120 + year % 100}/QĐ-{unit.code}", f"Thủ trưởng {unit.name}"
    else:
        decided = datetime.date(year + 1, 3, 20)
        number, decided_by = f"{300 + year % 100}/QĐ-UBND", "Chủ tịch UBND tỉnh Lai Châu"
    regulation = _regulation_on(decided)
    return AwardRecord(
        **{subject_field: subject}, award_code=code, award_name=name, year=year,
        award_type=regulations.get((regulation.pk if regulation else None, code)),
        decision_number=number, decision_date=decided, decided_by=decided_by, source=Source.IMPORT,
    )


def _build_history(units):
    from dossiers.models import AwardType

    regulations = {(a.regulation_id, a.code): a for a in AwardType.objects.filter(
        code__in=["LDTT", "CSTD_CS", "TTLDTT", "TTLDXS", "BK_TINH_CN"])}
    names = {"LDTT": "Lao động tiên tiến", "CSTD_CS": "Chiến sĩ thi đua cơ sở",
             "TTLDTT": "Tập thể lao động tiên tiến", "TTLDXS": "Tập thể lao động xuất sắc",
             "BK_TINH_CN": "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"}
    collectives, people = {}, {}
    ratings, records = [], []
    for key, unit, name, rated, titles in COLLECTIVES:
        collective = Collective.objects.create(unit=units[unit], name=name)
        collectives[key] = collective
        for year, r, t in zip(HISTORY_YEARS, rated, titles, strict=True):
            if r != "-":
                ratings.append(AnnualRating(collective=collective, year=year, rating=RATINGS[r], source=Source.IMPORT))
            code = {"T": "TTLDTT", "X": "TTLDXS"}.get(t)
            if code:
                records.append(_title_record("collective", collective, code, names[code], year, units[unit],
                                             regulations))
    for key, unit, name, gender, born, position, collective, rated, titles in PEOPLE:
        person = Person.objects.create(unit=units[unit], full_name=name, gender=gender, birth_year=born,
                                       position=position, collective=collectives.get(collective))
        people[key] = person
        for year, r, t in zip(HISTORY_YEARS, rated, titles, strict=True):
            if r != "-":
                ratings.append(AnnualRating(person=person, year=year, rating=RATINGS[r], source=Source.IMPORT))
            for code in {"L": ["LDTT"], "C": ["LDTT", "CSTD_CS"]}.get(t, []):
                records.append(_title_record("person", person, code, names[code], year, units[unit], regulations))
    for key, code, year in EARLIER_AWARDS:
        records.append(_title_record("person", people[key], code, names[code], year, people[key].unit, regulations))
    AnnualRating.objects.bulk_create(ratings)
    AwardRecord.objects.bulk_create(records)
    Initiative.objects.bulk_create(
        Initiative(person=people[key], title=title, year=year, level=level, is_research=research,
                   recognised_by=f"Quyết định công nhận sáng kiến số {40 + i:02d}/QĐ-HĐSK năm {year}",
                   source=Source.IMPORT)
        for i, (key, title, year, level, research) in enumerate(INITIATIVES)
    )
    DisciplineRecord.objects.create(
        person=people["bao"], kind=DisciplineKind.DISCIPLINE, started_on=datetime.date(2025, 6, 16),
        ended_on=datetime.date(2026, 6, 16), source=Source.IMPORT,
        description="Khiển trách do chậm thẩm tra quyết toán, để quá hạn 03 hồ sơ.",
    )
    return people, collectives


# --------------------------------------------------------------------------- dossiers


def _slug(text: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in _ascii(text).lower()).split())


def _upload_missing(actor, dossier, *, only: set[str] | None = None) -> None:
    """Upload a small PDF for every document the dossier still lacks (or only for ``only``)."""
    from dossiers.services.attachments import upload_attachment

    for requirement in missing_documents(dossier):
        doc_type = requirement.document_type
        if only is not None and doc_type.code not in only:
            continue
        about = requirement.nomination.subject_name if requirement.nomination else dossier.unit.name
        content = make_pdf(doc_type.name, about, dossier.title, f"{dossier.unit.name} - {dossier.year}")
        name = f"{_slug(doc_type.name)}-{_slug(about)}.pdf"
        upload_attachment(actor=actor, dossier=dossier, document_type=doc_type,
                          uploaded_file=SimpleUploadedFile(name, content, content_type="application/pdf"),
                          nomination=requirement.nomination)


# The 2026 dossiers, in the order they are created (so HS-2026-00001 is the first).
# nominees: (person or collective key, award code, achievement summary)
# upload: None for every required document, or the codes of the only ones uploaded
# steps after drafting: "send" (clerk to head), "submit" (head), ("return", reason)
# by Home Affairs, ("withdraw", reason) by the head.
DOSSIERS = [
    {  # Sở Tài chính, draft: nominees entered, only the proposal letter uploaded so far.
        "unit": "STC", "kind": "regular", "upload": {"to_trinh"}, "steps": [],
        "title": f"Đề nghị tặng danh hiệu Chiến sĩ thi đua cấp tỉnh và Bằng khen của Chủ tịch UBND tỉnh năm {YEAR}",
        "nominees": [
            ("ha", "CSTD_TINH", "Ba năm liên tục đạt danh hiệu Chiến sĩ thi đua cơ sở; chủ trì giải pháp điều hành "
                                "dự toán ngân sách tỉnh được công nhận phạm vi ảnh hưởng cấp tỉnh năm 2025."),
            ("minh", "BK_TINH_CN", "Hai năm liên tục đạt danh hiệu Chiến sĩ thi đua cơ sở (2025, 2026); rút ngắn "
                                   "thời gian thẩm tra quyết toán dự án hoàn thành."),
            ("bao", "BK_TINH_CN", "Hoàn thành tốt nhiệm vụ thẩm tra quyết toán kinh phí sự nghiệp năm 2026."),
        ],
    },
    {  # Huyện Tam Đường, complete draft handed to the unit head for submission.
        "unit": "HTD", "kind": "regular", "upload": None, "steps": ["send"],
        "title": f"Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh năm {YEAR}",
        "nominees": [
            ("mai", "BK_TINH_CN", "Hai năm liên tục đạt danh hiệu Chiến sĩ thi đua cơ sở; số hóa hồ sơ thi đua, "
                                  "khen thưởng của huyện."),
            ("dung", "BK_TINH_CN", "Chỉ đạo phát triển vùng chè Shan tuyết theo chuỗi giá trị tại xã Bản Giang."),
            ("nnptnt", "BK_TINH_TT", "Hai năm liên tục hoàn thành xuất sắc nhiệm vụ; tham mưu hoàn thành các tiêu "
                                     "chí nông thôn mới của huyện."),
        ],
    },
    {  # Sở Tài chính, submitted to Home Affairs.
        "unit": "STC", "kind": "regular", "upload": None, "steps": ["send", "submit"],
        "title": f"Đề nghị tặng danh hiệu Tập thể lao động xuất sắc và Bằng khen năm {YEAR}",
        "nominees": [
            ("qlns", "TTLDXS", "Hoàn thành xuất sắc nhiệm vụ năm 2026; 100% công chức hoàn thành nhiệm vụ, có 01 "
                               "Chiến sĩ thi đua cơ sở."),
            ("lan", "BK_TINH_CN", "Hai năm liên tục hoàn thành xuất sắc nhiệm vụ (2025, 2026) và có 02 sáng kiến "
                                  "được công nhận."),
        ],
    },
    {  # Huyện Tam Đường, thematic, submitted and returned by Home Affairs.
        "unit": "HTD", "kind": "thematic", "movement": MOVEMENTS[0][0], "upload": None,
        "title": "Đề nghị khen thưởng tổng kết phong trào “Lai Châu chung sức xây dựng nông thôn mới” "
                 "giai đoạn 2021-2025",
        "nominees": [
            ("bangiang", "BK_TINH_TT", "Xã Bản Giang đạt chuẩn nông thôn mới nâng cao năm 2025; nhân dân hiến "
                                       "12.400 m² đất làm đường giao thông nông thôn."),
            ("pao", "BK_TINH_CN", "Vận động nhân dân hiến đất, góp công xây dựng 8,5 km đường bê tông nội bản."),
        ],
        "steps": ["send", "submit", ("return", "Biên bản họp xét chưa ghi kết quả bỏ phiếu; báo cáo thành tích "
                                               "của xã Bản Giang chưa có xác nhận của UBND huyện. Đề nghị bổ sung "
                                               "và trình lại.")],
    },
    {  # Sở Tài chính, exceptional, submitted then withdrawn by the unit head.
        "unit": "STC", "kind": "exceptional", "upload": None,
        "title": "Đề nghị tặng Bằng khen đột xuất cho cá nhân có thành tích trong khắc phục hậu quả mưa lũ "
                 "tháng 7/2026",
        "nominees": [
            ("anh", "BK_TINH_CN", "Tham gia tổ công tác bảo đảm kinh phí khắc phục hậu quả mưa lũ tại huyện "
                                  "Mường Tè."),
        ],
        "steps": ["send", "submit", ("withdraw", "Đơn vị rút hồ sơ để đưa thành tích vào hồ sơ khen thưởng tổng "
                                                 "kết năm 2026.")],
    },
]
DOSSIERS += [
    {  # Sở Tài chính: Home Affairs accepted it; the appraisal is in the specialists' hands.
        "unit": "STC", "kind": "regular", "upload": None, "steps": ["send", "submit", "accept"],
        "title": f"Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh cho cá nhân năm {YEAR}",
        "nominees": [
            ("tuan", "BK_TINH_CN", "Sáu năm liên tục hoàn thành tốt nhiệm vụ; tham mưu tổ chức thành công hội nghị "
                                   "tổng kết công tác tài chính - ngân sách."),
        ],
    },
    {  # Sở Tài chính: appraised, waiting for the HA lead's approval.
        "unit": "STC", "kind": "regular", "upload": None, "steps": ["send", "submit", "accept", "appraise"],
        "title": f"Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh (Phòng Tin học và Thống kê) năm {YEAR}",
        "nominees": [
            ("quynh", "BK_TINH_CN", "Hai năm liên tục đạt danh hiệu Chiến sĩ thi đua cơ sở (2025, 2026); xây dựng "
                                    "công cụ đối soát số liệu thu, chi ngân sách tự động."),
        ],
    },
    {  # Sở Tài chính: approved, a provincial emulation fighter: waiting for the Council.
        "unit": "STC", "kind": "regular", "upload": None,
        "steps": ["send", "submit", "accept", "appraise", "approve"],
        "title": f"Đề nghị xét tặng danh hiệu Chiến sĩ thi đua cấp tỉnh năm {YEAR}",
        "nominees": [
            ("thao", "CSTD_TINH", "Ba năm liên tục đạt danh hiệu Chiến sĩ thi đua cơ sở; quy chế luân chuyển hồ sơ "
                                  "điện tử được công nhận phạm vi ảnh hưởng cấp tỉnh năm 2025."),
        ],
    },
    {  # Huyện Tam Đường: an order, approved and now on public notice, with a citizen's comment.
        "unit": "HTD", "kind": "regular", "upload": None,
        "steps": ["send", "submit", "accept", "appraise", "approve",
                  ("feedback", "Đề nghị Hội đồng xem xét thêm việc ông Khoa chỉ đạo giải phóng mặt bằng dự án "
                               "đường nội thị năm 2024.")],
        "title": f"Đề nghị Chủ tịch nước tặng Huân chương Lao động hạng Ba năm {YEAR}",
        "nominees": [
            ("khoa", "HC_LD3_CN", "Sáu năm liên tục đạt danh hiệu Chiến sĩ thi đua cơ sở; chủ trì đề án phát triển "
                                  "du lịch cộng đồng được công nhận phạm vi ảnh hưởng cấp tỉnh."),
        ],
    },
    {  # Huyện Tam Đường: approved, no vote needed: waiting for the Chairman's decision.
        "unit": "HTD", "kind": "regular", "upload": None,
        "steps": ["send", "submit", "accept", "appraise", "approve"],
        "title": f"Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh (Phòng Văn hóa và Thông tin) năm {YEAR}",
        "nominees": [
            ("hung", "BK_TINH_CN", "Hai năm liên tục đạt danh hiệu Chiến sĩ thi đua cơ sở; tổ chức Ngày hội văn hóa "
                                   "các dân tộc huyện Tam Đường."),
            ("xuan", "BK_TINH_CN", "Hai năm liên tục đạt danh hiệu Chiến sĩ thi đua cơ sở; sưu tầm, phục dựng lễ hội "
                                   "Gầu Tào của đồng bào Mông huyện Tam Đường."),
        ],
        "pending_decision": True,  # Vàng A Hùng's award waits for the signature; Phàn Thị Xuân stays in the pool
    },
    {  # Huyện Tam Đường: decided: the Vice-Chairman signed the decision (see _build_decision).
        "unit": "HTD", "kind": "regular", "upload": None,
        "steps": ["send", "submit", "accept", "appraise", "approve"],
        "title": f"Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh (Phòng Giáo dục và Đào tạo) năm {YEAR}",
        "nominees": [
            ("hoa", "BK_TINH_CN", "Hai năm liên tục đạt danh hiệu Chiến sĩ thi đua cơ sở; chỉ đạo 100% trường học "
                                  "của huyện đạt chuẩn quốc gia về cơ sở vật chất."),
        ],
        "decide": True,
    },
    {  # Huyện Tam Đường: not accepted at intake.
        "unit": "HTD", "kind": "exceptional", "upload": None,
        "steps": ["send", "submit", ("reject", "Thành tích đã được UBND huyện khen thưởng đột xuất bằng Giấy khen "
                                               "(Quyết định số 215/QĐ-UBND ngày 12/8/2026); không đề nghị khen "
                                               "trùng cho cùng một thành tích.")],
        "title": "Đề nghị tặng Bằng khen đột xuất cho cá nhân có thành tích cứu người trong mưa lũ",
        "nominees": [
            ("nga", "BK_TINH_CN", "Tham gia cứu hộ 03 người dân bị lũ cuốn tại suối Nậm Loỏng."),
        ],
    },
]
# Who acts for each unit, and for Home Affairs.
CLERKS = {"STC": "canbo.stc", "HTD": "canbo.tamduong"}
HEADS = {"STC": "thutruong.stc", "HTD": "thutruong.tamduong"}
HA_SPECIALIST = "chuyenvien.snv"
HA_LEAD = "lanhdao.snv"


def _appraise(specialist, dossier, workflow) -> None:
    """Check eligibility, accept in writing what the records cannot show, find every nomination eligible."""
    from dossiers.services.eligibility import check_eligibility, override_verdict, stored_verdicts
    from dossiers.services.review import AppraisalInput

    check_eligibility(actor=specialist, dossier=dossier)
    for verdicts in stored_verdicts(dossier).values():
        for verdict in verdicts:
            if verdict.result != "pass":
                override_verdict(actor=specialist, verdict=verdict,
                                 reason="Đã đối chiếu bản gốc quyết định khen thưởng do đơn vị cung cấp.")
    workflow.complete_appraisal(
        actor=specialist, task=workflow.active_task(dossier, "appraisal"), decision="submit",
        appraisals=[AppraisalInput(nomination_id=n.pk, eligible=True, note="Đủ điều kiện theo tiêu chuẩn.")
                    for n in dossier.nominations.all()],
    )


def _build_dossiers(units, users, people, collectives) -> list:
    """Each of DOSSIERS drafted, filled and moved through the services, as its users would."""
    from django.utils import timezone

    from dossiers.services.dossiers import (
        add_nomination,
        create_dossier,
        send_to_head,
        submit_dossier,
        withdraw_dossier,
    )
    from dossiers.services.review import ItemInput
    from workflows import services as workflow

    regulation = Regulation.objects.in_force_on(timezone.localdate())
    dossiers = []
    for spec in DOSSIERS:
        unit = units[spec["unit"]]
        clerk, head = users[CLERKS[spec["unit"]]], users[HEADS[spec["unit"]]]
        movement = Movement.objects.get(province=unit.province, name=spec["movement"]) if "movement" in spec else None
        dossier = create_dossier(actor=clerk, unit=unit, kind=spec["kind"], year=YEAR, title=spec["title"],
                                 movement=movement)
        for key, code, summary in spec["nominees"]:
            subject = {"person": people[key]} if key in people else {"collective": collectives[key]}
            add_nomination(actor=clerk, dossier=dossier, award_type=regulation.award_types.get(code=code),
                           achievement_summary=summary, **subject)
        _upload_missing(clerk, dossier, only=spec["upload"])
        for step in spec["steps"]:
            action, reason = (step, "") if isinstance(step, str) else step
            if action == "send":
                send_to_head(actor=clerk, dossier=dossier)
            elif action == "submit":
                submit_dossier(actor=head, dossier=dossier)
            elif action == "return":
                task = workflow.active_task(dossier, "intake")
                workflow.complete_intake(actor=users[HA_SPECIALIST], task=task, decision="return", note=reason,
                                         items=[ItemInput(reason="other", text=reason)])
            elif action == "withdraw":
                withdraw_dossier(actor=head, dossier=dossier, reason=reason)
            elif action == "accept":
                workflow.complete_intake(actor=users[HA_SPECIALIST], task=workflow.active_task(dossier, "intake"),
                                         decision="accept")
            elif action == "reject":
                workflow.complete_intake(actor=users[HA_SPECIALIST], task=workflow.active_task(dossier, "intake"),
                                         decision="reject", reason=reason)
            elif action == "appraise":
                _appraise(users[HA_SPECIALIST], dossier, workflow)
            elif action == "approve":
                workflow.complete_approval(actor=users[HA_LEAD], task=workflow.active_task(dossier, "approval"),
                                           decision="approve")
            elif action == "feedback":
                from dossiers.services.notice import submit_feedback

                for nomination in dossier.nominations.all():
                    submit_feedback(nomination=nomination, name="", contact="", text=reason, client_key="demo")
        dossiers.append(dossier)
    return dossiers


def _build_decision(province, users, dossiers):
    """HA drafts, the lead checks, the Vice-Chairman signs: the province's first decision of the demo."""
    from dossiers.services import decisions

    nominations = [n for d in dossiers for n in d.nominations.all()]
    decision = decisions.create_decision(
        actor=users[HA_SPECIALIST], province=province,
        title=f"Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho cá nhân có thành tích năm {YEAR}",
        nominations=nominations,
    )
    decisions.check_decision(actor=users[HA_LEAD], decision=decision)
    return decisions.sign_decision(actor=users["ky.ubnd"], decision=decision)


def _build_pending_decision(province, users, dossiers):
    """HA drafts, the lead checks: a decision waiting for the Chairman's signature (one nominee per dossier)."""
    from dossiers.services import decisions

    nominations = [d.nominations.order_by("id").first() for d in dossiers]
    decision = decisions.create_decision(
        actor=users[HA_SPECIALIST], province=province,
        title=f"Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho cá nhân thuộc huyện Tam Đường năm {YEAR}",
        nominations=nominations,
    )
    return decisions.check_decision(actor=users[HA_LEAD], decision=decision)


# Council members: username, role on the council, position on the council.
COUNCIL = [
    ("chutich.hd", "chair", "Chủ tịch UBND tỉnh, Chủ tịch Hội đồng"),
    ("uyvien2.hd", "vice_chair", "Giám đốc Sở Nội vụ, Phó Chủ tịch Thường trực Hội đồng"),
    ("uyvien.hd", "member", "Chánh Văn phòng UBND tỉnh, Ủy viên"),
    ("uyvien3.hd", "member", "Phó Giám đốc Sở Tài chính, Ủy viên"),
    ("thuky.hd", "secretary", "Trưởng ban Thi đua - Khen thưởng, Ủy viên, Thư ký Hội đồng"),
]


def _build_council(province, users):
    """The provincial council with its members, and a session whose agenda is sent out."""
    from councils.models import Council, CouncilMembership
    from councils.selectors import council_pool
    from councils.services import sessions as council_services

    council = Council.objects.create(province=province)
    for username, role, position in COUNCIL:
        CouncilMembership.objects.create(council=council, user=users[username], role=role, position=position,
                                         starts_on=datetime.date(2021, 1, 1))
    session = council_services.create_session(
        actor=users["thuky.hd"], council=council, title=f"Phiên họp thứ nhất năm {YEAR + 1}",
        date=datetime.date(YEAR + 1, 3, 5), start_time=datetime.time(8, 0),
        place="Phòng họp số 1, UBND tỉnh Lai Châu",
    )
    council_services.add_items(actor=users["thuky.hd"], session=session, nominations=list(council_pool(province=province)))
    council_services.publish_agenda(actor=users["thuky.hd"], session=session)
    return session


# key, proposing unit (Sở Kế hoạch và Đầu tư merged into Sở Tài chính), award, achievement summary
CENTRAL_NOMINEE = ("tung", "STC", "BK_TTG_CN", "Năm năm liên tục hoàn thành tốt nhiệm vụ, ba năm Chiến sĩ thi đua cơ sở; chủ "
                   "trì đề tài thu hút đầu tư vào nông nghiệp công nghệ cao được công nhận phạm vi cấp tỉnh.")


def _build_central(province, users, people, council):
    """The Prime Minister's certificate of merit for one nominee, through every step up to the Ministry.

    The unit proposes, Home Affairs appraises and approves, the council votes in
    a session of its own, the Vice-Chairman's decision agrees to propose it
    upward, and the province's submission (TTr-UBND) is signed, sent and
    received by the Ministry: the central liaison has a submission to follow.
    Runs after ``_build_council`` so the council's demo session keeps its agenda.
    """
    from councils.services import sessions as council_services
    from councils.services import voting
    from dossiers.services import central, decisions
    from dossiers.services.dossiers import add_nomination, create_dossier, send_to_head, submit_dossier
    from workflows import services as workflow

    if province.central_submissions.exists():
        return province.central_submissions.first()
    key, unit_code, code, summary = CENTRAL_NOMINEE
    unit = Unit.objects.get(province=province, code=unit_code)
    clerk, head = users[CLERKS[unit.code]], users[HEADS[unit.code]]
    from django.utils import timezone

    regulation = Regulation.objects.in_force_on(timezone.localdate())
    dossier = create_dossier(actor=clerk, unit=unit, kind="regular", year=YEAR,
                             title=f"Đề nghị Thủ tướng Chính phủ tặng Bằng khen năm {YEAR}")
    nomination = add_nomination(actor=clerk, dossier=dossier, award_type=regulation.award_types.get(code=code),
                                achievement_summary=summary, person=people[key])
    _upload_missing(clerk, dossier)
    send_to_head(actor=clerk, dossier=dossier)
    submit_dossier(actor=head, dossier=dossier)
    workflow.complete_intake(actor=users[HA_SPECIALIST], task=workflow.active_task(dossier, "intake"),
                             decision="accept")
    _appraise(users[HA_SPECIALIST], dossier, workflow)
    workflow.complete_approval(actor=users[HA_LEAD], task=workflow.active_task(dossier, "approval"),
                               decision="approve")
    secretary = users["thuky.hd"]
    session = council_services.create_session(
        actor=secretary, council=council, title=f"Phiên họp xét đề nghị khen thưởng cấp Nhà nước năm {YEAR}",
        date=datetime.date(YEAR, 11, 20), start_time=datetime.time(14, 0), place="Phòng họp số 1, UBND tỉnh Lai Châu",
    )
    council_services.add_items(actor=secretary, session=session, nominations=[nomination])
    council_services.publish_agenda(actor=secretary, session=session)
    council_services.start_session(actor=secretary, session=session)
    voters = [member.user for member in session.members.select_related("user") if member.votes]
    council_services.record_attendance(actor=secretary, session=session, present_user_ids=[u.pk for u in voters])
    council_services.open_voting(actor=secretary, session=session)
    item = session.items.get()
    for voter in voters:
        voting.cast_ballot(actor=voter, session=session, choices={str(item.pk): "agree"})
    council_services.close_voting(actor=secretary, session=session)
    council_services.confirm_results(actor=users["chutich.hd"], session=session)
    decision = decisions.create_decision(
        actor=users[HA_SPECIALIST], province=province,
        title="Về việc đề nghị Thủ tướng Chính phủ tặng Bằng khen", nominations=[nomination],
    )
    decisions.check_decision(actor=users[HA_LEAD], decision=decision)
    decisions.sign_decision(actor=users["ky.ubnd"], decision=decision)
    nomination.refresh_from_db()
    submission = central.create_submission(
        actor=users["lienhe.tw"], province=province, nominations=[nomination],
        title=f"Về việc đề nghị Thủ tướng Chính phủ tặng Bằng khen cho cá nhân có thành tích năm {YEAR}",
    )
    today = timezone.localdate()
    central.sign_submission(actor=users["ky.ubnd"], submission=submission)
    central.record_sent(actor=users["lienhe.tw"], submission=submission, sent_on=today,
                        channel="Hệ thống hồ sơ điện tử của Bộ Nội vụ", dispatch_number=f"CV {YEAR}-TĐKT/UBND")
    return central.record_received(actor=users["lienhe.tw"], submission=submission, received_on=today)


# --------------------------------------------------------------------------- entry points


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(username, password, role label, unit name) of every demo account."""
    names = dict(Unit.objects.filter(province__code=PROVINCE_CODE).values_list("code", "name"))
    return [(a.username, PASSWORD, str(Role(a.role).label), names.get(a.unit, a.unit)) for a in ACCOUNTS]


def format_logins(rows) -> str:
    header = ("Tên đăng nhập", "Mật khẩu", "Vai trò", "Đơn vị")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(4)]
    rule = "  ".join("-" * w for w in widths)
    lines = ["  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in [header, *rows]]
    return "\n".join([lines[0], rule, *lines[1:]])


def demo_exists() -> bool:
    return Province.objects.filter(code=PROVINCE_CODE).exists()


def build_demo(stdout=None) -> list[tuple[str, str, str, str]]:
    """Create the demo province with its units, accounts, history and dossiers.

    Refuses (``DemoDataExists``) when the province is already there. Runs in one
    transaction: it either builds everything or leaves nothing.
    """
    from dossiers.services.catalogue import load_catalogue
    from dossiers.services.units import merge_unit

    if demo_exists():
        raise DemoDataExists(
            f"Dữ liệu mẫu đã có (tỉnh mã {PROVINCE_CODE}); không tạo lại. "
            "Muốn làm lại từ đầu: bin/demo --reset (xóa toàn bộ dữ liệu trong var/)."
        )
    load_catalogue()
    with transaction.atomic():
        province = Province.objects.create(code=PROVINCE_CODE, name="Tỉnh Lai Châu", place_name="Lai Châu")
        units = _build_units(province)
        _say(stdout, f"  {len(units)} đơn vị, {len(BLOCKS)} khối và {len(CLUSTERS)} cụm thi đua, "
                     f"{len(MOVEMENTS)} phong trào")
        users = _build_accounts(units)
        _say(stdout, f"  {len(users)} tài khoản dùng thử")
        people, collectives = _build_history(units)
        _say(stdout, f"  {len(people)} cá nhân, {len(collectives)} tập thể với lịch sử "
                     f"{HISTORY_YEARS[0]}-{HISTORY_YEARS[-1]}")
        for merged, successor in MERGES:
            merge_unit(actor=users["quantri"], unit=units[merged], successor=units[successor], merged_on=MERGED_ON)
        _say(stdout, "  hợp nhất: " + "; ".join(f"{units[m].name} → {units[s].name}" for m, s in MERGES))
        dossiers = _build_dossiers(units, users, people, collectives)
        _say(stdout, f"  {len(dossiers)} hồ sơ năm {YEAR}: "
                     + ", ".join(f"{d.reference} ({d.get_state_display().lower()})" for d in
                                 (type(d).objects.get(pk=d.pk) for d in dossiers)))
        decision = _build_decision(province, users, [d for d, spec in zip(dossiers, DOSSIERS, strict=True)
                                                     if spec.get("decide")])
        _say(stdout, f"  Quyết định số {decision.number} đã ký: {decision.items.count()} người được tặng Bằng khen")
        pending = _build_pending_decision(province, users, [d for d, spec in zip(dossiers, DOSSIERS, strict=True)
                                                            if spec.get("pending_decision")])
        _say(stdout, f"  Dự thảo quyết định chờ ký theo Tờ trình số {pending.submission_number}")
        session = _build_council(province, users)
        _say(stdout, f"  Hội đồng Thi đua - Khen thưởng: {session.members.count()} thành viên; "
                     f"“{session.title}” với {session.items.count()} nội dung, đã gửi chương trình")
        submission = _build_central(province, users, people, session.council)
        _say(stdout, f"  Hồ sơ trình Trung ương: Tờ trình số {submission.number}, "
                     f"{submission.get_state_display().lower()}")
    return demo_logins()


__all__ = ["ACCOUNTS", "PASSWORD", "DemoDataExists", "build_demo", "demo_exists", "demo_logins",
           "format_logins", "make_pdf"]
