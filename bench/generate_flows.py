"""The viewflow rows of each review: processes, tasks (with their links), due dates, reminder timers.

``ProcessRecorder`` writes the rows viewflow itself writes when a dossier
goes through ``workflows.flows.DossierFlow`` (checked against a run of the
real flow): a START task, each node's task linked to the task before it
(``Task.previous``), a ``TaskDeadline`` and two boundary timers
(``<node>__timeout`` for the reminder, ``<node>__timeout_2`` for the
escalation) for every human task and the unit's supplement. A timer whose
moment came while its task was still open has fired (DONE, followed by the
``remind`` or ``escalate`` function task and a ``timer_end``, the deadline's
``reminded_at``/``escalated_at`` set, and the notifications sent); the others
are cancelled with their task, or still scheduled when the task is open.
"""

from __future__ import annotations

import datetime

from viewflow.workflow.fields import get_flow_ref, get_task_ref

from bench.generate_story import DAY, LOCAL, local_at

TASK_FIELDS = ["id", "process_id", "flow_task", "flow_task_type", "status", "created", "assigned", "started",
               "finished", "scheduled", "token", "owner_id", "owner_permission", "owner_permission_content_type_id",
               "owner_permission_obj_pk", "data"]
LIMIT_DAYS = {"intake": 5, "appraisal": 20, "approval": 5, "resolve_feedback": 5}
PERMISSION = {"intake": "workflows.specialist_task", "appraisal": "workflows.specialist_task",
              "approval": "workflows.lead_task", "resolve_feedback": "workflows.specialist_task"}
REMIND_BEFORE = 2
FLUSH = 20_000


class FlowWriter:
    """Buffers the rows of every process and writes them in batches."""

    def __init__(self, ctx, world, calendar):
        from django.contrib.contenttypes.models import ContentType
        from django.urls import reverse
        from viewflow.workflow.models import Process, Task

        from workflows.flows import DossierFlow, FeedbackFlow
        from workflows.models import DossierProcess, FeedbackProcess, Notification, TaskDeadline

        self.ctx, self.world, self.calendar = ctx, world, calendar
        self.models = {"process": Process, "dossier": DossierProcess, "feedback": FeedbackProcess, "task": Task,
                       "previous": Task.previous.through, "deadline": TaskDeadline, "notification": Notification}
        self.fields = {
            "process": ["id", "flow_class", "status", "created", "finished", "data"],
            "dossier": ["process_ptr_id", "dossier_id"],
            "feedback": ["process_ptr_id", "feedback_id", "dossier_id"],
            "task": TASK_FIELDS,
            "previous": ["id", "from_task_id", "to_task_id"],
            "deadline": ["id", "task_id", "working_days", "due_on", "remind_on", "reminded_at", "escalated_at"],
            "notification": ["id", "recipient_id", "kind", "message", "url", "dossier_id_ref", "created_at",
                             "read_at", "emailed_at"],
        }
        self.rows: dict[str, list] = {name: [] for name in self.models}
        self.flows = {"dossier": DossierFlow, "feedback": FeedbackFlow}
        self.refs = {"dossier": get_flow_ref(DossierFlow), "feedback": get_flow_ref(FeedbackFlow)}
        self.nodes = {kind: {node.name: node for node in flow.instance.nodes()} for kind, flow in self.flows.items()}
        self.node_refs = {kind: {name: get_task_ref(node) for name, node in nodes.items()}
                          for kind, nodes in self.nodes.items()}
        self.content_types = {"dossier": ContentType.objects.get_for_model(DossierProcess).pk,
                              "feedback": ContentType.objects.get_for_model(FeedbackProcess).pk}
        self.task_url = reverse("task_detail", args=[999999999]).replace("999999999", "{}")
        self.dossier_url = reverse("dossier_detail", args=[999999999]).replace("999999999", "{}")
        self.titles = {kind: {name: str(node.task_title or "") for name, node in nodes.items()}
                       for kind, nodes in self.nodes.items()}

    def take(self, name: str) -> int:
        return self.ctx.ids.one(self.models[name])

    def process(self, kind: str, created: datetime.datetime, dossier_id: int, feedback_id: int | None = None):
        process_id = self.take("process")
        recorder = ProcessRecorder(self, kind, process_id, dossier_id)
        recorder.created = created
        if kind == "dossier":
            self.rows["dossier"].append((process_id, dossier_id))
        else:
            self.rows["feedback"].append((process_id, feedback_id, dossier_id))
        return recorder

    def notify(self, recipients, kind: str, message: str, url: str, dossier_id: int, at: datetime.datetime) -> None:
        as_of = self.ctx.as_of
        read = at + datetime.timedelta(hours=5) if at < as_of - 7 * DAY else None
        for user_id in dict.fromkeys(recipients):
            self.rows["notification"].append((self.take("notification"), user_id, kind, message, url, dossier_id, at,
                                              read, at))

    def flush(self, force: bool = False) -> None:
        if not force and len(self.rows["task"]) < FLUSH:
            return
        for name in ("process", "dossier", "feedback", "task", "previous", "deadline", "notification"):
            if self.rows[name]:
                self.ctx.writer.insert(self.models[name], self.fields[name], self.rows[name])
                self.rows[name] = []


class ProcessRecorder:
    """One process's tasks, written in the order the flow creates them."""

    def __init__(self, writer: FlowWriter, kind: str, process_id: int, dossier_id: int):
        self.w, self.kind, self.process_id, self.dossier_id = writer, kind, process_id, dossier_id
        self.open: dict[int, tuple] = {}  # task id -> (name, timers)
        self.last: int | None = None
        self.created: datetime.datetime | None = None
        self.reference = ""  # the dossier's reference, for the notifications' text
        self.unit_users: list[int] = []

    def _task(self, name: str, *, created, status: str, previous: int | None, started=None, finished=None,
              owner=None, assigned=None, scheduled=None) -> int:
        task_id = self.w.take("task")
        node = self.w.nodes[self.kind][name]
        human = name in PERMISSION
        self.w.rows["task"].append((
            task_id, self.process_id, self.w.node_refs[self.kind][name], node.task_type, status, created, assigned,
            started, finished, scheduled, "start", owner, PERMISSION.get(name), self.w.content_types[self.kind]
            if human else None, str(self.process_id) if human else None, {}))
        if previous is not None:
            self.w.rows["previous"].append((self.w.take("previous"), task_id, previous))
        return task_id

    def start(self, at: datetime.datetime) -> int:
        self.last = self._task("start", created=at, status="DONE", previous=None, started=at, finished=at)
        return self.last

    def step(self, name: str, at: datetime.datetime) -> int:
        """A node that runs and finishes at once (switch, gateway, function, end)."""
        started = at if name in ("end", "finish_notice") else None
        self.last = self._task(name, created=at, status="DONE", previous=self.last, started=started, finished=at)
        return self.last

    def wait(self, name: str, created: datetime.datetime, *, done=None, scheduled=None) -> int:
        """A waiting node (a Handle, or the notice's timer): done when woken, else open."""
        if done is not None:
            task_id = self._task(name, created=created, status="DONE", previous=self.last, started=done,
                                 finished=done, scheduled=scheduled)
        else:
            task_id = self._task(name, created=created, status="SCHEDULED" if scheduled else "NEW",
                                 previous=self.last, scheduled=scheduled)
            self.open[task_id] = (name, [])
        self.last = task_id
        return task_id

    def timed(self, name: str, created: datetime.datetime, *, done=None, owner=None, assigned=None,
              due_on: datetime.date | None = None, queue: list[int] | None = None) -> int:
        """A task with a due date: a human task (``owner`` did it, or has it) or the unit's supplement."""
        if done is not None:
            status = "DONE"
        else:
            status = "ASSIGNED" if owner else "NEW"
        task_id = self._task(name, created=created, status=status, previous=self.last, started=done,
                             finished=done, owner=owner, assigned=assigned if owner else None)
        calendar = self.w.calendar
        start = created.astimezone(LOCAL).date()
        if due_on is None:
            days = LIMIT_DAYS[name]
            due_on = calendar.add(start, days)
        else:
            days = calendar.between(start, due_on)
        remind_on = max(start, calendar.subtract(due_on, REMIND_BEFORE))
        end = done if done is not None else self.w.ctx.as_of
        timers, reminded, escalated = [], None, None
        for suffix, moment, kind in (("__timeout", local_at(remind_on, 8), "remind"),
                                     ("__timeout_2", local_at(due_on + DAY, 8), "escalate")):
            if moment < end:
                timer = self._task(name + suffix, created=created, status="DONE", previous=task_id, started=moment,
                                   finished=moment, scheduled=moment)
                function = self._task(kind, created=moment, status="DONE", previous=timer, started=moment,
                                      finished=moment)
                self._task("timer_end", created=moment, status="DONE", previous=function, started=moment,
                           finished=moment)
                holder = owner if owner and (assigned is None or assigned <= moment) else None
                self._notify(name, kind, holder, queue, moment, due_on, task_id)
                if kind == "remind":
                    reminded = moment
                else:
                    escalated = moment
            elif done is not None:
                self._task(name + suffix, created=created, status="CANCELED", previous=task_id, finished=done,
                           scheduled=moment)
            else:
                timers.append(self._task(name + suffix, created=created, status="SCHEDULED", previous=task_id,
                                         scheduled=moment))
        self.w.rows["deadline"].append((self.w.take("deadline"), task_id, days, due_on, remind_on, reminded,
                                        escalated))
        if done is None:
            self.open[task_id] = (name, timers)
        self.last = task_id
        return task_id

    def _notify(self, name, kind, holder, queue, moment, due_on, task_id) -> None:
        title = self.w.titles[self.kind][name]
        due = due_on.strftime("%d/%m/%Y")
        if kind == "remind":
            message = f"Sắp đến hạn: “{title}” của hồ sơ {self.reference} phải xong trước hết ngày {due}."
        else:
            message = f"Quá hạn: “{title}” của hồ sơ {self.reference} đã quá hạn ngày {due}."
        people = [holder] if holder else list(queue or [])
        if kind == "escalate":
            people = list(self.w.world.leads) + people
        url = self.w.dossier_url.format(self.dossier_id) if name == "await_supplement" else \
            self.w.task_url.format(task_id)
        self.w.notify(people, "task.reminder" if kind == "remind" else "task.overdue", message, url,
                      self.dossier_id, moment)

    def cancel_open(self, at: datetime.datetime) -> None:
        """The process is cancelled (the dossier withdrawn): every open task and timer with it."""
        open_ids = set(self.open)
        for timers in (timers for _name, timers in self.open.values()):
            open_ids.update(timers)
        rows = self.w.rows["task"]
        for index in range(len(rows) - 1, max(-1, len(rows) - 400), -1):
            if not open_ids:
                break
            if rows[index][0] in open_ids:
                open_ids.discard(rows[index][0])
                row = list(rows[index])
                row[4], row[8] = "CANCELED", at
                rows[index] = tuple(row)
        self.open.clear()

    def row(self, status: str, finished=None) -> None:
        self.w.rows["process"].append((self.process_id, self.w.refs[self.kind], status, self.created, finished, {}))


class Calendar:
    """The project's working-day calendar, with its answers remembered (the same dates come up again and again)."""

    def __init__(self):
        from workflows.calendar import WorkingCalendar

        self.calendar = WorkingCalendar(datetime.date(2023, 1, 1), datetime.date(2027, 12, 31))
        self._add, self._sub, self._between = {}, {}, {}

    def add(self, day: datetime.date, days: int) -> datetime.date:
        key = (day, days)
        if key not in self._add:
            self._add[key] = self.calendar.add_working_days(day, days)
        return self._add[key]

    def subtract(self, day: datetime.date, days: int) -> datetime.date:
        key = (day, days)
        if key not in self._sub:
            self._sub[key] = self.calendar.subtract_working_days(day, days)
        return self._sub[key]

    def between(self, start: datetime.date, end: datetime.date) -> int:
        key = (start, end)
        if key not in self._between:
            self._between[key] = self.calendar.working_days_between(start, end)
        return self._between[key]
