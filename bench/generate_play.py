"""Playing a dossier's story: its rows, its nominations' outcomes, its process's tasks and its audit events.

Each step does what the service of the same name does to the dossier (the
fields it sets, the nominations' outcomes, the audit event with the same
action, message and before/after) and what the flow does next (the task it
closes, the gateway, the task it opens). Council sessions, decisions and
central submissions gather many dossiers: the steps register their
nominations in ``Book``; ``generate_stages`` builds those batches afterwards.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from bench.generate_story import (
    DAY,
    KIND_WEIGHTS,
    LOCAL,
    PROFILES,
    Plan,
    anchor_for,
    build_steps,
    choose_profile,
    choose_variant,
    fits,
    lay_out,
    local_at,
)
from bench.generate_world import name_keys, nfc, phrase_keys, rng_for
from dossiers.text import fold, phrase_key

DOSSIER_FIELDS = ["id", "unit_id", "kind", "year", "movement_id", "title", "state", "regulation_id", "created_by_id",
                  "created_at", "updated_at", "prepared_by_id", "prepared_at", "submitted_by_id", "submitted_at",
                  "return_count", "return_reason", "withdrawn_reason", "rejected_reason", "appraised_by_id",
                  "appraised_at", "approved_by_id", "approved_at", "closed_at", "search_text"]
NOMINATION_FIELDS = ["id", "dossier_id", "person_id", "collective_id", "award_type_id", "achievement_summary",
                     "outcome", "created_at", "appraisal_note"]
ATTACHMENT_FIELDS = ["id", "dossier_id", "nomination_id", "document_type_id", "file", "original_name", "content_type",
                     "size", "sha256", "uploaded_by_id", "uploaded_at"]
ACHIEVEMENTS = [nfc(t) for t in (
    "hoàn thành xuất sắc nhiệm vụ được giao, là điển hình tiên tiến của đơn vị",
    "chủ trì triển khai giải pháp cải cách thủ tục hành chính được áp dụng rộng rãi",
    "tham mưu hoàn thành vượt mức các chỉ tiêu kinh tế - xã hội của năm",
    "có sáng kiến được công nhận và áp dụng hiệu quả tại đơn vị",
    "tích cực tham gia phong trào thi đua yêu nước, xây dựng nông thôn mới",
    "dẫn đầu khối thi đua, đơn vị đạt danh hiệu Tập thể lao động xuất sắc",
    "có thành tích xuất sắc trong công tác phòng, chống thiên tai, cứu hộ, cứu nạn",
    "nhiều năm liên tục hoàn thành tốt nhiệm vụ, gương mẫu, tận tụy")]
REJECT_REASONS = [nfc(t) for t in (
    "Thành tích đã được khen thưởng bằng hình thức khác; không đề nghị khen trùng cho cùng một thành tích.",
    "Hồ sơ không đúng tuyến trình; đề nghị đơn vị trình qua cơ quan chủ quản.",
    "Đề nghị không thuộc thẩm quyền khen thưởng của Chủ tịch UBND tỉnh.")]
WITHDRAW_REASONS = [nfc(t) for t in (
    "Đơn vị rút hồ sơ để bổ sung thành tích vào hồ sơ khen thưởng tổng kết năm.",
    "Cá nhân được đề nghị đã chuyển công tác; đơn vị rút hồ sơ để xem xét lại.",
    "Đơn vị rút hồ sơ để điều chỉnh hình thức khen thưởng đề nghị.")]
RETURN_ITEMS = [("missing_document", "Thiếu báo cáo thành tích có xác nhận của cấp trình."),
                ("unsigned", "Tờ trình chưa ký, đóng dấu."),
                ("data_mismatch", "Họ tên, chức vụ trong báo cáo thành tích không khớp với danh sách đề nghị."),
                ("missing_initiative", "Thiếu quyết định công nhận phạm vi ảnh hưởng của sáng kiến."),
                ("wrong_form", "Báo cáo thành tích không đúng mẫu quy định.")]
FEEDBACK_TEXT = [nfc(t) for t in (
    "Đề nghị Hội đồng xem xét thêm việc chấp hành thời hạn giải quyết hồ sơ của cá nhân này.",
    "Tôi xác nhận thành tích nêu trong báo cáo là đúng, đề nghị khen thưởng.",
    "Đề nghị làm rõ thành tích của tập thể trong năm, vì còn để xảy ra khiếu nại kéo dài.")]
MESSAGES = {
    "routed": {"awaiting_council": "Chuyển chờ Hội đồng xét", "awaiting_decision": "Chuyển chờ quyết định khen thưởng",
               "closed": "Kết thúc: không có đề nghị nào đủ điều kiện"},
}


@dataclass
class NomRef:
    """A nomination as the batches (sessions, decisions, central submissions) need it."""

    id: int
    dossier_id: int
    unit: object
    award: object
    person_id: int | None
    collective_id: int | None
    name: str
    sort_key: str
    year: int
    kind: str
    outcome: str = "proposed"
    data: dict = field(default_factory=dict)

    @property
    def agenda_key(self):
        return (self.award.rank, self.unit.name_key, self.sort_key, self.id)


@dataclass
class Book:
    """What the dossiers hand to the batch stages, and the audit events of everything."""

    events: list = field(default_factory=list)
    council: dict = field(default_factory=dict)  # session day -> [(NomRef, passed)]
    open_council: list = field(default_factory=list)  # [(NomRef, added at)]
    decisions: dict = field(default_factory=dict)  # decision day -> [NomRef]
    ready: list = field(default_factory=list)  # nominations waiting for a decision (awaiting_decision dossiers)
    central: dict = field(default_factory=dict)  # round day -> [NomRef]  (data: status, decided, number)
    supplements: list = field(default_factory=list)  # (request row, event, item rows)
    decision_numbers: dict = field(default_factory=dict)  # (day, nomination id) -> number, filled by the stages
    central_ids: dict = field(default_factory=dict)  # round day -> submission id, filled by the stages
    states: dict = field(default_factory=dict)


class Player:
    def __init__(self, ctx, world, catalogue, schedule, flows, book: Book):
        from dossiers.models import Attachment, Dossier, Nomination, PublicFeedback, PublicNotice, ReturnReason

        self.ctx, self.world, self.catalogue, self.schedule, self.flows, self.book = (
            ctx, world, catalogue, schedule, flows, book)
        self.models = {"dossier": Dossier, "nomination": Nomination, "attachment": Attachment,
                       "notice": PublicNotice, "feedback": PublicFeedback}
        self.rows = {name: [] for name in self.models}
        self.fields = {"dossier": DOSSIER_FIELDS, "nomination": NOMINATION_FIELDS, "attachment": ATTACHMENT_FIELDS,
                       "notice": ["id", "dossier_id", "starts_on", "ends_on", "created_by_id", "created_at",
                                  "closed_at"],
                       "feedback": ["id", "nomination_id", "name", "contact", "text", "created_at", "client_key",
                                    "status", "resolution_note", "resolved_by_id", "resolved_at"]}
        self.reasons = dict(ReturnReason.objects.values_list("code", "id"))
        self.reason_names = dict(ReturnReason.objects.values_list("code", "name"))
        units = [u for u in world.units if world.people.get(u.id)]
        self.units = units
        total, self.cumulative = 0, []
        for unit in units:
            total += unit.size
            self.cumulative.append(total)
        for unit in world.units:
            unit.name_key = phrase_key(unit.name)[:600]
        self.slugs: dict[str, str] = {}

    # ------------------------------------------------------------------ driver

    def play(self, index: int, target: str) -> None:
        rng = rng_for(self.ctx.seed, f"dossier:{index}")
        as_of = self.ctx.as_of
        for _attempt in range(40):
            variant = choose_variant(rng, target)
            profile = choose_profile(rng, target, variant)
            plan = Plan(target, variant, profile, build_steps(rng, target, variant, profile))
            fixed = anchor_for(rng, plan, self.schedule, as_of)
            if not fixed:
                continue
            lay_out(plan.steps, fixed, rng)
            if fits(plan.steps, as_of) and self._central_fits(rng, plan) and self._notice_fits(plan):
                break
        else:
            raise RuntimeError(f"could not place dossier {index} ({target}) on the calendar")
        DossierPlay(self, rng, plan).run()
        self.flows.flush()
        self.flush()

    def flush(self, force: bool = False) -> None:
        if not force and len(self.rows["nomination"]) < 20_000:
            return
        for name in ("dossier", "nomination", "attachment", "notice", "feedback"):
            if self.rows[name]:
                self.ctx.writer.insert(self.models[name], self.fields[name], self.rows[name])
                self.rows[name] = []

    def _notice_fits(self, plan: Plan) -> bool:
        """The notice (ten working days from the approval) must be over before the story goes on."""
        names = [s.name for s in plan.steps]
        if "notice_closed" not in names:
            return True
        approved = plan.steps[names.index("approved")].at
        ends_on = self.flows.calendar.add(approved.astimezone(LOCAL).date(), 10)
        return local_at(ends_on + DAY, 0) < plan.steps[names.index("notice_closed")].at - DAY

    def _central_fits(self, rng, plan: Plan) -> bool:
        """Forwarded: the first nominee still waits for the central level; closed: every nominee is decided."""
        names = [s.name for s in plan.steps]
        if "decided" not in names or plan.target == "decided" or (
                plan.target == "closed" and plan.variant != "central"):
            return True
        decided = plan.steps[names.index("decided")].at.astimezone(LOCAL).date()
        day = self.schedule.central_round_after(decided + 5 * DAY)
        plan.central_round = day
        if day is None:
            return plan.target == "forwarded"
        round_ = self.schedule.rounds[day]
        first = round_["decided"] + DAY * rng.randint(0, round_["spread"])
        plan.central_first = first
        if plan.target == "forwarded":
            return local_at(first, 10) > self.ctx.as_of
        last = round_["decided"] + DAY * round_["spread"]
        return local_at(last, 16) < self.ctx.as_of

    def choose_unit(self, rng):
        return rng.choices(self.units, cum_weights=self.cumulative)[0]

    def slug(self, name: str) -> str:
        if name not in self.slugs:
            self.slugs[name] = "-".join("".join(ch if ch.isalnum() else " " for ch in fold(name)).split())[:80]
        return self.slugs[name]


class DossierPlay:
    """One dossier's story, played step by step."""

    def __init__(self, player: Player, rng, plan: Plan):
        self.p, self.rng, self.plan = player, rng, plan
        self.ctx, self.world, self.book = player.ctx, player.world, player.book
        self.state = "draft"
        self.process = None
        self.pending = None  # (node, created, extra) of the task the next step closes
        self.feedback_processes = []

    # -- set-up ---------------------------------------------------------------------

    def _set_up(self) -> None:
        from dossiers.models import Dossier

        rng, plan, world = self.rng, self.plan, self.world
        steps = plan.steps
        self.unit = unit = self.p.choose_unit(rng)
        self.id = self.ctx.ids.one(Dossier)
        created = steps[0].at.astimezone(LOCAL)
        submitted = next((s.at for s in steps if s.name == "submitted"), None)
        self.regulation = self.p.catalogue.regulation_on((submitted or created).astimezone(LOCAL).date())
        award_day = (submitted or created).astimezone(LOCAL).date()
        primary = PROFILES[plan.profile][0][0]
        primary_award = self.p.catalogue.award(primary, award_day)
        kinds = [k for k in KIND_WEIGHTS if k in primary_award.kinds]
        self.kind = rng.choices(kinds, [KIND_WEIGHTS[k] for k in kinds])[0]
        self.year = created.year if self.kind != "regular" or created.month >= 9 else created.year - 1
        self.movement = rng.choice(world.movements) if self.kind == "thematic" else None
        self.reference = f"HS-{self.year}-{self.id:05d}"
        self.clerk, self.head = unit.clerk_id, unit.head_id
        self.specialist = rng.choice(world.specialists)
        self.lead = rng.choice(world.leads)
        self.signer = rng.choice(world.signers)
        self.liaison = rng.choice(world.liaisons)
        self.fields = {"prepared_by_id": None, "prepared_at": None, "submitted_by_id": None, "submitted_at": None,
                       "return_count": 0, "return_reason": "", "withdrawn_reason": "", "rejected_reason": "",
                       "appraised_by_id": None, "appraised_at": None, "approved_by_id": None, "approved_at": None,
                       "closed_at": None}
        self._nominations(rng, plan, award_day, primary_award)
        self.title = self._title()

    def _nominations(self, rng, plan, day, primary_award) -> None:
        from dossiers.models import Nomination

        catalogue, unit = self.p.catalogue, self.unit
        choices = [(catalogue.award(code, day), weight) for code, weight in PROFILES[plan.profile]]
        choices = [(a, w) for a, w in choices if a is not None and self.kind in a.kinds]
        roll = rng.random()
        count = (rng.randint(1, 2) if roll < 0.45 else rng.randint(3, 6) if roll < 0.8 else
                 rng.randint(7, 15) if roll < 0.96 else rng.randint(16, 50))
        people = self.world.people[unit.id]
        collectives = self.world.collectives.get(unit.id, [])
        used_people, used_collectives = set(), set()
        self.noms: list[NomRef] = []
        for index in range(count):
            award = primary_award if index == 0 else rng.choices([a for a, _ in choices], [w for _, w in choices])[0]
            if award.subject != "individual":
                free = [c for c in collectives if c[0] not in used_collectives]
                if not free:
                    continue
                collective_id, name = rng.choice(free)
                used_collectives.add(collective_id)
                person_id, sort_key = None, phrase_keys(name)[0]
            else:
                pool = people if award.rank > 90 else people[:max(3, len(people) * 2 // 5)]
                free = [p for p in rng.sample(pool, min(len(pool), 8)) if p[0] not in used_people]
                if not free:
                    continue
                person_id, _merit, name = free[0]
                used_people.add(person_id)
                collective_id, sort_key = None, name_keys(name)[0]
            self.noms.append(NomRef(self.ctx.ids.one(Nomination), self.id, unit, award, person_id, collective_id,
                                    name, sort_key, self.year, self.kind,
                                    data={"summary": f"Năm {self.year}: {rng.choice(ACHIEVEMENTS)}.", "note": ""}))
        if not self.noms:
            raise RuntimeError(f"unit {unit.code} has nobody to propose")

    def _title(self) -> str:
        award = self.noms[0].award
        if self.kind == "thematic":
            return nfc(f"Đề nghị khen thưởng tổng kết phong trào thi đua năm {self.year}: {award.name}")[:500]
        if self.kind == "exceptional":
            return nfc(f"Đề nghị tặng {award.name} đột xuất cho tập thể, cá nhân có thành tích xuất sắc")[:500]
        if self.kind == "long_service":
            return nfc(f"Đề nghị khen thưởng quá trình cống hiến: {award.name}")[:500]
        return nfc(f"Đề nghị tặng {award.name} năm {self.year}")[:500]

    # -- events -----------------------------------------------------------------------

    def event(self, at, actor, action, message, *, before=None, after=None, obj=("dossiers.dossier", None)):
        object_type, object_id = obj
        self.book.events.append([at, actor, action, object_type, str(self.id) if object_id is None else object_id,
                                 self.id, self.unit.id, message, before or {}, after or {}])
        return self.book.events[-1]

    def move(self, at, actor, action, message, state, **after):
        before = self.state
        self.state = state
        return self.event(at, actor, action, message, before={"state": before}, after={"state": state, **after})

    # -- the story --------------------------------------------------------------------

    def run(self) -> None:
        from bench.generate_play_steps import STEPS

        self._set_up()
        steps = self.plan.steps
        for index, step in enumerate(steps):
            following = steps[index + 1] if index + 1 < len(steps) else None
            STEPS[step.name](self, step, following)
        if self.state != self.plan.target:
            raise RuntimeError(f"dossier {self.id} ended {self.state}, not {self.plan.target} ({self.plan.variant})")
        self._finish()

    def _finish(self) -> None:
        as_of = self.ctx.as_of
        if self.pending is not None:
            self.close_pending(None, None)
        if self.process is not None:
            active = self.state not in ("closed", "rejected", "withdrawn", "decided")
            if active:
                self.process.row("NEW")
        for recorder in self.feedback_processes:  # feedback still being handled
            recorder.row("NEW")
        if self.state == "awaiting_decision":
            self.book.ready.extend(n for n in self.noms if n.outcome == "council_passed" or (
                n.outcome == "eligible" and not n.award.vote_required))
        last = max(s.at for s in self.plan.steps)
        self.book.states[self.state] = self.book.states.get(self.state, 0) + 1
        names = [fold(n.name) for n in self.noms]
        search = " | ".join([fold(self.title), fold(self.unit.name), *names])
        f = self.fields
        self.p.rows["dossier"].append((
            self.id, self.unit.id, self.kind, self.year, self.movement, self.title, self.state,
            self.regulation[0] if self.regulation and f["submitted_at"] else None, self.clerk, self.plan.steps[0].at,
            min(last, as_of), f["prepared_by_id"], f["prepared_at"], f["submitted_by_id"], f["submitted_at"],
            f["return_count"], f["return_reason"], f["withdrawn_reason"], f["rejected_reason"], f["appraised_by_id"],
            f["appraised_at"], f["approved_by_id"], f["approved_at"], f["closed_at"], search))
        created = self.plan.steps[0].at
        for index, nom in enumerate(self.noms):
            self.p.rows["nomination"].append((
                nom.id, self.id, nom.person_id, nom.collective_id, nom.award.id, nom.data["summary"], nom.outcome,
                created + datetime.timedelta(minutes=3 * index + 1), nom.data["note"]))
        self._attachments()

    def _attachments(self) -> None:
        from dossiers.models import Attachment

        catalogue, shared = self.p.catalogue, self.ctx.shared_files
        steps = self.plan.steps
        start = steps[0].at
        ready = next((s.at for s in steps if s.name == "prepared"), None)
        end = ready or min(self.ctx.as_of, start + 3 * DAY)
        wanted: dict[tuple[int, int | None], str] = {}
        for nom in self.noms:
            for doc_id, award_kind, unit_kind in catalogue.required.get(nom.award.id, ()):
                if (award_kind and award_kind != self.kind) or (unit_kind and unit_kind != self.unit.kind):
                    continue
                per_nomination = shared[doc_id][3]
                wanted[(doc_id, nom.id if per_nomination else None)] = nom.name if per_nomination else self.unit.name
        items = sorted(wanted.items(), key=lambda item: (item[0][0], item[0][1] or 0))
        if ready is None:
            items = items[:max(1, len(items) // 2)]
        span = (end - start).total_seconds()
        for index, ((doc_id, nomination_id), about) in enumerate(items):
            name, size, digest, _per, code = shared[doc_id]
            uploaded = start + datetime.timedelta(seconds=span * (index + 1) / (len(items) + 1))
            self.p.rows["attachment"].append((
                self.ctx.ids.one(Attachment), self.id, nomination_id, doc_id, name,
                f"{code}-{self.p.slug(about)}.pdf", "application/pdf", size, digest, self.clerk, uploaded))

    # -- the flow's tasks ---------------------------------------------------------------

    def open_task(self, name: str, created, **extra) -> None:
        self.pending = (name, created, extra)

    def close_pending(self, at, actor) -> None:
        """The task the story is at: done at ``at`` by ``actor``, or (``at`` None) still open."""
        name, created, extra = self.pending
        self.pending = None
        process = self.process
        if name in ("intake", "appraisal", "approval"):
            queue = self.world.leads if name == "approval" else self.world.specialists
            if at is not None:
                claimed = created + (at - created) * self.rng.uniform(0.02, 0.3)
                process.timed(name, created, done=at, owner=actor, assigned=claimed, queue=queue)
            else:
                owner, assigned = None, None
                if self.rng.random() < 0.25:
                    owner = self.world.leads[0] if name == "approval" and self.world.leads[0] != \
                        self.fields["appraised_by_id"] else (self.specialist if name != "approval" else None)
                    assigned = created + (self.ctx.as_of - created) * self.rng.uniform(0.05, 0.5)
                process.timed(name, created, owner=owner, assigned=assigned, queue=queue)
        elif name == "await_supplement":
            process.timed(name, created, done=at, due_on=extra["due_on"], queue=[self.clerk, self.head])
        elif name == "notice_period":
            process.wait(name, created, done=at, scheduled=extra["moment"])
        else:
            process.wait(name, created, done=at)

    def outcomes(self) -> dict[str, str]:
        return {n.name: n.outcome for n in self.noms}

    def supplement(self, at, due_on, items, note, event) -> None:
        from dossiers.models import SupplementItem, SupplementRequest

        request_id = self.ctx.ids.one(SupplementRequest)
        rows = [(self.ctx.ids.one(SupplementItem), request_id, self.p.reasons[code], None, None, nfc(text))
                for code, text in items]
        self.book.supplements.append([
            [request_id, self.id, self.fields["return_count"], note, due_on, self.specialist, at, None, None],
            event, rows])

    @staticmethod
    def digest(*parts) -> str:
        return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()
