"""Time limits of the central stage in working days, and the overdue alerts already sent.

The Ministry of Home Affairs' procedure (Decision 311/QĐ-BNV 2025) gives the
defaults: it returns a non-compliant dossier within 5 working days; appraises
and submits to the Prime Minister within 20 (10 more when it must consult);
sends the decision to the province within 10; and the province forwards it
to the recipients within 10. Each province may change its figures (admin).

Which limit applies to which state of a ``CentralSubmission``, and from which
of its dates it counts, is data too (``STAGE_LIMITS``, ``STAGE_STARTS``).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models.central import CentralState


class CentralTimeLimits(models.Model):
    """A province's time limits for the central stage, in working days (0: the stage is not timed)."""

    province = models.OneToOneField("dossiers.Province", on_delete=models.CASCADE,
                                    related_name="central_time_limits", verbose_name=_("tỉnh"))
    check_days = models.PositiveSmallIntegerField(
        _("Bộ Nội vụ kiểm tra, trả lại hồ sơ không đúng quy định (ngày làm việc)"), default=5,
        help_text=_("Tính từ ngày gửi hồ sơ."))
    appraisal_days = models.PositiveSmallIntegerField(
        _("Bộ Nội vụ thẩm định, trình Thủ tướng Chính phủ (ngày làm việc)"), default=20,
        help_text=_("Tính từ ngày Bộ Nội vụ tiếp nhận hồ sơ."))
    consultation_days = models.PositiveSmallIntegerField(
        _("thêm khi phải lấy ý kiến (ngày làm việc)"), default=10,
        help_text=_("Cộng vào thời hạn thẩm định; nhập 0 để theo dõi sát thời hạn 20 ngày."))
    decision_delivery_days = models.PositiveSmallIntegerField(
        _("gửi quyết định, hiện vật khen thưởng về tỉnh (ngày làm việc)"), default=10,
        help_text=_("Tính từ ngày có quyết định."))
    handover_days = models.PositiveSmallIntegerField(
        _("tỉnh chuyển đến người được khen thưởng (ngày làm việc)"), default=10,
        help_text=_("Tính từ ngày nhận hiện vật khen thưởng."))

    class Meta:
        verbose_name = _("thời hạn trình Trung ương")
        verbose_name_plural = _("thời hạn trình Trung ương")

    def __str__(self) -> str:
        return str(self.province)

    def working_days(self, state: str) -> int:
        """The working days allowed for ``state`` (0 when that state is not timed)."""
        return sum(getattr(self, name) for name in STAGE_LIMITS.get(state, ()))


# The states that are timed: the limits that add up to their allowance, and the date they count from.
STAGE_LIMITS = {
    CentralState.SENT: ("check_days",),
    CentralState.RECEIVED: ("appraisal_days", "consultation_days"),
    CentralState.DECIDED: ("decision_delivery_days",),
    CentralState.ITEMS_RECEIVED: ("handover_days",),
}
STAGE_STARTS = {
    CentralState.SENT: "sent_on",
    CentralState.RECEIVED: "received_on",
    CentralState.DECIDED: "decided_on",
    CentralState.ITEMS_RECEIVED: "items_received_on",
}
# What the province waits for in each timed state (said in the alert and on the pages).
STAGE_WAITS = {
    CentralState.SENT: _("Bộ Nội vụ tiếp nhận hoặc trả lại hồ sơ"),
    CentralState.RECEIVED: _("Bộ Nội vụ thẩm định, trình và có quyết định"),
    CentralState.DECIDED: _("nhận quyết định, hiện vật khen thưởng"),
    CentralState.ITEMS_RECEIVED: _("trao khen thưởng cho người, tập thể được khen"),
}


class CentralOverdueAlert(models.Model):
    """One alert per overdue stage: a stage restarted (sent again after a return) may be alerted again."""

    submission = models.ForeignKey("dossiers.CentralSubmission", on_delete=models.CASCADE,
                                   related_name="overdue_alerts")
    state = models.CharField(_("bước"), max_length=20, choices=CentralState.choices)
    started_on = models.DateField(_("bắt đầu từ ngày"))
    due_on = models.DateField(_("hạn"))
    alerted_at = models.DateTimeField(_("đã báo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("cảnh báo quá hạn trình Trung ương")
        verbose_name_plural = _("cảnh báo quá hạn trình Trung ương")
        constraints = [models.UniqueConstraint(fields=["submission", "state", "started_on"],
                                               name="uniq_central_overdue_alert")]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.state} {self.due_on:%d/%m/%Y}"
