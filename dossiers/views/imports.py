"""Excel imports: nominees into a dossier, award history into a unit.

The importers live in ``dossiers.imports`` and are imported lazily, so the
rest of the interface works even while they are being changed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossiers import permissions
from dossiers.exceptions import DomainError
from dossiers.forms import HistoryImportForm, ImportForm
from dossiers.models import AwardKind, Unit
from dossiers.views.common import action_error, dossier_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def row_errors(exc: DomainError) -> list[dict]:
    """The per-row problems of a refused import, as table rows."""
    details = exc.details if isinstance(exc.details, list) else [exc.details] if exc.details else []
    rows = []
    for item in details:
        if isinstance(item, dict):
            rows.append({
                "sheet": item.get("sheet") or "",
                "row": item.get("row") or "",
                "column": item.get("column") or "",
                "message": item.get("message") or "",
            })
        else:
            rows.append({"sheet": "", "row": "", "column": "", "message": str(item)})
    return rows


def _count(value) -> int:
    if isinstance(value, int):
        return value
    try:
        return len(value)
    except TypeError:
        return 0


@login_required
def nominee_template(request):
    from dossiers.imports.nominees import nominee_template as build

    kind = request.GET.get("kind")
    kind = kind if kind in AwardKind.values else None
    return xlsx_response(build(kind=kind), f"mau-nhap-de-nghi{'-' + kind if kind else ''}.xlsx")


@login_required
def nominee_import(request, pk):
    dossier = dossier_or_404(request, pk)
    if not permissions.can_edit.test(request.user, dossier):
        messages.error(request, _("Hồ sơ không còn sửa được hoặc bạn không có quyền sửa."))
        return redirect("dossier_detail", pk=dossier.pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    error, errors = None, []
    if request.method == "POST" and form.is_valid():
        from dossiers.imports.nominees import import_nominees

        try:
            result = import_nominees(actor=request.user, dossier=dossier, fileobj=form.cleaned_data["file"])
        except DomainError as exc:
            error, errors = action_error(exc), row_errors(exc)
        else:
            messages.success(request, _("Đã nhập %(count)d đề nghị từ tệp Excel.")
                             % {"count": _count(getattr(result, "created", 0))})
            return redirect("dossier_detail", pk=dossier.pk)
    return render(request, "dossiers/nominee_import.html",
                  {"dossier": dossier, "form": form, "action_error": error, "row_errors": errors})


@login_required
def history_template(request):
    from dossiers.imports.history import history_template as build

    return xlsx_response(build(), "mau-nhap-lich-su-khen-thuong.xlsx")


@login_required
def history_import(request):
    user = request.user
    if not permissions.has_unit_role.test(user):
        raise PermissionDenied
    units = Unit.objects.filter(pk__in=permissions.acting_unit_ids(user), successor__isnull=True)
    form = HistoryImportForm(request.POST or None, request.FILES or None, units=units)
    error, errors, counts = None, [], None
    if request.method == "POST" and form.is_valid():
        from dossiers.imports.history import import_history

        try:
            result = import_history(actor=user, unit=form.cleaned_data["unit"], fileobj=form.cleaned_data["file"])
        except DomainError as exc:
            error, errors = action_error(exc), row_errors(exc)
        else:
            counts = dict(getattr(result, "counts", {}) or {})
            messages.success(request, _("Đã nhập lịch sử khen thưởng cho %(unit)s.")
                             % {"unit": form.cleaned_data["unit"]})
    return render(request, "dossiers/history_import.html", {
        "form": form, "action_error": error, "row_errors": errors,
        "counts": [{"label": COUNT_LABELS.get(k, k), "value": v} for k, v in (counts or {}).items()],
        "done": counts is not None,
    })


COUNT_LABELS = {
    "ratings": gettext_lazy("Xếp loại hằng năm"),
    "awards": gettext_lazy("Khen thưởng đã nhận"),
    "initiatives": gettext_lazy("Sáng kiến, đề tài"),
    "discipline": gettext_lazy("Kỷ luật, đang xem xét"),
    "people": gettext_lazy("Cá nhân mới"),
    "collectives": gettext_lazy("Tập thể mới"),
}
