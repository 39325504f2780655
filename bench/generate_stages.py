"""The batches that gather many dossiers: council sessions, award decisions, central submissions.

Built after every dossier was played, from what the dossiers registered in
``Book``: the finalised sessions (paper ballots, counted totals that a
recount finds again), the sessions under way (one with voting open for the
council benchmark), the signed decisions with their items and the award
records they created, the decisions being prepared, one revocation, the
submissions to the central level and the number register of every document.
"""

from __future__ import annotations

import datetime
import uuid
from fractions import Fraction

from bench.generate_play_steps import session_label
from bench.generate_story import DAY, LOCAL, local_at
from bench.generate_world import name_keys, rng_for
from councils import tally
from dossiers.documents.formatting import document_symbol
from dossiers.models import cash_amount

HOUR = datetime.timedelta(hours=1)
PLACE = "Phòng họp số 1, Ủy ban nhân dân tỉnh"
ROLE_ORDER = {"chair": 0, "vice_chair": 1, "member": 2, "secretary": 3}


class Numbers:
    """The document register: numbers given per (issuer, year, type) in date order, from 01."""

    def __init__(self):
        self.requests = []

    def ask(self, issuer: str, type_code: str, day: datetime.date, object_type: str, object_id: int, setter) -> None:
        self.requests.append((issuer, type_code, day, object_type, object_id, setter))

    def allocate(self, ctx, scope: str) -> None:
        from dossiers.models import DocumentCounter, DocumentNumber

        registers: dict[tuple, int] = {}
        rows = []
        for issuer, type_code, day, object_type, object_id, setter in sorted(
                self.requests, key=lambda r: (r[0], r[1], r[2], r[3], r[4])):
            key = (issuer, day.year, type_code)
            registers[key] = registers.get(key, 0) + 1
            number = registers[key]
            setter(document_symbol(number, type_code, issuer), number)
            rows.append((ctx.ids.one(DocumentNumber), scope, issuer, day.year, type_code, number,
                         local_at(day, 8), object_type, str(object_id)))
        ctx.writer.insert(DocumentNumber, ["id", "scope", "issuer", "year", "type_code", "number", "created_at",
                                           "object_type", "object_id"], rows)
        ctx.writer.insert(DocumentCounter, ["id", "scope", "issuer", "year", "type_code", "last_number"],
                          [(ctx.ids.one(DocumentCounter), scope, issuer, year, type_code, last)
                           for (issuer, year, type_code), last in sorted(registers.items())])


class Stages:
    def __init__(self, ctx, world, catalogue, book, council_id: int):
        self.ctx, self.world, self.catalogue, self.book, self.council_id = ctx, world, catalogue, book, council_id
        self.rng = rng_for(ctx.seed, "stages")
        self.numbers = Numbers()
        self.records = []  # award records (written after numbering)
        self.late = []  # rows whose numbers are set by the register, written after it

    def event(self, at, actor, action, obj_type, obj_id, message, after=None, before=None):
        self.book.events.append([at, actor, action, obj_type, str(obj_id), None, None, message, before or {},
                                 after or {}])

    # ------------------------------------------------------------------ council

    def sessions(self) -> None:
        from councils.models import AgendaItem, CouncilSession, PaperTally, SessionMember, VoterRecord

        w, ids, rng, world = self.ctx.writer, self.ctx.ids, self.rng, self.world
        secretary = world.secretary
        session_rows, member_rows, item_rows, tally_rows, voter_rows = [], [], [], [], []
        roster = [(user_id, role, position, world.names[user_id]) for user_id, role, position in world.council_users]
        members = len(roster)

        def add_members(session_id, present_ids):
            added = []
            for user_id, role, position, name in roster:
                member_id = ids.one(SessionMember)
                added.append((member_id, user_id in present_ids))
                member_rows.append((member_id, session_id, user_id, name, role, position, True, user_id in present_ids,
                                    name_keys(name)[0], ROLE_ORDER.get(role, 2)))
            return added

        for day in sorted(self.book.council):
            entries = sorted(self.book.council[day], key=lambda e: e[0].agenda_key)
            for start in range(0, len(entries), 1000):
                chunk = entries[start:start + 1000]
                session_id = ids.one(CouncilSession)
                title = session_label(day).rsplit(" (", 1)[0]
                # At most as many absent as still lets a 90%-of-all-members award pass.
                most = members - -(-9 * members // 10)
                absent = set(rng.sample([r[0] for r in roster[1:-1]], min(rng.randint(0, 2), most, members - 2)))
                present = {r[0] for r in roster} - absent
                created = local_at(day - 20 * DAY, 9)
                times = {"published": local_at(day - 5 * DAY, 9), "started": local_at(day, 8),
                         "opened": local_at(day, 9), "closed": local_at(day, 10, 30), "confirmed": local_at(day, 11),
                         "finalised": local_at(day + DAY * rng.randint(1, 4), 15)}
                row = [session_id, self.council_id, title, "regular", day, datetime.time(8), datetime.time(11, 30),
                       PLACE, True, True, "paper", 4, 5, "finalised", secretary, created, times["published"],
                       times["started"], times["opened"], times["closed"], times["confirmed"], times["finalised"], "",
                       (times["finalised"]).astimezone(LOCAL).date()]
                session_rows.append(row)
                self.numbers.ask("HĐTĐKT", "BB", row[-1], "councils.councilsession", session_id,
                                 lambda symbol, number, row=row: row.__setitem__(22, symbol))
                add_members(session_id, present)
                for position, (nom, passed) in enumerate(chunk, start=1):
                    item_id = ids.one(AgendaItem)
                    counts = self._counts(nom.award, passed, members, len(present))
                    item_rows.append((item_id, session_id, nom.id, position, *nom.award.threshold, *counts))
                    tally_rows.append((ids.one(PaperTally), item_id, *counts[:5], secretary, times["closed"]))
                self._session_events(session_id, title, day, len(chunk), times, created, finalised=True)
        open_entries = sorted(self.book.open_council, key=lambda e: e[0].agenda_key)
        size = self.ctx.scale.council_items
        today = self.ctx.as_of.astimezone(LOCAL).date()
        # The first ``size`` nominations before a session voting now (the council benchmark's), the next thousand
        # before one whose agenda is out, the rest in draft sessions of a thousand, a week apart.
        batches = [("voting_open", open_entries[:size], today),
                   ("agenda_published", open_entries[size:size + 1000], today + 14 * DAY)]
        for index, start in enumerate(range(size + 1000, len(open_entries), 1000)):
            batches.append(("draft", open_entries[start:start + 1000], today + (35 + 7 * index) * DAY))
        for state, chunk, day in batches:
            if not chunk:
                continue
            session_id = ids.one(CouncilSession)
            added = [a for _n, a in chunk]
            created = min(added) - DAY
            published = max(added) + 2 * HOUR if state != "draft" else None
            voting = state == "voting_open"
            started = self.ctx.as_of - 2 * HOUR if voting else None
            opened = self.ctx.as_of - HOUR if voting else None
            title = f"Phiên họp Hội đồng Thi đua - Khen thưởng tỉnh ngày {day:%d/%m/%Y}"
            session_rows.append([session_id, self.council_id, title, "regular", day, datetime.time(8), None, PLACE,
                                 True, True, "electronic", 4, 5, state, secretary, created, published, started, opened,
                                 None, None, None, "", None])
            if state != "draft":
                present = {r[0] for r in roster} if voting else set()
                for member_id, here in add_members(session_id, present):
                    if voting and here:
                        voter_rows.append((uuid.UUID(int=rng.getrandbits(128), version=4), session_id, member_id,
                                           False))
            for position, (nom, _added) in enumerate(chunk, start=1):
                item_rows.append((ids.one(AgendaItem), session_id, nom.id, position, *nom.award.threshold,
                                  None, None, None, None, None, 0, 0, None, "pending"))
            self._session_events(session_id, title, day, len(chunk),
                                 {"published": published, "started": started, "opened": opened}, created,
                                 finalised=False)
        rng.shuffle(voter_rows)
        self.late.append((CouncilSession, ["id", "council_id", "title", "kind", "date", "start_time", "end_time",
                                           "place", "secret", "allow_ballot_change", "mode", "quorum_numerator",
                                           "quorum_denominator", "state", "created_by_id", "created_at",
                                           "published_at", "started_at", "voting_opened_at", "voting_closed_at",
                                           "confirmed_at", "finalised_at", "minutes_number", "minutes_date"],
                          session_rows))
        w.insert(SessionMember, ["id", "session_id", "user_id", "name", "role", "position", "votes", "present",
                                 "sort_key", "role_order"], member_rows)
        w.insert(AgendaItem, ["id", "session_id", "nomination_id", "position", "threshold_numerator",
                              "threshold_denominator", "threshold_strict", "threshold_base", "issued", "valid",
                              "agree", "disagree", "abstain", "written_agree", "written_other", "base", "result"],
                 item_rows)
        w.insert(PaperTally, ["id", "item_id", "issued", "valid", "agree", "disagree", "abstain", "entered_by_id",
                              "entered_at"], tally_rows)
        w.insert(VoterRecord, ["id", "session_id", "member_id", "has_voted"], voter_rows)

    def _counts(self, award, passed: bool, members: int, present: int) -> tuple:
        """Paper totals that give ``passed`` under the award's threshold (what a recount finds again)."""
        numerator, denominator, strict, base_kind = award.threshold
        threshold = Fraction(numerator, denominator)
        base = tally.base_for(base_kind, members=members, present=present, written=0)
        needed = next((a for a in range(present + 1)
                       if tally.passes(agree=a, base=base, threshold=threshold, strict=strict)), present + 1)
        rng = self.rng
        if passed and needed <= present:
            agree = rng.randint(needed, present)
        else:
            agree = rng.randint(max(0, needed - 6), max(0, min(present, needed - 1)))
        result = tally.passes(agree=agree, base=base, threshold=threshold, strict=strict)
        rest = present - agree
        disagree = rng.randint(0, rest)
        return (present, present, agree, disagree, rest - disagree, 0, 0, base, "passed" if result else "failed")

    def _session_events(self, session_id, title, day, count, times, created, *, finalised: bool) -> None:
        obj = ("councils.councilsession", session_id)
        secretary, chair = self.world.secretary, self.world.chair
        self.event(created, secretary, "session.created", *obj, "Tạo phiên họp",
                   after={"title": title, "date": day.isoformat(), "secret": True,
                          "mode": "paper" if finalised else "electronic"})
        self.event(created + HOUR, secretary, "session.items_added", *obj, f"Đưa {count} đề nghị vào chương trình",
                   after={"items": count})
        if times.get("published"):
            self.event(times["published"], secretary, "session.published", *obj,
                       "Gửi chương trình phiên họp đến các thành viên", after={"items": count})
        if times.get("started"):
            self.event(times["started"], secretary, "session.started", *obj, "Khai mạc phiên họp")
        if times.get("opened"):
            self.event(times["opened"], secretary, "session.voting_opened", *obj, "Mở bỏ phiếu")
        if finalised:
            self.event(times["closed"], secretary, "session.voting_closed", *obj, "Kết thúc bỏ phiếu")
            self.event(times["confirmed"], chair, "session.results_confirmed", *obj, "Xác nhận kết quả bỏ phiếu")
            self.event(times["finalised"], chair, "session.finalised", *obj, "Ký biên bản phiên họp")

    # ------------------------------------------------------------------ decisions

    def decisions(self) -> None:
        from dossiers.models import AwardRecord, Decision, DecisionItem

        ids, rng, world, book = self.ctx.ids, self.rng, self.world, self.book
        rows, items = [], []
        province_name = "Tỉnh Sơn Lâm"
        for day in sorted(book.decisions):
            noms = sorted(book.decisions[day], key=lambda n: (n.award.rank, n.award.code, n.unit.name_key,
                                                              n.sort_key, n.id))
            salary = self.catalogue.salary_on(day)
            for part, start in enumerate(range(0, len(noms), 1000), start=1):
                chunk = noms[start:start + 1000]
                decision_id = ids.one(Decision)
                signer = rng.choice(world.signers)
                capacity = "chairman" if signer == world.chair else "vice_chairman"
                created, checked, signed = (local_at(day - 6 * DAY, 9), local_at(day - 2 * DAY, 10),
                                            local_at(day, 10))
                title = (f"Về việc tặng thưởng danh hiệu thi đua, hình thức khen thưởng cho các tập thể, cá nhân "
                         f"(đợt {part}, ngày {day:%d/%m/%Y})")
                row = [decision_id, self.ctx.province_id, "award", title, "signed", world.specialists[0], created,
                       world.leads[0], checked, "", checked.astimezone(LOCAL).date(), signer, capacity, signed, "",
                       day, salary]
                rows.append(row)
                total = 0
                for position, nom in enumerate(chunk, start=1):
                    forwarded = nom.award.forwarded
                    cash = cash_amount(nom.award.cash_multiple, salary) if (
                        not forwarded and nom.award.cash_multiple and salary) else 0
                    total += cash
                    items.append((ids.one(DecisionItem), decision_id, nom.id, nom.award.id, forwarded, cash, position))
                    if not forwarded:
                        self.records.append([nom, row, day, f"Chủ tịch UBND {province_name}",
                                             ids.one(AwardRecord), ""])

                def set_number(symbol, number, row=row, chunk=chunk, day=day):
                    row[14] = symbol
                    for nom in chunk:
                        book.decision_numbers[(day, nom.id)] = symbol

                self.numbers.ask("SNV", "TTr", row[10], "dossiers.decision", decision_id,
                                 lambda symbol, number, row=row: row.__setitem__(9, symbol))
                self.numbers.ask("UBND", "QĐ", day, "dossiers.decision", decision_id, set_number)
                self._decision_events(row, len(chunk), total)
        self._pending(rows, items)
        self.late.append((Decision, ["id", "province_id", "kind", "title", "state", "created_by_id", "created_at",
                                     "checked_by_id", "checked_at", "submission_number", "submission_date",
                                     "signed_by_id", "signer_capacity", "signed_at", "number", "decision_date",
                                     "base_salary"], rows))
        self.ctx.writer.insert(DecisionItem, ["id", "decision_id", "nomination_id", "award_type_id", "forwarded",
                                              "cash_amount", "position"], items)

    def _decision_events(self, row, count, total) -> None:
        obj = ("dossiers.decision", row[0])
        self.event(row[6], row[5], "decision.drafted", *obj, "Lập dự thảo quyết định khen thưởng",
                   after={"title": row[3]})
        if row[8]:
            self.event(row[8], row[7], "decision.checked", *obj, "Lãnh đạo Sở kiểm tra, trình Chủ tịch UBND tỉnh ký",
                       after=lambda: {"submission_number": row[9], "submission_date": row[10].isoformat()})
        if row[13]:
            self.event(row[13], row[11], "decision.signed", *obj, lambda: f"Ký ban hành Quyết định số {row[14]}",
                       after=lambda: {"number": row[14], "date": row[15].isoformat(), "capacity": row[12],
                                      "items": count, "base_salary": row[16], "total": total})

    def _pending(self, rows, items) -> None:
        """Decisions being prepared for the dossiers waiting for one: a checked one and a draft."""
        from dossiers.models import Decision, DecisionItem

        ready = sorted(self.book.ready, key=lambda n: (n.award.rank, n.award.code, n.unit.name_key, n.sort_key,
                                                       n.id))
        as_of, world = self.ctx.as_of, self.world
        drafted = as_of - 3 * DAY
        ready = [n for n in ready if n.data.get("ready_at") and n.data["ready_at"] < drafted - HOUR]
        cut = len(ready) * 2 // 5
        for state, chunk, checked in (("checked", ready[:cut][:1000], as_of - DAY),
                                      ("draft", ready[cut:cut + len(ready) // 5][:1000], None)):
            if not chunk:
                continue
            decision_id = self.ctx.ids.one(Decision)
            row = [decision_id, self.ctx.province_id, "award",
                   "Về việc tặng thưởng danh hiệu thi đua, hình thức khen thưởng cho các tập thể, cá nhân (dự thảo)",
                   state, world.specialists[0], drafted, world.leads[0] if checked else None, checked, "",
                   checked.astimezone(LOCAL).date() if checked else None, None, "", None, "", None, None]
            rows.append(row)
            for position, nom in enumerate(chunk, start=1):
                items.append((self.ctx.ids.one(DecisionItem), decision_id, nom.id, nom.award.id, nom.award.forwarded,
                              0, position))
            if checked:
                self.numbers.ask("SNV", "TTr", row[10], "dossiers.decision", decision_id,
                                 lambda symbol, number, row=row: row.__setitem__(9, symbol))
            self._decision_events(row, len(chunk), 0)

    def revocation(self) -> None:
        """One signed decision revoking a few provincial awards (Law Art. 93): records kept, marked revoked."""
        from dossiers.models import Decision, Nomination, RevocationItem

        as_of, world, rng = self.ctx.as_of, self.world, self.rng
        candidates = [r for r in self.records if r[0].award.authority == "provincial_chairman"
                      and r[2] <= (as_of - 90 * DAY).date()]
        if not candidates:
            return
        chosen = rng.sample(candidates, min(20, max(1, len(candidates) // 3000)))
        day = (as_of - 20 * DAY).astimezone(LOCAL).date()
        decision_id = self.ctx.ids.one(Decision)
        row = [decision_id, self.ctx.province_id, "revocation", "Về việc hủy bỏ quyết định khen thưởng", "signed",
               world.specialists[0], local_at(day - 5 * DAY, 9), world.leads[0], local_at(day - 2 * DAY, 10), "",
               day - 2 * DAY, world.chair, "chairman", local_at(day, 10), "", day, None]
        reason = "Phát hiện kê khai thành tích không đúng sự thật sau khi đã được khen thưởng."
        revoked = []
        for record in chosen:
            record[5] = reason
            record[0].outcome = "revoked"
            revoked.append(record)
        self.numbers.ask("SNV", "TTr", row[10], "dossiers.decision", decision_id,
                         lambda symbol, number: row.__setitem__(9, symbol))
        self.numbers.ask("UBND", "QĐ", day, "dossiers.decision", decision_id,
                         lambda symbol, number: row.__setitem__(14, symbol))
        obj = ("dossiers.decision", decision_id)
        self.event(row[6], row[5], "decision.revocation_drafted", *obj, "Lập dự thảo quyết định hủy bỏ khen thưởng",
                   after=lambda: {"records": [r[4] for r in revoked]})
        self.event(row[8], row[7], "decision.checked", *obj, "Lãnh đạo Sở kiểm tra, trình Chủ tịch UBND tỉnh ký",
                   after=lambda: {"submission_number": row[9], "submission_date": row[10].isoformat()})
        self.event(row[13], row[11], "decision.revocation_signed", *obj,
                   lambda: f"Ký Quyết định số {row[14]} hủy bỏ khen thưởng",
                   after=lambda: {"number": row[14], "records": [r[4] for r in revoked]})
        self.late.append((Decision, ["id", "province_id", "kind", "title", "state", "created_by_id", "created_at",
                                     "checked_by_id", "checked_at", "submission_number", "submission_date",
                                     "signed_by_id", "signer_capacity", "signed_at", "number", "decision_date",
                                     "base_salary"], [row]))
        self.ctx.writer.insert(RevocationItem, ["id", "decision_id", "award_record_id", "reason"],
                               [(self.ctx.ids.one(RevocationItem), decision_id, r[4], reason) for r in revoked])
        self.revoked_row = row
        Nomination.objects.filter(pk__in=[r[0].id for r in revoked]).update(outcome="revoked")

    # ------------------------------------------------------------------ central

    def central(self, schedule) -> None:
        from dossiers.models import AwardRecord, CentralItem, CentralSubmission

        ids, rng, world, book, as_of = self.ctx.ids, self.rng, self.world, self.book, self.ctx.as_of
        today = as_of.astimezone(LOCAL).date()
        rows, items = [], []
        for day in sorted(book.central):
            noms = sorted(book.central[day], key=lambda n: (n.award.rank, n.unit.name_key, n.sort_key, n.id))
            round_ = schedule.rounds[day]
            submission_id = ids.one(CentralSubmission)
            book.central_ids[day] = submission_id
            decided = [n.data["decided_on"] for n in noms if n.data["status"] != "pending"]
            dates = {"signed": round_["signed"], "sent": round_["sent"], "received": round_["received"],
                     "decided": min(decided) if decided else None}
            if decided and len(decided) == len(noms):
                dates["items_received"] = max(decided) + DAY * rng.randint(5, 15)
                dates["handed_over"] = dates["items_received"] + DAY * rng.randint(5, 15)
                dates["closed"] = dates["handed_over"] + DAY * rng.randint(1, 10)
            dates = {k: v for k, v in dates.items() if v is not None and v <= today}
            state = "drafted"
            for name in ("signed", "sent", "received", "decided", "items_received", "handed_over", "closed"):
                if name in dates:
                    state = name
            signer = rng.choice(world.signers)
            liaison = world.liaisons[0]
            row = [submission_id, self.ctx.province_id,
                   f"Đề nghị Thủ tướng Chính phủ, Chủ tịch nước khen thưởng (đợt tháng {day.month}/{day.year})",
                   state, liaison, local_at(day, 9), "", dates.get("signed"), signer if "signed" in dates else None,
                   ("chairman" if signer == world.chair else "vice_chairman") if "signed" in dates else "",
                   dates.get("sent"), "Hệ thống hồ sơ điện tử của Bộ Nội vụ" if "sent" in dates else "",
                   f"{rng.randint(100, 999)}/UBND-NC" if "sent" in dates else "", dates.get("received"),
                   dates.get("decided"), dates.get("items_received"), dates.get("handed_over"), dates.get("closed")]
            rows.append(row)
            if "signed" in dates:
                self.numbers.ask("UBND", "TTr", dates["signed"], "dossiers.centralsubmission", submission_id,
                                 lambda symbol, number, row=row: row.__setitem__(6, symbol))
            for position, nom in enumerate(noms, start=1):
                data = nom.data
                status = data["status"]
                items.append((ids.one(CentralItem), submission_id, nom.id, status,
                              data.get("authority", "") if status == "granted" else "", data.get("number", ""),
                              data.get("decided_on") if status == "granted" else None, data.get("reason", ""),
                              position))
                if status == "granted":
                    label = "Chủ tịch nước" if data["authority"] == "president" else "Thủ tướng Chính phủ"
                    self.records.append([nom, None, data["decided_on"], label, ids.one(AwardRecord), "",
                                         data["number"]])
            self._central_events(row, dates, len(noms), liaison, signer)
        self.late.append((CentralSubmission, ["id", "province_id", "title", "state", "created_by_id", "created_at",
                                              "number", "signed_on", "signed_by_id", "signer_capacity", "sent_on",
                                              "channel", "dispatch_number", "received_on", "decided_on",
                                              "items_received_on", "handed_over_on", "closed_on"], rows))
        self.ctx.writer.insert(CentralItem, ["id", "submission_id", "nomination_id", "status", "deciding_authority",
                                             "decision_number", "decision_date", "reason", "position"], items)

    def _central_events(self, row, dates, count, liaison, signer) -> None:
        obj = ("dossiers.centralsubmission", row[0])
        self.event(row[5], liaison, "central.drafted", *obj, "Lập hồ sơ trình Trung ương",
                   after={"title": row[2], "items": count})
        steps = [("signed", signer, "central.signed", lambda: f"Ký Tờ trình số {row[6]}",
                  lambda: {"number": row[6], "date": row[7].isoformat()}),
                 ("sent", liaison, "central.sent", "Gửi hồ sơ đến Bộ Nội vụ",
                  {"sent_on": str(dates.get("sent")), "channel": row[11], "dispatch_number": row[12]}),
                 ("received", liaison, "central.received", "Bộ Nội vụ tiếp nhận hồ sơ",
                  {"received_on": str(dates.get("received"))}),
                 ("items_received", liaison, "central.items_received", "Nhận quyết định, hiện vật khen thưởng",
                  {"items_received_on": str(dates.get("items_received"))}),
                 ("handed_over", liaison, "central.handed_over", "Trao khen thưởng cho người được khen",
                  {"handed_over_on": str(dates.get("handed_over"))}),
                 ("closed", liaison, "central.closed", "Kết thúc theo dõi hồ sơ trình Trung ương",
                  {"closed_on": str(dates.get("closed"))})]
        for name, actor, action, message, after in steps:
            if name in dates:
                self.event(local_at(dates[name], 15 if name == "signed" else 9), actor, action, *obj, message,
                           after=after)

    # ------------------------------------------------------------------ the register, then the rows

    def finish(self) -> None:
        from dossiers.models import AwardRecord

        self.numbers.allocate(self.ctx, self.ctx.province_code)
        for model, fields, rows in self.late:
            self.ctx.writer.insert(model, fields, rows)
        revoked_number = getattr(self, "revoked_row", None)
        rows = []
        for record in self.records:
            nom, decision_row, day, decided_by, record_id, reason = record[:6]
            number = decision_row[14] if decision_row is not None else record[6]
            rows.append((record_id, nom.person_id, nom.collective_id, nom.award.id, nom.award.code, nom.award.name,
                         nom.year, nom.kind, number, day, decided_by, nom.id, bool(reason),
                         f"{reason} (Quyết định số {revoked_number[14]})" if reason else "", "system"))
        self.ctx.writer.insert(AwardRecord, ["id", "person_id", "collective_id", "award_type_id", "award_code",
                                             "award_name", "year", "kind", "decision_number", "decision_date",
                                             "decided_by", "nomination_id", "revoked", "revoked_reason", "source"],
                               rows)
