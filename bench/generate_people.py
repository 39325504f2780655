"""People, collectives and ten years of their history: ratings, titles and awards, initiatives, discipline.

History before the system starts is *imported* (``source=import``), as the
units' spreadsheets would bring it: yearly ratings, the titles their heads
decide (Lao động tiên tiến, Chiến sĩ thi đua cơ sở, Tập thể lao động tiên
tiến) and, before 2024, the province's own awards. From 2024 the province's
awards come from the generated decisions instead (``generate_stages``).
"""

from __future__ import annotations

import datetime

from bench.generate_world import (
    INITIATIVE_TOPICS,
    OFFICES_COMMUNE,
    OFFICES_DEPARTMENT,
    OFFICES_ENTERPRISE,
    OFFICES_SCHOOL,
    POSITIONS,
    UnitRow,
    name_keys,
    nfc,
    person_name,
    phrase_keys,
    rng_for,
)

RATINGS = ("htxsnv", "httnv", "htnv", "khtnv")
NAMES = {"LDTT": "Lao động tiên tiến", "CSTD_CS": "Chiến sĩ thi đua cơ sở", "TTLDTT": "Tập thể lao động tiên tiến",
         "TTLDXS": "Tập thể lao động xuất sắc", "CSTD_TINH": "Chiến sĩ thi đua cấp tỉnh",
         "BK_TINH_CN": "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"}
# The province's own awards are imported only for what it decided before the system (2024).
SYSTEM_START = datetime.date(2024, 1, 1)
FLUSH = 40_000

PERSON_FIELDS = ["id", "unit_id", "full_name", "gender", "birth_year", "position", "collective_id", "sort_key",
                 "search_key"]
RATING_FIELDS = ["id", "person_id", "collective_id", "year", "rating", "source"]
RECORD_FIELDS = ["id", "person_id", "collective_id", "award_type_id", "award_code", "award_name", "year", "kind",
                 "decision_number", "decision_date", "decided_by", "source"]
INITIATIVE_FIELDS = ["id", "person_id", "collective_id", "title", "year", "level", "is_research", "recognised_by",
                     "used_by_id", "source"]
DISCIPLINE_FIELDS = ["id", "person_id", "collective_id", "kind", "started_on", "ended_on", "description", "source"]


def _offices(unit: UnitRow) -> list[str]:
    if unit.kind == "commune":
        place = unit.name[0].lower() + unit.name[1:]
        return [f"{office} {place}" for office in OFFICES_COMMUNE]
    if unit.kind == "enterprise":
        return [f"{office}, {unit.name}" for office in OFFICES_ENTERPRISE]
    if unit.kind == "school":
        return [f"{office}, {unit.name}" for office in OFFICES_SCHOOL]
    return [f"{office}, {unit.name}" for office in OFFICES_DEPARTMENT]


def _rating(rng, merit: float) -> str:
    score = merit * 0.6 + rng.random() * 0.4
    if score > 0.62:
        return "htxsnv"
    if score > 0.2:
        return "httnv"
    return "htnv" if score > 0.05 else "khtnv"


class HistoryBuilder:
    """Streams the rows of people, collectives and their history into the writer, a few units at a time."""

    def __init__(self, ctx, world, catalogue):
        from dossiers.models import AnnualRating, AwardRecord, Collective, DisciplineRecord, Initiative, Person

        self.ctx, self.world, self.catalogue = ctx, world, catalogue
        self.models = {"person": Person, "collective": Collective, "rating": AnnualRating, "record": AwardRecord,
                       "initiative": Initiative, "discipline": DisciplineRecord}
        self.buffers: dict[str, list] = {name: [] for name in self.models}
        self.fields = {"person": PERSON_FIELDS, "collective": ["id", "unit_id", "name", "kind", "sort_key",
                                                              "search_key"],
                       "rating": RATING_FIELDS, "record": RECORD_FIELDS, "initiative": INITIATIVE_FIELDS,
                       "discipline": DISCIPLINE_FIELDS}
        self.this_year = ctx.as_of.year
        self.years = list(range(self.this_year - 9, self.this_year + 1))
        self.rng = rng_for(ctx.seed, "people")
        self.award_ids: dict[tuple[str, int], int | None] = {}
        self.counters = {name: ctx.ids.counter(model) for name, model in self.models.items()}
        self.title_cache: dict[tuple, tuple] = {}

    def _award_id(self, code: str, decided: datetime.date) -> int | None:
        key = (code, decided.toordinal())
        if key not in self.award_ids:
            self.award_ids[key] = self.catalogue.award_id_on(code, decided)
        return self.award_ids[key]

    def _take(self, name: str) -> int:
        return next(self.counters[name])

    def flush(self, force: bool = False) -> None:
        if not force and len(self.buffers["rating"]) < FLUSH:
            return
        # Parents first: people and collectives, then what points at them (initiatives point at award records).
        for name in ("collective", "person", "rating", "record", "initiative", "discipline"):
            if self.buffers[name]:
                self.ctx.writer.insert(self.models[name], self.fields[name], self.buffers[name])
                self.buffers[name] = []

    def build(self) -> None:
        total_size = sum(u.size for u in self.world.units)
        factor = self.ctx.scale.people / total_size
        for unit in self.world.units:
            self._unit(unit, max(6, round(unit.size * factor)))
            self.flush()
        self.flush(force=True)

    # -- one unit ---------------------------------------------------------------------

    def _unit(self, unit: UnitRow, count: int) -> None:
        rng = self.rng
        offices = _offices(unit)
        rng.shuffle(offices)
        collectives = []
        for name in offices[:max(2, min(len(offices), count // 18))]:
            collective_id = self._take("collective")
            collectives.append((collective_id, nfc(name)))
            self.buffers["collective"].append((collective_id, unit.id, nfc(name), "collective", *phrase_keys(nfc(name))))
        households = []
        if unit.kind == "commune":
            for _ in range(2):
                head = person_name(rng, "male")
                name = nfc(f"Hộ gia đình ông {head}, thôn {rng.choice(['Nà Tăm', 'Bản Hon', 'Sơn Thàng', 'Pa Cheo'])}")
                collective_id = self._take("collective")
                households.append((collective_id, name))
                self.buffers["collective"].append((collective_id, unit.id, name, "household", *phrase_keys(name)))
        self.world.collectives[unit.id] = collectives
        people = []
        for _ in range(count):
            people.append(self._person(unit, collectives))
        people.sort(key=lambda p: -p[1])
        self.world.people[unit.id] = people
        for collective_id, _name in collectives:
            self._collective_history(unit, collective_id)

    def _person(self, unit: UnitRow, collectives) -> tuple[int, float, str]:
        rng = self.rng
        gender = "female" if rng.random() < 0.48 else "male"
        name = person_name(rng, gender)
        born = rng.randint(1966, 2000)
        merit = rng.random() ** 1.3
        person_id = self._take("person")
        collective_id = rng.choice(collectives)[0] if collectives and rng.random() < 0.6 else None
        position = f"{rng.choice(POSITIONS)}, {unit.name}"[:255]
        self.buffers["person"].append((person_id, unit.id, name, gender, born, position, collective_id,
                                       *name_keys(name)))
        start = max(self.years[0], born + 23)
        if rng.random() < 0.3:
            start = max(start, self.years[0] + rng.randint(1, 8))
        last = self.this_year if unit.reviewed_this_year else self.this_year - 1
        streak = 0
        csc_records: dict[int, int] = {}
        rating_ids = self.counters["rating"]
        for year in range(start, last + 1):
            rating = _rating(rng, merit)
            self.buffers["rating"].append((next(rating_ids), person_id, None, year, rating, "import"))
            if rating in ("htxsnv", "httnv") and rng.random() < 0.92:
                self._unit_title(unit, person_id, None, "LDTT", year)
                if rating == "htxsnv" and rng.random() < 0.55:
                    csc_records[year] = self._unit_title(unit, person_id, None, "CSTD_CS", year)
                    streak += 1
                else:
                    streak = 0
            else:
                streak = 0
            decided = datetime.date(year + 1, 3, 20)
            if decided < SYSTEM_START and streak and streak % 3 == 0 and rng.random() < 0.5:
                self._province_award(person_id, None, "CSTD_TINH", year)
            elif decided < SYSTEM_START and streak >= 2 and rng.random() < 0.25:
                self._province_award(person_id, None, "BK_TINH_CN", year)
        self._initiatives(unit, person_id, merit, start, last, csc_records)
        if rng.random() < 0.03:
            self._discipline(person_id, start)
        return person_id, merit, name

    def _unit_title(self, unit: UnitRow, person_id, collective_id, code: str, year: int) -> int:
        key = (unit.id, code, year)
        fixed = self.title_cache.get(key)
        if fixed is None:
            decided = datetime.date(year, 11, 16) if year == self.this_year else datetime.date(year, 12, 18)
            fixed = self.title_cache[key] = (self._award_id(code, decided), code, NAMES[code], year, "regular",
                                             f"{100 + year % 100}/QĐ-{unit.code}", decided,
                                             nfc(f"Thủ trưởng {unit.name}")[:255], "import")
        record_id = next(self.counters["record"])
        self.buffers["record"].append((record_id, person_id, collective_id, *fixed))
        return record_id

    def _province_award(self, person_id, collective_id, code: str, year: int) -> None:
        decided = datetime.date(year + 1, 3, 20)
        self.buffers["record"].append((
            self._take("record"), person_id, collective_id, self._award_id(code, decided), code, NAMES[code], year,
            "regular", f"{300 + year % 100}/QĐ-UBND", decided, "Chủ tịch UBND tỉnh Sơn Lâm", "import"))

    def _collective_history(self, unit: UnitRow, collective_id: int) -> None:
        rng = self.rng
        merit = rng.random() ** 0.8
        last = self.this_year if unit.reviewed_this_year else self.this_year - 1
        for year in range(self.years[0], last + 1):
            rating = _rating(rng, merit)
            self.buffers["rating"].append((self._take("rating"), None, collective_id, year, rating, "import"))
            decided = datetime.date(year + 1, 3, 20)
            if rating == "htxsnv" and decided < SYSTEM_START and rng.random() < 0.6:
                self._province_award(None, collective_id, "TTLDXS", year)
            elif rating in ("htxsnv", "httnv"):
                self._unit_title(unit, None, collective_id, "TTLDTT", year)

    def _initiatives(self, unit: UnitRow, person_id: int, merit: float, start: int, last: int,
                     csc_records: dict[int, int]) -> None:
        rng = self.rng
        expected = 0.2 + 2.2 * merit * merit
        count = int(expected) + (1 if rng.random() < expected - int(expected) else 0)
        for _ in range(count):
            year = rng.randint(start, last)
            roll = rng.random()
            level = "national" if roll < 0.03 else "province" if roll < 0.2 else "unit"
            research = rng.random() < 0.1
            title = nfc(f"{'Đề tài' if research else 'Giải pháp'} nâng cao hiệu quả {rng.choice(INITIATIVE_TOPICS)} "
                        f"tại {unit.name}")[:500]
            used = csc_records.get(year) if level == "unit" and rng.random() < 0.6 else None
            self.buffers["initiative"].append((
                self._take("initiative"), person_id, None, title, year, level, research,
                f"Quyết định công nhận sáng kiến số {rng.randint(10, 99)}/QĐ-HĐSK năm {year}", used, "import"))

    def _discipline(self, person_id: int, start: int) -> None:
        rng = self.rng
        kind = rng.choices(("discipline", "investigation", "inspection", "complaint"), (70, 10, 10, 10))[0]
        began = datetime.date(rng.randint(start, self.this_year), rng.randint(1, 12), rng.randint(1, 28))
        if began > self.ctx.as_of.date():
            began = self.ctx.as_of.date() - datetime.timedelta(days=rng.randint(10, 200))
        ended = began + datetime.timedelta(days=365) if kind == "discipline" else (
            None if rng.random() < 0.5 else began + datetime.timedelta(days=rng.randint(30, 200)))
        description = {
            "discipline": "Khiển trách do vi phạm quy định về thời hạn giải quyết công việc.",
            "investigation": "Đang bị điều tra theo Quyết định khởi tố vụ án của Cơ quan điều tra.",
            "inspection": "Đang bị thanh tra trách nhiệm thực hiện nhiệm vụ được giao.",
            "complaint": "Đang xác minh nội dung đơn tố cáo.",
        }[kind]
        self.buffers["discipline"].append((self._take("discipline"), person_id, None, kind, began, ended,
                                           nfc(description), "import"))
