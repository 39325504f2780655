"""The generated province: units, accounts, people, collectives and ten years of their history.

Everything is drawn from ``random.Random`` instances seeded by the run's seed
and the stage's name, so the same seed gives the same rows, and a change to
one stage does not shift the draws of another.
"""

from __future__ import annotations

import datetime
import random
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from dossiers.text import fold, person_sort_key, phrase_key

PROVINCE_CODE = "GEN"  # marks a database this generator filled (see ``generate.check_empty``)
PROVINCE_NAME = "Tỉnh Sơn Lâm"
PLACE_NAME = "Sơn Lâm"
PASSWORD = "ThiDua@2026"  # every generated account; for load tests
EMAIL_DOMAIN = "sonlam.invalid"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def rng_for(seed: int, stage: str) -> random.Random:
    """A generator of its own per stage: the same seed and stage give the same draws."""
    return random.Random(f"{seed}:{stage}")


@cache
def name_keys(full_name: str) -> tuple[str, str]:
    """(sort key, search key) of a person's name (cached: names repeat)."""
    return person_sort_key(full_name), fold(full_name)[:150]


@cache
def phrase_keys(name: str) -> tuple[str, str]:
    return phrase_key(name)[:800], fold(name)[:255]


# --------------------------------------------------------------------------- names

FAMILY = [nfc(n) for n in (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Lò", "Lù",
    "Giàng", "Quàng", "Tòng", "Vàng", "Sùng", "Tao", "Lường", "Điêu", "Hà", "Mùa", "Thào", "Cầm", "Đinh", "Phan",
    "Vương")]
FAMILY_WEIGHTS = [30, 12, 10, 8, 6, 5, 4, 4, 4, 2, 2, 2, 2, 4, 2, 3, 2, 2, 3, 2, 1, 2, 1, 3, 2, 2, 1, 2, 3, 1]
MIDDLE_MALE = [nfc(n) for n in ("Văn", "Đức", "Minh", "Quốc", "Hữu", "Xuân", "Thanh", "Công", "Đình", "A",
                                "Ngọc", "Trung", "Quang", "Mạnh", "Tiến")]
MIDDLE_FEMALE = [nfc(n) for n in ("Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Minh", "Kim", "Thúy", "Mai", "Bích",
                                  "Diệu", "Phương", "Hải", "Lan")]
GIVEN_MALE = [nfc(n) for n in (
    "An", "Bình", "Chiến", "Cường", "Dũng", "Đức", "Giang", "Hải", "Hiếu", "Hòa", "Hùng", "Huy", "Khánh", "Khoa",
    "Kiên", "Long", "Mạnh", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài", "Thắng",
    "Thành", "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Páo", "Chứ", "Sử", "Lềnh", "Ơn")]
GIVEN_FEMALE = [nfc(n) for n in (
    "Anh", "Ánh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng", "Huệ", "Hương", "Huyền",
    "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Tâm",
    "Thảo", "Thoa", "Thu", "Thủy", "Trang", "Tuyết", "Uyên", "Vân", "Xuân", "Yến", "Dợ", "Ửng")]


def person_name(rng: random.Random, gender: str) -> str:
    family = rng.choices(FAMILY, FAMILY_WEIGHTS)[0]
    if gender == "female":
        middle, given = rng.choice(MIDDLE_FEMALE), rng.choice(GIVEN_FEMALE)
    else:
        middle, given = rng.choice(MIDDLE_MALE), rng.choice(GIVEN_MALE)
    if rng.random() < 0.25:
        second = rng.choice(MIDDLE_FEMALE if gender == "female" else MIDDLE_MALE)
        if second != middle:
            middle = f"{middle} {second}"
    return f"{family} {middle} {given}"


SYLLABLES = [nfc(s) for s in (
    "Bản", "Giang", "Sơn", "Bình", "Tân", "Phong", "Đông", "Mường", "Kim", "Nậm", "Hồ", "Pa", "Tam", "Đường",
    "Than", "Uyên", "Phúc", "Khoa", "Ta", "Gia", "Lao", "Chải", "Thu", "Lũm", "Dào", "San", "Thàng", "Hua",
    "Nà", "Tăm", "Bum", "Tở", "Mù", "Cả", "Vàng", "Ma", "Lìn", "Hoang", "Thèn", "Sin", "Khổng", "Lào", "Sì",
    "Lở", "Lầu", "Dền", "Hương", "Nùng", "Trung", "Đồng")]

DEPARTMENTS = [nfc(n) for n in (
    "Sở Nội vụ", "Sở Tài chính", "Văn phòng Ủy ban nhân dân tỉnh", "Sở Tư pháp", "Sở Công Thương",
    "Sở Nông nghiệp và Môi trường", "Sở Xây dựng", "Sở Khoa học và Công nghệ", "Sở Giáo dục và Đào tạo", "Sở Y tế",
    "Sở Văn hóa, Thể thao và Du lịch", "Sở Dân tộc và Tôn giáo", "Sở Ngoại vụ", "Thanh tra tỉnh",
    "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh", "Ban Quản lý các khu công nghiệp tỉnh",
    "Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp",
    "Ban Quản lý dự án đầu tư xây dựng các công trình giao thông", "Ban Dân tộc tỉnh",
    "Trường Chính trị tỉnh", "Đài Phát thanh và Truyền hình tỉnh", "Báo Sơn Lâm",
    "Ban Quản lý Khu kinh tế cửa khẩu", "Quỹ Đầu tư phát triển tỉnh", "Viện Nghiên cứu phát triển tỉnh")]
DEPARTMENT_SERVICES = [nfc(n) for n in (
    "Trung tâm Phục vụ hành chính công", "Chi cục Văn thư - Lưu trữ", "Trung tâm Công nghệ thông tin",
    "Trung tâm Dịch vụ việc làm", "Trung tâm Kiểm soát bệnh tật", "Bệnh viện Đa khoa", "Trường Cao đẳng Cộng đồng",
    "Trung tâm Khuyến nông", "Chi cục Kiểm lâm", "Trung tâm Văn hóa - Nghệ thuật", "Thư viện tỉnh",
    "Trung tâm Trợ giúp pháp lý", "Trung tâm Quan trắc tài nguyên và môi trường", "Văn phòng Đăng ký đất đai")]
MASS_ORGANISATIONS = [nfc(n) for n in (
    "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Tỉnh đoàn", "Hội Liên hiệp Phụ nữ tỉnh", "Hội Nông dân tỉnh",
    "Hội Cựu chiến binh tỉnh", "Liên đoàn Lao động tỉnh", "Hội Chữ thập đỏ tỉnh", "Liên minh Hợp tác xã tỉnh",
    "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh", "Hội Văn học Nghệ thuật tỉnh", "Hội Người cao tuổi tỉnh",
    "Hội Khuyến học tỉnh", "Hội Luật gia tỉnh", "Hội Nhà báo tỉnh")]
ARMED_FORCES = [nfc(n) for n in (
    "Bộ Chỉ huy Quân sự tỉnh", "Công an tỉnh", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "Phòng Cảnh sát phòng cháy, "
    "chữa cháy và cứu nạn, cứu hộ", "Trung đoàn Bộ binh 741", "Đồn Biên phòng cửa khẩu")]
CENTRAL_AGENCIES = [nfc(n) for n in (
    "Kho bạc Nhà nước khu vực", "Thuế tỉnh", "Bảo hiểm xã hội tỉnh", "Ngân hàng Nhà nước chi nhánh tỉnh",
    "Thống kê tỉnh", "Chi cục Hải quan cửa khẩu", "Viện Kiểm sát nhân dân tỉnh", "Tòa án nhân dân tỉnh",
    "Điện lực tỉnh", "Viễn thông tỉnh", "Bưu điện tỉnh", "Chi nhánh Ngân hàng Nông nghiệp và Phát triển nông thôn")]
ENTERPRISE_FORMS = [nfc(n) for n in ("Công ty Cổ phần", "Công ty TNHH MTV", "Công ty TNHH", "Hợp tác xã")]
ENTERPRISE_TRADES = [nfc(n) for n in (
    "Cấp nước", "Chè", "Xây dựng", "Thủy điện", "Môi trường đô thị", "Xổ số kiến thiết", "Vận tải", "Dược phẩm",
    "Sách và Thiết bị trường học", "Giống cây trồng", "Du lịch", "Khoáng sản", "Thương mại", "Cao su",
    "Nông sản sạch", "Vật liệu xây dựng", "Quản lý đường bộ", "In")]
SCHOOLS = [nfc(n) for n in ("Trường Mầm non", "Trường Tiểu học", "Trường Trung học cơ sở", "Trạm Y tế",
                            "Trường Phổ thông dân tộc bán trú")]
OFFICES_DEPARTMENT = [nfc(n) for n in (
    "Văn phòng", "Phòng Tổ chức cán bộ", "Phòng Kế hoạch - Tài chính", "Phòng Pháp chế", "Thanh tra",
    "Phòng Quản lý chuyên ngành", "Phòng Tổng hợp", "Phòng Nghiệp vụ 1", "Phòng Nghiệp vụ 2", "Phòng Kiểm tra")]
OFFICES_COMMUNE = [nfc(n) for n in (
    "Văn phòng HĐND và UBND", "Phòng Kinh tế", "Phòng Văn hóa - Xã hội", "Công an", "Ban Chỉ huy Quân sự",
    "Trung tâm Phục vụ hành chính công", "Hội Liên hiệp Phụ nữ", "Đoàn Thanh niên", "Hội Nông dân")]
OFFICES_ENTERPRISE = [nfc(n) for n in ("Phòng Kỹ thuật", "Phòng Kinh doanh", "Phòng Tài chính - Kế toán",
                                       "Phân xưởng sản xuất số 1", "Phân xưởng sản xuất số 2", "Đội thi công",
                                       "Phòng Tổ chức - Hành chính")]
OFFICES_SCHOOL = [nfc(n) for n in ("Tổ chuyên môn Khoa học tự nhiên", "Tổ chuyên môn Khoa học xã hội",
                                   "Tổ Văn phòng", "Tổ chủ nhiệm")]
POSITIONS = [nfc(n) for n in ("Chuyên viên", "Chuyên viên chính", "Phó Trưởng phòng", "Trưởng phòng", "Kế toán",
                              "Giáo viên", "Bác sĩ", "Kỹ sư", "Cán sự", "Nhân viên", "Công chức", "Viên chức")]
INITIATIVE_TOPICS = [nfc(n) for n in (
    "cải cách thủ tục hành chính", "chuyển đổi số hồ sơ công việc", "quản lý ngân sách", "giảm nghèo bền vững",
    "xây dựng nông thôn mới", "nâng cao chất lượng dạy học", "phòng, chống dịch bệnh", "bảo vệ rừng",
    "phát triển chè Shan tuyết", "du lịch cộng đồng", "an toàn giao thông", "tiết kiệm điện năng",
    "quản lý đất đai", "giải quyết khiếu nại, tố cáo", "bảo tồn văn hóa dân tộc", "thu ngân sách")]


# --------------------------------------------------------------------------- the unit tree


@dataclass
class UnitRow:
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    parent_id: int | None = None
    block_id: int | None = None
    cluster_id: int | None = None
    path: str = ""
    size: int = 0  # relative number of people
    clerk_id: int = 0
    head_id: int = 0
    reviewed_this_year: bool = True  # the unit held its year-end review (this year's ratings and titles exist)


@dataclass
class World:
    """What later stages need to know about the generated province."""

    province_id: int
    units: list[UnitRow]
    ha_unit_id: int
    users: dict[str, int]  # username -> id
    names: dict[int, str]  # user id -> full name (audit events carry it)
    specialists: list[int]
    leads: list[int]
    secretary: int
    chair: int
    signers: list[int]
    liaisons: list[int]
    council_users: list[tuple[int, str, str]]  # (user id, role on the council, position)
    movements: list[int] = field(default_factory=list)
    people: dict[int, list[tuple[int, float, str]]] = field(default_factory=dict)  # unit -> (id, merit, name)
    collectives: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # unit -> (id, name)


def _plan_units(count: int) -> list[tuple[str, int]]:
    """How many units of each kind: (kind, count)."""
    plan = {
        "department": max(2, round(count * 0.02)),
        "public_service": round(count * 0.12),
        "commune": max(2, round(count * 0.53)),
        "school": round(count * 0.13),
        "enterprise": max(1, round(count * 0.13)),
        "mass_organisation": round(count * 0.03),
        "armed_forces": round(count * 0.007),
        "central_agency": round(count * 0.02),
    }
    return list(plan.items())


SIZE = {"department": 300, "public_service": 120, "commune": 160, "school": 45, "enterprise": 220,
        "mass_organisation": 60, "armed_forces": 400, "central_agency": 110}
BLOCKS = [nfc(n) for n in ("Khối các cơ quan tổng hợp", "Khối văn hóa - xã hội", "Khối kinh tế - kỹ thuật",
                           "Khối nội chính", "Khối các đoàn thể", "Khối doanh nghiệp", "Khối các cơ quan Trung ương")]
BLOCK_OF = {"department": 0, "public_service": 1, "enterprise": 5, "mass_organisation": 4, "armed_forces": 3,
            "central_agency": 6}


def _numbered(names: list[str], index: int, suffix: str = "") -> str:
    name = names[index % len(names)]
    round_ = index // len(names)
    return f"{name}{suffix}" + (f" số {round_ + 1}" if round_ else "")


def build_units(ctx) -> list[UnitRow]:
    """The tree: departments (with their public-service units), communes (with their schools), enterprises,
    mass organisations, armed forces and central agencies on the province's territory; blocks and clusters."""
    from dossiers.models import EmulationBlock, EmulationCluster, Unit

    rng = rng_for(ctx.seed, "units")
    plan = dict(_plan_units(ctx.scale.units))
    units: list[UnitRow] = []

    def add(code, name, short, kind, parent=None):
        row = UnitRow(id=ctx.ids.one(Unit), code=code, name=nfc(name), short_name=nfc(short)[:60], kind=kind,
                      parent_id=parent.id if parent else None,
                      size=max(8, int(SIZE[kind] * rng.uniform(0.5, 1.6))))
        row.path = f"{parent.path if parent else '/'}{row.id}/"
        units.append(row)
        return row

    departments = [add(f"S{i + 1:02d}", _numbered(DEPARTMENTS, i), "", "department")
                   for i in range(plan["department"])]
    communes = []
    combos = [f"{a} {b}" for a in SYLLABLES for b in SYLLABLES if a != b]
    rng.shuffle(combos)
    for i in range(plan["commune"]):
        place = combos[i % len(combos)] + (f" {i // len(combos) + 1}" if i >= len(combos) else "")
        prefix = "Phường" if rng.random() < 0.18 else "Xã"
        communes.append(add(f"X{i + 1:04d}", f"{prefix} {place}", place, "commune"))
    for i in range(plan["public_service"]):
        parent = departments[i % len(departments)]
        add(f"{parent.code}-{i // len(departments) + 1:02d}", _numbered(DEPARTMENT_SERVICES, i), "",
            "public_service", parent)
    for i in range(plan["school"]):
        parent = communes[i % len(communes)]
        add(f"{parent.code}-{i // len(communes) + 1}", f"{SCHOOLS[i % len(SCHOOLS)]} {parent.short_name}", "",
            "school", parent)
    used = set()
    for i in range(plan["enterprise"]):
        while True:
            name = f"{rng.choice(ENTERPRISE_FORMS)} {rng.choice(ENTERPRISE_TRADES)} {rng.choice(SYLLABLES)}"
            if name not in used:
                used.add(name)
                break
        add(f"DN{i + 1:04d}", name, "", "enterprise")
    for kind, names, prefix in (("mass_organisation", MASS_ORGANISATIONS, "DT"), ("armed_forces", ARMED_FORCES, "LL"),
                                ("central_agency", CENTRAL_AGENCIES, "TW")):
        for i in range(plan[kind]):
            add(f"{prefix}{i + 1:03d}", _numbered(names, i), "", kind)

    # Blocks for the province-level units (25 to a block), clusters for the communes (15 to a cluster).
    blocks, clusters = [], []
    by_block: dict[int, list[UnitRow]] = {}
    for unit in units:
        if unit.kind in BLOCK_OF:
            by_block.setdefault(BLOCK_OF[unit.kind], []).append(unit)
    for base, members in sorted(by_block.items()):
        for start in range(0, len(members), 25):
            block_id = ctx.ids.one(EmulationBlock)
            blocks.append((block_id, ctx.province_id, BLOCKS[base] + (f" {start // 25 + 1}" if start else "")))
            for unit in members[start:start + 25]:
                unit.block_id = block_id
    for index, unit in enumerate(communes):
        if index % 15 == 0:
            clusters.append((ctx.ids.one(EmulationCluster), ctx.province_id, f"Cụm thi đua số {index // 15 + 1}"))
        unit.cluster_id = clusters[-1][0]
    ctx.writer.insert(EmulationBlock, ["id", "province_id", "name"], blocks)
    ctx.writer.insert(EmulationCluster, ["id", "province_id", "name"], clusters)
    for unit in units:
        unit.reviewed_this_year = rng.random() < 0.6
    ctx.writer.insert(
        Unit,
        ["id", "province_id", "parent_id", "code", "name", "short_name", "kind", "block_id", "cluster_id", "path",
         "name_key", "search_key"],
        ((u.id, ctx.province_id, u.parent_id, u.code, u.name, u.short_name, "public_service" if u.kind == "school"
          else u.kind, u.block_id, u.cluster_id, u.path, phrase_key(u.name)[:600], fold(u.name)[:255])
         for u in units),
    )
    return units


# --------------------------------------------------------------------------- province and accounts

HEAD_POSITION = {"department": "Giám đốc", "public_service": "Giám đốc", "commune": "Chủ tịch Ủy ban nhân dân",
                 "school": "Hiệu trưởng", "enterprise": "Giám đốc", "mass_organisation": "Chủ tịch",
                 "armed_forces": "Chỉ huy trưởng", "central_agency": "Giám đốc"}


def build_province(ctx) -> int:
    from dossiers.models import Province

    province_id = ctx.ids.one(Province)
    ctx.writer.insert(Province, ["id", "code", "name", "place_name"],
                      [(province_id, PROVINCE_CODE, PROVINCE_NAME, PLACE_NAME)])
    return province_id


def build_settings(ctx, units: list[UnitRow]) -> list[int]:
    """Home Affairs, the province's time limits (the defaults) and its emulation movements."""
    from dossiers.models import Movement, Province
    from dossiers.models.central_deadlines import CentralTimeLimits
    from workflows.models import WorkflowSettings

    Province.objects.filter(pk=ctx.province_id).update(home_affairs_unit_id=units[0].id)
    ctx.writer.insert(WorkflowSettings, ["id", "province_id"], [(ctx.ids.one(WorkflowSettings), ctx.province_id)])
    ctx.writer.insert(CentralTimeLimits, ["id", "province_id"], [(ctx.ids.one(CentralTimeLimits), ctx.province_id)])
    movements = [
        ("Sơn Lâm chung sức xây dựng nông thôn mới", datetime.date(2021, 8, 11)),
        ("Chung tay vì người nghèo - Không để ai bị bỏ lại phía sau", datetime.date(2021, 8, 11)),
        ("Cán bộ, công chức, viên chức thi đua thực hiện văn hóa công sở", datetime.date(2022, 3, 1)),
        ("Thi đua đẩy mạnh chuyển đổi số trong cơ quan nhà nước", datetime.date(2024, 2, 15)),
        ("Thi đua thực hiện thắng lợi nhiệm vụ phát triển kinh tế - xã hội năm 2026", datetime.date(2026, 1, 20)),
    ]
    rows = [(ctx.ids.one(Movement), ctx.province_id, nfc(name), started) for name, started in movements]
    ctx.writer.insert(Movement, ["id", "province_id", "name", "started_on"], rows)
    return [row[0] for row in rows]


def build_accounts(ctx, units: list[UnitRow]) -> World:
    """A clerk and a head per unit; Home Affairs specialists and leads; the council; signers; the others."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from dossiers.models import User

    rng = rng_for(ctx.seed, "accounts")
    hashed = make_password(PASSWORD, salt="sonlam2026")  # one hash, reproducible: the same password for all
    groups = dict(Group.objects.values_list("name", "id"))
    rows, links, names, users = [], [], {}, {}
    joined = ctx.as_of - datetime.timedelta(days=900)

    def account(username, unit_id, roles, position, *, staff=False, capacity=""):
        gender = "female" if rng.random() < 0.45 else "male"
        family, rest = person_name(rng, gender).split(" ", 1)
        user_id = ctx.ids.one(User)
        row = [user_id, hashed, username, rest, family, f"{username}@{EMAIL_DOMAIN}", unit_id, nfc(position),
               staff, staff, True, joined, capacity]
        rows.append(tuple(row))
        links.extend((ctx.ids.one(User.groups.through), user_id, groups[role]) for role in roles)
        users[username] = user_id
        names[user_id] = f"{family} {rest}"
        return user_id

    for unit in units:
        code = unit.code.lower()
        unit.clerk_id = account(f"canbo.{code}", unit.id, ["unit_clerk"],
                                f"Chuyên viên phụ trách công tác thi đua, khen thưởng, {unit.name}")
        unit.head_id = account(f"thutruong.{code}", unit.id, ["unit_head"], f"{HEAD_POSITION[unit.kind]} {unit.name}")
    ha, office = units[0], next((u for u in units if u.name.startswith("Văn phòng Ủy ban")), units[1])
    specialists = [account(f"chuyenvien{i + 1:02d}.snv", ha.id, ["ha_specialist"],
                           "Chuyên viên Ban Thi đua - Khen thưởng") for i in range(ctx.scale.specialists)]
    leads = [account(f"lanhdao{i + 1:02d}.snv", ha.id, ["ha_lead"],
                     "Giám đốc Sở Nội vụ" if i == 0 else "Phó Giám đốc Sở Nội vụ") for i in range(ctx.scale.leads)]
    chair = account("chutich.ubnd", office.id, ["council_chair", "signer"], "Chủ tịch Ủy ban nhân dân tỉnh",
                    capacity="chairman")
    vice = account("phochutich.ubnd", office.id, ["signer"], "Phó Chủ tịch Ủy ban nhân dân tỉnh",
                   capacity="vice_chairman")
    secretary = account("thuky.hd", ha.id, ["council_secretary", "council_member"],
                        "Trưởng ban Thi đua - Khen thưởng, Thư ký Hội đồng")
    council = [(chair, "chair", "Chủ tịch UBND tỉnh, Chủ tịch Hội đồng"),
               (leads[0], "vice_chair", "Giám đốc Sở Nội vụ, Phó Chủ tịch Thường trực Hội đồng")]
    links.append((ctx.ids.one(User.groups.through), leads[0], groups["council_member"]))
    departments = [u for u in units if u.kind == "department"]
    for i in range(max(0, ctx.scale.council_members - 3)):
        unit = departments[i % len(departments)]
        council.append((account(f"uyvien{i + 1:02d}.hd", unit.id, ["council_member"], f"Lãnh đạo {unit.name}"),
                        "member", f"Lãnh đạo {unit.name}, Ủy viên Hội đồng"))
    council.append((secretary, "secretary", "Trưởng ban Thi đua - Khen thưởng, Ủy viên, Thư ký Hội đồng"))
    liaisons = [account(f"lienhe{i + 1:02d}.tw", ha.id, ["central_liaison"], "Chuyên viên theo dõi hồ sơ Trung ương")
                for i in range(2)]
    inspection = next((u for u in units if u.name.startswith("Thanh tra")), units[0])
    account("kiemtra", inspection.id, ["auditor"], "Thanh tra viên chính")
    account("quantri", ha.id, ["administrator"], "Quản trị hệ thống", staff=True)

    names_order = ["id", "password", "username", "first_name", "last_name", "email", "unit_id", "position",
                   "is_staff", "is_superuser", "is_active", "date_joined", "signer_capacity"]
    ctx.writer.insert(User, names_order, rows)
    ctx.writer.insert(User.groups.through, ["id", "user_id", "group_id"], links)
    return World(province_id=ctx.province_id, units=units, ha_unit_id=ha.id, users=users, names=names,
                 specialists=specialists, leads=leads, secretary=secretary, chair=chair, signers=[chair, vice],
                 liaisons=liaisons, council_users=council)


def build_council(ctx, world: World) -> int:
    """The province's council and its members' terms."""
    from councils.models import Council, CouncilMembership

    council_id = ctx.ids.one(Council)
    ctx.writer.insert(Council, ["id", "province_id"], [(council_id, ctx.province_id)])
    ctx.writer.insert(
        CouncilMembership, ["id", "council_id", "user_id", "role", "position", "votes", "starts_on"],
        [(ctx.ids.one(CouncilMembership), council_id, user_id, role, nfc(position), True, datetime.date(2021, 1, 1))
         for user_id, role, position in world.council_users])
    return council_id


# --------------------------------------------------------------------------- the catalogue, as plain data


@dataclass(frozen=True)
class Award:
    id: int
    code: str
    name: str
    subject: str
    authority: str
    forwarded: bool
    vote_required: bool
    notice: bool
    cash_multiple: object
    rank: int
    threshold: tuple[int, int, bool, str]  # numerator, denominator, strict, base
    kinds: tuple[str, ...]


class Catalogue:
    """The loaded catalogue, read once: awards per regulation, required documents, base salaries."""

    def __init__(self):
        from dossiers.models import AwardType, BaseSalary, DocumentType, Regulation, RequiredDocument

        self.regulations = list(Regulation.objects.order_by("effective_from").values_list(
            "id", "code", "effective_from", "effective_to"))
        self.awards: dict[tuple[int, str], Award] = {}
        self.by_id: dict[int, Award] = {}
        for a in AwardType.objects.all():
            award = Award(a.id, a.code, a.name, a.subject, a.authority, a.forwarded, a.vote_required,
                          a.public_notice_required, a.cash_multiple, a.rank,
                          (a.vote_threshold_numerator, a.vote_threshold_denominator, a.vote_threshold_strict,
                           a.vote_base), tuple(a.kinds or ()))
            self.awards[(a.regulation_id, a.code)] = award
            self.by_id[a.id] = award
        self.required: dict[int, list[tuple[int, str, str]]] = {}
        for award_id, doc_id, kind, unit_kind in RequiredDocument.objects.values_list(
                "award_type_id", "document_type_id", "award_kind", "unit_kind"):
            self.required.setdefault(award_id, []).append((doc_id, kind, unit_kind))
        self.doc_types = {code: (pk, per_nomination, name) for pk, code, per_nomination, name in
                          DocumentType.objects.values_list("id", "code", "per_nomination", "name")}
        self.salaries = sorted(BaseSalary.objects.values_list("effective_from", "amount"))
        if not self.regulations:
            raise RuntimeError("The award catalogue is not loaded (manage.py load_catalogue).")

    def regulation_on(self, day: datetime.date):
        """(id, code) of the regulation in force on ``day``, or None before the first one."""
        found = None
        for pk, code, start, end in self.regulations:
            if start <= day and (end is None or day <= end):
                found = (pk, code)
        return found

    def award(self, code: str, day: datetime.date) -> Award | None:
        regulation = self.regulation_on(day) or self.regulation_on(self.regulations[0][2])
        return self.awards.get((regulation[0], code))

    def award_id_on(self, code: str, day: datetime.date) -> int | None:
        """The catalogue row of ``code`` under the regulation in force on ``day`` (None before the first)."""
        regulation = self.regulation_on(day)
        award = self.awards.get((regulation[0], code)) if regulation else None
        return award.id if award else None

    def salary_on(self, day: datetime.date) -> int | None:
        amount = None
        for start, value in self.salaries:
            if start <= day:
                amount = value
        return amount
