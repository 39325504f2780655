"""Eligibility verdicts per nomination and criterion, and written overrides."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models.fields import NFCTextField


class VerdictResult(models.TextChoices):
    PASS = "pass", _("Đạt")
    FAIL = "fail", _("Không đạt")
    UNKNOWN = "unknown", _("Chưa đủ dữ liệu")


class EligibilityVerdict(models.Model):
    """The result of one criterion for one nomination, as last evaluated.

    The criterion's text and key are copied so the verdict still reads right
    after the catalogue is edited.
    """

    nomination = models.ForeignKey("dossiers.Nomination", on_delete=models.CASCADE, related_name="verdicts",
                                   verbose_name=_("đề nghị"))
    criterion = models.ForeignKey("dossiers.Criterion", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("tiêu chuẩn"))
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    key = models.CharField(_("loại tiêu chuẩn"), max_length=40)
    description = models.CharField(_("tiêu chuẩn"), max_length=500)
    result = models.CharField(_("kết quả"), max_length=10, choices=VerdictResult.choices)
    explanation = models.TextField(_("giải thích"))
    regulation = models.ForeignKey("dossiers.Regulation", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("văn bản áp dụng"))
    order = models.PositiveSmallIntegerField(default=0)
    evaluated_at = models.DateTimeField(_("thời điểm kiểm tra"), default=timezone.now)

    class Meta:
        verbose_name = _("kết quả kiểm tra điều kiện")
        verbose_name_plural = _("kết quả kiểm tra điều kiện")
        ordering = ["nomination", "order", "id"]

    def __str__(self) -> str:
        return f"{self.description}: {self.get_result_display()}"


class EligibilityOverride(models.Model):
    """A specialist's written decision to accept a failed criterion."""

    verdict = models.OneToOneField(EligibilityVerdict, on_delete=models.CASCADE, related_name="override",
                                   verbose_name=_("kết quả kiểm tra"))
    reason = NFCTextField(_("lý do chấp nhận"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("người quyết định"))
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)

    class Meta:
        verbose_name = _("chấp nhận ngoại lệ")
        verbose_name_plural = _("chấp nhận ngoại lệ")

    def __str__(self) -> str:
        return self.reason
