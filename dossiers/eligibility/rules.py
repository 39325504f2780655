"""One function per criterion of the vocabulary: history in, verdict and reason out.

Each rule reads the nominee's history (already loaded, see ``history.py``) and
returns an ``Outcome``: pass, fail or unknown, one Vietnamese sentence naming
the years and the records used, and the initiatives it counted.

Common conventions:
- Years count back from the proposal year (the dossier's year).
- Missing data gives "unknown", not "fail": a year with no rating, or for
  titles a year with nothing recorded at all (no rating, no award). A title
  absent in a year for which something was recorded is absent: "fail".
- Only awards of kind "regular" that were not revoked are the basis for a
  higher regular award.
- After a discipline ends, its end year and the years before do not count
  (``SubjectHistory.counts_from``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from dossiers.eligibility import explain as ex
from dossiers.eligibility.context import FAIL, PASS, UNKNOWN, Env, Outcome
from dossiers.eligibility.history import LEVEL_RANK, RATING_RANK
from dossiers.eligibility.i18n import gettext as _
from dossiers.eligibility.members import member_share, member_titles

__all__ = ["RULES", "years_spanned"]


# ---------------------------------------------------------------- ratings

def rating_at_least(env: Env, params: dict) -> Outcome:
    year, wanted = env.year, params["rating"]
    history = env.history
    rating = history.ratings.get(year)
    if not history.year_counts(year):
        return Outcome(FAIL, ex.sentence([ex.not_counted_clause([year], history.last_discipline,
                                                                subject=_("xếp loại"))]))
    if rating is None:
        return Outcome(UNKNOWN, _("Chưa có dữ liệu xếp loại năm %(year)s.") % {"year": year})
    values = {"year": year, "rating": ex.rating_label(rating), "requirement": ex.requirement_phrase(wanted)}
    if RATING_RANK[rating] >= RATING_RANK[wanted]:
        if wanted == "htxsnv":
            return Outcome(PASS, _("Năm %(year)s xếp loại %(rating)s.") % values)
        return Outcome(PASS, _("Năm %(year)s xếp loại %(rating)s, đạt yêu cầu %(requirement)s.") % values)
    return Outcome(FAIL, _("Năm %(year)s chỉ xếp loại %(rating)s, chưa đạt %(requirement)s.") % values)


def ratings_in_window(env: Env, params: dict) -> Outcome:
    count, wanted, min_top = params["count"], params["at_least"], params.get("min_top") or 0
    history = env.history
    years = list(range(env.year - count + 1, env.year + 1))
    ok, low, ignored, missing = [], [], [], []
    for year in years:
        rating = history.ratings.get(year)
        if not history.year_counts(year):
            ignored.append(year)
        elif rating is None:
            missing.append(year)
        elif RATING_RANK[rating] >= RATING_RANK[wanted]:
            ok.append(year)
        else:
            low.append(year)
    top = [y for y in ok if history.ratings[y] == "htxsnv"]
    requirement = ex.requirement_phrase(wanted)
    missing_clause = (_("chưa có dữ liệu xếp loại %(years)s") % {"years": ex.years_phrase(missing)}
                      if missing else "")
    if low or ignored:
        parts = []
        if low:
            parts.append(", ".join(_("năm %(year)s xếp loại %(rating)s")
                                   % {"year": y, "rating": ex.rating_label(history.ratings[y])} for y in low))
        if ignored:
            parts.append(ex.not_counted_clause(ignored, history.last_discipline))
        parts[-1] += _(", chưa đủ %(count)d năm liên tục xếp loại %(requirement)s") % {
            "count": count, "requirement": requirement}
        return Outcome(FAIL, ex.sentence([*parts, missing_clause]))
    top_values = {"requirement": requirement, "count": count, "years": ex.years_list(years),
                  "top": len(top), "top_years": ex.years_list(top), "min": min_top}
    if len(top) + len(missing) < min_top:
        return Outcome(FAIL, ex.sentence([_top_shortfall(top_values) if not missing else
                                          _top_shortfall(top_values, partial=True), missing_clause]))
    if missing:
        return Outcome(UNKNOWN, ex.sentence([missing_clause]))
    if len(top) < min_top:
        return Outcome(FAIL, ex.sentence([_top_shortfall(top_values)]))
    text = _("Xếp loại %(requirement)s %(count)d năm liên tục %(years)s") % top_values
    if min_top:
        text += _(", trong đó có %(top)d năm hoàn thành xuất sắc nhiệm vụ (%(top_years)s)") % top_values
    return Outcome(PASS, text + ".")


def _top_shortfall(values: dict, *, partial: bool = False) -> str:
    if partial:
        if values["top"]:
            return _("chỉ có %(top)d năm hoàn thành xuất sắc nhiệm vụ (%(top_years)s), "
                     "cần ít nhất %(min)d năm") % values
        return _("không có năm nào hoàn thành xuất sắc nhiệm vụ, cần ít nhất %(min)d năm") % values
    if values["top"]:
        return _("xếp loại %(requirement)s %(count)d năm liên tục %(years)s nhưng chỉ có %(top)d năm "
                 "hoàn thành xuất sắc nhiệm vụ (%(top_years)s), cần ít nhất %(min)d năm") % values
    return _("xếp loại %(requirement)s %(count)d năm liên tục %(years)s nhưng không có năm nào "
             "hoàn thành xuất sắc nhiệm vụ, cần ít nhất %(min)d năm") % values


# ---------------------------------------------------------------- titles

@dataclass
class _YearStatus:
    held: dict[int, object] = field(default_factory=dict)   # year -> the record counted
    ignored: list[int] = field(default_factory=list)        # held, but before the discipline ended
    absent: list[int] = field(default_factory=list)         # not held, something else recorded
    missing: list[int] = field(default_factory=list)        # nothing recorded that year


def _title_years(env: Env, codes, years: Iterable[int]) -> _YearStatus:
    history, status = env.history, _YearStatus()
    for year in years:
        records = [a for a in history.awards_with(codes, year) if a.counts]
        if records and history.year_counts(year):
            status.held[year] = records[0]
        elif records:
            status.ignored.append(year)
        elif not history.year_counts(year) or history.has_data(year):
            status.absent.append(year)
        else:
            status.missing.append(year)
    return status


def _excluded(env: Env, codes, years, held) -> str:
    records = [a for a in env.history.awards_with(codes) if a.year in years and a.year not in held and not a.counts]
    return ex.excluded_clause([(env.record_name(a), a) for a in records])


def _missing_titles_clause(years) -> str:
    return _("chưa có dữ liệu xếp loại, khen thưởng %(years)s") % {"years": ex.years_phrase(years)} if years else ""


def consecutive_titles(env: Env, params: dict) -> Outcome:
    codes, count, every = params["award_codes"], params["count"], params.get("every") or 1
    last = env.year - 1 if params.get("ending") == "previous_year" else env.year
    years = sorted(last - i * every for i in range(count))
    name = env.names(codes)
    status = _title_years(env, codes, years)
    held = sorted(status.held)
    values = {"award": name, "count": count, "years": ex.years_list(years)}
    if len(held) == len(years):
        values["decisions"] = ex.decisions(status.held[y] for y in held)
        if every == 1:
            return Outcome(PASS, _("Đạt %(award)s %(count)d năm liên tục %(years)s%(decisions)s.") % values)
        return Outcome(PASS, _("Đạt %(award)s %(count)d lần liên tục %(years)s%(decisions)s.") % values)
    failed = bool(status.absent or status.ignored)
    parts = []
    if held:
        text = _("chỉ đạt %(award)s %(years)s") if failed else _("đạt %(award)s %(years)s")
        parts.append(text % {"award": name, "years": ex.years_phrase(held)})
    if status.absent:
        if held:
            parts.append(_("%(years)s không đạt") % {"years": ex.years_phrase(status.absent)})
        else:
            parts.append(_("không đạt %(award)s %(years)s") % {"award": name,
                                                                "years": ex.years_phrase(status.absent)})
    if status.ignored:
        subject = "" if (held or status.absent) else name
        parts.append(ex.not_counted_clause(status.ignored, env.history.last_discipline, subject=subject))
    if failed:
        if every == 1:
            parts[-1] += _(", chưa đủ %(count)d năm liên tục") % values
        else:
            parts[-1] += _(", chưa đủ %(count)d lần liên tục") % values
    parts.append(_missing_titles_clause(status.missing))
    parts.append(_excluded(env, codes, years, status.held))
    return Outcome(FAIL if failed else UNKNOWN, ex.sentence(parts))


def titles_in_window(env: Env, params: dict) -> Outcome:
    codes, count, window = params["award_codes"], params["count"], params["window"]
    first = env.year - window + 1
    years = list(range(first, env.year + 1))
    name = env.names(codes)
    status = _title_years(env, codes, years)
    held = sorted(status.held)
    values = {"award": name, "count": count, "held": len(held), "span": ex.span_phrase(first, env.year),
              "years": ex.years_phrase(held), "year": env.year,
              "decisions": ex.decisions(status.held[y] for y in held)}
    if len(held) >= count:
        if window == 1:
            return Outcome(PASS, _("Đạt %(award)s năm %(year)s%(decisions)s.") % values)
        return Outcome(PASS, _("Đạt %(award)s %(held)d lần trong %(span)s: %(years)s%(decisions)s.") % values)
    result = UNKNOWN if len(held) + len(status.missing) >= count else FAIL
    parts = []
    if window == 1:
        if status.absent:
            parts.append(_("không đạt %(award)s năm %(year)s") % values)
        if status.ignored:
            parts.append(ex.not_counted_clause(status.ignored, env.history.last_discipline, subject=name))
    else:
        if held:
            text = (_("chỉ đạt %(award)s %(held)d lần trong %(span)s (%(years)s), cần %(count)d lần")
                    if result == FAIL else
                    _("đạt %(award)s %(held)d lần trong %(span)s (%(years)s), cần %(count)d lần"))
        else:
            text = _("không đạt %(award)s lần nào trong %(span)s, cần %(count)d lần")
        parts.append(text % values)
        if status.ignored:
            parts.append(ex.not_counted_clause(status.ignored, env.history.last_discipline, subject=name))
    parts.append(_missing_titles_clause(status.missing))
    parts.append(_excluded(env, codes, years, status.held))
    return Outcome(result, ex.sentence(parts))


def has_award_before(env: Env, params: dict) -> Outcome:
    codes, years_after = params["award_codes"], params["years_after"]
    history = env.history
    first = env.year - years_after + 1
    span = ex.span_phrase(first, env.year)
    if not (history.ratings or history.awards or history.initiatives):
        return Outcome(UNKNOWN, _("Chưa có dữ liệu xếp loại, khen thưởng của đối tượng."))
    counted = [a for a in history.awards_with(codes) if a.counts]
    before = [a for a in counted if a.year < first and history.year_counts(a.year)]
    if before:
        record = before[-1]
        return Outcome(PASS, _("Đã được tặng %(award)s, trước %(span)s được xét.") % {
            "award": ex.award_phrase(env.record_name(record), record), "span": span})
    parts = [_("chưa được tặng %(award)s trước năm %(year)s") % {"award": env.names(codes), "year": first}]
    inside = [a for a in counted if a.year >= first]
    if inside:
        parts.append(_("%(awards)s nằm trong %(span)s được xét") % {
            "awards": ", ".join(ex.award_phrase(env.record_name(a), a) for a in inside), "span": span})
    ignored = [a for a in counted if a.year < first and not history.year_counts(a.year)]
    if ignored:
        parts.append(_("%(awards)s không được tính vì thành tích chỉ tính từ sau khi chấp hành xong %(record)s") % {
            "awards": ", ".join(ex.award_phrase(env.record_name(a), a) for a in ignored),
            "record": ex.discipline_phrase(history.last_discipline)})
    others = [a for a in history.awards_with(codes) if not a.counts]
    parts.append(ex.excluded_clause([(env.record_name(a), a) for a in others]))
    return Outcome(FAIL, ex.sentence(parts))


# ---------------------------------------------------------------- initiatives

def initiative_at_level(env: Env, params: dict) -> Outcome:
    level, count = params["level"], params.get("count", 1)
    window, research = params.get("window") or 1, bool(params.get("research_counts"))
    history = env.history
    first = env.year - window + 1
    span = ex.span_phrase(first, env.year)
    if not history.has_any(first, env.year):
        return Outcome(UNKNOWN, _("Chưa có dữ liệu xếp loại, khen thưởng, sáng kiến %(span)s.") % {"span": span})
    usable, notes = [], []
    for initiative in history.initiatives:
        if not first <= initiative.year <= env.year:
            continue
        label = ex.initiative_phrase(initiative)
        if LEVEL_RANK[initiative.level] < LEVEL_RANK[level]:
            notes.append(_("%(initiative)s chỉ có phạm vi ảnh hưởng %(level)s") % {
                "initiative": label, "level": ex.level_label(initiative.level)})
        elif initiative.is_research and not research:
            notes.append(_("%(initiative)s là đề tài nghiên cứu") % {"initiative": label})
        elif initiative.used_by is not None:
            used = initiative.used_by
            notes.append(_("%(initiative)s đã dùng cho %(award)s") % {
                "initiative": label, "award": ex.award_phrase(env.record_name(used), used)})
        elif not history.year_counts(initiative.year):
            notes.append(_("%(initiative)s được công nhận trước khi chấp hành xong %(record)s") % {
                "initiative": label, "record": ex.discipline_phrase(history.last_discipline)})
        elif initiative.id in env.claimed:
            notes.append(_("%(initiative)s đã được tính cho %(nomination)s trong cùng lần kiểm tra") % {
                "initiative": label, "nomination": env.claimed[initiative.id]})
        else:
            usable.append(initiative)
    # Spend the lowest level first: higher ones stay for higher awards.
    usable.sort(key=lambda i: (LEVEL_RANK[i.level], i.year, i.id))
    chosen = usable[:count]
    noun = _("sáng kiến, đề tài") if research else _("sáng kiến")
    values = {"count": count, "found": len(usable), "noun": noun, "level": ex.level_phrase(level), "span": span,
              "items": ", ".join(ex.initiative_phrase(i) for i in chosen)}
    if len(usable) >= count:
        return Outcome(PASS, _("Có %(count)d %(noun)s có phạm vi ảnh hưởng %(level)s được công nhận trong %(span)s, "
                               "chưa dùng để khen thưởng: %(items)s.") % values,
                       tuple(i.id for i in chosen))
    if usable:
        parts = [_("chỉ có %(found)d/%(count)d %(noun)s có phạm vi ảnh hưởng %(level)s được công nhận trong "
                   "%(span)s, chưa dùng để khen thưởng: %(items)s") % values]
    else:
        parts = [_("không có %(noun)s nào có phạm vi ảnh hưởng %(level)s được công nhận trong %(span)s "
                   "mà chưa dùng để khen thưởng") % values]
    if notes:
        parts.append(_("không tính: %(items)s") % {"items": "; ".join(notes)})
    return Outcome(FAIL, ex.sentence(parts))


# ---------------------------------------------------------------- discipline

def not_disciplined(env: Env, params: dict) -> Outcome:
    history = env.history
    first_day = datetime.date(env.window_first, 1, 1)
    last_day = datetime.date(env.year, 12, 31)
    span = ex.span_phrase(env.window_first, env.year)
    open_now = [d for d in history.disciplines if d.is_open_on(env.today)]
    overlapping = [d for d in history.disciplines if d not in open_now and d.overlaps(first_day, last_day)]
    if open_now or overlapping:
        parts = []
        if open_now:
            parts.append(_("đang trong thời gian %(records)s") % {
                "records": "; ".join(ex.discipline_phrase(d) for d in open_now)})
        if overlapping:
            parts.append(_("có %(records)s trong thời gian xét thành tích (%(span)s)") % {
                "records": "; ".join(ex.discipline_phrase(d) for d in overlapping), "span": span})
        return Outcome(FAIL, ex.sentence(parts))
    parts = [_("không có kỷ luật, điều tra, thanh tra, kiểm tra hay xác minh khiếu nại, tố cáo nào trong "
               "thời gian xét thành tích (%(span)s) và đến ngày %(today)s") % {"span": span,
                                                                              "today": ex.date(env.today)}]
    last = history.last_discipline
    if last is not None:
        parts.append(_("%(record)s đã chấp hành xong, thành tích tính từ năm %(year)s") % {
            "record": ex.discipline_phrase(last), "year": history.counts_from})
    return Outcome(PASS, ex.sentence(parts))


RULES: dict[str, Callable[[Env, dict], Outcome]] = {
    "rating_at_least": rating_at_least,
    "ratings_in_window": ratings_in_window,
    "consecutive_titles": consecutive_titles,
    "titles_in_window": titles_in_window,
    "has_award_before": has_award_before,
    "initiative_at_level": initiative_at_level,
    "not_disciplined": not_disciplined,
    "member_share": member_share,
    "member_titles": member_titles,
}


def years_spanned(key: str, params: dict) -> int:
    """How many years, ending in the proposal year, a criterion looks at."""
    params = params or {}
    if key == "ratings_in_window":
        return params.get("count") or 1
    if key == "consecutive_titles":
        span = ((params.get("count") or 1) - 1) * (params.get("every") or 1) + 1
        return span + (1 if params.get("ending") == "previous_year" else 0)
    if key == "titles_in_window":
        return params.get("window") or 1
    if key == "has_award_before":
        return params.get("years_after") or 1
    if key == "initiative_at_level":
        return params.get("window") or 1
    return 1
