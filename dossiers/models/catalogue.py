"""The award catalogue as data, one copy per regulation version.

Nothing about which award needs a vote, who decides it, what documents it
needs or what it pays is written in code: it is read from these rows, seeded
from ``dossiers/fixtures/catalogue/*.yaml`` and editable in the admin.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from dossiers.models.fields import NFCCharField, NFCTextField


class AwardKind(models.TextChoices):
    """Loại hình khen thưởng (Law 06/2022 Art. 8)."""

    REGULAR = "regular", _("Thường xuyên")
    EXCEPTIONAL = "exceptional", _("Đột xuất")
    THEMATIC = "thematic", _("Chuyên đề, theo phong trào")
    LONG_SERVICE = "long_service", _("Quá trình cống hiến")
    LENGTH_OF_SERVICE = "length_of_service", _("Niên hạn")
    FOREIGN_RELATIONS = "foreign_relations", _("Đối ngoại")


class Authority(models.TextChoices):
    UNIT_HEAD = "unit_head", _("Thủ trưởng đơn vị")
    PROVINCIAL_CHAIRMAN = "provincial_chairman", _("Chủ tịch UBND tỉnh")
    # Ministries, sectors and central mass organisations: their certificates are history only, never proposed here.
    MINISTER = "minister", _("Bộ trưởng, thủ trưởng bộ, ngành, đoàn thể trung ương")
    PRIME_MINISTER = "prime_minister", _("Thủ tướng Chính phủ")
    PRESIDENT = "president", _("Chủ tịch nước")


class SubjectKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Cá nhân")
    COLLECTIVE = "collective", _("Tập thể")
    HOUSEHOLD = "household", _("Hộ gia đình")


class AwardCategory(models.TextChoices):
    EMULATION_TITLE = "emulation_title", _("Danh hiệu thi đua")
    ORDER = "order", _("Huân chương")
    MEDAL = "medal", _("Huy chương")
    HONORARY_TITLE = "honorary_title", _("Danh hiệu vinh dự nhà nước")
    PRIZE = "prize", _("Giải thưởng")
    COMMEMORATIVE_MEDAL = "commemorative_medal", _("Kỷ niệm chương")
    CERTIFICATE_OF_MERIT = "certificate_of_merit", _("Bằng khen")
    UNIT_CERTIFICATE = "unit_certificate", _("Giấy khen")


class VoteBase(models.TextChoices):
    ALL_MEMBERS = "all_members", _("Tổng số thành viên Hội đồng")
    PRESENT_MEMBERS = "present_members", _("Số thành viên có mặt")


class RegulationQuerySet(models.QuerySet):
    def in_force_on(self, day: datetime.date) -> Regulation:
        """The regulation version in force on ``day``; refuses when none is."""
        regulation = (
            self.filter(effective_from__lte=day)
            .filter(models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=day))
            .order_by("-effective_from")
            .first()
        )
        if regulation is None:
            from dossiers.exceptions import DomainError

            raise DomainError(
                "no_regulation",
                _("Không có văn bản quy định nào có hiệu lực vào ngày %(day)s.")
                % {"day": day.strftime("%d/%m/%Y")},
            )
        return regulation


class Regulation(models.Model):
    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = NFCCharField(_("tên văn bản"), max_length=255)
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    notes = NFCTextField(_("ghi chú"), blank=True)

    objects = RegulationQuerySet.as_manager()

    class Meta:
        verbose_name = _("văn bản quy định")
        verbose_name_plural = _("văn bản quy định")
        ordering = ["effective_from"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("Ngày hết hiệu lực phải sau ngày có hiệu lực.")})


class AwardType(models.Model):
    regulation = models.ForeignKey(
        Regulation, verbose_name=_("văn bản quy định"), on_delete=models.PROTECT,
        related_name="award_types",
    )
    code = models.CharField(_("mã"), max_length=40)
    name = NFCCharField(_("tên danh hiệu, hình thức"), max_length=255)
    category = models.CharField(_("nhóm"), max_length=30, choices=AwardCategory.choices)
    subject = models.CharField(_("đối tượng"), max_length=20, choices=SubjectKind.choices)
    kinds = models.JSONField(
        _("loại hình khen thưởng áp dụng"),
        default=list,
        help_text=_("Danh sách mã loại hình, ví dụ [\"regular\", \"exceptional\"]."),
    )
    authority = models.CharField(_("thẩm quyền quyết định"), max_length=30, choices=Authority.choices)
    forwarded = models.BooleanField(_("trình cấp trên (Trung ương)"), default=False)
    vote_required = models.BooleanField(_("phải bỏ phiếu tại Hội đồng"), default=False)
    vote_threshold_numerator = models.PositiveSmallIntegerField(_("tỷ lệ phiếu: tử số"), default=1)
    vote_threshold_denominator = models.PositiveSmallIntegerField(_("tỷ lệ phiếu: mẫu số"), default=2)
    vote_threshold_strict = models.BooleanField(
        _("phải vượt quá tỷ lệ (quá bán)"),
        default=True,
        help_text=_("Bật: cần nhiều hơn tỷ lệ (quá bán). Tắt: cần từ tỷ lệ trở lên (ví dụ từ 90%)."),
    )
    vote_base = models.CharField(
        _("cơ sở tính tỷ lệ"), max_length=20, choices=VoteBase.choices, default=VoteBase.ALL_MEMBERS
    )
    public_notice_required = models.BooleanField(_("phải công khai trước khi xét"), default=False)
    cash_multiple = models.DecimalField(
        _("hệ số tiền thưởng (lần lương cơ sở)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    rank = models.PositiveSmallIntegerField(
        _("thứ tự cao thấp"), default=100, help_text=_("Số nhỏ đứng trước trong chương trình họp.")
    )
    basis_for_higher = models.BooleanField(
        _("được tính làm căn cứ khen cao hơn"), default=True
    )
    legal_basis = NFCCharField(_("căn cứ pháp lý"), max_length=255, blank=True)
    notes = NFCTextField(_("ghi chú"), blank=True)
    is_active = models.BooleanField(_("đang sử dụng"), default=True)

    class Meta:
        verbose_name = _("danh hiệu, hình thức khen thưởng")
        verbose_name_plural = _("danh hiệu, hình thức khen thưởng")
        ordering = ["regulation", "rank", "code"]
        constraints = [
            models.UniqueConstraint(fields=["regulation", "code"], name="uniq_award_code"),
            models.CheckConstraint(
                condition=models.Q(vote_threshold_denominator__gt=0), name="award_threshold_denominator"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def vote_threshold(self) -> Fraction:
        return Fraction(self.vote_threshold_numerator, self.vote_threshold_denominator)

    @property
    def is_individual(self) -> bool:
        return self.subject == SubjectKind.INDIVIDUAL

    def clean(self):
        errors = {}
        unknown = set(self.kinds or []) - set(AwardKind.values)
        if unknown:
            errors["kinds"] = _("Loại hình không hợp lệ: %(codes)s") % {"codes": ", ".join(sorted(unknown))}
        if self.vote_threshold_denominator and self.vote_threshold > 1:
            errors["vote_threshold_numerator"] = _("Tỷ lệ phiếu không được vượt quá 100%.")
        if errors:
            raise ValidationError(errors)


class DocumentType(models.Model):
    """A kind of document a dossier may carry (tờ trình, báo cáo thành tích, ...)."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = NFCCharField(_("tên tài liệu"), max_length=255)
    per_nomination = models.BooleanField(
        _("mỗi người/tập thể một bản"),
        default=True,
        help_text=_("Tắt: một bản cho cả hồ sơ (tờ trình, biên bản họp xét)."),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=100)

    class Meta:
        verbose_name = _("loại tài liệu")
        verbose_name_plural = _("loại tài liệu")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class RequiredDocument(models.Model):
    """Thành phần hồ sơ: a document an award needs, for one kind or for all."""

    award_type = models.ForeignKey(
        AwardType, verbose_name=_("danh hiệu, hình thức"), on_delete=models.CASCADE,
        related_name="required_documents",
    )
    document_type = models.ForeignKey(
        DocumentType, verbose_name=_("loại tài liệu"), on_delete=models.PROTECT, related_name="+"
    )
    award_kind = models.CharField(
        _("loại hình khen thưởng"), max_length=30, choices=AwardKind.choices, blank=True,
        help_text=_("Để trống: áp dụng cho mọi loại hình."),
    )
    unit_kind = models.CharField(
        _("chỉ áp dụng cho loại đơn vị"), max_length=30, blank=True,
        help_text=_("Ví dụ: doanh nghiệp cần xác nhận của cơ quan thuế, bảo hiểm xã hội."),
    )

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        constraints = [
            models.UniqueConstraint(
                fields=["award_type", "document_type", "award_kind", "unit_kind"],
                name="uniq_required_document",
            )
        ]

    def __str__(self) -> str:
        return f"{self.award_type}: {self.document_type}"


class Criterion(models.Model):
    """One eligibility rule of an award, stored as data.

    ``key`` names a rule of the vocabulary in ``dossiers.eligibility.vocabulary``;
    ``all_of`` and ``any_of`` combine their children. The evaluator reads these
    rows; editing them changes the rule without touching code.
    """

    award_type = models.ForeignKey(
        AwardType, verbose_name=_("danh hiệu, hình thức"), on_delete=models.CASCADE,
        related_name="criteria",
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("thuộc nhóm"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="children",
    )
    key = models.CharField(_("loại tiêu chuẩn"), max_length=40)
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    description = NFCCharField(_("diễn giải"), max_length=500)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("tiêu chuẩn")
        verbose_name_plural = _("tiêu chuẩn")
        ordering = ["award_type", "order", "id"]

    def __str__(self) -> str:
        return self.description

    def clean(self):
        from dossiers.eligibility.vocabulary import validate_criterion

        validate_criterion(self.key, self.params)


class Movement(models.Model):
    """Phong trào thi đua; thematic awards refer to one."""

    province = models.ForeignKey("dossiers.Province", on_delete=models.CASCADE, related_name="movements")
    name = NFCCharField(_("tên phong trào"), max_length=500)
    started_on = models.DateField(_("bắt đầu"), null=True, blank=True)
    ended_on = models.DateField(_("kết thúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("phong trào thi đua")
        verbose_name_plural = _("phong trào thi đua")
        ordering = ["-started_on", "name"]

    def __str__(self) -> str:
        return self.name
