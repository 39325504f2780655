"""The document number register (sổ đăng ký văn bản), Decree 30/2020/NĐ-CP Art. 15.

A register per province, issuer, year and type code: numbers start at 01 each
year and are unique within it (two provinces sharing one deployment each have
their own "01/QĐ-UBND"; ``scope`` is the province's code). ``DocumentCounter`` holds the last number given; it is
locked (``SELECT ... FOR UPDATE``) and advanced in the transaction that creates
the document, so a rolled-back document gives its number back and two parallel
allocations never share one. ``DocumentNumber`` is the register entry itself.
Allocation lives in ``dossiers.documents.numbering.allocate_number``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.documents.formatting import document_symbol


class DocumentCounter(models.Model):
    """The last number given in one register (scope, issuer, year, type code)."""

    scope = models.CharField(_("phạm vi (mã tỉnh)"), max_length=20, blank=True, default="")
    issuer = models.CharField(_("cơ quan ban hành"), max_length=40)
    year = models.PositiveSmallIntegerField(_("năm"))
    type_code = models.CharField(_("loại văn bản"), max_length=10)
    last_number = models.PositiveIntegerField(_("số cuối đã cấp"), default=0)

    class Meta:
        verbose_name = _("sổ đăng ký số văn bản")
        verbose_name_plural = _("sổ đăng ký số văn bản")
        constraints = [
            models.UniqueConstraint(fields=["scope", "issuer", "year", "type_code"], name="document_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.type_code}-{self.issuer} {self.year}: {self.last_number}"


class DocumentNumber(models.Model):
    """One number given: ``07/BB-HĐTĐKT`` of 2024, and what it was given to."""

    scope = models.CharField(_("phạm vi (mã tỉnh)"), max_length=20, blank=True, default="")
    issuer = models.CharField(_("cơ quan ban hành"), max_length=40)
    year = models.PositiveSmallIntegerField(_("năm"))
    type_code = models.CharField(_("loại văn bản"), max_length=10)
    number = models.PositiveIntegerField(_("số"))
    created_at = models.DateTimeField(_("thời điểm cấp số"), default=timezone.now)
    object_type = models.CharField(_("loại đối tượng"), max_length=60, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("số văn bản")
        verbose_name_plural = _("số văn bản")
        ordering = ["scope", "issuer", "year", "type_code", "number"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "issuer", "year", "type_code", "number"],
                                    name="document_number_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="document_number_positive"),
        ]
        indexes = [models.Index(fields=["object_type", "object_id"], name="document_number_object")]

    def __str__(self) -> str:
        return f"{self.symbol} ({self.year})"

    @property
    def symbol(self) -> str:
        """``"07/BB-HĐTĐKT"``."""
        return document_symbol(self.number, self.type_code, self.issuer)

    @property
    def number_line(self) -> str:
        """``"Số: 07/BB-HĐTĐKT"``, as the document prints it."""
        return f"Số: {self.symbol}"


def generated_document_path(instance: GeneratedDocument, filename: str) -> str:
    return f"documents/{instance.content_hash[:2]}/{instance.content_hash}.pdf"


class GeneratedDocumentState(models.TextChoices):
    QUEUED = "queued", _("Đang chờ tạo")
    RENDERING = "rendering", _("Đang tạo")
    DONE = "done", _("Đã tạo xong")
    FAILED = "failed", _("Không tạo được")


class GeneratedDocument(models.Model):
    """A rendered official document, kept by the hash of its final HTML.

    The same HTML is the same PDF: a second request finds the file here and
    renders nothing. When the data behind a document changes, its HTML (and
    so its hash) changes and the next request renders a new file. Large
    documents are rendered by the task worker (``dossiers.tasks``); ``parts``
    holds their HTML until then, ``pages_done``/``pages_total`` the progress.
    This is a cache, not a record of the documents issued: rows may be pruned.
    """

    kind = models.CharField(_("loại văn bản"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("mã đối tượng"))
    options = models.JSONField(_("tùy chọn"), default=dict, blank=True)
    content_hash = models.CharField(_("mã băm nội dung"), max_length=64, unique=True)
    filename = models.CharField(_("tên tệp"), max_length=200)
    file = models.FileField(upload_to=generated_document_path, max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"), default=0)
    state = models.CharField(_("trạng thái"), max_length=20, choices=GeneratedDocumentState.choices,
                             default=GeneratedDocumentState.QUEUED, db_index=True)
    parts = models.JSONField(_("HTML chờ tạo"), default=list, blank=True)
    part_sizes = models.JSONField(_("số trang mỗi phần"), default=list, blank=True)
    rows = models.PositiveIntegerField(_("số dòng, số trang"), default=0)
    pages_done = models.PositiveIntegerField(_("số phần đã tạo"), default=0)
    pages_total = models.PositiveIntegerField(_("tổng số phần"), default=0)
    error = models.TextField(_("lỗi"), blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("người yêu cầu"))
    created_at = models.DateTimeField(_("thời điểm yêu cầu"), default=timezone.now)
    started_at = models.DateTimeField(_("bắt đầu tạo"), null=True, blank=True)
    finished_at = models.DateTimeField(_("tạo xong"), null=True, blank=True)

    class Meta:
        verbose_name = _("văn bản đã tạo")
        verbose_name_plural = _("văn bản đã tạo")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "object_id"], name="generated_document_object")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_state_display()})"
