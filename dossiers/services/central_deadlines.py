"""Due dates of the central stage in working days, and the alerts when one passes.

A submission in a timed state (``STAGE_LIMITS``) is due ``n`` working days
after the date that state began (``STAGE_STARTS``), ``n`` from the province's
``CentralTimeLimits``; it is overdue once its due date has passed (the due
date itself is still in time). ``CentralClock`` answers for one province and
one day on one calendar: a due date, whether overdue, the age of a date in
working days, and the overdue condition as a query (one cut-off date per
state, so a list filters by "overdue" in SQL whatever its length).

``send_overdue_alerts`` (the ``central_deadlines`` command, run with the
workflow timers) records one ``CentralOverdueAlert`` per overdue stage and
sends ``central_overdue``; ``workflows`` notifies the province's central
liaisons. A stage that restarts (sent again after a return) is a new stage.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dossiers import working_days
from dossiers.models import CentralOverdueAlert, CentralSubmission, CentralTimeLimits, Province
from dossiers.models.central_deadlines import STAGE_LIMITS, STAGE_STARTS


def limits_for(province) -> CentralTimeLimits:
    """The province's limits; the regulation's defaults (unsaved) when it has not set its own."""
    province_id = getattr(province, "pk", province)
    return CentralTimeLimits.objects.filter(province_id=province_id).first() or CentralTimeLimits(
        province_id=province_id)


class CentralClock:
    """Due dates and ages of the central stage for one province on ``today`` (Asia/Ho_Chi_Minh)."""

    def __init__(self, province, today: datetime.date | None = None):
        self.today = today or timezone.localdate()
        self.limits = limits_for(province)
        self.calendar = working_days.calendar(datetime.date(self.today.year - 1, 1, 1), self.today)

    def allowance(self, state: str) -> int:
        return self.limits.working_days(state)

    def stage_start(self, submission: CentralSubmission) -> datetime.date | None:
        field = STAGE_STARTS.get(submission.state)
        return getattr(submission, field) if field and self.allowance(submission.state) else None

    def due_on(self, submission: CentralSubmission) -> datetime.date | None:
        """When the current stage is due; None for a state without a time limit."""
        start = self.stage_start(submission)
        if start is None:
            return None
        return self.calendar.add_working_days(start, self.allowance(submission.state))

    def is_overdue(self, submission: CentralSubmission) -> bool:
        due = self.due_on(submission)
        return due is not None and due < self.today

    def age(self, since: datetime.date | None, until: datetime.date | None = None) -> int | None:
        """Working days from ``since`` to ``until`` (today by default), ``since`` itself not counted."""
        if since is None:
            return None
        return self.calendar.working_days_between(since, min(until or self.today, self.today))

    def cutoffs(self) -> dict[str, datetime.date]:
        """Per timed state: a stage that began before this date is overdue today.

        ``add(start, n) < today`` holds exactly when ``start < subtract(today, n)``:
        the ``n`` working days before today all lie after ``start``.
        """
        return {state: self.calendar.subtract_working_days(self.today, days)
                for state in STAGE_LIMITS if (days := self.allowance(state)) > 0}

    def overdue_q(self, prefix: str = "") -> Q:
        """The overdue condition on submissions (``prefix`` reaches them from another model, e.g. ``submission__``)."""
        condition = Q(pk__in=[])
        for state, cutoff in self.cutoffs().items():
            condition |= Q(**{f"{prefix}state": state, f"{prefix}{STAGE_STARTS[state]}__lt": cutoff})
        return condition


def send_overdue_alerts(*, today: datetime.date | None = None) -> list[CentralOverdueAlert]:
    """Alert once per overdue stage of every province's submissions; return the alerts sent now.

    Run it as often as you like: a stage already alerted is not alerted again.
    Each submission is handled in its own transaction.
    """
    from dossiers import signals

    sent = []
    timed = CentralSubmission.objects.filter(state__in=list(STAGE_LIMITS))
    for province in Province.objects.filter(pk__in=timed.values("province_id")).order_by("pk"):
        clock = CentralClock(province, today)
        for submission in timed.filter(province=province).filter(clock.overdue_q()).order_by("pk"):
            with transaction.atomic():
                alert, created = CentralOverdueAlert.objects.get_or_create(
                    submission=submission, state=submission.state, started_on=clock.stage_start(submission),
                    defaults={"due_on": clock.due_on(submission)},
                )
                if created:
                    signals.central_overdue.send(sender=CentralSubmission, submission=submission,
                                                 state=submission.state, due_on=alert.due_on)
                    sent.append(alert)
    return sent
