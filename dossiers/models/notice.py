"""Public notice (công khai) of proposed nominees, and the public's feedback."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models.fields import NFCCharField, NFCTextField


class PublicNotice(models.Model):
    """A dossier's listing period on the public page."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.CASCADE, related_name="public_notice",
                                   verbose_name=_("hồ sơ"))
    starts_on = models.DateField(_("công khai từ ngày"))
    ends_on = models.DateField(_("công khai đến hết ngày"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(_("kết thúc công khai"), null=True, blank=True)

    class Meta:
        verbose_name = _("công khai")
        verbose_name_plural = _("công khai")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return f"{self.dossier} ({self.starts_on:%d/%m/%Y} - {self.ends_on:%d/%m/%Y})"


class FeedbackStatus(models.TextChoices):
    OPEN = "open", _("Chờ xử lý")
    DISMISSED = "dismissed", _("Không có cơ sở")
    UPHELD = "upheld", _("Có cơ sở")


class PublicFeedback(models.Model):
    """An opinion from the public about a listed nominee; HA must resolve it."""

    nomination = models.ForeignKey("dossiers.Nomination", on_delete=models.CASCADE, related_name="feedback",
                                   verbose_name=_("đề nghị"))
    name = NFCCharField(_("họ tên người góp ý"), max_length=150, blank=True)
    contact = NFCCharField(_("thông tin liên hệ"), max_length=150, blank=True)
    text = NFCTextField(_("nội dung góp ý"))
    created_at = models.DateTimeField(_("thời điểm gửi"), default=timezone.now)
    client_key = models.CharField(max_length=64, editable=False, db_index=True)
    status = models.CharField(_("tình trạng"), max_length=20, choices=FeedbackStatus.choices,
                              default=FeedbackStatus.OPEN, db_index=True)
    resolution_note = NFCTextField(_("kết quả xử lý"), blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("người xử lý"))
    resolved_at = models.DateTimeField(_("thời điểm xử lý"), null=True, blank=True)

    class Meta:
        verbose_name = _("góp ý của người dân")
        verbose_name_plural = _("góp ý của người dân")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]
