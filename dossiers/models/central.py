"""Forwarding to the central level: the province's submission to the Prime Minister (TTr-UBND), tracked to the end."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from dossiers.models.fields import NFCCharField, NFCTextField


class CentralState(models.TextChoices):
    DRAFTED = "drafted", _("Đang soạn")
    SIGNED = "signed", _("Đã ký tờ trình")
    SENT = "sent", _("Đã gửi Bộ Nội vụ")
    RECEIVED = "received", _("Bộ Nội vụ đã tiếp nhận")
    RETURNED = "returned", _("Bộ Nội vụ trả lại để bổ sung")
    DECIDED = "decided", _("Đã có quyết định")
    ITEMS_RECEIVED = "items_received", _("Đã nhận hiện vật khen thưởng")
    HANDED_OVER = "handed_over", _("Đã trao cho người được khen thưởng")
    CLOSED = "closed", _("Đã kết thúc")


class CentralSubmission(ConcurrentTransitionMixin, models.Model):
    """A batch of nominations for awards of the Prime Minister or the President."""

    province = models.ForeignKey("dossiers.Province", on_delete=models.PROTECT, related_name="central_submissions")
    title = NFCCharField(_("trích yếu"), max_length=500)
    state = FSMField(_("trạng thái"), max_length=20, choices=CentralState.choices, default=CentralState.DRAFTED,
                     protected=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    number = models.CharField(_("số tờ trình"), max_length=60, blank=True)
    signed_on = models.DateField(_("ngày ký"), null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    signer_capacity = models.CharField(max_length=20, blank=True)
    sent_on = models.DateField(_("ngày gửi"), null=True, blank=True)
    channel = NFCCharField(_("hình thức gửi"), max_length=100, blank=True,
                           help_text=_("Ví dụ: Hệ thống hồ sơ điện tử của Bộ Nội vụ, bưu điện."))
    dispatch_number = NFCCharField(_("số công văn, mã hồ sơ gửi"), max_length=100, blank=True)
    received_on = models.DateField(_("ngày Bộ Nội vụ tiếp nhận"), null=True, blank=True)
    return_reason = NFCTextField(_("lý do trả lại"), blank=True)
    returned_on = models.DateField(null=True, blank=True)
    return_count = models.PositiveSmallIntegerField(default=0)
    decided_on = models.DateField(_("ngày có quyết định"), null=True, blank=True)
    items_received_on = models.DateField(_("ngày nhận hiện vật"), null=True, blank=True)
    handed_over_on = models.DateField(_("ngày trao"), null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("hồ sơ trình Trung ương")
        verbose_name_plural = _("hồ sơ trình Trung ương")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.number or _('Dự thảo')}: {self.title}"

    @transition(field=state, source=CentralState.DRAFTED, target=CentralState.SIGNED)
    def sign(self):
        pass

    @transition(field=state, source=[CentralState.SIGNED, CentralState.RETURNED], target=CentralState.SENT)
    def send(self):
        pass

    @transition(field=state, source=CentralState.SENT, target=CentralState.RECEIVED)
    def receive(self):
        pass

    @transition(field=state, source=[CentralState.SENT, CentralState.RECEIVED], target=CentralState.RETURNED)
    def return_for_supplement(self):
        self.return_count += 1

    @transition(field=state, source=CentralState.RECEIVED, target=CentralState.DECIDED)
    def mark_decided(self):
        pass

    @transition(field=state, source=CentralState.DECIDED, target=CentralState.ITEMS_RECEIVED)
    def receive_items(self):
        pass

    @transition(field=state, source=CentralState.ITEMS_RECEIVED, target=CentralState.HANDED_OVER)
    def hand_over(self):
        pass

    @transition(field=state, source=[CentralState.HANDED_OVER, CentralState.DECIDED], target=CentralState.CLOSED)
    def close(self):
        pass


class CentralItemStatus(models.TextChoices):
    PENDING = "pending", _("Chờ quyết định")
    GRANTED = "granted", _("Được khen thưởng")
    DECLINED = "declined", _("Không được khen thưởng")


class CentralItem(models.Model):
    submission = models.ForeignKey(CentralSubmission, on_delete=models.CASCADE, related_name="items")
    nomination = models.ForeignKey("dossiers.Nomination", on_delete=models.PROTECT, related_name="central_items")
    status = models.CharField(_("kết quả"), max_length=20, choices=CentralItemStatus.choices,
                              default=CentralItemStatus.PENDING, db_index=True)
    deciding_authority = models.CharField(_("cấp quyết định"), max_length=30, blank=True)
    decision_number = NFCCharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    reason = NFCTextField(_("lý do không khen thưởng"), blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("đề nghị trình Trung ương")
        verbose_name_plural = _("đề nghị trình Trung ương")
        ordering = ["submission", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["submission", "nomination"], name="uniq_central_nomination")]

    def __str__(self) -> str:
        return str(self.nomination)


def central_attachment_path(instance, filename: str) -> str:
    """Storage path of a supplementary document: never derived from the uploaded name."""
    return f"central/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}"


class CentralAttachment(models.Model):
    """A document added to the central submission itself: with the first package (``return_round`` 0), or to
    answer the Ministry's return number ``return_round`` (supplement, then send again)."""

    submission = models.ForeignKey(CentralSubmission, on_delete=models.CASCADE, related_name="attachments",
                                   verbose_name=_("hồ sơ trình"))
    nomination = models.ForeignKey("dossiers.Nomination", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="central_attachments", verbose_name=_("của người, tập thể"))
    label = NFCCharField(_("tên tài liệu"), max_length=255)
    file = models.FileField(upload_to=central_attachment_path, max_length=200)
    original_name = NFCCharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("kiểu tệp"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, db_index=True)
    return_round = models.PositiveSmallIntegerField(
        _("bổ sung theo lần trả lại"), default=0,
        help_text=_("0: tài liệu của hồ sơ gửi lần đầu; n: bổ sung theo lần trả lại thứ n của Bộ Nội vụ."))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("người tải lên"))
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), default=timezone.now)

    class Meta:
        verbose_name = _("tài liệu bổ sung của hồ sơ trình")
        verbose_name_plural = _("tài liệu bổ sung của hồ sơ trình")
        ordering = ["submission", "return_round", "id"]

    def __str__(self) -> str:
        return self.original_name
