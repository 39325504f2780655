"""What the API reads and writes about eligibility, the public's feedback and notifications."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dossiers.api.serializers import ID, InputSerializer, _vietnamese_messages, inline_choice_field
from dossiers.models.eligibility import VerdictResult
from dossiers.models.notice import FeedbackStatus
from workflows.api.serializers import TaskDossierSerializer
from workflows.models import Notification

# --------------------------------------------------------------------------
# Eligibility
# --------------------------------------------------------------------------


class OverrideSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField(help_text="Lý do chấp nhận tiêu chuẩn không đạt.")
    created_by = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()


class VerdictSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField(help_text="Loại tiêu chuẩn, ví dụ consecutive_titles.")
    description = serializers.CharField()
    result = inline_choice_field(VerdictResult.choices)
    result_label = serializers.CharField()
    explanation = serializers.CharField(help_text="Giải thích bằng tiếng Việt: năm, hồ sơ đã dùng.")
    regulation = serializers.CharField(help_text="Mã văn bản áp dụng.")
    evaluated_at = serializers.DateTimeField()
    override = OverrideSerializer(allow_null=True)


VerdictSerializer._declared_fields["children"] = VerdictSerializer(many=True)


class NominationEligibilitySerializer(serializers.Serializer):
    nomination = serializers.IntegerField()
    nominee_name = serializers.CharField()
    award_type = serializers.CharField(help_text="Mã danh hiệu, hình thức.")
    award_name = serializers.CharField()
    outcome = serializers.CharField(help_text="Tình trạng của đề nghị.")
    result = inline_choice_field(VerdictResult.choices, allow_null=True,
                                 help_text="Kết quả chung (đã tính các ngoại lệ được chấp nhận); null: chưa kiểm tra.")
    checked_at = serializers.DateTimeField(allow_null=True)
    verdicts = VerdictSerializer(many=True, help_text="Cây kết quả theo từng tiêu chuẩn.")


class OverrideRequestSerializer(InputSerializer):
    reason = serializers.CharField(help_text="Lý do chấp nhận tiêu chuẩn không đạt (bắt buộc).")


# --------------------------------------------------------------------------
# Public feedback
# --------------------------------------------------------------------------


class FeedbackSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nomination = serializers.IntegerField(source="nomination_id")
    nominee_name = serializers.CharField(source="nomination.subject_name")
    award_type = serializers.CharField(source="nomination.award_type.code")
    dossier = serializers.SerializerMethodField()
    name = serializers.CharField(help_text="Họ tên người góp ý (có thể trống).")
    contact = serializers.CharField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    status = inline_choice_field(FeedbackStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    resolution_note = serializers.CharField()
    resolved_by = serializers.SerializerMethodField()
    resolved_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(TaskDossierSerializer)
    def get_dossier(self, feedback) -> dict:
        return TaskDossierSerializer(feedback.nomination.dossier).data

    def get_resolved_by(self, feedback) -> str | None:
        return str(feedback.resolved_by) if feedback.resolved_by_id else None


class FeedbackFilterSerializer(InputSerializer):
    status = inline_choice_field(FeedbackStatus.choices, required=False, allow_blank=True, default="",
                                 help_text="Lọc theo tình trạng; trống: tất cả.")
    dossier = serializers.IntegerField(required=False, allow_null=True, default=None, **ID)


class ResolveFeedbackSerializer(InputSerializer):
    upheld = serializers.BooleanField(help_text="true: góp ý có cơ sở (đề nghị thành không đủ điều kiện).")
    note = serializers.CharField(allow_blank=True, help_text="Kết quả xem xét (bắt buộc).")


# --------------------------------------------------------------------------
# Notifications
# --------------------------------------------------------------------------


class NotificationSerializer(serializers.ModelSerializer):
    dossier = serializers.IntegerField(source="dossier_id_ref", allow_null=True)
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "url", "dossier", "created_at", "read_at", "unread"]

    def get_unread(self, notification) -> bool:
        return notification.read_at is None


class NotificationFilterSerializer(InputSerializer):
    order = inline_choice_field([("unread", "unread"), ("newest", "newest")], required=False, default="unread",
                                help_text="unread: chưa đọc lên trước, rồi mới nhất; newest: mới nhất trước.")
    unread = serializers.BooleanField(required=False, allow_null=True, default=None,
                                      help_text="true: chỉ thông báo chưa đọc; false: chỉ đã đọc.")


class MarkReadSerializer(InputSerializer):
    ids = serializers.ListField(child=serializers.IntegerField(**ID), required=False, allow_null=True,
                                default=None, max_length=1000,
                                help_text="Các thông báo cần đánh dấu đã đọc; bỏ trống: tất cả.")

    def get_fields(self):
        fields = super().get_fields()
        child = fields["ids"].child
        child.error_messages.update({key: message for key, message in _vietnamese_messages(child).items()
                                     if key in child.error_messages})
        return fields


class MarkReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="Số thông báo vừa đánh dấu đã đọc.")
    unread_count = serializers.IntegerField(help_text="Số thông báo còn chưa đọc.")
