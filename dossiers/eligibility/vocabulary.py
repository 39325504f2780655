"""The vocabulary of eligibility criteria: each key, its parameters, their meaning.

Criteria are stored as rows (``Criterion``) naming one of these keys with its
parameters. This module validates them (so an administrator cannot save a
rule the evaluator will not understand); ``dossiers.eligibility.evaluator``
reads the history and returns pass / fail / unknown with an explanation.

Years are counted back from the dossier's year (the "proposal year").
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

RATINGS = ("htxsnv", "httnv", "htnv", "khtnv")
LEVELS = ("unit", "province", "national")
MEASURES = ("completed_tasks", "ldtt")

# key -> {param: (type, required)}; ``None`` type means "list of award codes".
VOCABULARY: dict[str, dict[str, tuple]] = {
    "all_of": {},
    "any_of": {},
    # Rated at least ``rating`` in the proposal year.
    "rating_at_least": {"rating": (str, True)},
    # ``count`` consecutive years ending in the proposal year, each rated at
    # least ``at_least``, of which at least ``min_top`` rated HTXSNV.
    "ratings_in_window": {"count": (int, True), "at_least": (str, True), "min_top": (int, False)},
    # One of ``award_codes`` in each of ``count`` consecutive years ending in
    # the proposal year (or in the year before, with ``ending`` = "previous_year").
    # ``every`` (default 1) spaces the titles that many years apart, for titles
    # awarded once per cycle: CSTĐ cấp tỉnh crowns 3 years of CSTĐ cơ sở, so two
    # consecutive CSTĐ cấp tỉnh are 3 years apart (e.g. 2023 and 2026).
    "consecutive_titles": {"award_codes": (list, True), "count": (int, True), "ending": (str, False),
                           "every": (int, False)},
    # At least ``count`` of ``award_codes`` within the last ``window`` years.
    "titles_in_window": {"award_codes": (list, True), "count": (int, True), "window": (int, True)},
    # One of ``award_codes`` received before the window of ``years_after`` years
    # that the other criteria look at (e.g. a PM bằng khen, then 5 years).
    "has_award_before": {"award_codes": (list, True), "years_after": (int, True)},
    # At least ``count`` initiatives (or research projects when ``research_counts``)
    # recognised at ``level`` or higher within ``window`` years and not used yet.
    "initiative_at_level": {"level": (str, True), "count": (int, False), "window": (int, False),
                            "research_counts": (bool, False)},
    # No discipline, investigation, inspection or complaint under way; after a
    # discipline ends, achievements count only from its end.
    "not_disciplined": {},
    # For collectives: at least ``min_percent`` of members meet ``measure`` this year.
    "member_share": {"measure": (str, True), "min_percent": (int, True)},
    # For collectives: at least ``count`` members hold one of ``award_codes`` this year.
    "member_titles": {"award_codes": (list, True), "count": (int, True)},
}
COMBINATORS = ("all_of", "any_of")


def validate_criterion(key: str, params: dict | None) -> None:
    if key not in VOCABULARY:
        raise ValidationError({"key": _("Loại tiêu chuẩn “%(key)s” không có trong bộ tiêu chuẩn.") % {"key": key}})
    params = params or {}
    if not isinstance(params, dict):
        raise ValidationError({"params": _("Tham số phải là một đối tượng JSON.")})
    spec = VOCABULARY[key]
    unknown = set(params) - set(spec)
    if unknown:
        raise ValidationError({"params": _("Tham số không dùng được: %(names)s") % {"names": ", ".join(sorted(unknown))}})
    for name, (kind, required) in spec.items():
        if name not in params:
            if required:
                raise ValidationError({"params": _("Thiếu tham số “%(name)s”.") % {"name": name}})
            continue
        value = params[name]
        if kind is int and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise ValidationError({"params": _("“%(name)s” phải là số nguyên không âm.") % {"name": name}})
        if kind is bool and not isinstance(value, bool):
            raise ValidationError({"params": _("“%(name)s” phải là true hoặc false.") % {"name": name}})
        if kind is list and (not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value)):
            raise ValidationError({"params": _("“%(name)s” phải là danh sách mã danh hiệu.") % {"name": name}})
        if kind is str and not isinstance(value, str):
            raise ValidationError({"params": _("“%(name)s” phải là chuỗi.") % {"name": name}})
    for name in ("rating", "at_least"):
        if name in params and params[name] not in RATINGS:
            raise ValidationError({"params": _("Xếp loại “%(value)s” không hợp lệ.") % {"value": params[name]}})
    if "level" in params and params["level"] not in LEVELS:
        raise ValidationError({"params": _("Cấp sáng kiến “%(value)s” không hợp lệ.") % {"value": params["level"]}})
    if "measure" in params and params["measure"] not in MEASURES:
        raise ValidationError({"params": _("Chỉ tiêu “%(value)s” không hợp lệ.") % {"value": params["measure"]}})
    if "every" in params and params["every"] < 1:
        raise ValidationError({"params": _("“every” phải từ 1 trở lên.")})
    if params.get("ending") not in (None, "proposal_year", "previous_year"):
        raise ValidationError({"params": _("“ending” chỉ nhận proposal_year hoặc previous_year.")})
