"""Looks into a database that a separate server process uses, and answers in JSON (run as a subprocess).

    DATABASE_URL=... python -m tests.security.fault_probe fingerprint|consistency|counts|files|...
    DATABASE_URL=... python -m tests.security.fault_probe --many fingerprint consistency

The fault and backup tests start the real web server and task worker against a
database of their own (a SQLite file, or a PostgreSQL database made for the
test); this probe reads that database with the project's own models, in a
process of its own, the way an operator's ``manage.py shell`` would.
"""

from __future__ import annotations

import hashlib
import json
import sys


def _setup():
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()


# ---- what the database holds --------------------------------------------------------------------

FINGERPRINT_APPS = ("dossiers", "councils", "workflows", "viewflow", "django_tasks_db")
# Changed by signing in, not by any transition.
VOLATILE_FIELDS = {"dossiers.user": {"last_login"}}


def fingerprint() -> dict:
    """A digest of every row of every model of the project, viewflow and the task queue, per model."""
    from django.apps import apps

    digests = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in FINGERPRINT_APPS or model._meta.proxy:
            continue
        label = model._meta.label_lower
        skip = VOLATILE_FIELDS.get(label, set())
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
        rows = list(model._base_manager.order_by("pk").values_list(*fields))
        digests[label] = hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()
    return digests


def counts() -> dict:
    """Rows per table, every table of the database."""
    from django.db import connection

    with connection.cursor() as cursor:
        result = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            result[table] = cursor.fetchone()[0]
    return result


def files() -> dict:
    """Every stored file that has a recorded SHA-256: whether it is there and whether its content matches."""
    from django.apps import apps
    from django.db import models

    checked, problems = 0, []
    for model in apps.get_models():
        file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        has_sha = any(f.name == "sha256" for f in model._meta.concrete_fields)
        if not file_fields or not has_sha:
            continue
        for row in model._base_manager.all():
            for field in file_fields:
                stored = getattr(row, field.name)
                name, storage = stored.name, stored.storage
                if not name:
                    continue
                checked += 1
                if not storage.exists(name):
                    problems.append(f"{model._meta.label_lower}#{row.pk}: {name} is missing")
                    continue
                with storage.open(name, "rb") as handle:
                    digest = hashlib.sha256(handle.read()).hexdigest()
                if digest != row.sha256:
                    problems.append(f"{model._meta.label_lower}#{row.pk}: {name} has changed")
    return {"checked": checked, "problems": problems}


def audit() -> dict:
    from dossiers.models import AuditChainHead, AuditEvent
    from dossiers.services.audit import verify_chain

    head = AuditChainHead.objects.filter(pk=1).values("last_event_id", "last_hash").first()
    return {"events": AuditEvent.objects.count(), "head": head, "problems": [str(p) for p in verify_chain()]}


def registers() -> dict:
    """Each number register (scope, issuer, year, type): its numbers, which must run 1..n without a gap."""
    from dossiers.models.documents import DocumentCounter, DocumentNumber

    result = {}
    for counter in DocumentCounter.objects.order_by("pk"):
        key = f"{counter.scope}|{counter.issuer}|{counter.year}|{counter.type_code}"
        numbers = sorted(DocumentNumber.objects.filter(
            scope=counter.scope, issuer=counter.issuer, year=counter.year, type_code=counter.type_code,
        ).values_list("number", flat=True))
        result[key] = {"last_number": counter.last_number, "numbers": numbers}
    return result


# A dossier waits at this node of its review process in these states, and only then.
WAITING_NODES = {
    "await_council": ("awaiting_council", "in_council"),
    "await_decision": ("awaiting_decision",),
    "await_central": ("forwarded",),
}


def flows() -> dict:
    """Whether every dossier's legal state and its review process agree."""
    from viewflow.workflow.status import PROCESS, STATUS

    from dossiers.models import Dossier
    from workflows.models import DossierProcess

    active = {STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED}
    problems, seen = [], 0
    processes = {p.dossier_id: p for p in DossierProcess.objects.all()}
    for dossier in Dossier.objects.order_by("pk"):
        process = processes.get(dossier.pk)
        if process is None:
            if dossier.state not in ("draft", "withdrawn"):
                problems.append(f"{dossier.reference}: {dossier.state} without a review process")
            continue
        seen += 1
        open_nodes = {task.flow_task.name for task in process.task_set.filter(status__in=active)}
        for node, states in WAITING_NODES.items():
            if (dossier.state in states) != (node in open_nodes):
                problems.append(f"{dossier.reference}: state {dossier.state}, open tasks {sorted(open_nodes)}")
        if dossier.state in ("closed", "rejected") and process.status != PROCESS.DONE:
            problems.append(f"{dossier.reference}: {dossier.state} but its process is {process.status}")
        if dossier.state == "withdrawn" and process.status != PROCESS.CANCELED:
            problems.append(f"{dossier.reference}: withdrawn but its process is {process.status}")
        if process.status in (PROCESS.DONE, PROCESS.CANCELED) and open_nodes:
            problems.append(f"{dossier.reference}: process {process.status} with open tasks {sorted(open_nodes)}")
    return {"processes": seen, "problems": problems}


def decisions() -> dict:
    """Every decision with its state, number and, once signed, what signing must have done."""
    from dossiers.models import AwardRecord, Decision, DecisionState
    from dossiers.models.documents import DocumentNumber

    result, problems = [], []
    for decision in Decision.objects.order_by("pk"):
        items = list(decision.items.select_related("nomination", "nomination__dossier"))
        entry = {
            "id": decision.pk, "state": decision.state, "number": decision.number,
            "dossiers": sorted({i.nomination.dossier_id for i in items}),
            "dossier_states": sorted({i.nomination.dossier.state for i in items}),
            "outcomes": sorted({i.nomination.outcome for i in items}),
        }
        result.append(entry)
        numbered = DocumentNumber.objects.filter(object_type="dossiers.decision", object_id=str(decision.pk),
                                                 type_code="QĐ").count()
        if decision.state in (DecisionState.SIGNED, DecisionState.REVOKED):
            if not decision.number or numbered != 1:
                problems.append(f"decision {decision.pk}: signed with {numbered} register entries")
            awarded = [i for i in items if not i.forwarded]
            records = AwardRecord.objects.filter(decision_number=decision.number,
                                                 nomination__in=[i.nomination for i in awarded]).count()
            if decision.kind == "award" and records != len(awarded):
                problems.append(f"decision {decision.pk}: {records} award records for {len(awarded)} awards")
        elif decision.number or numbered:
            problems.append(f"decision {decision.pk}: {decision.state} but numbered ({numbered} register entries)")
            if AwardRecord.objects.filter(nomination__in=[i.nomination for i in items]).exists():
                problems.append(f"decision {decision.pk}: {decision.state} but its nominees have award records")
    return {"decisions": result, "problems": problems}


def consistency() -> dict:
    """Everything the fault tests require after a crash, with a list of what is wrong (empty: consistent)."""
    report = {"audit": audit(), "registers": registers(), "flows": flows(), "decisions": decisions()}
    problems = list(report["audit"]["problems"]) + report["flows"]["problems"] + report["decisions"]["problems"]
    for key, register in report["registers"].items():
        expected = list(range(1, register["last_number"] + 1))
        if register["numbers"] != expected:
            problems.append(f"register {key}: numbers {register['numbers']}, counter {register['last_number']}")
    report["problems"] = problems
    return report


def documents() -> dict:
    """The generated documents (cached and background PDFs) and the task queue's results."""
    from django_tasks_db.models import DBTaskResult

    from dossiers.models import GeneratedDocument

    return {
        "documents": [
            {"id": d.pk, "kind": d.kind, "object_id": d.object_id, "state": d.state, "pages_done": d.pages_done,
             "pages_total": d.pages_total, "file": d.file.name, "task_id": d.task_id}
            for d in GeneratedDocument.objects.order_by("pk")
        ],
        "tasks": [{"id": str(t.id), "status": t.status} for t in DBTaskResult.objects.order_by("enqueued_at")],
    }


def backdate_rendering(document_id: str, minutes: str) -> dict:
    """Move a background rendering's start back in time, as if ``minutes`` had passed since it started."""
    import datetime

    from dossiers.models import GeneratedDocument

    delta = datetime.timedelta(minutes=int(minutes))
    document = GeneratedDocument.objects.get(pk=int(document_id))
    GeneratedDocument.objects.filter(pk=document.pk).update(
        created_at=document.created_at - delta,
        started_at=(document.started_at - delta) if document.started_at else None,
    )
    return {"ok": True}


def pending_decision() -> dict:
    """The award decision waiting for the signature, with its signer and its dossiers."""
    from dossiers.models import Decision, DecisionState, User

    decision = Decision.objects.filter(state=DecisionState.CHECKED).order_by("pk").first()
    signer = User.objects.filter(groups__name="signer", signer_capacity__gt="").order_by("pk").first()
    signed = Decision.objects.filter(state=DecisionState.SIGNED).order_by("pk").first()
    return {
        "id": decision.pk if decision else None,
        "dossiers": sorted({i.nomination.dossier_id for i in decision.items.select_related("nomination")})
        if decision else [],
        "signer": signer.username if signer else None,
        "signed_id": signed.pk if signed else None,
    }


def complete_pending_decision() -> dict:
    """Put every nominee still waiting in the pending decision's dossiers on it, so signing it closes them.

    The demo leaves one nominee of that dossier in the pool; as HA would, the
    decision is sent back, completed and checked again (through the services).
    """
    from dossiers.models import Decision, DecisionState, Role, User
    from dossiers.services import decisions as services

    decision = Decision.objects.get(state=DecisionState.CHECKED)
    dossier_ids = {i.nomination.dossier_id for i in decision.items.select_related("nomination")}
    users = {role: User.objects.filter(groups__name=role, unit__province=decision.province).order_by("pk").first()
             for role in (Role.SIGNER, Role.HA_SPECIALIST, Role.HA_LEAD)}
    services.send_back(actor=users[Role.SIGNER], decision=decision, note="Bổ sung người còn chờ quyết định")
    waiting = list(services.ready_for_decision(province=decision.province).filter(dossier_id__in=dossier_ids))
    services.add_items(actor=users[Role.HA_SPECIALIST], decision=decision, nominations=waiting)
    services.check_decision(actor=users[Role.HA_LEAD], decision=decision)
    return {"added": len(waiting)}


COMMANDS = {
    "fingerprint": fingerprint, "counts": counts, "files": files, "audit": audit, "registers": registers,
    "flows": flows, "decisions": decisions, "consistency": consistency, "documents": documents,
    "backdate_rendering": backdate_rendering, "pending_decision": pending_decision,
    "complete_pending_decision": complete_pending_decision,
}


def main(argv: list[str]) -> None:
    """``COMMAND [ARG...]`` answers that command; ``--many COMMAND...`` answers each, by name."""
    _setup()
    if argv[0] == "--many":
        answer = {command: COMMANDS[command]() for command in argv[1:]}
    else:
        command, *args = argv
        answer = COMMANDS[command](*args)
    print(json.dumps(answer, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
