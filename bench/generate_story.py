"""What happened to each dossier, and when: its story, laid out on the calendar.

A dossier's target state (its state on the "as of" day) decides its story:
the steps it went through (created, handed to the head, submitted, returned
and resubmitted, accepted, appraised, approved, the public notice, the
council, the decision, the central level, or a rejection or withdrawal on
the way) with the gaps between them drawn from the dossier's own random
generator. The story is then laid out on the calendar around its *anchors*:
the council session or decision round it belongs to (shared dates, the same
for every dossier), or the moment it entered its current state (how long its
current task has been waiting). Steps before an anchor are placed backwards
from it, steps after it forwards, so every time is consistent with the
shared calendar and none is after the "as of" moment.
"""

from __future__ import annotations

import bisect
import datetime
import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
SYSTEM_START = datetime.date(2024, 1, 2)  # the first dossiers: the regulations in the catalogue start in 2024
DAY = datetime.timedelta(days=1)

# Target states and their shares (per cent) of the dossiers.
STATE_WEIGHTS = {
    "draft": 7, "submitted": 7.5, "returned": 2.5, "under_review": 7, "public_notice": 1.5, "awaiting_council": 3.5,
    "in_council": 2, "awaiting_decision": 3.5, "decided": 0.3, "forwarded": 2.2, "closed": 56, "rejected": 3.5,
    "withdrawn": 3,
}
# Awards proposed together ("profiles"): code, weight. The first award is the one the route depends on.
PROFILES = {
    "bk": [("BK_TINH_CN", 75), ("BK_TINH_TT", 25)],
    "titles": [("CSTD_TINH", 50), ("TTLDXS", 20), ("CO_TINH", 10), ("BK_TINH_CN", 20)],
    "higher": [("BK_TTG_CN", 50), ("BK_TTG_TT", 15), ("CSTD_TQ", 10), ("CO_CP", 5), ("BK_TINH_CN", 20)],
    "orders": [("HC_LD3_CN", 60), ("HC_LD3_TT", 10), ("HC_LD2_CN", 10), ("BK_TTG_CN", 20)],
}
PROFILE_WEIGHTS = {"bk": 45, "titles": 30, "higher": 15, "orders": 10}
KIND_WEIGHTS = {"regular": 75, "exceptional": 12, "thematic": 9, "long_service": 4}


def local_at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL)


def weekday_on_or_after(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += DAY
    return day


class Schedule:
    """The shared calendar: council sessions, decision rounds, central rounds (dates only)."""

    def __init__(self, as_of: datetime.datetime, seed: int):
        today = as_of.astimezone(LOCAL).date()
        self.today = today
        self.council: list[datetime.date] = []  # historic (finalised) sessions
        self.decisions: list[datetime.date] = []
        self.central: list[datetime.date] = []
        month = datetime.date(2024, 2, 1)
        while month < today:
            # The council meets on the first Thursday of the month.
            first_thursday = month + datetime.timedelta(days=(3 - month.weekday()) % 7)
            if first_thursday <= today - datetime.timedelta(days=7):
                self.council.append(first_thursday)
            for day in (5, 20):
                signed = weekday_on_or_after(month.replace(day=day))
                if signed <= today - 2 * DAY:
                    self.decisions.append(signed)
            central = weekday_on_or_after(month.replace(day=10))
            if central <= today - DAY:
                self.central.append(central)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        self.rng = random.Random(f"{seed}:schedule")
        self.rounds: dict[datetime.date, dict] = {d: self._round(d) for d in self.central}

    def _round(self, drafted: datetime.date) -> dict:
        """One central submission's own dates (the same for every nomination it carries)."""
        rng = self.rng
        signed = weekday_on_or_after(drafted + DAY * rng.randint(3, 8))
        sent = weekday_on_or_after(signed + DAY * rng.randint(1, 4))
        received = weekday_on_or_after(sent + DAY * rng.randint(3, 12))
        decided = weekday_on_or_after(received + DAY * rng.randint(30, 100))
        return {"drafted": drafted, "signed": signed, "sent": sent, "received": received, "decided": decided,
                "spread": rng.randint(5, 40)}

    def next_council_after(self, day: datetime.date) -> datetime.date | None:
        index = bisect.bisect_right(self.council, day)
        return self.council[index] if index < len(self.council) else None

    def council_on_or_before(self, day: datetime.date) -> datetime.date | None:
        index = bisect.bisect_right(self.council, day)
        return self.council[index - 1] if index else None

    def central_round_after(self, day: datetime.date) -> datetime.date | None:
        index = bisect.bisect_left(self.central, day)
        return self.central[index] if index < len(self.central) else None


@dataclass
class Step:
    name: str
    gap: float = 0.0  # days after the previous step
    at: datetime.datetime | None = None  # fixed (an anchor) or laid out
    actor: str = ""  # clerk, head, specialist, lead, secretary, chair, signer, liaison, system, public
    data: dict = field(default_factory=dict)


@dataclass
class Plan:
    target: str
    variant: str
    profile: str
    steps: list[Step]
    central_round: datetime.date | None = None  # the central round its forwarded nominations go to
    central_first: datetime.date | None = None  # when the centre decides the first of them


def choose_profile(rng, target: str, variant: str) -> str:
    if target == "public_notice" or variant == "notice":
        return "orders"
    if target == "forwarded" or variant == "central":
        return rng.choice(("higher", "higher", "orders"))
    if variant in ("council", "council_fail", "awaiting_council") or target in ("awaiting_council", "in_council"):
        return rng.choices(("titles", "higher", "orders"), (60, 25, 15))[0]
    if variant == "direct":
        return "bk"
    if variant == "decision" or target == "decided":
        return rng.choice(("bk", "bk", "titles"))
    return rng.choices(list(PROFILE_WEIGHTS), list(PROFILE_WEIGHTS.values()))[0]


def choose_variant(rng, target: str) -> str:
    if target == "closed":
        return rng.choices(("decision", "central", "council_fail", "no_award"), (68, 15, 5, 12))[0]
    if target == "under_review":
        return rng.choices(("appraisal", "approval"), (60, 40))[0]
    if target == "returned":
        return rng.choices(("intake", "appraisal"), (70, 30))[0]
    if target == "rejected":
        return rng.choices(("intake", "appraisal"), (75, 25))[0]
    if target == "withdrawn":
        return rng.choices(("draft", "intake", "returned", "appraisal", "notice", "awaiting_council"),
                           (25, 30, 15, 15, 5, 10))[0]
    if target == "awaiting_decision":
        return rng.choice(("direct", "council"))
    if target == "public_notice":
        return rng.choices(("open", "feedback"), (80, 20))[0]
    return ""


def route_of(profile: str) -> str:
    """Where an approved dossier of this profile goes first (its first award decides)."""
    return {"bk": "decision", "titles": "council", "higher": "council", "orders": "notice"}[profile]


def gap(rng, low: float, high: float) -> float:
    return rng.uniform(low, high)


def build_steps(rng, target: str, variant: str, profile: str) -> list[Step]:
    """The steps of the story, in order, with their gaps (no times yet)."""
    s = [Step("created", actor="clerk")]
    add = s.append
    if target == "draft" or (target == "withdrawn" and variant == "draft"):
        if rng.random() < 0.5:
            add(Step("prepared", gap(rng, 1, 12), actor="clerk"))
        if target == "withdrawn":
            add(Step("withdrawn", gap(rng, 1, 20), actor="head", data={"from": "draft"}))
        return s
    add(Step("prepared", gap(rng, 1, 12), actor="clerk"))
    add(Step("submitted", gap(rng, 0.2, 5), actor="head"))
    # Earlier returns that were answered (the unit supplemented and resubmitted).
    returns = 1 if rng.random() < 0.12 else 0
    returns += 1 if returns and rng.random() < 0.15 else 0
    for _ in range(returns):
        add(Step("returned", gap(rng, 0.5, 6), actor="specialist", data={"at": "intake"}))
        add(Step("resubmitted", gap(rng, 2, 13), actor="head"))
    if target == "submitted":
        return s
    if target == "returned" and variant == "intake":
        add(Step("returned", gap(rng, 0.5, 6), actor="specialist", data={"at": "intake"}))
        return s
    if target == "rejected" and variant == "intake":
        add(Step("rejected", gap(rng, 0.5, 6), actor="specialist", data={"at": "intake"}))
        return s
    if target == "withdrawn" and variant in ("intake", "returned"):
        if variant == "returned":
            add(Step("returned", gap(rng, 0.5, 6), actor="specialist", data={"at": "intake"}))
        add(Step("withdrawn", gap(rng, 0.5, 8), actor="head", data={"from": variant}))
        return s
    add(Step("accepted", gap(rng, 0.5, 6), actor="specialist"))
    if target == "under_review" and variant == "appraisal":
        return s
    if target == "returned":
        add(Step("returned", gap(rng, 2, 20), actor="specialist", data={"at": "appraisal"}))
        return s
    if target == "rejected":
        add(Step("rejected", gap(rng, 2, 20), actor="specialist", data={"at": "appraisal"}))
        return s
    if target == "withdrawn" and variant == "appraisal":
        add(Step("withdrawn", gap(rng, 1, 15), actor="head", data={"from": "appraisal"}))
        return s
    add(Step("appraised", gap(rng, 2, 24), actor="specialist"))
    if target == "under_review":
        return s
    no_award = target == "closed" and variant == "no_award"
    add(Step("approved", gap(rng, 0.5, 6), actor="lead", data={"no_award": no_award}))
    if no_award:
        return s
    route = route_of(profile)
    if route == "notice":
        # The notice runs ten working days; its feedback and closing moment are settled when the story is played.
        if target == "public_notice" or (target == "withdrawn" and variant == "notice"):
            if target == "withdrawn":
                add(Step("withdrawn", gap(rng, 1, 10), actor="head", data={"from": "notice"}))
            return s
        add(Step("notice_closed", gap(rng, 22, 30), actor="system"))
        route = "council"
    if target == "withdrawn":
        add(Step("withdrawn", gap(rng, 2, 20), actor="head", data={"from": "awaiting_council"}))
        return s
    if route == "council":
        if target == "awaiting_council":
            return s
        add(Step("in_council", gap(rng, 3, 25), actor="secretary"))
        if target == "in_council":
            return s
        add(Step("council_results", gap(rng, 6, 18), actor="chair",
                 data={"fail_all": variant == "council_fail"}))
        if variant == "council_fail":
            return s
    if target == "awaiting_decision":
        return s
    add(Step("decided", gap(rng, 5, 20), actor="signer"))
    if target in ("decided", "forwarded") or variant != "central":
        return s
    add(Step("central_closed", 0, actor="liaison"))
    return s


def anchor_for(rng, plan: Plan, schedule: Schedule, as_of: datetime.datetime) -> dict[int, datetime.datetime] | None:
    """The fixed times of some steps (index -> moment), or None when this draw cannot fit (draw again)."""
    steps, target, variant = plan.steps, plan.target, plan.variant
    names = [step.name for step in steps]
    last = len(steps) - 1
    today = schedule.today

    def ago(low: float, high: float) -> datetime.datetime:
        """A moment ``low`` to ``high`` days before the "as of" one, in working hours."""
        return _backward(as_of, rng.uniform(low, high), rng)

    def council_moments(session_day):
        index = names.index("council_results")
        return {index: local_at(session_day, 11, rng.randint(0, 50)),
                index - 1: local_at(session_day - DAY * rng.randint(6, 18), rng.randint(8, 16), rng.randint(0, 59))}

    if target in ("draft", "submitted", "returned", "under_review", "rejected", "withdrawn") or (
            target == "closed" and variant == "no_award"):
        if target in ("rejected", "withdrawn", "closed"):
            moment = ago(1, (as_of.date() - SYSTEM_START).days - 30)
        elif target == "draft":
            moment = ago(0.1, 60)
        elif target == "submitted":
            moment = ago(0.05, 6) if rng.random() < 0.85 else ago(6, 20)
        elif target == "returned":
            moment = ago(0.1, 12) if rng.random() < 0.9 else ago(15, 25)
        elif plan.variant == "appraisal":
            moment = ago(0.1, 26) if rng.random() < 0.9 else ago(30, 45)
        else:
            moment = ago(0.1, 6) if rng.random() < 0.9 else ago(8, 15)
        return {last: moment}
    if target == "public_notice":
        return {last: ago(0.2, 13) if variant == "open" else ago(17, 28)}
    if target == "awaiting_council":
        since = (as_of.date() - schedule.council[-1]).days if schedule.council else 30
        return {last: ago(0.2, max(1.0, since - 0.5))}
    if target == "in_council":
        return {last: ago(8, 18)}
    if target == "awaiting_decision" and variant == "direct":
        return {last: ago(0.2, 14)}
    if target == "awaiting_decision":
        recent = schedule.council[-2:]
        return council_moments(rng.choice(recent)) if recent else None
    if variant == "council_fail":
        eligible = [d for d in schedule.council if d >= datetime.date(2024, 3, 1)]
        return council_moments(rng.choice(eligible)) if eligible else None
    # A decision round: recent for decided and forwarded, any for closed; central ones old enough to be over.
    if target == "decided":
        pool = [d for d in schedule.decisions if d >= today - DAY * 60]
    elif target == "forwarded":
        pool = [d for d in schedule.decisions if today - DAY * 200 <= d <= today - DAY * 12]
    elif variant == "central":
        pool = [d for d in schedule.decisions if d <= today - DAY * 300]
    else:
        pool = [d for d in schedule.decisions if d >= datetime.date(2024, 2, 1)]
    if not pool:
        return None
    decision_day = rng.choice(pool)
    fixed = {names.index("decided"): local_at(decision_day, 10, rng.randint(0, 50))}
    if "council_results" in names:
        session_day = schedule.council_on_or_before(decision_day - 4 * DAY)
        if session_day is None:
            return None
        if rng.random() < 0.2:
            session_day = schedule.council_on_or_before(session_day - DAY) or session_day
        fixed.update(council_moments(session_day))
    return fixed


def _forward(t: datetime.datetime, days: float, rng) -> datetime.datetime:
    """``days`` later, moved into working hours (Monday to Friday, 7:30 to 17:30 local)."""
    t = (t + datetime.timedelta(days=days)).astimezone(LOCAL)
    if t.weekday() >= 5 or not (7.5 <= t.hour + t.minute / 60 < 17.5):
        day = t.date() if t.hour < 7 else t.date() + DAY
        while day.weekday() >= 5:
            day += DAY
        t = local_at(day, rng.randint(7, 10), rng.randint(0, 59))
        if t.hour == 7:
            t = t.replace(minute=max(t.minute, 30))
    return t


def _backward(t: datetime.datetime, days: float, rng) -> datetime.datetime:
    t = (t - datetime.timedelta(days=days)).astimezone(LOCAL)
    if t.weekday() >= 5 or not (7.5 <= t.hour + t.minute / 60 < 17.5):
        day = t.date() if t.hour >= 17 else t.date() - DAY
        while day.weekday() >= 5:
            day -= DAY
        t = local_at(day, rng.randint(14, 17), rng.randint(0, 29))
    return t


def lay_out(steps: list[Step], fixed: dict[int, datetime.datetime], rng) -> None:
    """Give every step its time: fixed ones as given, the others from their neighbours and gaps."""
    order = sorted(fixed)
    for index in order:
        steps[index].at = fixed[index]
    first = order[0]
    for index in range(first - 1, -1, -1):
        steps[index].at = _backward(steps[index + 1].at, steps[index + 1].gap, rng)
    for index in range(first + 1, len(steps)):
        if steps[index].at is None:
            steps[index].at = _forward(steps[index - 1].at, steps[index].gap, rng)
        if steps[index].at <= steps[index - 1].at:
            steps[index].at = steps[index - 1].at + datetime.timedelta(minutes=rng.randint(5, 90))


def fits(steps: list[Step], as_of: datetime.datetime) -> bool:
    start = steps[0].at.astimezone(LOCAL).date()
    return start >= SYSTEM_START and all(step.at <= as_of for step in steps) and all(
        a.at < b.at for a, b in zip(steps, steps[1:], strict=False))


def target_states(count: int, rng) -> list[str]:
    """``count`` target states: every state at least once, the rest by share, in random order."""
    states = list(STATE_WEIGHTS)
    if count < len(states):
        raise ValueError(f"at least {len(states)} dossiers are needed to have every state")
    result = list(states)
    remaining = count - len(states)
    total = sum(STATE_WEIGHTS.values())
    shares = {state: remaining * weight / total for state, weight in STATE_WEIGHTS.items()}
    for state, share in shares.items():
        result += [state] * int(share)
    leftovers = sorted(states, key=lambda s: shares[s] - int(shares[s]), reverse=True)
    result += leftovers[:count - len(result)]
    rng.shuffle(result)
    return result
