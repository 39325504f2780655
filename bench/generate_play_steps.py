"""The steps of a dossier's story, one function each (named as the services and flow nodes they mirror)."""

from __future__ import annotations

import datetime

from bench.generate_play import FEEDBACK_TEXT, MESSAGES, REJECT_REASONS, RETURN_ITEMS, WITHDRAW_REASONS
from bench.generate_story import DAY, LOCAL, local_at
from bench.generate_world import person_name

HOUR = datetime.timedelta(hours=1)


def _day(at) -> datetime.date:
    return at.astimezone(LOCAL).date()


def created(play, step, following):
    play.event(step.at, play.clerk, "dossier.created", "Lập hồ sơ",
               after={"kind": play.kind, "year": play.year, "title": play.title, "movement_id": play.movement,
                      "state": "draft"})


def prepared(play, step, following, at=None):
    at = at or step.at
    play.fields.update(prepared_by_id=play.clerk, prepared_at=at)
    play.event(at, play.clerk, "dossier.sent_to_head", "Chuyển thủ trưởng xem xét, trình",
               after={"prepared_by": play.clerk})


def submitted(play, step, following):
    play.fields.update(submitted_by_id=play.head, submitted_at=step.at)
    play.move(step.at, play.head, "dossier.submitted", "Trình hồ sơ", "submitted", regulation=play.regulation[1])
    play.process = play.p.flows.process("dossier", step.at, play.id)
    play.process.reference = play.reference
    play.process.start(step.at)
    play.open_task("intake", step.at)


def returned(play, step, following):
    rng, at = play.rng, step.at
    node = play.pending[0]
    play.close_pending(at, play.specialist)
    play.process.step("after_intake" if node == "intake" else "after_appraisal", at)
    play.fields["return_count"] += 1
    number = play.fields["return_count"]
    due_on = play.p.flows.calendar.add(_day(at), 10)
    items = rng.sample(RETURN_ITEMS, rng.randint(1, 2))
    note = "Đề nghị đơn vị bổ sung, hoàn thiện hồ sơ và trình lại."
    names = play.p.reason_names
    lines = [f"{names[code]}; {text}" for code, text in items]
    play.fields.update(return_reason="\n".join([note, *lines]), prepared_by_id=None, prepared_at=None,
                       appraised_by_id=None, appraised_at=None)
    for nom in play.noms:
        if nom.outcome in ("eligible", "ineligible"):
            nom.outcome = "proposed"
    event = play.move(at, play.specialist, "dossier.returned", f"Trả lại để bổ sung (lần {number})", "returned",
                      return_count=number, due_on=due_on.isoformat(), items=lines, note=note)
    play.supplement(at, due_on, items, note, event)
    play.open_task("await_supplement", at, due_on=due_on)
    play.p.flows.notify([play.clerk, play.head], "dossier.returned",
                        f"Hồ sơ {play.reference} được trả lại để bổ sung, hạn {due_on:%d/%m/%Y}.",
                        play.p.flows.dossier_url.format(play.id), play.id, at)


def resubmitted(play, step, following):
    at = step.at
    prepared(play, step, following, at=at - HOUR)
    play.close_pending(at, None)
    play.book.supplements[-1][0][7] = at  # the request is answered
    play.fields.update(submitted_by_id=play.head, submitted_at=at)
    play.move(at, play.head, "dossier.resubmitted", "Trình lại hồ sơ sau bổ sung", "submitted",
              regulation=play.regulation[1])
    play.open_task("intake", at)


def rejected(play, step, following):
    at = step.at
    node = play.pending[0]
    play.close_pending(at, play.specialist)
    play.process.step("after_intake" if node == "intake" else "after_appraisal", at)
    play.process.step("end", at)
    play.process.row("DONE", at)
    reason = play.rng.choice(REJECT_REASONS)
    play.fields.update(rejected_reason=reason, closed_at=at)
    for nom in play.noms:
        nom.outcome = "ineligible"
    play.move(at, play.specialist, "dossier.rejected", "Không chấp nhận hồ sơ", "rejected", reason=reason)
    play.p.flows.notify([play.clerk, play.head], "dossier.rejected",
                        f"Hồ sơ {play.reference} không được chấp nhận: {reason}",
                        play.p.flows.dossier_url.format(play.id), play.id, at)


def withdrawn(play, step, following):
    at = step.at
    reason = play.rng.choice(WITHDRAW_REASONS)
    if play.process is not None:
        if play.pending is not None:
            play.close_pending(None, None)
        play.process.cancel_open(at)
        play.process.row("CANCELED", at)
        for recorder in play.feedback_processes:
            recorder.cancel_open(at)
            recorder.row("CANCELED", at)
        play.feedback_processes = []
    for nom in play.noms:
        nom.outcome = "withdrawn"
    play.fields["withdrawn_reason"] = reason
    play.move(at, play.head, "dossier.withdrawn", "Rút hồ sơ", "withdrawn", reason=reason)


def accepted(play, step, following):
    play.close_pending(step.at, play.specialist)
    play.process.step("after_intake", step.at)
    play.move(step.at, play.specialist, "dossier.accepted", "Tiếp nhận hồ sơ, chuyển thẩm định", "under_review")
    play.open_task("appraisal", step.at)


def appraised(play, step, following):
    rng, at, variant = play.rng, step.at, play.plan.variant
    play.close_pending(at, play.specialist)
    play.process.step("after_appraisal", at)
    for index, nom in enumerate(play.noms):
        if variant == "no_award":
            eligible = False
        elif variant == "council_fail":
            eligible = nom.award.vote_required and (index == 0 or rng.random() < 0.8)
        else:
            eligible = index == 0 or rng.random() < 0.9
        nom.outcome = "eligible" if eligible else "ineligible"
        nom.data["note"] = "Đủ điều kiện theo tiêu chuẩn." if eligible else \
            "Chưa đủ tiêu chuẩn: thiếu số năm liên tục đạt danh hiệu theo quy định."
    play.fields.update(appraised_by_id=play.specialist, appraised_at=at)
    play.event(at, play.specialist, "dossier.appraised", "Thẩm định các đề nghị", after=play.outcomes())
    play.open_task("approval", at)


def _route(play, at, actor) -> None:
    """``route_for`` after the approval or the notice: council, decision, or closed with nothing eligible."""
    eligible = [n for n in play.noms if n.outcome == "eligible"]
    if not eligible:
        destination = "closed"
    elif any(n.award.vote_required for n in eligible):
        destination = "awaiting_council"
    else:
        destination = "awaiting_decision"
    play.move(at, actor, "dossier.routed", MESSAGES["routed"][destination], destination)
    for nom in eligible:
        nom.data["ready_at"] = at
    if destination == "closed":
        play.process.step("end", at)
        play.process.row("DONE", at)
        play.fields["closed_at"] = at
    else:
        play.open_task("await_council" if destination == "awaiting_council" else "await_decision", at)


def approved(play, step, following):
    at = step.at
    play.close_pending(at, play.lead)
    play.process.step("after_approval", at)
    play.fields.update(approved_by_id=play.lead, approved_at=at)
    eligible = [n for n in play.noms if n.outcome == "eligible"]
    if any(n.award.notice for n in eligible):
        _open_notice(play, step, following, eligible)
    else:
        _route(play, at, play.lead)
    play.event(at, play.lead, "dossier.approved", "Lãnh đạo Sở duyệt kết quả thẩm định",
               after={"state": play.state, "eligible": len(eligible)})


def _open_notice(play, step, following, eligible) -> None:
    from dossiers.models import PublicFeedback, PublicNotice

    rng, at, flows = play.rng, step.at, play.p.flows
    starts_on = _day(at)
    ends_on = flows.calendar.add(starts_on, 10)
    moment = local_at(ends_on + DAY, 0)
    listed = [n for n in eligible if n.award.notice]
    notice_id = play.ctx.ids.one(PublicNotice)
    play.notice = {"id": notice_id, "moment": moment, "row": [notice_id, play.id, starts_on, ends_on, play.lead, at,
                                                              None]}
    play.p.rows["notice"].append(play.notice["row"])
    play.move(at, play.lead, "notice.opened",
              f"Công khai {len(listed)} đề nghị từ {starts_on:%d/%m/%Y} đến hết {ends_on:%d/%m/%Y}", "public_notice",
              starts_on=starts_on.isoformat(), ends_on=ends_on.isoformat(), nominations=[n.id for n in listed])
    play.book.events[-1][3:5] = ["dossiers.publicnotice", str(notice_id)]
    plan = play.plan
    continuing = following is not None and following.name == "notice_closed"
    limit = min(following.at if following is not None else play.ctx.as_of, local_at(ends_on, 17))
    if plan.target == "public_notice" and plan.variant == "feedback":
        count = rng.randint(1, 2)
    else:
        count = 0 if rng.random() < 0.7 else rng.randint(1, 2)
    resolved_times = []
    for index in range(count):
        span = max(0.05, (limit - at).total_seconds() / 86400 * 0.9)
        sent = at + datetime.timedelta(days=rng.uniform(0.02, span))
        nom = rng.choice(listed)
        answer = sent + datetime.timedelta(days=rng.uniform(0.3, 5))
        if continuing:
            answer = min(answer, following.at - 2 * HOUR)
            resolved = answer if answer > sent else sent + HOUR
        elif plan.target == "public_notice" and plan.variant == "feedback" and index == count - 1:
            resolved = None
        else:
            bound = following.at if following is not None else play.ctx.as_of
            resolved = answer if answer < bound and rng.random() < 0.6 else None
        upheld = bool(resolved) and nom is not play.noms[0] and rng.random() < 0.2
        feedback_id = play.ctx.ids.one(PublicFeedback)
        text = rng.choice(FEEDBACK_TEXT)
        note = ("Đã xác minh, nội dung góp ý có cơ sở." if upheld else
                "Đã xác minh, nội dung góp ý không làm thay đổi kết quả thẩm định.") if resolved else ""
        play.p.rows["feedback"].append((
            feedback_id, nom.id, person_name(rng, "male") if rng.random() < 0.5 else "", "", text, sent,
            play.digest("feedback", feedback_id)[:64], ("upheld" if upheld else "dismissed") if resolved else "open",
            note, play.specialist if resolved else None, resolved))
        play.event(sent, None, "feedback.received", f"Người dân gửi góp ý về {nom.name}",
                   after={"nomination": nom.id, "nominee": nom.name}, obj=("dossiers.publicfeedback", str(feedback_id)))
        recorder = flows.process("feedback", sent, play.id, feedback_id)
        recorder.reference = play.reference
        recorder.start(sent)
        if resolved:
            claimed = sent + (resolved - sent) * rng.uniform(0.05, 0.5)
            recorder.timed("resolve_feedback", sent, done=resolved, owner=play.specialist, assigned=claimed,
                           queue=play.world.specialists)
            recorder.step("end", resolved)
            recorder.row("DONE", resolved)
            resolved_times.append(resolved)
            if upheld:
                nom.outcome = "ineligible"
                play.event(resolved, play.specialist, "nomination.marked_ineligible",
                           "Không đủ điều kiện do góp ý của người dân có cơ sở",
                           before={"outcome": "eligible"},
                           after={"outcome": "ineligible", "nominee": nom.name, "reason": note},
                           obj=("dossiers.nomination", str(nom.id)))
            play.event(resolved, play.specialist, "feedback.resolved",
                       f"Góp ý về {nom.name} {'có cơ sở' if upheld else 'không có cơ sở'}",
                       before={"status": "open"},
                       after={"status": "upheld" if upheld else "dismissed", "nomination": nom.id,
                              "nominee": nom.name, "reason": note},
                       obj=("dossiers.publicfeedback", str(feedback_id)))
        else:
            recorder.timed("resolve_feedback", sent, queue=play.world.specialists)
            play.feedback_processes.append(recorder)
    play.notice["late"] = max([t for t in resolved_times if t > moment], default=None)
    if continuing:
        return
    if moment <= play.ctx.as_of and play.plan.target == "public_notice":
        play.process.wait("notice_period", at, done=moment, scheduled=moment)
        play.process.step("after_notice_period", moment)
        play.open_task("await_feedback", moment)
    else:
        play.open_task("notice_period", at, moment=moment)


def notice_closed(play, step, following):
    moment, late = play.notice["moment"], play.notice["late"]
    closing = late or moment
    step.at = closing
    process = play.process
    process.wait("notice_period", play.fields["approved_at"], done=moment, scheduled=moment)
    process.step("after_notice_period", moment)
    if late:
        process.wait("await_feedback", moment, done=closing)
    process.step("finish_notice", closing)
    process.step("after_notice", closing)
    play.notice["row"][6] = closing
    play.event(closing, None, "notice.closed", "Kết thúc công khai", after={"closed_at": closing.isoformat()},
               obj=("dossiers.publicnotice", str(play.notice["id"])))
    _route(play, closing, None)


def in_council(play, step, following):
    play.move(step.at, play.world.secretary, "dossier.in_council", "Đưa vào phiên họp Hội đồng", "in_council")
    if following is None:
        play.book.open_council.extend((n, step.at) for n in play.noms
                                      if n.outcome == "eligible" and n.award.vote_required)


def session_label(day: datetime.date) -> str:
    return f"Phiên họp Hội đồng Thi đua - Khen thưởng tỉnh tháng {day.month}/{day.year} ({day:%d/%m/%Y})"


def council_results(play, step, following):
    rng, at = play.rng, step.at
    day = _day(at)
    fail_all = step.data.get("fail_all")
    results = {}
    for index, nom in enumerate(play.noms):
        if nom.outcome == "eligible" and nom.award.vote_required:
            passed = not fail_all and (index == 0 or rng.random() < 0.88)
            nom.outcome = "council_passed" if passed else "council_failed"
            results[nom.name] = nom.outcome
            play.book.council.setdefault(day, []).append((nom, passed))
    play.close_pending(at, None)
    play.process.step("after_council", at)
    ready = [n for n in play.noms if n.outcome == "council_passed" or (
        n.outcome == "eligible" and not n.award.vote_required)]
    state = "awaiting_decision" if ready else "closed"
    play.move(at, play.world.chair, "dossier.council_results", f"Kết quả xét của Hội đồng: {session_label(day)}",
              state, **results)
    if ready:
        for nom in ready:
            nom.data["ready_at"] = at
        play.open_task("await_decision", at)
    else:
        play.process.step("end", at)
        play.process.row("DONE", at)
        play.fields["closed_at"] = at


def decided(play, step, following):
    at, book = step.at, play.book
    day = _day(at)
    ready = [n for n in play.noms if n.outcome == "council_passed" or (
        n.outcome == "eligible" and not n.award.vote_required)]
    for nom in ready:
        nom.outcome = "forwarded" if nom.award.forwarded else "awarded"
        nom.data["decided_at"] = at
    book.decisions.setdefault(day, []).extend(ready)
    play.close_pending(at, None)
    play.process.step("after_decision", at)
    forwarded = [n for n in ready if n.outcome == "forwarded"]
    if play.plan.target == "decided":
        state = "decided"
    else:
        state = "forwarded" if forwarded else "closed"
    key = (day, ready[0].id)
    play.move(at, play.signer, "dossier.decided", lambda: f"Có Quyết định số {book.decision_numbers[key]}", state)
    if state == "forwarded":
        play.open_task("await_central", at)
        _central(play, forwarded, at)
    else:
        play.process.step("end", at)
        play.process.row("DONE", at)
        if state == "closed":
            play.fields["closed_at"] = at


def _central(play, forwarded, at) -> None:
    """The forwarded nominations go to the next central round; those the centre decided are granted or declined."""
    rng, plan, book, as_of = play.rng, play.plan, play.book, play.ctx.as_of
    day = play.p.schedule.central_round_after(_day(at) + 5 * DAY)
    round_ = play.p.schedule.rounds.get(day) if day else None
    for index, nom in enumerate(forwarded):
        nom.data["status"] = "pending"
        if round_ is None:
            continue
        if index == 0 and plan.central_first:
            decided_on = plan.central_first
        else:
            decided_on = round_["decided"] + DAY * rng.randint(0, round_["spread"])
        moment = local_at(decided_on, rng.randint(9, 15), rng.randint(0, 59))
        book.central.setdefault(day, []).append(nom)
        if moment > as_of:
            continue
        granted = rng.random() < 0.85
        authority = nom.award.authority
        issuer = "CTN" if authority == "president" else "TTg"
        nom.outcome = "granted" if granted else "declined"
        nom.data.update(status="granted" if granted else "declined", decided=moment, decided_on=decided_on,
                        authority=authority, number=f"{rng.randint(100, 2999)}/QĐ-{issuer}" if granted else "",
                        reason="" if granted else "Chưa đủ tiêu chuẩn theo quy định.")
        play.event(moment, play.liaison, "central.item_decided", f"Kết quả của Trung ương: {nom.name}",
                   after={"nominee": nom.name, "granted": granted, "decision_number": nom.data["number"],
                          "reason": nom.data["reason"]},
                   obj=("dossiers.centralsubmission", lambda d=day: str(book.central_ids[d])))


def central_closed(play, step, following):
    moments = [n.data["decided"] for n in play.noms if n.data.get("status") in ("granted", "declined")]
    at = max(moments)
    step.at = at
    play.close_pending(at, None)
    play.process.step("end", at)
    play.process.row("DONE", at)
    play.fields["closed_at"] = at
    play.move(at, play.liaison, "dossier.closed", "Đã có kết quả của Trung ương cho mọi đề nghị", "closed")


STEPS = {
    "created": created, "prepared": prepared, "submitted": submitted, "returned": returned,
    "resubmitted": resubmitted, "rejected": rejected, "withdrawn": withdrawn, "accepted": accepted,
    "appraised": appraised, "approved": approved, "notice_closed": notice_closed, "in_council": in_council,
    "council_results": council_results, "decided": decided, "central_closed": central_closed,
}
