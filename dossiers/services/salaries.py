"""The base salary table (lương cơ sở): which signed decisions used a row, and the refusal to alter such a row."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from dossiers.exceptions import DomainError
from dossiers.models import BaseSalary, Decision, DecisionKind, DecisionState


def decisions_using_salary(salary: BaseSalary) -> QuerySet[Decision]:
    """Issued award decisions whose cash this row computed: dated in its period, at its amount.

    The row's period runs from its date to the next row's; a decision in it with another amount (a row
    entered after the decision was signed) did not use it.
    """
    qs = Decision.objects.filter(kind=DecisionKind.AWARD, state__in=[DecisionState.SIGNED, DecisionState.REVOKED],
                                 base_salary=salary.amount, decision_date__gte=salary.effective_from)
    following = (BaseSalary.objects.filter(effective_from__gt=salary.effective_from).exclude(pk=salary.pk)
                 .order_by("effective_from").values_list("effective_from", flat=True).first())
    if following is not None:
        qs = qs.filter(decision_date__lt=following)
    return qs.select_related("province").order_by("decision_date", "id")


def require_salary_unused(salary: BaseSalary, *, deleting: bool = False) -> None:
    """Refuse to change (or delete) a base salary row already used by a signed decision.

    The row is read again and locked first, so a decision being signed on it either finishes first (and the
    row is refused) or waits for the edit.
    """
    locked = BaseSalary.objects.select_for_update().filter(pk=salary.pk).first()
    if locked is None:
        return
    used = list(decisions_using_salary(locked)[:6])
    if not used:
        return
    names = "; ".join(_("Quyết định số %(number)s ngày %(day)s") % {
        "number": d.number, "day": d.decision_date.strftime("%d/%m/%Y")} for d in used[:5])
    if len(used) > 5:
        names += "; …"
    values = {"amount": f"{locked.amount:,}".replace(",", "."), "day": locked.effective_from.strftime("%d/%m/%Y"),
              "decisions": names}
    if deleting:
        message = _("Không xóa được mức lương cơ sở %(amount)s đồng áp dụng từ ngày %(day)s: đã dùng để tính tiền "
                    "thưởng của quyết định đã ký (%(decisions)s).") % values
    else:
        message = _("Không sửa được mức lương cơ sở %(amount)s đồng áp dụng từ ngày %(day)s: đã dùng để tính tiền "
                    "thưởng của quyết định đã ký (%(decisions)s). Khi có mức lương cơ sở mới, hãy thêm một dòng "
                    "mới với ngày áp dụng mới.") % values
    raise DomainError("base_salary_in_use", message)
