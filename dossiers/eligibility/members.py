"""Criteria of collectives that look at their members (``Person.collective``) in the proposal year."""

from __future__ import annotations

from dossiers.eligibility import explain as ex
from dossiers.eligibility.context import FAIL, PASS, UNKNOWN, Env, Outcome
from dossiers.eligibility.history import RATING_RANK
from dossiers.eligibility.i18n import gettext as _

LDTT_CODE = "LDTT"


def _members_or_unknown(env: Env) -> Outcome | None:
    if not env.is_collective:
        return Outcome(UNKNOWN, _("Tiêu chuẩn này chỉ áp dụng cho tập thể."))
    if not env.members:
        return Outcome(UNKNOWN, _("Tập thể chưa có danh sách thành viên trong hệ thống."))
    return None


def member_share(env: Env, params: dict) -> Outcome:
    refused = _members_or_unknown(env)
    if refused:
        return refused
    measure, minimum, year = params["measure"], params["min_percent"], env.year
    met, unmet, missing = [], [], []
    for member in env.members:
        history = env.index.of_person(member.id)
        if measure == "completed_tasks":
            rating = history.ratings.get(year)
            if rating is None:
                missing.append(member.name)
            elif RATING_RANK[rating] >= RATING_RANK["htnv"]:
                met.append(member.name)
            else:
                unmet.append(member.name)
        elif any(a.counts for a in history.awards_with({LDTT_CODE}, year)):
            met.append(member.name)
        elif history.has_data(year):
            unmet.append(member.name)
        else:
            missing.append(member.name)
    total = len(env.members)
    what = (_("hoàn thành nhiệm vụ trở lên") if measure == "completed_tasks"
            else _("đạt danh hiệu %(award)s") % {"award": env.names([LDTT_CODE])})
    values = {"met": len(met), "total": total, "share": ex.percent(100 * len(met) / total), "what": what,
              "year": year, "min": minimum}
    if len(met) * 100 >= minimum * total:
        return Outcome(PASS, _("%(met)d/%(total)d thành viên (%(share)s) %(what)s năm %(year)s, "
                               "đạt yêu cầu từ %(min)d%% trở lên.") % values)
    missing_clause = (_("chưa có dữ liệu năm %(year)s của %(count)d thành viên: %(names)s") % {
        "year": year, "count": len(missing), "names": ex.names_phrase(missing)} if missing else "")
    unmet_clause = (_("không đạt: %(names)s") % {"names": ex.names_phrase(unmet)} if unmet else "")
    if (len(met) + len(missing)) * 100 < minimum * total:
        return Outcome(FAIL, ex.sentence([
            _("chỉ %(met)d/%(total)d thành viên (%(share)s) %(what)s năm %(year)s, chưa đạt %(min)d%%") % values,
            unmet_clause, missing_clause]))
    return Outcome(UNKNOWN, ex.sentence([
        _("%(met)d/%(total)d thành viên (%(share)s) %(what)s năm %(year)s, cần từ %(min)d%% trở lên") % values,
        unmet_clause, missing_clause]))


def member_titles(env: Env, params: dict) -> Outcome:
    refused = _members_or_unknown(env)
    if refused:
        return refused
    codes, count, year = params["award_codes"], params["count"], env.year
    holders, missing = [], []
    for member in env.members:
        history = env.index.of_person(member.id)
        records = [a for a in history.awards_with(codes, year) if a.counts]
        if records:
            holders.append(member.name + ex.decisions(records[:1]))
        elif not history.has_data(year):
            missing.append(member.name)
    values = {"held": len(holders), "award": env.names(codes), "year": year, "count": count,
              "names": ", ".join(holders)}
    if len(holders) >= count:
        return Outcome(PASS, _("Có %(held)d thành viên đạt %(award)s năm %(year)s: %(names)s.") % values)
    if holders:
        main = _("chỉ có %(held)d thành viên đạt %(award)s năm %(year)s (%(names)s), cần ít nhất %(count)d") % values
    else:
        main = _("không có thành viên nào đạt %(award)s năm %(year)s, cần ít nhất %(count)d") % values
    if len(holders) + len(missing) >= count:
        return Outcome(UNKNOWN, ex.sentence([main, _("chưa có dữ liệu năm %(year)s của %(count)d thành viên: %(names)s")
                                             % {"year": year, "count": len(missing),
                                                "names": ex.names_phrase(missing)}]))
    return Outcome(FAIL, ex.sentence([main]))
