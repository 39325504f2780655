"""Admin: the working calendar and the provinces' time limits are editable (and audited);
notifications and task deadlines are shown read-only.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from dossiers.admin import AuditedAdmin, ReadOnlyAdmin
from workflows.calendar import package_holidays, package_weekend_workdays
from workflows.models import CalendarDay, Notification, TaskDeadline, WorkflowSettings

YEAR_PARAM = "year"


class YearFilter(admin.SimpleListFilter):
    title = _lazy("năm")
    parameter_name = YEAR_PARAM

    def lookups(self, request, model_admin):
        years = {day.year for day in CalendarDay.objects.dates("day", "year")}
        years.add(timezone.localdate().year)
        return [(str(year), str(year)) for year in sorted(years, reverse=True)]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(day__year=int(value))
        return queryset


def _reference_year(request) -> int:
    value = request.GET.get(YEAR_PARAM) or request.GET.get("day__year") or ""
    if value.isdigit() and 1900 <= int(value) <= 2200:
        return int(value)
    return timezone.localdate().year


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    """Days off and swapped working days the Government announces, on top of the package's holidays.

    The changelist shows, for reference, the public holidays the ``holidays``
    package applies by itself for the year being looked at: they need no row.
    """

    list_display = ("day", "weekday", "kind", "name")
    list_filter = (YearFilter, "kind")
    search_fields = ("name",)
    date_hierarchy = "day"
    ordering = ("day",)

    @admin.display(description=_lazy("thứ"), ordering="day")
    def weekday(self, obj) -> str:
        return date_format(obj.day, "l")

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context=extra_context)
        # Only on a page about to be rendered (not on a redirect, where it would linger).
        if request.method == "GET" and getattr(response, "is_rendered", True) is False:
            messages.info(request, self.package_reference(_reference_year(request)))
        return response

    @staticmethod
    def package_reference(year: int) -> str:
        days = "; ".join(f"{day:%d/%m} {name}" for day, name in package_holidays(year, get_language()))
        text = _("Ngày lễ, Tết năm %(year)s đã được tự động áp dụng (không cần nhập): %(days)s.") % {
            "year": year, "days": days or "—"}
        worked = package_weekend_workdays(year)
        if worked:
            text += " " + _("Ngày làm bù đã được tự động áp dụng: %(days)s.") % {
                "days": ", ".join(f"{day:%d/%m}" for day in worked)}
        return text


@admin.register(WorkflowSettings)
class WorkflowSettingsAdmin(AuditedAdmin):
    list_display = ("province", "intake_days", "appraisal_days", "approval_days", "supplement_days",
                    "feedback_days", "notice_days", "remind_days_before")
    list_select_related = ("province",)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "kind", "short_message", "read_at", "emailed_at")
    list_filter = ("kind",)
    search_fields = ("message", "recipient__username", "recipient__last_name", "recipient__first_name")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"

    @admin.display(description=_lazy("nội dung"))
    def short_message(self, obj) -> str:
        return obj.message[:120]


@admin.register(TaskDeadline)
class TaskDeadlineAdmin(ReadOnlyAdmin):
    list_display = ("task", "working_days", "due_on", "remind_on", "reminded_at", "escalated_at")
    list_select_related = ("task",)
    date_hierarchy = "due_on"
