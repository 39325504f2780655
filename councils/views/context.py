"""What the session page shows, by the session's state and the user's part in it.

``render_session`` builds the whole page; a view whose action was refused
passes its bound forms in ``bound`` (and the refusal in ``error``) so the user
sees the reason next to what they entered.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from councils import forms, permissions, selectors
from councils.models import AgendaItem, SessionState, VoterRecord, VotingMode, WrittenOpinion
from councils.services import sessions as session_services
from councils.services import voting
from councils.tally import ALL_MEMBERS
from dossiers.documents.formatting import percent as format_percent
from dossiers.models import AwardType, Role, Unit
from dossiers.models.users import HA_ROLES
from dossiers.views.common import paginate

# Who finds the councils' pages in the navigation and may open the session list.
COUNCIL_ROLES = frozenset({Role.COUNCIL_SECRETARY, Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER}) | HA_ROLES
LIST_ROLES = permissions.LIST_ROLES  # one rule for the page and the API

EDITABLE_AGENDA = (SessionState.DRAFT, SessionState.AGENDA_PUBLISHED)
COUNTED = (SessionState.VOTING_CLOSED, SessionState.RESULTS_CONFIRMED, SessionState.FINALISED)
POOL_PAGE_SIZE = 50
# The agenda's items are shown with their documents and verdicts this many a page (``?muc=``): a session of
# 1,000 items rendered whole was 1.6 MB and 0.4 s of CPU (docs/performance.md).
DETAILS_PAGE_SIZE = 50



def session_or_404(request, pk):
    """The session if the user may see it (selectors.sessions_for); 404 otherwise, never 403."""
    return get_object_or_404(selectors.sessions_for(request.user).select_related("council__province"), pk=pk)


def roster_member(session, user):
    return session.members.filter(user=user).first()


def reads_documents(user, session, member) -> bool:
    """The agenda's documents: the roster, the secretary, the chair and Home Affairs staff of the province."""
    if member is not None:
        return True
    if permissions.is_secretary.test(user, session) or permissions.is_chair.test(user, session):
        return True
    return bool(user.roles & HA_ROLES) and permissions.same_province(user, session)


def rights(user, session, member) -> dict:
    manage = permissions.can_manage_session.test(user, session)
    return {
        "manage": manage,
        "confirm": permissions.can_confirm_results.test(user, session),
        "sign": permissions.can_sign_minutes.test(user, session),
        "documents": reads_documents(user, session, member),
        "voter": member is not None and member.votes,
        "edit": manage and session.state in EDITABLE_AGENDA,
    }


def share_text(numerator: int, denominator: int) -> str:
    """``9/10`` -> ``"90"``, ``2/3`` -> ``"66,7"`` (a decimal comma, no trailing ``,0``)."""
    text = format_percent(numerator, denominator)
    return text[:-2] if text.endswith(",0") else text


def threshold_text(item: AgendaItem) -> str:
    """"từ 90% tổng số thành viên", "quá 50% tổng số thành viên", "từ 80% số thành viên có mặt"."""
    values = {"share": share_text(item.threshold_numerator, item.threshold_denominator)}
    if item.threshold_base == ALL_MEMBERS:
        if item.threshold_strict:
            return _("quá %(share)s%% tổng số thành viên") % values
        return _("từ %(share)s%% tổng số thành viên") % values
    if item.threshold_strict:
        return _("quá %(share)s%% số thành viên có mặt và có ý kiến") % values
    return _("từ %(share)s%% số thành viên có mặt và có ý kiến") % values


def quorum_text(quorum: dict) -> str:
    values = {"present": quorum["present"], "members": quorum["members"], "required": quorum["required"]}
    if quorum["met"]:
        return _("Có mặt %(present)d/%(members)d, cần ít nhất %(required)d: đủ điều kiện") % values
    return _("Có mặt %(present)d/%(members)d, cần ít nhất %(required)d: chưa đủ điều kiện") % values


def result_row(item: AgendaItem) -> dict:
    total = item.total_agree or 0
    base = item.base or 0
    return {
        "item": item,
        "total": total,
        "percent": format_percent(total, base) if base else "0,0",
        "threshold": threshold_text(item),
    }


def item_details(session, items, *, with_documents: bool) -> list[dict]:
    """Per agenda item: the achievement summary, the documents and the stored eligibility verdicts."""
    found = selectors.agenda_details(items, with_documents=with_documents)
    details = []
    for item in items:
        own = found[item.nomination_id]
        overrides = []
        stack = list(own["roots"])
        while stack:
            verdict = stack.pop(0)
            override = getattr(verdict, "override", None)
            if override is not None:
                overrides.append({"verdict": verdict, "override": override})
            stack.extend(verdict.children.all())
        details.append({
            "item": item,
            "threshold": threshold_text(item),
            "documents": own["documents"] or [],
            "roots": own["roots"],
            "result": own["result"],
            "overrides": overrides,
        })
    return details


def details_context(request, session, items, *, with_documents: bool) -> dict:
    """One page of the agenda's items with their documents and verdicts; every item knows its page (the
    agenda editor's links go straight to it)."""
    for index, item in enumerate(items):
        item.details_page = index // DETAILS_PAGE_SIZE + 1
        item.threshold_text = threshold_text(item)
    page = paginate(request, items, param="muc", per_page=DETAILS_PAGE_SIZE)
    return {"details_page": page,
            "details": item_details(session, list(page.object_list), with_documents=with_documents)}


def pool_context(request, session, bound) -> dict:
    province = session.council.province
    everything = selectors.council_pool(province=province)
    awards = (AwardType.objects.filter(vote_required=True).order_by("rank", "code")
              .values_list("code", "name").distinct())
    seen, award_choices = set(), []
    for code, name in awards:
        if code not in seen:
            seen.add(code)
            award_choices.append((code, name))
    units = Unit.objects.filter(pk__in=everything.values("dossier__unit_id")).order_by("name_key", "id")
    filter_form = forms.PoolFilterForm(request.GET or None, awards=award_choices,
                                       units=[(u.pk, u.name) for u in units])
    pool = selectors.council_pool(province=province, **filter_form.filters())
    return {
        "pool_filter": filter_form,
        "pool_page": paginate(request, pool, per_page=POOL_PAGE_SIZE),
        "pool_selected": bound.get("pool_selected", set()),
        "pool_filtered": any(filter_form.filters().values()),
    }


def voting_context(session, member, bound) -> dict:
    """A roster member's own part while voting is open: may they vote, have they voted."""
    if member is None or not member.votes or session.mode != VotingMode.ELECTRONIC:
        return {}
    record = VoterRecord.objects.filter(session=session, member=member).first()
    return {"my_vote": {"present": member.present and member.votes, "voted": bool(record and record.has_voted),
                        "can_vote": record is not None}}


def session_context(request, session, *, bound=None, error=None) -> dict:
    bound = bound or {}
    user = request.user
    members = list(session.members.all())
    member = next((m for m in members if m.user_id == user.pk), None)
    allowed = rights(user, session, member)
    state = session.state
    items = selectors.agenda(session)
    context = {
        "session": session,
        "council": session.council,
        "items": items,
        "members": members,
        "me": member,
        "rights": allowed,
        "action_error": error,
        "state": state,
        "S": SessionState,
        "counted": state in COUNTED,
        "electronic": session.mode == VotingMode.ELECTRONIC,
        "minutes_available": state in COUNTED,
    }
    if allowed["manage"] and state in EDITABLE_AGENDA:
        context.update(pool_context(request, session, bound))
    if state != SessionState.DRAFT or allowed["manage"]:
        context.update(details_context(request, session, items, with_documents=allowed["documents"]))
    if state not in EDITABLE_AGENDA:
        context["quorum"] = session_services.quorum_status(session)
        context["quorum_text"] = quorum_text(context["quorum"])
    if state in session_services.CORRECTABLE_STATES and allowed["manage"]:
        # Taken when the meeting opens; until the results are confirmed it can be put right.
        context["attendance_form"] = bound.get("attendance_form") or forms.AttendanceForm(members=members)
        context["attendance_correction"] = state != SessionState.IN_PROGRESS
    if state in session_services.CORRECTABLE_STATES:
        opinions = list(WrittenOpinion.objects.filter(session=session).select_related("member"))
        context["opinions"] = opinions
        if allowed["manage"]:
            entered = {o.member_id for o in opinions}
            absent = [m for m in members if m.votes and not m.present]
            context["opinion_form"] = bound.get("opinion_form") or forms.WrittenOpinionForm(
                members=absent, items=items)
            context["absent_without_opinion"] = [m for m in absent if m.pk not in entered]
    if state == SessionState.VOTING_OPEN:
        if allowed["confirm"]:
            context["progress"] = voting.progress(session)
        if allowed["manage"] and session.mode == VotingMode.PAPER:
            tally_forms = bound.get("tally_forms", {})
            context["tally_forms"] = [tally_forms.get(item.pk) or forms.PaperTallyForm(item=item) for item in items]
            context["tallies_missing"] = sum(1 for item in items if not hasattr(item, "paper_tally"))
        context.update(voting_context(session, member, bound))
    if state in COUNTED:
        context["results"] = [result_row(item) for item in items]
        context["passed_count"] = sum(1 for item in items if item.result == "passed")
    if state == SessionState.RESULTS_CONFIRMED and allowed["sign"]:
        context["finalise_form"] = bound.get("finalise_form") or forms.FinaliseForm(session=session)
    if state == SessionState.FINALISED:
        context["corrections"] = list(session.corrections.select_related("created_by"))
        if allowed["manage"] or allowed["sign"]:
            context["correction_form"] = bound.get("correction_form") or forms.CorrectionForm()
    return context


def render_session(request, session, *, status=200, error=None, bound=None):
    return render(request, "councils/session_detail.html",
                  session_context(request, session, bound=bound, error=error), status=status)


def item_or_404(session, item_pk) -> AgendaItem:
    item = session.items.select_related("nomination", "paper_tally").filter(pk=item_pk).first()
    if item is None:
        raise Http404
    return item
