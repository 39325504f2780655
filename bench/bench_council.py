"""Benchmark 4: a council session of 1,000 items and 25 members: one full ballot, the full tally.

Targets of the performance issue: **one member's full ballot under 300 ms** (judged on the p95 of the
ballots) and **the full tally under 1 s** (``close_voting``, which counts every item).

The measuring is ``bench.council_ballot.measure`` (each present member casts a ballot with a choice on
every item through ``voting.cast_ballot``, then ``close_voting``, then ``recount``, then a tracemalloc
pass), applied here to the session ``bench.generate`` left with voting open (1,000 items and 25 members
present at the large scale). Each round runs in a transaction that is rolled back, so the generated
session stays open for the next round and for the load test: the ballots' own commits are savepoints
here (a commit's WAL flush, about a millisecond on PostgreSQL, is not in the figures). The chair's
confirmation (``confirm_results``: the nominations' outcomes, the dossiers' transitions, the waking of
their review processes) is measured in the same rounds, as an extra without a target.

Where the generated session is smaller than the issue's (small: 130 items; tiny: a handful), the same
rounds also run on a fresh session of 1,000 items and 25 members built by ``council_ballot.build``
(rolled back as well), so the targets are judged on the issue's size at every scale.

Rounds: ``min(ctx.repeat, 5)`` measured rounds (25 ballots and one tally each) after
``min(ctx.warmup, 1)`` unmeasured ones.
"""

from __future__ import annotations

import warnings

from bench import council_ballot
from bench.common import BenchContext, BenchResult, Target, Timing

TITLE = "Council session: one full ballot, the full tally"
MAX_ROUNDS = 5
ISSUE_ITEMS = 1000
ISSUE_MEMBERS = 25
# Size of the fresh session where the generated one is smaller than the issue's (tiny: the tests).
FRESH_SIZE = {"tiny": (12, 5)}


def generated_session():
    """The generated province's session with voting open (the largest, if there were several), or None."""
    from django.db.models import Count

    from bench.generate_world import PROVINCE_CODE
    from councils.models import CouncilSession, SessionState

    return (CouncilSession.objects.filter(council__province__code=PROVINCE_CODE, state=SessionState.VOTING_OPEN)
            .annotate(item_count=Count("items")).order_by("-item_count", "pk").first())


def setup_for(session_pk: int) -> council_ballot.Setup:
    """What ``council_ballot.measure`` needs, read from an existing session with voting open."""
    from councils.models import CouncilSession, MemberRole, VoterRecord
    from dossiers.models import User

    session = CouncilSession.objects.select_related("council", "council__province").get(pk=session_pk)
    members = list(session.members.filter(votes=True, present=True).order_by("role_order", "sort_key", "pk"))
    secretary = next(m for m in members if m.role == MemberRole.SECRETARY)
    chair = next((m for m in members if m.role == MemberRole.CHAIR), secretary)
    # Members who have already voted (a load test run on this database) would be refused a second ballot.
    voted = set(VoterRecord.objects.filter(session=session, has_voted=True).values_list("member_id", flat=True))
    users = {u.pk: u for u in User.objects.filter(pk__in=[m.user_id for m in members])}
    voters = [users[m.user_id] for m in members if m.pk not in voted]
    item_ids = list(session.items.order_by("position").values_list("pk", flat=True))
    return council_ballot.Setup(session=session, secretary=users[secretary.user_id], chair=users[chair.user_id],
                                voters=voters, item_ids=item_ids)


def _rounds(ctx: BenchContext, make_setup) -> dict:
    """Warm-up and measured rounds, each rolled back; the samples of every measured round together."""
    rounds = max(1, min(ctx.repeat, MAX_ROUNDS))
    warmup = min(ctx.warmup, 1)
    collected = {"ballot": [], "ballot_queries": [], "tally": [], "tally_queries": [], "recount": [],
                 "recount_queries": [], "confirm": [], "confirm_queries": [], "differences": 0, "memory": {},
                 "results": {}, "items": 0, "voters": 0}
    for index in range(warmup + rounds):
        with ctx.rolled_back(), warnings.catch_warnings():
            # The confirmation of a generated session runs thousands of queries: past the capture's log limit.
            warnings.filterwarnings("ignore", message="Limit for query logging exceeded")
            setup = make_setup()
            report = council_ballot.measure(setup, seed=ctx.seed + index)
            confirm = council_ballot.measure_confirm(setup)
        if index < warmup:
            continue
        ballot = report["ballot"]
        collected["ballot"] += ballot["samples_ms"]
        collected["ballot_queries"] += [ballot["queries"]] * len(ballot["samples_ms"])
        collected["tally"].append(report["tally"]["ms"])
        collected["tally_queries"].append(report["tally"]["queries"])
        collected["recount"].append(report["recount"]["ms"])
        collected["recount_queries"].append(report["recount"]["queries"])
        collected["confirm"].append(confirm["ms"])
        collected["confirm_queries"].append(confirm["queries"])
        collected["differences"] += report["recount"]["differences"]
        collected["results"] = report["tally"]["results"]
        collected["items"], collected["voters"] = ballot["choices_per_ballot"], len(ballot["samples_ms"])
        for name, mib in report["memory_mib"].items():
            collected["memory"][name] = max(mib, collected["memory"].get(name, 0.0))
    collected["rounds"] = rounds
    return collected


def _results(prefix: str, label: str, collected: dict, *, judged: bool) -> list[BenchResult]:
    items, voters, rounds = collected["items"], collected["voters"], collected["rounds"]
    memory = collected["memory"]
    ballot = Timing(samples_ms=collected["ballot"], queries=collected["ballot_queries"],
                    peak_mib=memory.get("ballot_peak"))
    tally = Timing(samples_ms=collected["tally"], queries=collected["tally_queries"],
                   peak_mib=memory.get("tally_peak"))
    recount = Timing(samples_ms=collected["recount"], queries=collected["recount_queries"],
                     peak_mib=memory.get("recount_peak"))
    confirm = Timing(samples_ms=collected["confirm"], queries=collected["confirm_queries"])
    size = f"{items} items, {voters} ballots"
    shared = {"items": items, "ballots_per_round": voters, "rounds": rounds, "tally_results": collected["results"],
              "recount_differences": collected["differences"]}
    ballot_targets = [Target("p95 < 300 ms", ballot.p95_ms < council_ballot.BALLOT_TARGET_MS)] if judged else []
    tally_targets = [Target("< 1 s", tally.p95_ms < council_ballot.TALLY_TARGET_MS)] if judged else []
    later = ("in a secret session each cast rewrites every ballot cast so far, so the last ballots of a round "
             "cost most; ")
    return [
        BenchResult(name=f"{prefix}.ballot", title=f"{label}: one full ballot ({size})", timing=ballot,
                    targets=ballot_targets, extra=shared,
                    notes=f"{later}{rounds} rounds of {voters} ballots, rolled back (savepoints, no commit)"),
        BenchResult(name=f"{prefix}.tally", title=f"{label}: full tally (close_voting)", timing=tally,
                    targets=tally_targets, extra=shared),
        BenchResult(name=f"{prefix}.recount", title=f"{label}: recount (extra)", timing=recount, extra=shared),
        BenchResult(name=f"{prefix}.confirm", title=f"{label}: chair's confirmation (extra)", timing=confirm,
                    extra=shared, notes="outcomes of the nominations, transitions of the dossiers and the waking "
                                        "of their review processes"),
    ]


def run(ctx: BenchContext) -> list[BenchResult]:
    results = []
    session = generated_session()
    issue_size = False
    if session is not None:
        members = session.members.filter(votes=True, present=True).count()
        issue_size = session.item_count >= ISSUE_ITEMS and members >= ISSUE_MEMBERS
        ctx.log(f"generated session {session.pk}: {session.item_count} items, {members} members present")
        collected = _rounds(ctx, lambda: setup_for(session.pk))
        if collected["voters"]:
            results += _results("council.generated", "Generated session", collected, judged=issue_size)
        else:
            ctx.log("every member of the generated session has voted already: skipped")
    if not issue_size:
        items, members = FRESH_SIZE.get(ctx.scale, (ISSUE_ITEMS, ISSUE_MEMBERS))
        ctx.log(f"fresh session: {items} items, {members} members (council_ballot.build, rolled back)")
        collected = _rounds(ctx, lambda: council_ballot.build(items=items, members=members, seed=ctx.seed))
        results += _results("council.fresh", "Fresh session", collected,
                            judged=items >= ISSUE_ITEMS and members >= ISSUE_MEMBERS)
    return results
