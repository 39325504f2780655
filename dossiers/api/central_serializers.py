"""Serializers of the central stage's API: submissions, their items and history, the board, the inputs.

Outputs read objects the selectors prepared (``CentralClock`` in the context
for due dates), so a list costs the same few queries whatever its length.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dossiers.api.serializers import ID
from dossiers.models import CentralAttachment, CentralItem, CentralState, CentralSubmission, SignerCapacity
from dossiers.models.central_deadlines import STAGE_WAITS
from dossiers.models.dossier import REASON_MAX_LENGTH
from dossiers.selectors_central import AUTHORITY_CHOICES, BOARD_STATUSES, SORT_CHOICES

STATE_HELP = "Trạng thái: " + ", ".join(f"{value} ({label})" for value, label in CentralState.choices) + "."
STEPS = ["sign", "send", "attach", "receive", "return", "decide", "items_received", "hand_over", "close"]


class CentralItemSerializer(serializers.ModelSerializer):
    nomination = serializers.IntegerField(source="nomination_id")
    nominee = serializers.CharField(source="nomination.subject_name")
    subject = serializers.SerializerMethodField(help_text="individual | collective")
    unit = serializers.CharField(source="nomination.dossier.unit.name")
    dossier = serializers.CharField(source="nomination.dossier.reference")
    year = serializers.IntegerField(source="nomination.dossier.year")
    award_code = serializers.CharField(source="nomination.award_type.code")
    award = serializers.CharField(source="nomination.award_type.name")
    award_authority = serializers.CharField(source="nomination.award_type.authority")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = CentralItem
        fields = ["id", "position", "nomination", "nominee", "subject", "unit", "dossier", "year", "award_code",
                  "award", "award_authority", "status", "status_label", "deciding_authority", "decision_number",
                  "decision_date", "reason"]

    def get_subject(self, item) -> str:
        return "collective" if item.nomination.collective_id else "individual"


class CentralAttachmentSerializer(serializers.ModelSerializer):
    submission = serializers.IntegerField(source="submission_id")
    nomination = serializers.IntegerField(source="nomination_id", allow_null=True)
    nominee = serializers.SerializerMethodField()
    return_round = serializers.IntegerField(help_text="0: gửi kèm hồ sơ lần đầu; n: bổ sung theo lần trả lại thứ n.")
    uploaded_by = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = CentralAttachment
        fields = ["id", "submission", "nomination", "nominee", "label", "original_name", "content_type", "size",
                  "sha256", "return_round", "uploaded_by", "uploaded_at", "download_url"]

    def get_nominee(self, attachment) -> str | None:
        return attachment.nomination.subject_name if attachment.nomination_id else None

    def get_uploaded_by(self, attachment) -> str:
        return str(attachment.uploaded_by)

    def get_download_url(self, attachment) -> str:
        address = reverse("api:central-attachment-download", args=[attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(address) if request is not None else address


class _Due(serializers.Serializer):
    def _clock(self):
        return self.context["clock"]

    @extend_schema_field(OpenApiTypes.DATE)
    def get_due_on(self, submission) -> str | None:
        due = self._clock().due_on(submission)
        return due.isoformat() if due else None

    def get_overdue(self, submission) -> bool:
        return self._clock().is_overdue(submission)


class CentralSubmissionSerializer(_Due, serializers.ModelSerializer):
    state = serializers.CharField(help_text=STATE_HELP)
    state_label = serializers.CharField(source="get_state_display")
    item_count = serializers.IntegerField(read_only=True)
    granted_count = serializers.IntegerField(read_only=True)
    due_on = serializers.SerializerMethodField(help_text=str(_("Hạn của bước hiện tại (ngày làm việc)")))
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = CentralSubmission
        fields = ["id", "number", "title", "state", "state_label", "item_count", "granted_count", "signed_on",
                  "sent_on", "due_on", "overdue"]


class CentralEventSerializer(serializers.Serializer):
    occurred_at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor_name")
    action = serializers.CharField()
    message = serializers.CharField()
    details = serializers.DictField(source="after")


class CentralSubmissionDetailSerializer(_Due, serializers.ModelSerializer):
    state = serializers.CharField(help_text=STATE_HELP)
    state_label = serializers.CharField(source="get_state_display")
    signed_by = serializers.SerializerMethodField()
    due_on = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    waiting_for = serializers.SerializerMethodField()
    steps = serializers.ListField(child=serializers.ChoiceField(choices=STEPS), read_only=True,
                                  help_text="Các bước người gọi được làm lúc này.")
    items = CentralItemSerializer(source="item_list", many=True, read_only=True)
    attachments = CentralAttachmentSerializer(source="attachment_list", many=True, read_only=True)
    added_since_return = CentralAttachmentSerializer(
        many=True, read_only=True,
        help_text="Tài liệu đã bổ sung kể từ lần Bộ Nội vụ trả lại gần nhất (gửi kèm khi gửi lại); rỗng nếu chưa "
                  "bị trả lại lần nào.")
    events = CentralEventSerializer(source="event_list", many=True, read_only=True)

    class Meta:
        model = CentralSubmission
        fields = ["id", "number", "title", "state", "state_label", "signed_on", "signed_by", "signer_capacity",
                  "sent_on", "channel", "dispatch_number", "received_on", "returned_on", "return_reason",
                  "return_count", "decided_on", "items_received_on", "handed_over_on", "closed_on", "due_on",
                  "overdue", "waiting_for", "steps", "items", "attachments", "added_since_return", "events"]

    def get_signed_by(self, submission) -> str | None:
        return str(submission.signed_by) if submission.signed_by_id else None

    def get_waiting_for(self, submission) -> str | None:
        wait = STAGE_WAITS.get(submission.state)
        return str(wait) if wait and self.get_due_on(submission) else None


class CentralBoardRowSerializer(serializers.Serializer):
    nomination = serializers.IntegerField(source="nomination.pk")
    nominee = serializers.CharField(source="nomination.subject_name")
    unit = serializers.CharField(source="nomination.dossier.unit.name")
    dossier = serializers.CharField(source="nomination.dossier.reference")
    year = serializers.IntegerField(source="nomination.dossier.year")
    award_code = serializers.CharField(source="nomination.award_type.code")
    award = serializers.CharField(source="nomination.award_type.name")
    status = serializers.CharField()
    status_label = serializers.CharField()
    authority = serializers.CharField()
    authority_label = serializers.CharField()
    submission = serializers.IntegerField(source="submission.pk", allow_null=True, default=None)
    submission_number = serializers.CharField(source="submission.number", allow_null=True, default=None)
    forwarded_on = serializers.DateField(allow_null=True)
    age = serializers.IntegerField(allow_null=True, help_text="Số ngày làm việc từ ngày đề nghị cấp trên.")
    due_on = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    decision_number = serializers.CharField(source="item.decision_number", allow_null=True, default=None)
    decision_date = serializers.DateField(source="item.decision_date", allow_null=True, default=None)
    reason = serializers.CharField(source="item.reason", allow_null=True, default=None)


# ---- inputs ----


class CentralBoardFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=BOARD_STATUSES, required=False, allow_blank=True, default="")
    authority = serializers.ChoiceField(choices=AUTHORITY_CHOICES, required=False, allow_blank=True, default="")
    award = serializers.CharField(required=False, allow_blank=True, default="", help_text="Mã hình thức, ví dụ HC_LD3_CN.")
    year = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=2000, max_value=2100)
    unit = serializers.IntegerField(required=False, allow_null=True, default=None, **ID)
    overdue = serializers.BooleanField(required=False, default=False)
    min_age = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0, max_value=10000,
                                       help_text="Chỉ các đề nghị đã chờ ít nhất ngần ấy ngày làm việc (trường age).")
    sort = serializers.ChoiceField(choices=SORT_CHOICES, required=False, allow_blank=True, default="",
                                   help_text="age: lâu nhất trước (age giảm dần); mặc định theo năm, hình thức, đơn vị.")


class CentralAttachmentUploadSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=255, help_text="Tên tài liệu, ví dụ: Xác nhận của cơ quan thuế.")
    nomination = serializers.IntegerField(required=False, allow_null=True, default=None, **ID,
                                          help_text="Mã đề nghị trong hồ sơ trình, khi tài liệu là của một người, "
                                                    "tập thể.")
    file = serializers.FileField(allow_empty_file=True, use_url=False)


class CentralSubmissionFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=CentralState.choices, required=False, allow_blank=True, default="")


class CentralCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=500)
    nominations = serializers.ListField(child=serializers.IntegerField(**ID), allow_empty=False, max_length=5000,
                                        help_text="Các đề nghị đã được Chủ tịch UBND tỉnh đồng ý trình cấp trên.")


class CentralSignSerializer(serializers.Serializer):
    capacity = serializers.ChoiceField(
        choices=SignerCapacity.choices, required=False, allow_null=True, default=None,
        help_text="Không cần gửi: thẩm quyền ký lấy theo tài khoản người ký, do quản trị hệ thống khai báo. "
                  "Nếu gửi, phải đúng thẩm quyền đó, nếu không bị từ chối (400).")
    signed_on = serializers.DateField(required=False, allow_null=True, default=None)


class CentralSendSerializer(serializers.Serializer):
    sent_on = serializers.DateField()
    channel = serializers.CharField(max_length=100)
    dispatch_number = serializers.CharField(max_length=100)


class CentralReceiveSerializer(serializers.Serializer):
    received_on = serializers.DateField()


class CentralReturnSerializer(serializers.Serializer):
    returned_on = serializers.DateField()
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


class CentralItemsReceivedSerializer(serializers.Serializer):
    received_on = serializers.DateField()


class CentralHandOverSerializer(serializers.Serializer):
    handed_over_on = serializers.DateField()


class CentralCloseSerializer(serializers.Serializer):
    closed_on = serializers.DateField(required=False, allow_null=True, default=None)


class CentralItemDecisionSerializer(serializers.Serializer):
    granted = serializers.BooleanField()
    authority = serializers.ChoiceField(choices=AUTHORITY_CHOICES, required=False, allow_blank=True, default="")
    decision_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    decision_date = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=REASON_MAX_LENGTH)
