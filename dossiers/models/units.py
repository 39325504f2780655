"""Provinces, units as a tree, emulation blocks and clusters, merges."""

from __future__ import annotations

from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from dossiers.models.fields import NFCCharField
from dossiers.text import fold, phrase_key


class Province(models.Model):
    """Root of the units tree and owner of every provincial setting."""

    code = models.CharField(_("mã"), max_length=20, unique=True)
    name = NFCCharField(_("tên"), max_length=200, help_text=_("Ví dụ: Tỉnh Lai Châu"))
    place_name = NFCCharField(
        _("địa danh"), max_length=100, help_text=_("Dùng trong dòng địa danh, ngày tháng: Lai Châu")
    )
    attachment_max_mb = models.PositiveIntegerField(
        _("dung lượng tối đa của một tài liệu (MB)"), default=20
    )
    home_affairs_unit = models.ForeignKey(
        "dossiers.Unit",
        verbose_name=_("Sở Nội vụ (cơ quan thường trực Hội đồng)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("tỉnh")
        verbose_name_plural = _("tỉnh")

    def __str__(self) -> str:
        return self.name

    @property
    def attachment_max_bytes(self) -> int:
        return self.attachment_max_mb * 1024 * 1024


class EmulationBlock(models.Model):
    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="blocks")
    name = NFCCharField(_("tên"), max_length=200)

    class Meta:
        verbose_name = _("khối thi đua")
        verbose_name_plural = _("khối thi đua")
        constraints = [
            models.UniqueConstraint(fields=["province", "name"], name="uniq_block_name")
        ]

    def __str__(self) -> str:
        return self.name


class EmulationCluster(models.Model):
    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="clusters")
    name = NFCCharField(_("tên"), max_length=200)

    class Meta:
        verbose_name = _("cụm thi đua")
        verbose_name_plural = _("cụm thi đua")
        constraints = [
            models.UniqueConstraint(fields=["province", "name"], name="uniq_cluster_name")
        ]

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("Sở, ban, ngành")
    DISTRICT = "district", _("Huyện, thành phố (trước 01/7/2025)")
    COMMUNE = "commune", _("Xã, phường")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    MASS_ORGANISATION = "mass_organisation", _("Tổ chức chính trị - xã hội, hội")
    ARMED_FORCES = "armed_forces", _("Lực lượng vũ trang")
    CENTRAL_AGENCY = "central_agency", _("Cơ quan Trung ương trên địa bàn")
    PUBLIC_SERVICE = "public_service", _("Đơn vị sự nghiệp")


class Unit(models.Model):
    """A unit that proposes awards; units form a tree under the province.

    ``path`` is a materialised path of ids ("/3/17/") kept by ``save``, so
    "this unit and every unit below it" is one indexed prefix query.
    A merged unit keeps its rows and points to its ``successor``; its
    dossiers and history stay visible to the successor's users.
    """

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField(_("mã đơn vị"), max_length=30)
    name = NFCCharField(_("tên đơn vị"), max_length=255)
    short_name = NFCCharField(_("tên viết tắt"), max_length=60, blank=True)
    kind = models.CharField(_("loại đơn vị"), max_length=30, choices=UnitKind.choices)
    block = models.ForeignKey(
        EmulationBlock,
        verbose_name=_("khối thi đua"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="units",
    )
    cluster = models.ForeignKey(
        EmulationCluster,
        verbose_name=_("cụm thi đua"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="units",
    )
    successor = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị kế thừa (sau hợp nhất)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
    )
    merged_on = models.DateField(_("ngày hợp nhất"), null=True, blank=True)
    allow_self_submit = models.BooleanField(
        _("cho phép một người vừa lập vừa trình hồ sơ"),
        default=False,
        help_text=_("Chỉ bật cho đơn vị nhỏ mà thủ trưởng tự lập hồ sơ."),
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    name_key = models.CharField(max_length=600, editable=False, default="")
    search_key = models.CharField(max_length=255, editable=False, default="")

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["name_key"]
        constraints = [
            models.UniqueConstraint(fields=["province", "code"], name="uniq_unit_code"),
            models.CheckConstraint(
                condition=~models.Q(successor=models.F("id")), name="unit_not_own_successor"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_merged(self) -> bool:
        return self.successor_id is not None

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.pk and self.parent_id:
            parent_path = Unit.objects.filter(pk=self.parent_id).values_list("path", flat=True).first()
            if parent_path and f"/{self.pk}/" in parent_path:
                raise ValidationError({"parent": _("Đơn vị cấp trên không thể là đơn vị cấp dưới của chính nó.")})

    def save(self, *args, **kwargs):
        self.name_key = phrase_key(self.name)
        self.search_key = fold(self.name)
        if self.pk is None:
            super().save(*args, **kwargs)
            self.path = self._compute_path()
            Unit.objects.filter(pk=self.pk).update(path=self.path)
            return
        old_path = Unit.objects.filter(pk=self.pk).values_list("path", flat=True).first() or ""
        self.path = self._compute_path()
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                path=Concat(Value(self.path), Substr("path", len(old_path) + 1))
            )

    def _compute_path(self) -> str:
        parent_path = ""
        if self.parent_id:
            parent_path = Unit.objects.filter(pk=self.parent_id).values_list("path", flat=True).get()
        return f"{parent_path or '/'}{self.pk}/"
