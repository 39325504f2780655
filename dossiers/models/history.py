"""The facts eligibility reads: ratings, initiatives, discipline, awards received."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dossiers.models.fields import NFCCharField, NFCTextField
from dossiers.models.people import SubjectMixin


class Source(models.TextChoices):
    SYSTEM = "system", _("Từ hệ thống")
    IMPORT = "import", _("Nhập từ tệp")
    MANUAL = "manual", _("Nhập tay")


class Rating(models.TextChoices):
    HTXSNV = "htxsnv", _("Hoàn thành xuất sắc nhiệm vụ")
    HTTNV = "httnv", _("Hoàn thành tốt nhiệm vụ")
    HTNV = "htnv", _("Hoàn thành nhiệm vụ")
    KHTNV = "khtnv", _("Không hoàn thành nhiệm vụ")


class AnnualRating(SubjectMixin):
    year = models.PositiveSmallIntegerField(_("năm"))
    rating = models.CharField(_("xếp loại"), max_length=10, choices=Rating.choices)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices, default=Source.MANUAL)

    class Meta(SubjectMixin.Meta):
        verbose_name = _("xếp loại hằng năm")
        verbose_name_plural = _("xếp loại hằng năm")
        ordering = ["year"]
        constraints = [
            *SubjectMixin.Meta.constraints,
            models.UniqueConstraint(fields=["person", "year"], name="uniq_rating_person_year"),
            models.UniqueConstraint(fields=["collective", "year"], name="uniq_rating_collective_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.get_rating_display()}"


class InitiativeLevel(models.TextChoices):
    UNIT = "unit", _("Cấp cơ sở")
    PROVINCE = "province", _("Cấp tỉnh, bộ, ngành")
    NATIONAL = "national", _("Toàn quốc")


class Initiative(SubjectMixin):
    title = NFCCharField(_("tên sáng kiến, đề tài"), max_length=500)
    year = models.PositiveSmallIntegerField(_("năm công nhận"))
    level = models.CharField(_("phạm vi ảnh hưởng"), max_length=10, choices=InitiativeLevel.choices)
    is_research = models.BooleanField(_("là đề tài nghiên cứu khoa học"), default=False)
    recognised_by = NFCCharField(_("quyết định công nhận"), max_length=255, blank=True)
    used_by = models.ForeignKey(
        "dossiers.AwardRecord",
        verbose_name=_("đã dùng cho khen thưởng"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="initiatives_used",
    )
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices, default=Source.MANUAL)

    class Meta(SubjectMixin.Meta):
        verbose_name = _("sáng kiến, đề tài")
        verbose_name_plural = _("sáng kiến, đề tài")
        ordering = ["year", "id"]

    def __str__(self) -> str:
        return self.title


class DisciplineKind(models.TextChoices):
    DISCIPLINE = "discipline", _("Kỷ luật")
    INVESTIGATION = "investigation", _("Đang bị điều tra")
    INSPECTION = "inspection", _("Đang bị thanh tra, kiểm tra")
    COMPLAINT = "complaint", _("Đang xác minh khiếu nại, tố cáo")


class DisciplineRecord(SubjectMixin):
    kind = models.CharField(_("loại"), max_length=20, choices=DisciplineKind.choices)
    started_on = models.DateField(_("từ ngày"))
    ended_on = models.DateField(_("đến ngày"), null=True, blank=True)
    description = NFCTextField(_("nội dung"), blank=True)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices, default=Source.MANUAL)

    class Meta(SubjectMixin.Meta):
        verbose_name = _("kỷ luật, đang xem xét")
        verbose_name_plural = _("kỷ luật, đang xem xét")
        ordering = ["started_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_on:%d/%m/%Y}"


class AwardRecord(SubjectMixin):
    """An award received, from a decision in the system or imported.

    ``award_code`` is kept beside the catalogue link so that awards of an older
    regulation (or imported ones without a catalogue row) still count.
    """

    award_type = models.ForeignKey(
        "dossiers.AwardType", verbose_name=_("danh hiệu, hình thức"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="records",
    )
    award_code = models.CharField(_("mã danh hiệu, hình thức"), max_length=40, db_index=True)
    award_name = NFCCharField(_("tên danh hiệu, hình thức"), max_length=255)
    year = models.PositiveSmallIntegerField(_("năm thành tích"))
    kind = models.CharField(
        _("loại hình khen thưởng"), max_length=30, default="regular",
        choices=[
            ("regular", _("Thường xuyên")), ("exceptional", _("Đột xuất")),
            ("thematic", _("Chuyên đề, theo phong trào")), ("long_service", _("Quá trình cống hiến")),
            ("length_of_service", _("Niên hạn")), ("foreign_relations", _("Đối ngoại")),
        ],
        help_text=_("Khen đột xuất, chuyên đề không được tính làm căn cứ khen thường xuyên cao hơn."),
    )
    decision_number = NFCCharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    decided_by = NFCCharField(_("cấp quyết định"), max_length=255, blank=True)
    nomination = models.ForeignKey(
        "dossiers.Nomination", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked = models.BooleanField(_("đã bị hủy bỏ"), default=False)
    revoked_reason = NFCTextField(_("lý do hủy bỏ"), blank=True)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices, default=Source.MANUAL)

    class Meta(SubjectMixin.Meta):
        verbose_name = _("khen thưởng đã nhận")
        verbose_name_plural = _("khen thưởng đã nhận")
        ordering = ["year", "id"]
        indexes = [models.Index(fields=["award_code", "year"])]

    def __str__(self) -> str:
        return f"{self.award_name} ({self.year})"
