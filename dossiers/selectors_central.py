"""Scoped reads of the central stage: submissions, their history, and the tracking board.

Province-level roles read their own province's submissions; everyone else
reads none (a submission of another province is "not found"). What each role
may *do* is the services' business (``dossiers.services.central``); the pages
ask ``rights`` only to decide which forms to show.

The tracking board lists every forwarded nomination of the province: those
already in a submission (with their ``CentralItem``) and those still waiting
for one. Its filters are SQL, "overdue" included (one cut-off date per timed
state from ``CentralClock``), so a page costs the same few queries whatever
the number of rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.utils.translation import gettext_lazy as _

from dossiers.models import (
    AuditEvent,
    Authority,
    AwardType,
    CentralAttachment,
    CentralItem,
    CentralItemStatus,
    CentralState,
    CentralSubmission,
    DecisionItem,
    DecisionState,
    Nomination,
    NominationOutcome,
    Role,
    Unit,
)
from dossiers.services.central import CENTRAL_AUTHORITIES, CREATE_ROLES, LIAISON_ROLES, SUPPLEMENT_STATES
from dossiers.services.central_deadlines import CentralClock

# Who opens the central pages: the liaison and Home Affairs, the signer, and those who inspect.
READ_ROLES = frozenset({Role.CENTRAL_LIAISON, Role.HA_SPECIALIST, Role.HA_LEAD, Role.SIGNER, Role.AUDITOR,
                        Role.ADMINISTRATOR})
# A submission that the Ministry holds: its pending items wait for the Prime Minister or the President.
WITH_MINISTRY = (CentralState.SENT, CentralState.RECEIVED, CentralState.DECIDED)


def reads_central(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.unit_id and user.roles & READ_ROLES)


def rights(user) -> dict:
    """Which forms a page shows; the services decide again when the form is sent."""
    return {
        "create": user.has_role(*CREATE_ROLES),
        "sign": user.has_role(Role.SIGNER),
        "track": user.has_role(*LIAISON_ROLES),
    }


def next_steps(user, submission: CentralSubmission, *, pending: int) -> list[str]:
    """The steps the user may take on the submission now (``pending``: its items still without a result)."""
    allowed, state, steps = rights(user), submission.state, []
    if allowed["sign"] and state == CentralState.DRAFTED:
        steps.append("sign")
    if allowed["track"]:
        if state in (CentralState.SIGNED, CentralState.RETURNED):
            steps.append("send")
        if state in SUPPLEMENT_STATES:
            steps.append("attach")
        if state == CentralState.SENT:
            steps.append("receive")
        if state in (CentralState.SENT, CentralState.RECEIVED):
            steps.append("return")
        if state in (CentralState.RECEIVED, CentralState.DECIDED) and pending:
            steps.append("decide")
        if state == CentralState.DECIDED and not pending:
            steps.append("items_received")
        if state == CentralState.ITEMS_RECEIVED:
            steps.append("hand_over")
        if state in (CentralState.DECIDED, CentralState.HANDED_OVER) and not pending:
            steps.append("close")
    return steps


def submissions_for(user) -> QuerySet[CentralSubmission]:
    if not reads_central(user):
        return CentralSubmission.objects.none()
    return CentralSubmission.objects.filter(province_id=user.unit.province_id).select_related("province")


def submission_list(user, *, state: str | None = None) -> QuerySet[CentralSubmission]:
    qs = submissions_for(user).annotate(
        item_count=Count("items", distinct=True),
        granted_count=Count("items", filter=Q(items__status=CentralItemStatus.GRANTED), distinct=True),
    )
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-id")


def submission_items(submission: CentralSubmission) -> list[CentralItem]:
    return list(submission.items.select_related(
        "nomination", "nomination__award_type", "nomination__person", "nomination__collective",
        "nomination__dossier", "nomination__dossier__unit",
    ).order_by("position", "id"))


def submission_attachments(submission: CentralSubmission) -> list[CentralAttachment]:
    """The documents added to the submission itself, by the sending they went (or go) with."""
    return list(submission.attachments.select_related("nomination", "nomination__person", "nomination__collective",
                                                      "uploaded_by").order_by("return_round", "id"))


def added_since_return(submission: CentralSubmission, attachments: list[CentralAttachment]) -> list[CentralAttachment]:
    """What the province added after the Ministry's last return (empty if it never returned the submission)."""
    if not submission.return_count:
        return []
    return [a for a in attachments if a.return_round == submission.return_count]


def submission_events(submission: CentralSubmission) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="dossiers.centralsubmission", object_id=str(submission.pk))
                .select_related("actor").order_by("id"))


def forwardable(*, province, award: str = "", unit_id: int | None = None, year: int | None = None):
    """Forwarded nominations not yet in a submission, filtered (the create page's list)."""
    from dossiers.services.central import forwardable as everything

    qs = everything(province=province)
    if award:
        qs = qs.filter(award_type__code=award)
    if unit_id:
        qs = qs.filter(dossier__unit_id=unit_id)
    if year:
        qs = qs.filter(dossier__year=year)
    return qs


# --------------------------------------------------------------------------- the board

# The status of a row: not yet in a submission, in one with the Ministry still to decide
# (by the submission's state), or decided.
WAITING = "waiting"
PENDING = "pending"
BOARD_STATUSES = [
    (WAITING, _("Chưa đưa vào hồ sơ trình")),
    (CentralState.DRAFTED.value, _("Đang soạn tờ trình")),
    (CentralState.SIGNED.value, _("Đã ký tờ trình, chưa gửi")),
    (CentralState.SENT.value, CentralState.SENT.label),
    (CentralState.RECEIVED.value, CentralState.RECEIVED.label),
    (CentralState.RETURNED.value, CentralState.RETURNED.label),
    (PENDING, _("Chờ quyết định")),
    (CentralItemStatus.GRANTED.value, CentralItemStatus.GRANTED.label),
    (CentralItemStatus.DECLINED.value, CentralItemStatus.DECLINED.label),
]
STATUS_LABELS = dict(BOARD_STATUSES)
IN_SUBMISSION = (CentralState.DRAFTED, CentralState.SIGNED, CentralState.SENT, CentralState.RECEIVED,
                 CentralState.RETURNED)
AUTHORITY_CHOICES = [(a.value, a.label) for a in CENTRAL_AUTHORITIES]


# The board's order: by year, award and unit (the default), or the oldest first (most working days).
SORT_AGE = "age"
SORT_CHOICES = [("", _("Năm, hình thức khen thưởng, đơn vị")), (SORT_AGE, _("Lâu nhất trước (số ngày làm việc)"))]


@dataclass(frozen=True)
class BoardFilters:
    status: str = ""
    authority: str = ""
    award: str = ""
    year: int | None = None
    unit_id: int | None = None
    overdue: bool = False
    min_age: int | None = None   # at least this many working days since the Chairman's decision
    sort: str = ""               # "" or SORT_AGE

    def any(self) -> bool:
        return bool(self.status or self.authority or self.award or self.year or self.unit_id or self.overdue
                    or self.min_age)


def _items(**conditions):
    return CentralItem.objects.filter(**conditions).values("nomination_id")


def board_base(province) -> QuerySet[Nomination]:
    """Every nomination of the province forwarded to the central level (in a submission or waiting for one)."""
    return Nomination.objects.filter(dossier__unit__province=province).filter(
        Q(outcome__in=[NominationOutcome.FORWARDED, NominationOutcome.GRANTED, NominationOutcome.DECLINED])
        | Q(pk__in=CentralItem.objects.values("nomination_id"))
    )


def board_rows(province, filters: BoardFilters, clock: CentralClock) -> QuerySet[Nomination]:
    forwarded_on = (DecisionItem.objects.filter(nomination=OuterRef("pk"), forwarded=True,
                                                decision__state__in=[DecisionState.SIGNED, DecisionState.REVOKED])
                    .order_by("-decision__decision_date").values("decision__decision_date")[:1])
    qs = board_base(province).annotate(forwarded_on=Subquery(forwarded_on))
    status = filters.status
    if status == WAITING:
        qs = qs.exclude(pk__in=CentralItem.objects.values("nomination_id"))
    elif status in (CentralItemStatus.GRANTED, CentralItemStatus.DECLINED):
        qs = qs.filter(pk__in=_items(status=status))
    elif status in IN_SUBMISSION:
        qs = qs.filter(pk__in=_items(status=CentralItemStatus.PENDING, submission__state=status))
    elif status == PENDING:
        qs = qs.filter(pk__in=_items(status=CentralItemStatus.PENDING).exclude(submission__state__in=IN_SUBMISSION))
    if filters.authority:
        decided_by_other = CentralItem.objects.exclude(deciding_authority="").exclude(
            deciding_authority=filters.authority).values("nomination_id")
        qs = qs.filter(Q(pk__in=_items(deciding_authority=filters.authority))
                       | (Q(award_type__authority=filters.authority) & ~Q(pk__in=decided_by_other)))
    if filters.award:
        qs = qs.filter(award_type__code=filters.award)
    if filters.year:
        qs = qs.filter(dossier__year=filters.year)
    if filters.unit_id:
        qs = qs.filter(dossier__unit_id=filters.unit_id)
    if filters.overdue:
        qs = qs.filter(pk__in=CentralItem.objects.exclude(status=CentralItemStatus.DECLINED)
                       .filter(clock.overdue_q("submission__")).values("nomination_id"))
    order = ["-dossier__year", "award_type__rank", "dossier__unit__name_key", "person__sort_key",
             "collective__sort_key", "id"]
    if filters.min_age or filters.sort == SORT_AGE:
        qs = with_age(qs, clock)
        if filters.min_age:
            qs = qs.filter(age_days__gte=filters.min_age)
        if filters.sort == SORT_AGE:
            order = [F("age_days").desc(nulls_last=True), F("forwarded_on").asc(nulls_last=True), *order]
    return qs.select_related("award_type", "dossier", "dossier__unit", "person", "collective").prefetch_related(
        Prefetch("central_items", queryset=CentralItem.objects.select_related("submission").order_by("-id"),
                 to_attr="board_items"),
    ).order_by(*order)


def with_age(qs: QuerySet[Nomination], clock: CentralClock) -> QuerySet[Nomination]:
    """Annotate ``age_days``: the age ``board_row`` shows, in SQL, so the board filters and sorts by it.

    A row's age is the working days from the Chairman's decision (``forwarded_on``) to the central decision
    (``decided_on``, the last item's decision date) or to today. The calendar is Python's, so the ages are
    counted here, once per distinct pair of dates on the board (one query; there are as many pairs as
    decision dates, not rows), and handed to the database as a CASE over those pairs.
    """
    decided_on = CentralItem.objects.filter(nomination=OuterRef("pk")).order_by("-id").values("decision_date")[:1]
    qs = qs.annotate(decided_on=Subquery(decided_on))
    pairs = qs.order_by().values_list("forwarded_on", "decided_on").distinct()
    whens = [When(Q(forwarded_on=since) & (Q(decided_on=until) if until else Q(decided_on__isnull=True)),
                  then=Value(clock.age(since, until)))
             for since, until in pairs if since is not None]
    return qs.annotate(age_days=Case(*whens, default=Value(None), output_field=IntegerField()))


@dataclass
class BoardRow:
    nomination: Nomination
    item: CentralItem | None
    submission: CentralSubmission | None
    status: str
    status_label: str
    authority: str
    authority_label: str
    forwarded_on: datetime.date | None
    age: int | None
    due_on: datetime.date | None
    overdue: bool


def board_row(nomination: Nomination, clock: CentralClock) -> BoardRow:
    """What one line of the board says, from a row of ``board_rows`` (no query)."""
    items = getattr(nomination, "board_items", [])
    item = items[0] if items else None
    submission = item.submission if item else None
    if item is None:
        status = WAITING
    elif item.status != CentralItemStatus.PENDING:
        status = item.status
    elif submission.state in IN_SUBMISSION:
        status = submission.state
    else:
        status = PENDING
    authority = (item.deciding_authority if item and item.deciding_authority else nomination.award_type.authority)
    due_on = clock.due_on(submission) if submission is not None and status != CentralItemStatus.DECLINED else None
    decided_on = item.decision_date if item and item.status != CentralItemStatus.PENDING else None
    return BoardRow(
        nomination=nomination, item=item, submission=submission, status=status,
        status_label=str(STATUS_LABELS[status]), authority=authority,
        authority_label=str(Authority(authority).label) if authority in Authority.values else authority,
        forwarded_on=getattr(nomination, "forwarded_on", None),
        age=clock.age(getattr(nomination, "forwarded_on", None), decided_on),
        due_on=due_on, overdue=due_on is not None and due_on < clock.today,
    )


def board_choices(province) -> dict:
    """The award and unit filter choices: those present on the board (two queries)."""
    base = board_base(province)
    awards, seen = [], set()
    for code, name in (AwardType.objects.filter(pk__in=base.values("award_type_id"))
                       .order_by("rank", "code").values_list("code", "name")):
        if code not in seen:
            seen.add(code)
            awards.append((code, name))
    units = [(u.pk, u.name) for u in Unit.objects.filter(pk__in=base.values("dossier__unit_id"))
             .order_by("name_key", "id")]
    return {"awards": awards, "units": units}
