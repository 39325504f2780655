"""Dossiers, their nominations and attachments.

The dossier's legal state is a django-fsm-2 field, protected against direct
assignment: only the transition methods below change it, and only the service
layer calls them (inside a transaction, after a permission check, writing an
audit event). ``ConcurrentTransitionMixin`` makes the save fail when another
request changed the state since this one read it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from dossiers.models.catalogue import AwardKind
from dossiers.models.fields import NFCCharField, NFCTextField
from dossiers.models.people import SubjectMixin
from dossiers.permissions import (
    EDITABLE,
    RETURNABLE,
    WITHDRAWABLE,
    can_resubmit_dossier,
    can_review_dossier,
    can_route_dossier,
    can_submit_dossier,
    can_withdraw_dossier,
)

# Free text that is shown to the public, to the council and printed in official PDFs has a limit
# (forms, the API and the Excel import refuse longer text with a Vietnamese message).
ACHIEVEMENT_SUMMARY_MAX_LENGTH = 4000
REASON_MAX_LENGTH = 2000


class DossierState(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã trình")
    RETURNED = "returned", _("Trả lại để bổ sung")
    UNDER_REVIEW = "under_review", _("Đang thẩm định")
    PUBLIC_NOTICE = "public_notice", _("Đang công khai")
    AWAITING_COUNCIL = "awaiting_council", _("Chờ Hội đồng xét")
    IN_COUNCIL = "in_council", _("Hội đồng đang xét")
    AWAITING_DECISION = "awaiting_decision", _("Chờ quyết định")
    DECIDED = "decided", _("Đã có quyết định")
    FORWARDED = "forwarded", _("Đã trình Trung ương")
    CLOSED = "closed", _("Đã kết thúc")
    REJECTED = "rejected", _("Không chấp nhận")
    WITHDRAWN = "withdrawn", _("Đã rút")


# States in which the unit may still change its dossier.
UNIT_EDITABLE_STATES = tuple(DossierState(state) for state in EDITABLE)
# States from which the unit may withdraw the dossier: before the council takes it up.
WITHDRAWABLE_STATES = tuple(DossierState(state) for state in WITHDRAWABLE)
# States from which Home Affairs may return the dossier for supplement.
RETURNABLE_STATES = tuple(DossierState(state) for state in RETURNABLE)


def has_nominations(dossier: Dossier) -> bool:
    """Condition of submission: at least one person or collective is proposed."""
    return dossier.nominations.exists()


def has_required_documents(dossier: Dossier) -> bool:
    """Condition of submission: every document the catalogue requires is attached."""
    from dossiers.requirements import missing_documents

    return not missing_documents(dossier)


# The service (``dossiers.services.dossiers``) checks the same conditions first,
# to tell the user what is missing; the transition refuses in any case.
SUBMISSION_CONDITIONS = [has_nominations, has_required_documents]


class Dossier(ConcurrentTransitionMixin, models.Model):
    unit = models.ForeignKey(
        "dossiers.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="dossiers"
    )
    kind = models.CharField(_("loại hình khen thưởng"), max_length=30, choices=AwardKind.choices)
    year = models.PositiveSmallIntegerField(_("năm thành tích"))
    movement = models.ForeignKey(
        "dossiers.Movement", verbose_name=_("phong trào thi đua"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="dossiers",
    )
    title = NFCCharField(_("trích yếu"), max_length=500)
    state = FSMField(
        _("trạng thái"), max_length=30, choices=DossierState.choices, default=DossierState.DRAFT,
        protected=True, db_index=True,
    )
    regulation = models.ForeignKey(
        "dossiers.Regulation", verbose_name=_("văn bản áp dụng"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="dossiers",
        help_text=_("Văn bản có hiệu lực vào ngày trình."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người lập")
    )
    created_at = models.DateTimeField(_("ngày lập"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("người chuyển thủ trưởng"),
    )
    prepared_at = models.DateTimeField(_("ngày chuyển thủ trưởng"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("người trình"),
    )
    submitted_at = models.DateTimeField(_("ngày trình"), null=True, blank=True)
    return_count = models.PositiveSmallIntegerField(_("số lần trả lại"), default=0)
    return_reason = NFCTextField(_("lý do trả lại"), blank=True)
    withdrawn_reason = NFCTextField(_("lý do rút"), blank=True)
    rejected_reason = NFCTextField(_("lý do không chấp nhận"), blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("người thẩm định"),
    )
    appraised_at = models.DateTimeField(_("ngày thẩm định"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("lãnh đạo duyệt"),
    )
    approved_at = models.DateTimeField(_("ngày duyệt"), null=True, blank=True)
    closed_at = models.DateTimeField(_("thời điểm kết thúc"), null=True, blank=True)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("hồ sơ đề nghị khen thưởng")
        verbose_name_plural = _("hồ sơ đề nghị khen thưởng")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "state", "-created_at"]),
            models.Index(fields=["state", "-submitted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"HS-{self.year}-{self.pk:05d}" if self.pk else ""

    @property
    def is_editable_by_unit(self) -> bool:
        return self.state in UNIT_EDITABLE_STATES

    @property
    def is_prepared(self) -> bool:
        return self.prepared_at is not None

    # Transitions the unit drives. Their conditions (nominations present,
    # required documents attached) refuse with TransitionNotAllowed; the service
    # checks the same first to tell the user what is missing. Permissions come
    # from ``dossiers.permissions`` (rules predicates), checked by the service
    # through ``has_transition_perm``.

    @transition(field=state, source=DossierState.DRAFT, target=DossierState.SUBMITTED,
                conditions=SUBMISSION_CONDITIONS, permission=can_submit_dossier)
    def submit(self, *, by, at):
        self.submitted_by = by
        self.submitted_at = at

    @transition(field=state, source=DossierState.RETURNED, target=DossierState.SUBMITTED,
                conditions=SUBMISSION_CONDITIONS, permission=can_resubmit_dossier)
    def resubmit(self, *, by, at):
        self.submitted_by = by
        self.submitted_at = at

    @transition(field=state, source=list(RETURNABLE_STATES),
                target=DossierState.RETURNED, permission=can_review_dossier)
    def return_for_supplement(self, *, reason):
        self.return_count += 1
        self.return_reason = reason
        self.prepared_by = None
        self.prepared_at = None

    @transition(field=state, source=list(WITHDRAWABLE_STATES), target=DossierState.WITHDRAWN,
                permission=can_withdraw_dossier)
    def withdraw(self, *, reason):
        self.withdrawn_reason = reason

    # Home Affairs' review (driven by the review services and the flow).

    @transition(field=state, source=DossierState.SUBMITTED, target=DossierState.UNDER_REVIEW,
                permission=can_review_dossier)
    def start_review(self):
        pass

    @transition(field=state, source=[DossierState.SUBMITTED, DossierState.UNDER_REVIEW],
                target=DossierState.REJECTED, permission=can_review_dossier)
    def reject(self, *, reason):
        self.rejected_reason = reason
        self.closed_at = timezone.now()

    @transition(field=state, source=DossierState.UNDER_REVIEW, target=DossierState.PUBLIC_NOTICE,
                permission=can_route_dossier)
    def open_public_notice(self):
        pass

    @transition(field=state, source=[DossierState.UNDER_REVIEW, DossierState.PUBLIC_NOTICE],
                target=DossierState.AWAITING_COUNCIL, permission=can_route_dossier)
    def send_to_council(self):
        pass

    @transition(field=state, source=[DossierState.UNDER_REVIEW, DossierState.PUBLIC_NOTICE],
                target=DossierState.AWAITING_DECISION, permission=can_route_dossier)
    def send_to_decision(self):
        pass

    # The council stage (driven by councils.services through dossiers.services.council_stage).

    @transition(field=state, source=DossierState.AWAITING_COUNCIL, target=DossierState.IN_COUNCIL)
    def take_into_council(self):
        pass

    @transition(field=state, source=DossierState.IN_COUNCIL, target=DossierState.AWAITING_COUNCIL)
    def back_to_council_pool(self):
        """Some of its nominations were left for a later session."""

    @transition(field=state, source=DossierState.IN_COUNCIL, target=DossierState.AWAITING_DECISION)
    def council_done(self):
        pass

    @transition(field=state, source=DossierState.IN_COUNCIL, target=DossierState.CLOSED)
    def close_after_council(self):
        """No nomination passed the council and none awaits a decision without a vote."""
        self.closed_at = timezone.now()

    # The decision stage (dossiers.services.decisions and dossiers.services.central).

    @transition(field=state, source=DossierState.AWAITING_DECISION, target=DossierState.DECIDED)
    def mark_decided(self):
        pass

    @transition(field=state, source=DossierState.DECIDED, target=DossierState.FORWARDED)
    def forward(self):
        """Some of its nominations go on to the Prime Minister or the President."""

    @transition(field=state, source=[DossierState.DECIDED, DossierState.FORWARDED], target=DossierState.CLOSED)
    def close(self):
        self.closed_at = timezone.now()

    @transition(field=state, source=[DossierState.UNDER_REVIEW, DossierState.PUBLIC_NOTICE],
                target=DossierState.CLOSED, permission=can_route_dossier)
    def close_without_award(self):
        """Every nomination was found ineligible: nothing goes further."""
        self.closed_at = timezone.now()


class NominationOutcome(models.TextChoices):
    PROPOSED = "proposed", _("Đề nghị")
    ELIGIBLE = "eligible", _("Đủ điều kiện")
    INELIGIBLE = "ineligible", _("Không đủ điều kiện")
    COUNCIL_PASSED = "council_passed", _("Hội đồng thông qua")
    COUNCIL_FAILED = "council_failed", _("Hội đồng không thông qua")
    AWARDED = "awarded", _("Được khen thưởng")
    NOT_AWARDED = "not_awarded", _("Không được khen thưởng")
    FORWARDED = "forwarded", _("Đã trình cấp trên")
    GRANTED = "granted", _("Cấp trên đã khen thưởng")
    DECLINED = "declined", _("Cấp trên không khen thưởng")
    REVOKED = "revoked", _("Bị hủy bỏ")
    WITHDRAWN = "withdrawn", _("Đã rút")


class Nomination(ConcurrentTransitionMixin, SubjectMixin):
    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="nominations"
    )
    award_type = models.ForeignKey(
        "dossiers.AwardType", verbose_name=_("danh hiệu, hình thức đề nghị"),
        on_delete=models.PROTECT, related_name="nominations",
    )
    # Shown in full on the public notice, the council's ballot and the PDFs: a summary, not the report itself.
    achievement_summary = NFCTextField(_("tóm tắt thành tích"), max_length=ACHIEVEMENT_SUMMARY_MAX_LENGTH)
    outcome = FSMField(
        _("kết quả"), max_length=30, choices=NominationOutcome.choices,
        default=NominationOutcome.PROPOSED, protected=True, db_index=True,
    )
    created_at = models.DateTimeField(default=timezone.now)
    appraisal_note = NFCTextField(_("ý kiến thẩm định"), blank=True)

    class Meta(SubjectMixin.Meta):
        verbose_name = _("đề nghị khen thưởng")
        verbose_name_plural = _("đề nghị khen thưởng")
        ordering = ["id"]
        constraints = [
            *SubjectMixin.Meta.constraints,
            models.UniqueConstraint(
                fields=["dossier", "person", "award_type"], name="uniq_nomination_person"
            ),
            models.UniqueConstraint(
                fields=["dossier", "collective", "award_type"], name="uniq_nomination_collective"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name}: {self.award_type}"

    @transition(field=outcome, source=[NominationOutcome.PROPOSED, NominationOutcome.ELIGIBLE,
                                       NominationOutcome.INELIGIBLE, NominationOutcome.COUNCIL_PASSED],
                target=NominationOutcome.WITHDRAWN)
    def withdraw(self):
        pass

    @transition(field=outcome, source=[NominationOutcome.PROPOSED, NominationOutcome.ELIGIBLE,
                                       NominationOutcome.INELIGIBLE],
                target=NominationOutcome.ELIGIBLE)
    def mark_eligible(self):
        pass

    @transition(field=outcome, source=[NominationOutcome.PROPOSED, NominationOutcome.ELIGIBLE,
                                       NominationOutcome.INELIGIBLE],
                target=NominationOutcome.INELIGIBLE)
    def mark_ineligible(self):
        pass

    @transition(field=outcome, source=NominationOutcome.ELIGIBLE, target=NominationOutcome.COUNCIL_PASSED)
    def council_pass(self):
        pass

    @transition(field=outcome, source=NominationOutcome.ELIGIBLE, target=NominationOutcome.COUNCIL_FAILED)
    def council_fail(self):
        pass

    @transition(field=outcome, source=[NominationOutcome.ELIGIBLE, NominationOutcome.COUNCIL_PASSED],
                target=NominationOutcome.AWARDED)
    def award(self):
        pass

    @transition(field=outcome, source=[NominationOutcome.ELIGIBLE, NominationOutcome.COUNCIL_PASSED],
                target=NominationOutcome.FORWARDED)
    def forward(self):
        pass

    @transition(field=outcome, source=NominationOutcome.FORWARDED, target=NominationOutcome.GRANTED)
    def grant(self):
        pass

    @transition(field=outcome, source=NominationOutcome.FORWARDED, target=NominationOutcome.DECLINED)
    def decline(self):
        pass

    @transition(field=outcome, source=[NominationOutcome.AWARDED, NominationOutcome.GRANTED],
                target=NominationOutcome.REVOKED)
    def revoke(self):
        pass

    @transition(field=outcome, source=[NominationOutcome.ELIGIBLE, NominationOutcome.INELIGIBLE],
                target=NominationOutcome.PROPOSED)
    def reopen(self):
        """The dossier came back to the unit: appraisal starts again after resubmission."""


def attachment_path(instance: Attachment, filename: str) -> str:
    """Storage path: never derived from the uploaded name."""
    today = timezone.localdate()
    return f"attachments/{today:%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="attachments"
    )
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("đề nghị"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="attachments",
    )
    document_type = models.ForeignKey(
        "dossiers.DocumentType", verbose_name=_("loại tài liệu"), on_delete=models.PROTECT,
        related_name="+",
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = NFCCharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("kiểu tệp"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người tải lên")
    )
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), default=timezone.now)

    class Meta:
        verbose_name = _("tài liệu đính kèm")
        verbose_name_plural = _("tài liệu đính kèm")
        ordering = ["document_type__order", "id"]

    def __str__(self) -> str:
        return self.original_name
