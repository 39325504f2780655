"""Benchmark 1: the HA queue, the unit's dossier list and the dossier detail, as page and as API.

Server time through Django's test client (no network, the whole middleware
stack, sessions and templates), signed in as a generated account:

- the HA queue (``/viec/hang-cho/`` and ``/api/v1/tasks/?scope=queue``) as the
  first HA specialist, ``chuyenvien01.snv``;
- the dossier list (``/dossiers/`` and ``/api/v1/dossiers/``) as the clerk of
  the unit with the most dossiers;
- the detail (``/dossiers/<id>/`` and ``/api/v1/dossiers/<id>/``) of that
  unit's dossier under review with the most nominations, as its clerk.

Each against a **baseline measured in the same run**: the SQL statements the
real view ran (captured once with ``CaptureQueriesContext``, their parameters
inlined by the database driver), run again with a plain cursor, every row
fetched, and the rows rendered with no framework at all: an HTML table by
string join (``html.escape``) for a page, ``json.dumps`` for the API. That is
the floor for "these rows, on this database, as text": what the framework
adds (ORM, model instances, templates, serializers, middleware) is the ratio.
Statements that are not reads (``SAVEPOINT``, a session write) are left out of
the baseline (none on these GET requests once the session is warm).

Targets (issue 6): p95 within 2× of its baseline and under 100 ms; the query
count must not depend on the scale (the runner shows the count at the other
scale beside it).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

from bench.common import BenchContext, BenchResult, Target

TITLE = "Pages and API: HA queue, unit's dossier list, dossier detail"
P95_TARGET_MS = 100
RATIO_TARGET = 2.0


@dataclass
class Case:
    name: str
    title: str
    username: str
    url: str
    kind: str  # "html" | "json"


def subjects() -> dict:
    """The accounts and the dossier the cases use (deterministic for a given generated database)."""
    from django.db.models import Count

    from bench.generate_world import PROVINCE_CODE
    from dossiers.models import Dossier, Unit, User

    dossiers = Dossier.objects.filter(unit__province__code=PROVINCE_CODE)
    busiest = dossiers.values("unit_id").annotate(n=Count("id")).order_by("-n", "unit_id").first()
    unit = Unit.objects.get(pk=busiest["unit_id"])
    clerk = User.objects.get(username=f"canbo.{unit.code.lower()}")
    candidates = dossiers.filter(unit=unit).exclude(state="draft").annotate(n=Count("nominations"))
    dossier = (candidates.filter(state="under_review").order_by("-n", "pk").first()
               or candidates.order_by("-n", "pk").first())
    return {"unit": unit, "unit_dossiers": busiest["n"], "clerk": clerk.username, "dossier": dossier,
            "ha": "chuyenvien01.snv"}


def cases(found: dict) -> list[Case]:
    pk, clerk, ha = found["dossier"].pk, found["clerk"], found["ha"]
    return [
        Case("pages.ha_queue", "HA queue, page (/viec/hang-cho/)", ha, "/viec/hang-cho/", "html"),
        Case("pages.ha_queue_api", "HA queue, API (/api/v1/tasks/?scope=queue)", ha, "/api/v1/tasks/?scope=queue",
             "json"),
        Case("pages.dossier_list", "Unit's dossier list, page (/dossiers/)", clerk, "/dossiers/", "html"),
        Case("pages.dossier_list_api", "Unit's dossier list, API (/api/v1/dossiers/)", clerk, "/api/v1/dossiers/",
             "json"),
        Case("pages.dossier_detail", "Dossier detail, page (/dossiers/<id>/)", clerk, f"/dossiers/{pk}/", "html"),
        Case("pages.dossier_detail_api", "Dossier detail, API (/api/v1/dossiers/<id>/)", clerk,
             f"/api/v1/dossiers/{pk}/", "json"),
    ]


def is_read(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("SELECT", "WITH"))


def baseline_view(statements: list[str], kind: str):
    """The same SQL through a plain cursor, every row rendered with no framework: the floor of the view."""
    from django.db import connection

    def view() -> bytes:
        results = []
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                results.append(cursor.fetchall())
        if kind == "json":
            return json.dumps(results, default=str, ensure_ascii=False).encode()
        parts = ["<!doctype html><html><body>"]
        for rows in results:
            parts.append("<table>")
            parts.extend("<tr>" + "".join(f"<td>{html.escape(str(value))}</td>" for value in row) + "</tr>"
                         for row in rows)
            parts.append("</table>")
        parts.append("</body></html>")
        return "".join(parts).encode()

    return view


def measure_case(ctx: BenchContext, case: Case) -> BenchResult:
    from django.test import Client

    from dossiers.models import User

    client = Client()
    client.force_login(User.objects.get(username=case.username))
    try:
        def get():
            response = client.get(case.url)
            if response.status_code != 200:
                raise RuntimeError(f"{case.url} answered {response.status_code} to {case.username}")
            return response

        get()  # the session's first request may write it (last activity); not part of what is measured
        response, captured = ctx.capture(get)
        statements = [q["sql"] for q in captured if is_read(q["sql"])]
        slowest = max(captured, key=lambda q: float(q["time"] or 0)) if captured else None
        timing = ctx.measure(get)
        baseline_fn = baseline_view(statements, case.kind)
        baseline_bytes = len(baseline_fn())
        baseline = ctx.measure(baseline_fn)
    finally:
        client.logout()

    result = BenchResult(
        name=case.name, title=case.title, timing=timing, baseline=baseline,
        baseline_title="the captured SQL through a plain cursor, rows joined into HTML / json.dumps",
        extra={"url": case.url, "user": case.username, "response_bytes": len(response.content),
               "baseline_bytes": baseline_bytes, "statements": len(captured),
               "statements_not_in_baseline": len(captured) - len(statements),
               "slowest_statement": ({"ms": round(float(slowest["time"]) * 1000, 1), "sql": slowest["sql"][:400]}
                                     if slowest else None)},
    )
    result.targets = [
        Target(f"p95 ≤ {RATIO_TARGET:g}× baseline", result.ratio is not None and result.ratio <= RATIO_TARGET),
        Target(f"p95 < {P95_TARGET_MS} ms", timing.p95_ms < P95_TARGET_MS),
    ]
    return result


def run(ctx: BenchContext) -> list[BenchResult]:
    found = subjects()
    ctx.log(f"unit {found['unit'].code} ({found['unit_dossiers']} dossiers), clerk {found['clerk']}, "
            f"dossier {found['dossier'].pk} ({found['dossier'].state}), HA {found['ha']}")
    results = []
    for case in cases(found):
        result = measure_case(ctx, case)
        ctx.log(f"{case.name}: p95 {result.timing.p95_ms:.1f} ms, baseline {result.baseline.p95_ms:.1f} ms, "
                f"{result.timing.query_count} queries")
        result.extra["unit_dossiers"] = found["unit_dossiers"]
        results.append(result)
    return results
