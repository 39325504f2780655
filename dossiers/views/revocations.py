"""Award history (khen thưởng đã nhận) and revocation (Law Art. 93), and the public list of issued decisions.

Home Affairs chooses award records, from a signed decision's awardees or from
the history page, and drafts a revocation decision with a reason per record;
the HA lead checks it and the signer signs it like any decision. Afterwards the
record shows "đã bị hủy bỏ" with the reason and the revoking decision.

The public page needs no login and shows what provinces publish: each issued
decision's number, date and title, and its awardees' names, units and awards.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dossiers import selectors_decisions as sel
from dossiers.exceptions import DomainError
from dossiers.forms import SearchForm
from dossiers.forms_decisions import RevocationForm
from dossiers.models.users import PROVINCE_READ_ROLES, UNIT_ROLES
from dossiers.services import decisions as svc
from dossiers.views.common import action_error, paginate

PUBLIC_PAGE_SIZE = 10


@login_required
@require_GET
def award_history(request):
    """Khen thưởng đã nhận: who received which award, revoked ones marked with the reason."""
    user = request.user
    if not user.roles & (PROVINCE_READ_ROLES | UNIT_ROLES):
        raise PermissionDenied
    form = SearchForm(request.GET or None)
    form.fields["q"].label = _("Tìm theo tên cá nhân, tập thể (gõ có dấu hoặc không dấu) hoặc số quyết định")
    form.is_valid()
    query = getattr(form, "cleaned_data", {}).get("q") or ""
    page = paginate(request, sel.award_records_for(user, query=query))
    can_revoke = sel.is_ha(user)
    for record in page.object_list:
        record.can_revoke = can_revoke and sel.revocable(record)
    return render(request, "decisions/award_history.html", {
        "form": form, "query": query, "page": page, "can_revoke": can_revoke,
    })


def _record_ids(data) -> list[int]:
    return sorted({int(value) for value in data.getlist("records") if value.isdigit()})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def revocation_create(request):
    """Lập dự thảo quyết định hủy bỏ: the chosen records, a reason for each."""
    user = request.user
    if not sel.is_ha(user):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else request.GET
    records = sel.records_for_revocation(user, _record_ids(data))
    if not records:
        messages.warning(request, _("Hãy chọn khen thưởng cần hủy bỏ trong danh sách."))
        return redirect("award_history")
    form = RevocationForm(request.POST or None, records=records, initial={
        "title": _("Về việc hủy bỏ quyết định khen thưởng")})
    error, status = None, 200
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise DomainError("invalid", _("Thông tin chưa hợp lệ: hãy xem các ô được đánh dấu bên dưới."))
            decision = svc.draft_revocation(actor=user, province=user.unit.province, title=form.cleaned_data["title"],
                                            records=form.pairs())
        except DomainError as exc:
            error, status = action_error(exc), exc.status_code
        else:
            messages.success(request, _("Đã lập dự thảo quyết định hủy bỏ %(count)d khen thưởng. Chuyển lãnh đạo Sở "
                                        "kiểm tra, trình ký.") % {"count": len(records)})
            return redirect("decision_detail", pk=decision.pk)
    return render(request, "decisions/revocation_form.html",
                  {"form": form, "action_error": error}, status=status)


@require_http_methods(["GET", "HEAD"])
def public_decision_list(request):
    """Quyết định khen thưởng đã ban hành: no login; names, units and awards only."""
    page = paginate(request, sel.public_decision_list(), per_page=PUBLIC_PAGE_SIZE)
    page.object_list = list(page.object_list)
    sel.public_decision_page_rows(page.object_list)
    return render(request, "decisions/public_list.html", {"page": page})
