"""Home Affairs' review of a dossier: returns for supplement and their items."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models.fields import NFCCharField, NFCTextField


class ReturnReason(models.Model):
    """A reason code for returning a dossier (data, editable in the admin)."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = NFCCharField(_("lý do"), max_length=255)
    applies_to = models.CharField(
        _("áp dụng cho"), max_length=20,
        choices=[("dossier", _("Cả hồ sơ")), ("nomination", _("Một đề nghị")), ("document", _("Một tài liệu"))],
        default="nomination",
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=100)

    class Meta:
        verbose_name = _("lý do trả lại")
        verbose_name_plural = _("lý do trả lại")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class SupplementRequest(models.Model):
    """One return of a dossier to its unit, with what to supplement and by when."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="supplement_requests",
                                verbose_name=_("hồ sơ"))
    number = models.PositiveSmallIntegerField(_("lần trả lại"))
    note = NFCTextField(_("nội dung chung"), blank=True)
    due_on = models.DateField(_("hạn bổ sung"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("người trả lại"))
    created_at = models.DateTimeField(_("thời điểm trả lại"), default=timezone.now)
    audit_mark = models.BigIntegerField(
        _("mốc nhật ký"), default=0, help_text=_("Sự kiện nhật ký cuối cùng lúc trả lại: thay đổi sau mốc này là phần bổ sung.")
    )
    resolved_at = models.DateTimeField(_("thời điểm trình lại"), null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu bổ sung")
        verbose_name_plural = _("yêu cầu bổ sung")
        ordering = ["dossier", "number"]
        constraints = [models.UniqueConstraint(fields=["dossier", "number"], name="uniq_supplement_number")]

    def __str__(self) -> str:
        return f"{self.dossier} #{self.number}"


class SupplementItem(models.Model):
    request = models.ForeignKey(SupplementRequest, on_delete=models.CASCADE, related_name="items")
    reason = models.ForeignKey(ReturnReason, on_delete=models.PROTECT, related_name="+", verbose_name=_("lý do"))
    nomination = models.ForeignKey("dossiers.Nomination", on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="supplement_items", verbose_name=_("đề nghị"))
    document_type = models.ForeignKey("dossiers.DocumentType", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("tài liệu"))
    text = NFCTextField(_("nội dung cần bổ sung"), blank=True)

    class Meta:
        verbose_name = _("nội dung cần bổ sung")
        verbose_name_plural = _("nội dung cần bổ sung")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.reason}: {self.text}"
