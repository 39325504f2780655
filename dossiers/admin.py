"""Admin: the catalogue, units and history are editable data; dossiers are read-only here.

Dossiers, nominations, attachments and audit events change only through the
services (which check permissions and write audit events), so the admin shows
them without letting anyone edit them.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.db.models import Count, DateField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.forms.models import model_to_dict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from dossiers.exceptions import DomainError
from dossiers.models import (
    AnnualRating,
    Attachment,
    AuditEvent,
    AwardRecord,
    AwardType,
    BaseSalary,
    CentralTimeLimits,
    CertificateLayout,
    Collective,
    Criterion,
    Decision,
    DecisionKind,
    DecisionState,
    DisciplineRecord,
    DocumentType,
    Dossier,
    EmulationBlock,
    EmulationCluster,
    Initiative,
    Movement,
    Nomination,
    Person,
    Province,
    Regulation,
    RequiredDocument,
    Unit,
    User,
)
from dossiers.services.audit import record_event
from dossiers.services.salaries import decisions_using_salary, require_salary_unused
from dossiers.services.units import merge_unit

admin.site.site_header = _("Quản trị hệ thống khen thưởng")
admin.site.site_title = _("Quản trị hệ thống khen thưởng")


def _as_dict(obj) -> dict:
    data = model_to_dict(obj)
    return {key: (str(value) if not isinstance(value, (int, float, bool, str, type(None), list, dict)) else value)
            for key, value in data.items() if not key.endswith("password")}


class AuditedAdmin(admin.ModelAdmin):
    """Admin edits of data (catalogue, units, people, history) leave audit events too."""

    def save_model(self, request, obj, form, change):
        before = _as_dict(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)
        after = _as_dict(obj)
        changed = {k for k in after if before.get(k) != after[k]}
        if changed or not change:
            record_event(actor=request.user, action="admin.changed" if change else "admin.created", obj=obj,
                         before={k: before.get(k) for k in changed} if change else {},
                         after={k: after[k] for k in changed}, message=_("Sửa trong trang quản trị"))

    def delete_model(self, request, obj):
        record_event(actor=request.user, action="admin.deleted", obj=obj, before=_as_dict(obj),
                     message=_("Xóa trong trang quản trị"))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            record_event(actor=request.user, action="admin.deleted", obj=obj, before=_as_dict(obj),
                         message=_("Xóa trong trang quản trị"))
            obj.delete()
        for obj in instances:
            created = obj.pk is None
            obj.save()
            record_event(actor=request.user, action="admin.created" if created else "admin.changed", obj=obj,
                         after=_as_dict(obj), message=_("Sửa trong trang quản trị"))
        formset.save_m2m()


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Đơn vị"), {"fields": ("unit", "position")}),
        (_("Ký văn bản"), {"fields": ("signer_capacity",)}),
    )
    list_display = ("username", "first_name", "last_name", "unit", "is_active")
    list_filter = ("groups", "is_active")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)


@admin.register(Province)
class ProvinceAdmin(AuditedAdmin):
    list_display = ("code", "name", "place_name", "attachment_max_mb")


@admin.register(EmulationBlock, EmulationCluster)
class GroupingAdmin(AuditedAdmin):
    list_display = ("name", "province")


class UnitMergeForm(forms.Form):
    """The successor and the date of a merge, asked on the action's confirmation page."""

    successor = forms.ModelChoiceField(
        label=_("Đơn vị kế thừa"), queryset=Unit.objects.none(),
        help_text=_("Đơn vị tiếp nhận người, hồ sơ và lịch sử khen thưởng của các đơn vị được hợp nhất."),
    )
    merged_on = forms.DateField(
        label=_("Ngày hợp nhất"), input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        selected = [unit.pk for unit in units]
        provinces = {unit.province_id for unit in units}
        self.fields["successor"].queryset = (
            Unit.objects.filter(successor__isnull=True, province_id__in=provinces)
            .exclude(pk__in=selected).order_by("name")
        )


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ("code", "name", "kind", "parent", "block", "successor", "merged_on")
    list_filter = ("kind", "block", "cluster")
    search_fields = ("name", "code", "search_key")
    list_select_related = ("parent", "block", "successor")
    autocomplete_fields = ("parent", "successor")
    readonly_fields = ("successor", "merged_on")
    actions = ["merge_into_successor"]

    @admin.action(description=_("Hợp nhất các đơn vị đã chọn vào một đơn vị kế thừa"))
    def merge_into_successor(self, request, queryset):
        """Confirmation page first; on confirmation, one ``merge_unit`` per selected unit.

        The service checks who may merge and refuses impossible merges; each
        refusal is shown as a message and the other merges still happen.
        """
        units = list(
            queryset.select_related("province", "successor", "parent")
            .annotate(people_count=Count("people", distinct=True), dossier_count=Count("dossiers", distinct=True),
                      children_count=Count("children", distinct=True))
            .order_by("name")
        )
        form = UnitMergeForm(request.POST if "apply" in request.POST else None, units=units,
                             initial={"merged_on": timezone.localdate()})
        if "apply" in request.POST and form.is_valid():
            successor = form.cleaned_data["successor"]
            merged = []
            for unit in units:
                try:
                    merge_unit(actor=request.user, unit=unit, successor=successor,
                               merged_on=form.cleaned_data["merged_on"])
                except DomainError as exc:
                    self.message_user(request, _("Không hợp nhất được %(unit)s: %(reason)s")
                                      % {"unit": unit, "reason": exc.message}, messages.ERROR)
                else:
                    merged.append(unit)
            if merged:
                self.message_user(
                    request,
                    _("Đã hợp nhất %(count)d đơn vị vào %(successor)s: %(units)s.")
                    % {"count": len(merged), "successor": successor, "units": "; ".join(map(str, merged))},
                    messages.SUCCESS,
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Hợp nhất đơn vị"),
            "opts": self.model._meta,
            "units": units,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": "merge_into_successor",
        }
        return TemplateResponse(request, "admin/dossiers/unit/merge_confirmation.html", context)


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ("parent", "key", "params", "description", "order")


@admin.register(Regulation)
class RegulationAdmin(AuditedAdmin):
    list_display = ("code", "name", "effective_from", "effective_to")


@admin.register(AwardType)
class AwardTypeAdmin(AuditedAdmin):
    list_display = ("code", "name", "regulation", "subject", "authority", "forwarded", "vote_required",
                    "cash_multiple", "rank")
    list_filter = ("regulation", "category", "subject", "authority", "forwarded", "vote_required")
    search_fields = ("code", "name")
    inlines = [RequiredDocumentInline, CriterionInline]


@admin.register(DocumentType)
class DocumentTypeAdmin(AuditedAdmin):
    list_display = ("code", "name", "per_nomination", "order")


@admin.register(Movement)
class MovementAdmin(AuditedAdmin):
    list_display = ("name", "started_on", "ended_on")


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ("full_name", "birth_year", "gender", "unit")
    search_fields = ("search_key", "full_name")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit", "collective")


@admin.register(Collective)
class CollectiveAdmin(AuditedAdmin):
    list_display = ("name", "kind", "unit")
    search_fields = ("search_key", "name")
    list_select_related = ("unit",)


class HistoryAdmin(AuditedAdmin):
    list_select_related = ("person", "collective")
    autocomplete_fields = ("person", "collective")
    search_fields = ("person__search_key", "collective__search_key")


@admin.register(AnnualRating)
class AnnualRatingAdmin(HistoryAdmin):
    list_display = ("__str__", "person", "collective", "year", "rating", "source")
    list_filter = ("year", "rating", "source")


@admin.register(Initiative)
class InitiativeAdmin(HistoryAdmin):
    list_display = ("title", "person", "collective", "year", "level", "used_by")
    list_filter = ("year", "level")


@admin.register(DisciplineRecord)
class DisciplineRecordAdmin(HistoryAdmin):
    list_display = ("__str__", "person", "collective", "kind", "started_on", "ended_on")


@admin.register(AwardRecord)
class AwardRecordAdmin(HistoryAdmin):
    list_display = ("award_name", "person", "collective", "year", "decision_number", "revoked")
    list_filter = ("award_code", "year", "revoked", "source")


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ("reference", "title", "unit", "kind", "year", "state", "submitted_at")
    list_filter = ("state", "kind", "year")
    search_fields = ("search_text",)
    list_select_related = ("unit",)


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "dossier", "outcome")
    list_select_related = ("person", "collective", "award_type", "dossier")


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "dossier", "document_type", "size", "uploaded_at")
    list_select_related = ("dossier", "document_type")
    exclude = ("file",)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "occurred_at", "actor_name", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "actor_name")


@admin.register(CentralTimeLimits)
class CentralTimeLimitsAdmin(AuditedAdmin):
    """A province's time limits for the central stage (Decision 311/QĐ-BNV 2025 by default)."""

    list_display = ("province", "check_days", "appraisal_days", "consultation_days", "decision_delivery_days",
                    "handover_days")


class CertificateLayoutForm(forms.ModelForm):
    class Meta:
        model = CertificateLayout
        fields = ("province", "name", "mode", "page_width_mm", "page_height_mm", "positions", "is_default")

    def clean_positions(self):
        from dossiers.documents.builders.certificates import validate_positions

        positions = self.cleaned_data.get("positions")
        validate_positions(positions)
        return positions or {}


@admin.register(CertificateLayout)
class CertificateLayoutAdmin(AuditedAdmin):
    """How certificates of merit are printed (whole, or onto pre-printed blanks), with a test print."""

    form = CertificateLayoutForm
    list_display = ("name", "province", "mode", "page_width_mm", "page_height_mm", "is_default", "test_print")
    list_filter = ("province", "mode", "is_default")
    readonly_fields = ("test_print", "default_positions")

    @admin.display(description=_("In thử"))
    def test_print(self, obj):
        from django.urls import reverse
        from django.utils.html import format_html

        if not obj or not obj.pk:
            return _("Lưu mẫu trước khi in thử.")
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>',
                           reverse("certificate_test_print", args=[obj.pk]),
                           _("In thử với dữ liệu mẫu và khung từng trường"))

    @admin.display(description=_("Vị trí mặc định (mm, cỡ chữ pt)"))
    def default_positions(self, obj):
        import json

        from django.utils.html import format_html

        from dossiers.documents.builders.certificates import DEFAULT_POSITIONS

        return format_html("<pre>{}</pre>", json.dumps(DEFAULT_POSITIONS, ensure_ascii=False, indent=1))


class BaseSalaryForm(forms.ModelForm):
    class Meta:
        model = BaseSalary
        fields = ("effective_from", "amount", "legal_basis")

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.has_changed():
            try:
                require_salary_unused(self.instance)
            except DomainError as exc:
                raise forms.ValidationError(exc.message, code=exc.code) from None
        return cleaned


def _dotted(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


@admin.register(BaseSalary)
class BaseSalaryAdmin(AuditedAdmin):
    """Lương cơ sở by effective date. A row a signed decision used stays as it is: a new amount is a new row."""

    form = BaseSalaryForm
    list_display = ("effective_from", "amount_display", "legal_basis", "used_count")
    ordering = ("-effective_from",)
    readonly_fields = ("used_by",)

    def get_queryset(self, request):
        following = (BaseSalary.objects.filter(effective_from__gt=OuterRef("effective_from"))
                     .order_by("effective_from").values("effective_from")[:1])
        used = (Decision.objects.filter(kind=DecisionKind.AWARD, state__in=[DecisionState.SIGNED,
                                                                            DecisionState.REVOKED],
                                        base_salary=OuterRef("amount"), decision_date__gte=OuterRef("effective_from"),
                                        decision_date__lt=OuterRef("period_end"))
                .order_by().values("kind").annotate(n=Count("id")).values("n"))
        return super().get_queryset(request).annotate(
            period_end=Coalesce(Subquery(following), Value(datetime.date.max, output_field=DateField())),
        ).annotate(used_count=Coalesce(Subquery(used), 0))

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one row at a time, each checked (see delete_view)
        return actions

    @admin.display(description=_("mức lương cơ sở (đồng)"), ordering="amount")
    def amount_display(self, obj):
        return _dotted(obj.amount)

    @admin.display(description=_("số quyết định đã dùng"), ordering="used_count")
    def used_count(self, obj):
        return obj.used_count

    @admin.display(description=_("quyết định đã dùng mức này"))
    def used_by(self, obj):
        if not obj or not obj.pk:
            return "—"
        rows = list(decisions_using_salary(obj))
        if not rows:
            return _("Chưa quyết định nào dùng: sửa, xóa được.")
        return format_html("{}<ul>{}</ul>", _("Không sửa, xóa được mức lương này:"), format_html_join(
            "", "<li>{} ({})</li>", ((_("Quyết định số %(number)s ngày %(day)s") % {
                "number": d.number, "day": d.decision_date.strftime("%d/%m/%Y")}, d.province.name) for d in rows)))

    def delete_view(self, request, object_id, extra_context=None):
        with transaction.atomic():
            salary = self.get_object(request, unquote(object_id))
            if salary is not None:
                try:
                    require_salary_unused(salary, deleting=True)
                except DomainError as exc:
                    self.message_user(request, exc.message, messages.ERROR)
                    return redirect(reverse("admin:dossiers_basesalary_change", args=[salary.pk]))
            return super().delete_view(request, object_id, extra_context)
