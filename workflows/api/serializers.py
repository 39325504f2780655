"""What the review API reads and writes about tasks and a dossier's process (see also ``review_serializers``).

Output serializers read rows the views have already joined (no query per
row); input serializers only validate shapes and references, the services
make every change and every domain check.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dossiers.api.serializers import (
    ID,
    ChoiceLabelField,
    InputSerializer,
    OutputModelSerializer,
    UnitBriefSerializer,
    inline_choice_field,
)
from dossiers.models import Dossier, User
from workflows.api import selectors
from workflows.forms import FEEDBACK_NOTE_MAX_LENGTH, ITEM_TEXT_MAX_LENGTH, NOTE_MAX_LENGTH
from workflows.services import HUMAN_TASKS

# --------------------------------------------------------------------------
# Shared pieces
# --------------------------------------------------------------------------


class PersonBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TaskDossierSerializer(OutputModelSerializer):
    """The dossier a task is about."""

    unit = UnitBriefSerializer()
    state_label = ChoiceLabelField(Dossier, "state")

    class Meta:
        model = Dossier
        fields = ["id", "reference", "title", "unit", "state", "state_label", "return_count"]


class DeadlineSerializer(serializers.Serializer):
    working_days = serializers.IntegerField(help_text="Thời hạn, tính bằng ngày làm việc.")
    due_on = serializers.DateField(help_text="Phải xong trước hết ngày này.")
    remind_on = serializers.DateField(help_text="Ngày nhắc việc.")
    reminded_at = serializers.DateTimeField(allow_null=True)
    escalated_at = serializers.DateTimeField(allow_null=True, help_text="Lúc đã báo lãnh đạo vì quá hạn.")


# --------------------------------------------------------------------------
# Tasks
# --------------------------------------------------------------------------


class TaskSerializer(serializers.Serializer):
    """A task as a work-list row."""

    id = serializers.IntegerField()
    node = serializers.SerializerMethodField(help_text="Bước của quy trình: intake, appraisal, approval, "
                                                       "await_supplement, await_feedback, ...")
    title = serializers.SerializerMethodField()
    status = serializers.CharField(help_text="NEW (chưa ai nhận), ASSIGNED (đã có người nhận), DONE, CANCELED, ...")
    dossier = serializers.SerializerMethodField()
    owner = serializers.SerializerMethodField()
    created = serializers.DateTimeField()
    due_on = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    return_count = serializers.SerializerMethodField(help_text="Số lần hồ sơ đã bị trả lại.")

    def get_node(self, task) -> str:
        return task.flow_task.name

    def get_title(self, task) -> str:
        # Each step's title translated once per serializer, not once per row.
        titles = self.__dict__.setdefault("_titles", {})
        node = task.flow_task
        if node not in titles:
            titles[node] = str(node.task_title)
        return titles[node]

    @extend_schema_field(TaskDossierSerializer)
    def get_dossier(self, task) -> dict:
        # One dossier serializer for every row: building one per row (its fields, from the model) was half
        # the work list's time.
        serializer = self.__dict__.get("_dossier_serializer")
        if serializer is None:
            serializer = self._dossier_serializer = TaskDossierSerializer()
        return serializer.to_representation(selectors.dossier_of_task(task))

    @extend_schema_field(PersonBriefSerializer(allow_null=True))
    def get_owner(self, task) -> dict | None:
        return {"id": task.owner.pk, "name": str(task.owner)} if task.owner_id else None

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_due_on(self, task) -> str | None:
        deadline = selectors.deadline_of(task)
        return deadline.due_on.isoformat() if deadline else None

    def get_overdue(self, task) -> bool:
        return selectors.is_overdue(task, self.context.get("today"))

    def get_return_count(self, task) -> int:
        return selectors.dossier_of_task(task).return_count


class TaskDetailSerializer(TaskSerializer):
    """A task with its deadline and what the caller may do with it."""

    assigned = serializers.DateTimeField(allow_null=True)
    finished = serializers.DateTimeField(allow_null=True)
    deadline = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField(
        help_text="Thao tác người gọi được làm lúc này: claim, release, reassign, complete."
    )
    reassign_to = serializers.SerializerMethodField(help_text="Người lãnh đạo có thể giao việc này cho (chỉ lãnh đạo).")
    decisions = serializers.SerializerMethodField(help_text="Các kết quả được chọn khi hoàn thành việc này.")

    @extend_schema_field(DeadlineSerializer(allow_null=True))
    def get_deadline(self, task) -> dict | None:
        deadline = selectors.deadline_of(task)
        return DeadlineSerializer(deadline).data if deadline else None

    @extend_schema_field(serializers.ListField(child=inline_choice_field(
        [(name, name) for name in selectors.TASK_ACTIONS])))
    def get_allowed_actions(self, task) -> list[str]:
        return selectors.allowed_task_actions(self.context["request"].user, task)

    @extend_schema_field(PersonBriefSerializer(many=True))
    def get_reassign_to(self, task) -> list[dict]:
        return [{"id": person.pk, "name": str(person)}
                for person in selectors.reassign_candidates(self.context["request"].user, task)]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_decisions(self, task) -> list[str]:
        return list(DECISIONS.get(task.flow_task.name, ()))


class TaskFilterSerializer(InputSerializer):
    scope = inline_choice_field([(s, s) for s in selectors.SCOPES], required=False, default="mine",
                                help_text="mine: việc của tôi; queue: việc chờ nhận mà tôi được nhận; "
                                          "overdue: việc quá hạn.")


class ReassignSerializer(InputSerializer):
    user = serializers.IntegerField(**ID, help_text="Người được giao việc (cùng tỉnh, đúng vai trò).")

    def validate_user(self, pk):
        province_id = selectors.province_id_of(self.user)
        person = User.objects.filter(pk=pk, is_active=True, unit__province_id=province_id).first()
        if person is None:
            raise serializers.ValidationError(_("Không tìm thấy người dùng này trong tỉnh."))
        return person


# ---- completing a task: one body per node ----

DECISIONS = {
    "intake": ("accept", "return", "reject"),
    "appraisal": ("submit", "return", "reject"),
    "approval": ("approve", "send_back", "reject"),
    "resolve_feedback": ("dismiss", "uphold"),
}


class _NestedInput(InputSerializer):
    """A nested object in a list: also its own "not an object" message in Vietnamese."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.error_messages["invalid"] = _lazy("Phải là một đối tượng JSON.")  # built at import: lazy


class ItemInputSerializer(_NestedInput):
    reason = serializers.CharField(max_length=40, help_text="Mã lý do trả lại (xem /api/v1/return-reasons/).")
    nomination = serializers.IntegerField(required=False, allow_null=True, default=None, **ID,
                                          help_text="Đề nghị cần bổ sung (nếu có).")
    document_type = serializers.CharField(required=False, allow_null=True, allow_blank=True, default=None,
                                          max_length=40, help_text="Mã loại tài liệu cần bổ sung (nếu có).")
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=ITEM_TEXT_MAX_LENGTH,
                                 help_text="Nội dung cần bổ sung.")


class AppraisalInputSerializer(_NestedInput):
    nomination = serializers.IntegerField(**ID)
    eligible = serializers.BooleanField(help_text="Đủ điều kiện hay không.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH,
                                 help_text="Ý kiến thẩm định (bắt buộc khi không đủ điều kiện).")


def _decision(node: str):
    return inline_choice_field([(d, d) for d in DECISIONS[node]], help_text="Kết quả xử lý.")


def _node(node: str):
    return serializers.CharField(required=False, max_length=40,
                                 help_text=f"Bước của việc ({node}); nếu gửi mà khác bước của việc thì bị từ chối.")


def _note(help_text: str, max_length: int = NOTE_MAX_LENGTH):
    """A free text of a task's outcome, limited as on the task's page (``workflows/forms.py``)."""
    return serializers.CharField(required=False, allow_blank=True, default="", max_length=max_length,
                                 help_text=help_text)


def _due_on():
    return serializers.DateField(required=False, allow_null=True, default=None,
                                 help_text="Hạn bổ sung khi trả lại; mặc định theo số ngày làm việc của tỉnh.")


class IntakeCompleteSerializer(InputSerializer):
    node = _node("intake")
    decision = _decision("intake")
    items = ItemInputSerializer(many=True, required=False, default=list,
                                help_text="Nội dung cần bổ sung khi trả lại.")
    note = _note("Nội dung chung khi trả lại.")
    reason = _note("Lý do không chấp nhận hồ sơ (bắt buộc khi reject).")
    due_on = _due_on()


class AppraisalCompleteSerializer(InputSerializer):
    node = _node("appraisal")
    decision = _decision("appraisal")
    appraisals = AppraisalInputSerializer(many=True, required=False, default=list,
                                          help_text="Kết luận cho từng đề nghị (bắt buộc khi submit).")
    items = ItemInputSerializer(many=True, required=False, default=list,
                                help_text="Nội dung cần bổ sung khi trả lại.")
    note = _note("Nội dung chung khi trả lại.")
    reason = _note("Lý do không chấp nhận hồ sơ (bắt buộc khi reject).")
    due_on = _due_on()


class ApprovalCompleteSerializer(InputSerializer):
    node = _node("approval")
    decision = _decision("approval")
    note = _note("Nội dung cần thẩm định lại (bắt buộc khi send_back).")
    reason = _note("Lý do không chấp nhận hồ sơ (bắt buộc khi reject).")


class FeedbackCompleteSerializer(InputSerializer):
    node = _node("resolve_feedback")
    decision = _decision("resolve_feedback")
    note = _note("Kết quả xem xét góp ý (bắt buộc).", max_length=FEEDBACK_NOTE_MAX_LENGTH)


COMPLETE_SERIALIZERS = {
    "intake": IntakeCompleteSerializer,
    "appraisal": AppraisalCompleteSerializer,
    "approval": ApprovalCompleteSerializer,
    "resolve_feedback": FeedbackCompleteSerializer,
}
assert set(COMPLETE_SERIALIZERS) == set(HUMAN_TASKS) == set(DECISIONS)


class CompletionSerializer(serializers.Serializer):
    task = TaskSerializer(help_text="Việc vừa hoàn thành.")
    dossier = TaskDossierSerializer(help_text="Hồ sơ sau khi xử lý.")
    next_tasks = TaskSerializer(many=True, help_text="Các việc tiếp theo của quy trình.")


# --------------------------------------------------------------------------
# Process status of a dossier
# --------------------------------------------------------------------------


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class SupplementItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reason = CodeNameSerializer()
    nomination = serializers.IntegerField(source="nomination_id", allow_null=True)
    nominee_name = serializers.SerializerMethodField()
    document_type = CodeNameSerializer(allow_null=True)
    text = serializers.CharField()

    def get_nominee_name(self, item) -> str | None:
        return item.nomination.subject_name if item.nomination_id else None


class SupplementRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField(help_text="Lần trả lại thứ mấy.")
    note = serializers.CharField()
    due_on = serializers.DateField(help_text="Hạn bổ sung.")
    created_by = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True, help_text="Lúc đơn vị trình lại.")
    items = SupplementItemSerializer(many=True, source="items.all")

    def get_created_by(self, request) -> str:
        return str(request.created_by)


class ProcessInfoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="NEW, STARTED, DONE, CANCELED.")
    created = serializers.DateTimeField()
    finished = serializers.DateTimeField(allow_null=True)


class PublicNoticeBriefSerializer(serializers.Serializer):
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    closed_at = serializers.DateTimeField(allow_null=True)


class ChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    time = serializers.DateTimeField(source="occurred_at")
    actor_name = serializers.CharField()
    action = serializers.CharField()
    message = serializers.CharField()
    before = serializers.JSONField()
    after = serializers.JSONField()


class ProcessStatusSerializer(serializers.Serializer):
    dossier = TaskDossierSerializer()
    process = ProcessInfoSerializer(allow_null=True, help_text="null: hồ sơ chưa trình.")
    active_tasks = TaskSerializer(many=True, help_text="Các việc đang chờ, với hạn xử lý.")
    supplement_requests = SupplementRequestSerializer(many=True, help_text="Các lần trả lại để bổ sung.")
    changes_since_return = ChangeSerializer(many=True,
                                            help_text="Những gì đơn vị thay đổi từ lần trả lại gần nhất.")
    rejected_reason = serializers.CharField(help_text="Lý do không chấp nhận (nếu hồ sơ bị từ chối).")
    public_notice = PublicNoticeBriefSerializer(allow_null=True)


class ReturnReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    applies_to = serializers.CharField(help_text="dossier, nomination hoặc document.")
