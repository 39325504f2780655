"""Who must do what next, and by when: process, deadlines, calendar, notifications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process, Task


class DossierProcess(Process):
    """The review process of one dossier (viewflow), from submission to its end."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.PROTECT, related_name="process",
                                   verbose_name=_("hồ sơ"))

    class Meta:
        verbose_name = _("quy trình xử lý hồ sơ")
        verbose_name_plural = _("quy trình xử lý hồ sơ")
        # viewflow adds the "manage" permission itself; rules decides who has it (HA leads).


class FeedbackProcess(Process):
    """Home Affairs' handling of one public feedback (viewflow): a task to resolve it, with a due date.

    ``dossier`` repeats the feedback's dossier so that work lists scope and join
    these tasks the way they do the dossier's own.
    """

    feedback = models.OneToOneField("dossiers.PublicFeedback", on_delete=models.CASCADE, related_name="process",
                                    verbose_name=_("góp ý"))
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="feedback_processes",
                                verbose_name=_("hồ sơ"))

    class Meta:
        verbose_name = _("xử lý góp ý của người dân")
        verbose_name_plural = _("xử lý góp ý của người dân")


class TaskDeadline(models.Model):
    """The due moment of a human task, and what reminders were sent for it."""

    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="deadline")
    working_days = models.PositiveSmallIntegerField(_("số ngày làm việc"))
    due_on = models.DateField(_("hạn xử lý"), db_index=True)
    remind_on = models.DateField(_("ngày nhắc"))
    reminded_at = models.DateTimeField(_("đã nhắc lúc"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("đã báo lãnh đạo lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("hạn xử lý")
        verbose_name_plural = _("hạn xử lý")

    def __str__(self) -> str:
        return f"{self.task_id}: {self.due_on:%d/%m/%Y}"


class WorkflowSettings(models.Model):
    """A province's time limits, in working days (defaults from the regulations)."""

    province = models.OneToOneField("dossiers.Province", on_delete=models.CASCADE, related_name="workflow_settings",
                                    verbose_name=_("tỉnh"))
    intake_days = models.PositiveSmallIntegerField(_("kiểm tra, tiếp nhận (ngày làm việc)"), default=5)
    appraisal_days = models.PositiveSmallIntegerField(_("thẩm định (ngày làm việc)"), default=20)
    approval_days = models.PositiveSmallIntegerField(_("lãnh đạo duyệt (ngày làm việc)"), default=5)
    supplement_days = models.PositiveSmallIntegerField(_("đơn vị bổ sung (ngày làm việc)"), default=10)
    feedback_days = models.PositiveSmallIntegerField(_("xử lý góp ý (ngày làm việc)"), default=5)
    notice_days = models.PositiveSmallIntegerField(_("thời gian công khai (ngày làm việc)"), default=10)
    remind_days_before = models.PositiveSmallIntegerField(_("nhắc trước hạn (ngày làm việc)"), default=2)

    class Meta:
        verbose_name = _("thời hạn xử lý")
        verbose_name_plural = _("thời hạn xử lý")

    def __str__(self) -> str:
        return str(self.province)


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Ngày lễ, Tết")
    DAY_OFF = "day_off", _("Ngày nghỉ (hoán đổi, nghỉ bù)")
    WORKING_DAY = "working_day", _("Ngày làm việc bù (cuối tuần đi làm)")


class CalendarDay(models.Model):
    """An exception to the ordinary week that an administrator entered.

    Public holidays come from the ``holidays`` package (Vietnam, Tết
    included); these rows add the days off the Government announces each year
    and the weekend days worked in exchange.
    """

    day = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=20, choices=DayKind.choices)
    name = models.CharField(_("tên, lý do"), max_length=200)

    class Meta:
        verbose_name = _("ngày đặc biệt trong lịch làm việc")
        verbose_name_plural = _("lịch làm việc")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.get_kind_display()}"


class Notification(models.Model):
    """An in-app message to one user; also sent by email when they have one."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                                  verbose_name=_("người nhận"))
    kind = models.CharField(_("loại"), max_length=40)
    message = models.TextField(_("nội dung"))
    url = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    dossier_id_ref = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("đã gửi thư lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.message[:80]
