"""Award decisions (QĐ-UBND), the Home Affairs submission that prepares them, cash rewards, revocation."""

from __future__ import annotations

import datetime
import math

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from dossiers.models.fields import NFCCharField, NFCTextField


class BaseSalary(models.Model):
    """Lương cơ sở: the amount in force from a date (administrators add new rows)."""

    amount = models.PositiveIntegerField(_("mức lương cơ sở (đồng)"))
    effective_from = models.DateField(_("áp dụng từ ngày"), unique=True)
    legal_basis = NFCCharField(_("căn cứ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("lương cơ sở")
        verbose_name_plural = _("lương cơ sở")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.amount:,} ({self.effective_from:%d/%m/%Y})".replace(",", ".")

    @classmethod
    def in_force_on(cls, day: datetime.date) -> BaseSalary | None:
        return cls.objects.filter(effective_from__lte=day).order_by("-effective_from").first()


def cash_amount(multiple, base_salary: int) -> int:
    """Multiple x base salary, rounded UP to the next 10,000 đồng (exact decimal arithmetic)."""
    from decimal import Decimal

    exact = Decimal(str(multiple)) * Decimal(base_salary)
    return int(math.ceil(exact / 10000)) * 10000


class DecisionKind(models.TextChoices):
    AWARD = "award", _("Quyết định khen thưởng")
    REVOCATION = "revocation", _("Quyết định hủy bỏ khen thưởng")


class DecisionState(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    CHECKED = "checked", _("Lãnh đạo Sở đã kiểm tra, chờ ký")
    SIGNED = "signed", _("Đã ký ban hành")
    REVOKED = "revoked", _("Đã bị hủy bỏ")


class SignerCapacity(models.TextChoices):
    CHAIRMAN = "chairman", _("Chủ tịch UBND tỉnh ký")
    VICE_CHAIRMAN = "vice_chairman", _("Phó Chủ tịch ký thay (KT. CHỦ TỊCH)")


class Decision(ConcurrentTransitionMixin, models.Model):
    """A decision of the provincial Chairman, with the HA submission (TTr-SNV) that proposed it.

    Award decisions list nominations (``DecisionItem``): provincial awards are
    granted by it, awards for the Prime Minister or the President are agreed to
    be proposed upward (they go on to a ``CentralSubmission``). A revocation
    decision lists award records it revokes (``RevocationItem``).
    """

    province = models.ForeignKey("dossiers.Province", on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(_("loại"), max_length=20, choices=DecisionKind.choices, default=DecisionKind.AWARD)
    title = NFCCharField(_("trích yếu"), max_length=500)
    state = FSMField(_("trạng thái"), max_length=20, choices=DecisionState.choices, default=DecisionState.DRAFT,
                     protected=True, db_index=True)
    legal_bases = NFCTextField(_("căn cứ pháp lý"), blank=True,
                               help_text=_("Mỗi căn cứ một dòng; để trống dùng căn cứ mặc định."))
    recipients = NFCTextField(_("nơi nhận"), blank=True, help_text=_("Mỗi nơi nhận một dòng."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("người lập"))
    created_at = models.DateTimeField(default=timezone.now)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("lãnh đạo Sở kiểm tra"))
    checked_at = models.DateTimeField(null=True, blank=True)
    submission_number = models.CharField(_("số tờ trình của Sở Nội vụ"), max_length=60, blank=True)
    submission_date = models.DateField(_("ngày tờ trình"), null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("người ký"))
    signer_capacity = models.CharField(_("thẩm quyền ký"), max_length=20, choices=SignerCapacity.choices,
                                       blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    number = models.CharField(_("số quyết định"), max_length=60, blank=True, db_index=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    base_salary = models.PositiveIntegerField(_("lương cơ sở áp dụng"), null=True, blank=True)
    revokes = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="revoked_by",
                                verbose_name=_("hủy bỏ quyết định"))
    revocation_reason = NFCTextField(_("lý do hủy bỏ"), blank=True)

    class Meta:
        verbose_name = _("quyết định")
        verbose_name_plural = _("quyết định")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.number or _('Dự thảo')}: {self.title}"

    @transition(field=state, source=DecisionState.DRAFT, target=DecisionState.CHECKED)
    def mark_checked(self, *, by):
        self.checked_by, self.checked_at = by, timezone.now()

    @transition(field=state, source=DecisionState.CHECKED, target=DecisionState.DRAFT)
    def send_back(self):
        self.checked_by, self.checked_at = None, None

    @transition(field=state, source=DecisionState.CHECKED, target=DecisionState.SIGNED)
    def sign(self, *, by, capacity):
        self.signed_by, self.signer_capacity, self.signed_at = by, capacity, timezone.now()

    @transition(field=state, source=DecisionState.SIGNED, target=DecisionState.REVOKED)
    def mark_revoked(self):
        pass


class DecisionItem(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="items")
    nomination = models.ForeignKey("dossiers.Nomination", on_delete=models.PROTECT, related_name="decision_items")
    award_type = models.ForeignKey("dossiers.AwardType", on_delete=models.PROTECT, related_name="+")
    forwarded = models.BooleanField(_("đề nghị cấp trên khen thưởng"), default=False)
    cash_amount = models.PositiveIntegerField(_("tiền thưởng (đồng)"), default=0)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("người, tập thể trong quyết định")
        verbose_name_plural = _("người, tập thể trong quyết định")
        ordering = ["decision", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["decision", "nomination"], name="uniq_decision_nomination")]

    def __str__(self) -> str:
        return str(self.nomination)


class RevocationItem(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="revocations")
    award_record = models.ForeignKey("dossiers.AwardRecord", on_delete=models.PROTECT, related_name="+")
    reason = NFCTextField(_("lý do"))

    class Meta:
        verbose_name = _("khen thưởng bị hủy bỏ")
        verbose_name_plural = _("khen thưởng bị hủy bỏ")

    def __str__(self) -> str:
        return str(self.award_record)


class CertificateLayout(models.Model):
    """How a certificate of merit is printed: whole on plain paper, or fields onto pre-printed blanks.

    ``positions`` maps each variable field to where it goes on the page, in
    millimetres from the top-left corner: {"nominee": {"x": 40, "y": 95,
    "width": 210, "size": 20, "align": "center"}, ...}. Fields: nominee,
    position_unit, award, decision, place_date, signer_title, signer_name.
    """

    class Mode(models.TextChoices):
        FULL = "full", _("In toàn bộ bằng khen trên giấy trắng")
        PREPRINTED = "preprinted", _("Chỉ in nội dung lên phôi in sẵn")

    province = models.ForeignKey("dossiers.Province", on_delete=models.CASCADE, related_name="certificate_layouts")
    name = NFCCharField(_("tên mẫu"), max_length=200)
    mode = models.CharField(_("cách in"), max_length=20, choices=Mode.choices, default=Mode.FULL)
    page_width_mm = models.PositiveSmallIntegerField(_("khổ giấy: rộng (mm)"), default=297)
    page_height_mm = models.PositiveSmallIntegerField(_("khổ giấy: cao (mm)"), default=210)
    positions = models.JSONField(_("vị trí các trường (mm)"), default=dict, blank=True)
    is_default = models.BooleanField(_("mẫu mặc định"), default=False)

    class Meta:
        verbose_name = _("mẫu in bằng khen")
        verbose_name_plural = _("mẫu in bằng khen")
        ordering = ["province", "name"]

    def __str__(self) -> str:
        return self.name
