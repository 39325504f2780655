"""What the council API reads and writes.

Output serializers read rows the views have already joined (no query per
row). Input serializers check shapes only; the services in
``councils.services`` make every change and every domain check.

Nothing here ever carries a member's choices except ``BallotSerializer``,
which the ballot endpoint fills with the caller's own ballot only.
"""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from councils.minutes import threshold_label
from councils.models import (
    Choice,
    CouncilSession,
    ItemResult,
    MemberRole,
    SessionKind,
    SessionState,
    VotingMode,
)
from dossiers.api.serializers import ID, YEAR, InputSerializer, UnitBriefSerializer, inline_choice_field
from dossiers.documents.formatting import percent as format_percent
from dossiers.models import AwardKind, VerdictResult

# States in which the agenda shows counted results (during a re-opened vote it does not).
COUNTED_STATES = (SessionState.VOTING_CLOSED, SessionState.RESULTS_CONFIRMED, SessionState.FINALISED)


def _labels(choices) -> str:
    return ", ".join(f"{value} ({label})" for value, label in choices)


def choice_map_field(**kwargs) -> serializers.DictField:
    """``{"<agenda item id>": "agree" | "disagree" | "abstain"}``."""
    child = inline_choice_field(Choice.choices)
    child.error_messages["invalid_choice"] = _("“{input}” không phải là lựa chọn hợp lệ (agree, disagree, abstain).")
    return serializers.DictField(child=child, **kwargs)


# --------------------------------------------------------------------------
# Output: sessions
# --------------------------------------------------------------------------


class CouncilBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SessionSerializer(serializers.ModelSerializer):
    """A session as a list row."""

    council = CouncilBriefSerializer()
    kind_label = serializers.CharField(source="get_kind_display")
    mode_label = serializers.CharField(source="get_mode_display")
    state = serializers.CharField(help_text=f"Trạng thái: {_labels(SessionState.choices)}.")
    state_label = serializers.CharField(source="get_state_display")
    item_count = serializers.IntegerField(help_text="Số đề nghị trong chương trình.")

    class Meta:
        model = CouncilSession
        fields = ["id", "council", "title", "kind", "kind_label", "date", "start_time", "end_time", "place",
                  "secret", "allow_ballot_change", "mode", "mode_label", "state", "state_label", "item_count"]
        extra_kwargs = {
            "kind": {"help_text": f"Loại phiên họp: {_labels(SessionKind.choices)}."},
            "mode": {"help_text": f"Hình thức phiếu: {_labels(VotingMode.choices)}."},
        }

    def build_standard_field(self, field_name, model_field):
        # Plain strings in the schema (the values are in the help text): another "kind" enum is already taken.
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if field_name in ("kind", "mode"):
            kwargs.pop("choices", None)
            return serializers.CharField, kwargs
        return field_class, kwargs


class SessionMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Mã thành viên trong phiên họp.")
    user = serializers.IntegerField(source="user_id", help_text="Mã người dùng (dùng khi điểm danh, nhập ý kiến).")
    name = serializers.CharField()
    role = serializers.CharField(help_text=f"Vai trò: {_labels(MemberRole.choices)}.")
    role_label = serializers.CharField(source="get_role_display")
    position = serializers.CharField()
    votes = serializers.BooleanField(help_text="Có quyền biểu quyết.")
    present = serializers.BooleanField(help_text="Có mặt (theo điểm danh).")


class CorrectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    note = serializers.CharField()
    created_by = serializers.CharField(help_text="Người đính chính.")
    created_at = serializers.DateTimeField()


class RightsSerializer(serializers.Serializer):
    manage = serializers.BooleanField(help_text="Thư ký: chuẩn bị, điều hành phiên họp, nhập phiếu giấy, ý kiến.")
    confirm = serializers.BooleanField(help_text="Xác nhận kết quả (Chủ tịch hoặc Thư ký).")
    sign = serializers.BooleanField(help_text="Ký biên bản (Chủ tịch).")
    vote = serializers.BooleanField(help_text="Người gọi là thành viên biểu quyết, có mặt.")


class SessionDetailSerializer(SessionSerializer):
    quorum = serializers.SerializerMethodField(help_text="Tỷ lệ có mặt tối thiểu, ví dụ 4/5.")
    members = SessionMemberSerializer(many=True, source="roster",
                                      help_text="Danh sách thành viên (lập khi gửi chương trình).")
    corrections = CorrectionSerializer(many=True, source="correction_list")
    my_rights = RightsSerializer(source="rights")
    my_ballot_cast = serializers.BooleanField(
        source="ballot_cast", help_text="Người gọi đã bỏ phiếu điện tử chưa (chỉ của chính mình, không nói chọn gì).")

    class Meta(SessionSerializer.Meta):
        fields = [*SessionSerializer.Meta.fields, "quorum", "created_at", "published_at", "started_at",
                  "voting_opened_at", "voting_closed_at", "confirmed_at", "finalised_at", "minutes_number",
                  "minutes_date", "members", "corrections", "my_rights", "my_ballot_cast"]

    def get_quorum(self, session) -> str:
        return f"{session.quorum_numerator}/{session.quorum_denominator}"


# --------------------------------------------------------------------------
# Output: agenda and pool
# --------------------------------------------------------------------------


class AwardBriefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class DossierBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    year = serializers.IntegerField()
    kind = serializers.CharField()


class NomineeMixin(serializers.Serializer):
    nominee = serializers.SerializerMethodField(help_text="Tên cá nhân hoặc tập thể được đề nghị.")
    subject = serializers.SerializerMethodField(help_text="individual (cá nhân) hoặc collective (tập thể).")
    unit = serializers.SerializerMethodField()
    award = serializers.SerializerMethodField()
    dossier = serializers.SerializerMethodField()

    def nomination_of(self, obj):
        return obj

    def get_nominee(self, obj) -> str:
        return self.nomination_of(obj).subject_name

    def get_subject(self, obj) -> str:
        return "individual" if self.nomination_of(obj).person_id else "collective"

    @extend_schema_field(UnitBriefSerializer)
    def get_unit(self, obj):
        return UnitBriefSerializer(self.nomination_of(obj).dossier.unit).data

    @extend_schema_field(AwardBriefSerializer)
    def get_award(self, obj):
        return AwardBriefSerializer(self.nomination_of(obj).award_type).data

    @extend_schema_field(DossierBriefSerializer)
    def get_dossier(self, obj):
        return DossierBriefSerializer(self.nomination_of(obj).dossier).data


class CountSerializer(serializers.Serializer):
    issued = serializers.IntegerField(allow_null=True, help_text="Số phiếu phát ra.")
    valid = serializers.IntegerField(allow_null=True, help_text="Số phiếu hợp lệ.")
    agree = serializers.IntegerField(allow_null=True)
    disagree = serializers.IntegerField(allow_null=True)
    abstain = serializers.IntegerField(allow_null=True, help_text="Không biểu quyết, phiếu trắng.")
    written_agree = serializers.IntegerField(help_text="Ý kiến bằng văn bản đồng ý.")
    written_other = serializers.IntegerField(help_text="Ý kiến bằng văn bản không đồng ý hoặc không biểu quyết.")
    total_agree = serializers.IntegerField(allow_null=True, help_text="Đồng ý tại phiên họp + bằng văn bản.")
    base = serializers.IntegerField(allow_null=True, help_text="Cơ sở tính tỷ lệ.")
    share = serializers.CharField(allow_null=True, help_text="Tỷ lệ đồng ý đúng như đếm: tổng đồng ý/cơ sở, ví dụ "
                                                             "“14/15”. Đạt hay không được quyết định trên số này.")
    percent = serializers.CharField(
        allow_null=True, help_text="Tỷ lệ đồng ý trên cơ sở, %, một chữ số thập phân, làm tròn nửa lên (như biên "
                                   "bản), dấu chấm thập phân, ví dụ “93.3”; chỉ để hiển thị.")
    percent_text = serializers.CharField(allow_null=True, help_text="Như biên bản in, dấu phẩy thập phân: “93,3”.")


class AgendaOverrideSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField(help_text="Lý do chấp nhận tiêu chuẩn không đạt.")
    created_by = serializers.CharField(allow_null=True, help_text="Người quyết định.")
    created_at = serializers.DateTimeField()


class AgendaVerdictSerializer(serializers.Serializer):
    """One criterion's stored verdict (the same shape as the review API's); ``children``: its parts."""

    id = serializers.IntegerField()
    key = serializers.CharField(help_text="Loại tiêu chuẩn, ví dụ consecutive_titles, all_of.")
    description = serializers.CharField(help_text="Tiêu chuẩn, như văn bản quy định ghi.")
    result = serializers.CharField(help_text=f"Kết quả: {_labels(VerdictResult.choices)}.")
    result_label = serializers.CharField(source="get_result_display")
    explanation = serializers.CharField(help_text="Giải thích vì sao đạt hoặc không đạt.")
    regulation = serializers.CharField(source="regulation.code", help_text="Mã văn bản áp dụng.")
    evaluated_at = serializers.DateTimeField()
    override = serializers.SerializerMethodField(help_text="Chấp nhận bằng văn bản của chuyên viên, nếu có.")

    @extend_schema_field(AgendaOverrideSerializer(allow_null=True))
    def get_override(self, verdict):
        override = getattr(verdict, "override", None)
        return AgendaOverrideSerializer(override).data if override is not None else None


AgendaVerdictSerializer._declared_fields["children"] = AgendaVerdictSerializer(many=True, source="children.all")


class AgendaEligibilitySerializer(serializers.Serializer):
    result = serializers.CharField(allow_blank=True, help_text=f"Kết quả chung (chấp nhận bằng văn bản tính là "
                                                               f"đạt): {_labels(VerdictResult.choices)}; rỗng khi "
                                                               f"chưa kiểm tra.")
    verdicts = AgendaVerdictSerializer(many=True, source="roots")


class AgendaDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    document_type = serializers.CharField(source="document_type.code")
    document_type_name = serializers.CharField(source="document_type.name")
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    download_url = serializers.SerializerMethodField(help_text="Tải về qua phiên họp (cùng quyền như chương trình).")

    def get_download_url(self, attachment) -> str:
        from django.urls import reverse

        url = reverse("api:council-session-document", args=[self.context["session_id"], attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class AgendaItemSerializer(NomineeMixin, serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField(help_text="Số thứ tự trong chương trình.")
    nomination = serializers.IntegerField(source="nomination_id")
    threshold = serializers.SerializerMethodField(help_text="Tỷ lệ phiếu đồng ý cần đạt, ví dụ 9/10.")
    threshold_base = serializers.CharField(
        help_text="all_members (tổng số thành viên Hội đồng) hoặc present_members (có mặt và có ý kiến).")
    threshold_strict = serializers.BooleanField(help_text="true: phải quá tỷ lệ; false: từ tỷ lệ trở lên.")
    threshold_label = serializers.SerializerMethodField(help_text="Như biên bản ghi, ví dụ “từ 90% trở lên”.")
    result = serializers.SerializerMethodField(
        help_text=f"Kết quả: {_labels(ItemResult.choices)}; pending cho đến khi kết thúc bỏ phiếu.")
    result_label = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField(help_text="Kết quả đếm phiếu; null cho đến khi kết thúc bỏ phiếu.")
    paper_tally_entered = serializers.SerializerMethodField(
        help_text="Phiếu giấy: đã nhập kết quả kiểm phiếu chưa (null với phiếu điện tử).")
    achievement_summary = serializers.SerializerMethodField(
        help_text="Tóm tắt thành tích; null khi người gọi chưa được đọc (trước khi gửi chương trình).")
    eligibility = serializers.SerializerMethodField(
        help_text="Kết quả kiểm tra điều kiện đã lưu, từng tiêu chuẩn; null khi người gọi chưa được đọc.")
    documents = serializers.SerializerMethodField(
        help_text="Tài liệu của hồ sơ và của đề nghị, với đường dẫn tải về; null khi người gọi không được đọc.")

    def nomination_of(self, item):
        return item.nomination

    def _details(self, item):
        details = self.context.get("details")
        return None if details is None else details[item.nomination_id]

    def get_achievement_summary(self, item) -> str | None:
        return None if self._details(item) is None else item.nomination.achievement_summary

    @extend_schema_field(AgendaEligibilitySerializer(allow_null=True))
    def get_eligibility(self, item):
        details = self._details(item)
        return None if details is None else AgendaEligibilitySerializer(details).data

    @extend_schema_field(AgendaDocumentSerializer(many=True, allow_null=True))
    def get_documents(self, item):
        details = self._details(item)
        if details is None or details["documents"] is None:
            return None
        return AgendaDocumentSerializer(details["documents"], many=True, context=self.context).data

    def _counted(self, item) -> bool:
        return self.context.get("counted", False) and item.result != ItemResult.PENDING

    def get_threshold(self, item) -> str:
        return f"{item.threshold_numerator}/{item.threshold_denominator}"

    def get_threshold_label(self, item) -> str:
        return threshold_label(item)

    def get_result(self, item) -> str:
        return item.result if self._counted(item) else ItemResult.PENDING

    def get_result_label(self, item) -> str:
        return str(ItemResult(self.get_result(item)).label)

    @extend_schema_field(CountSerializer(allow_null=True))
    def get_counts(self, item):
        if not self._counted(item):
            return None
        total = item.total_agree
        counted = bool(item.base) and total is not None
        # Round half up on exact decimals, as the minutes print it (a float would give 1/16 as 6.2, not 6.3).
        text = format_percent(total, item.base) if counted else None
        return CountSerializer({
            "issued": item.issued, "valid": item.valid, "agree": item.agree, "disagree": item.disagree,
            "abstain": item.abstain, "written_agree": item.written_agree, "written_other": item.written_other,
            "total_agree": total, "base": item.base, "share": f"{total}/{item.base}" if counted else None,
            "percent": text.replace(",", ".") if text else None, "percent_text": text,
        }).data

    def get_paper_tally_entered(self, item) -> bool | None:
        if not self.context.get("paper", False):
            return None
        return hasattr(item, "paper_tally")


class PoolNominationSerializer(NomineeMixin, serializers.Serializer):
    """A nomination waiting for the council."""

    id = serializers.IntegerField()
    threshold = serializers.SerializerMethodField(help_text="Tỷ lệ phiếu đồng ý cần đạt, ví dụ 9/10.")
    threshold_base = serializers.CharField(source="award_type.vote_base")
    threshold_strict = serializers.BooleanField(source="award_type.vote_threshold_strict")

    def get_threshold(self, nomination) -> str:
        award = nomination.award_type
        return f"{award.vote_threshold_numerator}/{award.vote_threshold_denominator}"


# --------------------------------------------------------------------------
# Output: quorum, progress, ballots, opinions, tallies
# --------------------------------------------------------------------------


class QuorumSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="Tỷ lệ có mặt tối thiểu, ví dụ 4/5.")
    members = serializers.IntegerField(help_text="Số thành viên biểu quyết.")
    present = serializers.IntegerField(help_text="Số có mặt.")
    required = serializers.IntegerField(help_text="Số có mặt tối thiểu.")
    met = serializers.BooleanField(help_text="Đủ số thành viên dự họp.")


class ProgressSerializer(serializers.Serializer):
    expected = serializers.IntegerField(help_text="Số thành viên có mặt được bỏ phiếu.")
    voted = serializers.IntegerField(help_text="Số đã bỏ phiếu (không bao giờ nói ai chọn gì).")
    written = serializers.IntegerField(help_text="Số ý kiến bằng văn bản đã nhập.")


class ReceiptSerializer(serializers.Serializer):
    receipt = serializers.CharField(
        allow_null=True,
        help_text="Mã biên nhận: hãy giữ lại; chỉ có nó mới tìm lại và sửa được phiếu kín. "
                  "Khi sửa phiếu: chính mã đã gửi (null nếu biểu quyết công khai không gửi mã).")


class BallotSerializer(serializers.Serializer):
    choices = choice_map_field(help_text="Lựa chọn của chính người gọi, theo mã nội dung (agenda item id); "
                                         "nội dung không có trong phiếu được tính là không biểu quyết.")


class WrittenOpinionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    member = serializers.IntegerField(source="member.user_id", help_text="Mã người dùng của thành viên vắng mặt.")
    name = serializers.CharField(source="member.name")
    original_name = serializers.CharField(help_text="Tên tệp bản chụp.")
    sha256 = serializers.CharField()
    entered_at = serializers.DateTimeField()


class PaperTallySerializer(serializers.Serializer):
    item = serializers.IntegerField(source="item_id")
    issued = serializers.IntegerField()
    valid = serializers.IntegerField()
    agree = serializers.IntegerField()
    disagree = serializers.IntegerField()
    abstain = serializers.IntegerField()
    entered_at = serializers.DateTimeField()


# --------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------


class SessionUpdateSerializer(InputSerializer):
    """Header fields of a session; PATCH sends only those that change."""

    title = serializers.CharField(max_length=255)
    date = serializers.DateField()
    place = serializers.CharField(max_length=255)
    kind = inline_choice_field(SessionKind.choices)
    start_time = serializers.TimeField(allow_null=True)
    secret = serializers.BooleanField(help_text="Bỏ phiếu kín (mặc định).")
    allow_ballot_change = serializers.BooleanField(help_text="Cho phép sửa phiếu (với mã biên nhận) đến khi kết "
                                                             "thúc bỏ phiếu.")
    mode = inline_choice_field(VotingMode.choices)


class SessionCreateSerializer(InputSerializer):
    council = serializers.IntegerField(required=False, allow_null=True, default=None, **ID,
                                       help_text="Hội đồng; mặc định là Hội đồng của tỉnh người gọi.")
    title = serializers.CharField(max_length=255)
    date = serializers.DateField()
    place = serializers.CharField(max_length=255)
    kind = inline_choice_field(SessionKind.choices, required=False, default=SessionKind.REGULAR)
    start_time = serializers.TimeField(required=False, allow_null=True, default=None)
    secret = serializers.BooleanField(required=False, default=True, help_text="Bỏ phiếu kín (mặc định).")
    allow_ballot_change = serializers.BooleanField(required=False, default=True)
    mode = inline_choice_field(VotingMode.choices, required=False, default=VotingMode.ELECTRONIC)


class PoolFilterSerializer(InputSerializer):
    year = serializers.IntegerField(required=False, allow_null=True, default=None, **YEAR)
    kind = inline_choice_field(AwardKind.choices, required=False, allow_blank=True, default="",
                               help_text="Loại hình khen thưởng của hồ sơ.")
    award = serializers.CharField(required=False, allow_blank=True, default="", max_length=50,
                                  help_text="Mã danh hiệu, hình thức, ví dụ CSTD_TINH.")
    unit = serializers.IntegerField(required=False, allow_null=True, default=None, **ID)


class ItemsAddSerializer(InputSerializer):
    nominations = serializers.ListField(child=serializers.IntegerField(**ID), min_length=1, max_length=5000,
                                        help_text="Mã các đề nghị (từ danh sách chờ) đưa vào chương trình.")


class AttendanceSerializer(InputSerializer):
    present = serializers.ListField(child=serializers.IntegerField(**ID), allow_empty=True, max_length=500,
                                    help_text="Mã người dùng của các thành viên có mặt; ai không có tên là vắng.")


class FinaliseSerializer(InputSerializer):
    minutes_date = serializers.DateField(required=False, allow_null=True, default=None,
                                         help_text="Ngày biên bản; mặc định hôm nay.")
    end_time = serializers.TimeField(required=False, allow_null=True, default=None,
                                     help_text="Giờ kết thúc phiên họp.")


class CorrectionInputSerializer(InputSerializer):
    note = serializers.CharField(max_length=2000, help_text="Nội dung đính chính.")
    place = serializers.CharField(required=False, allow_null=True, default=None, max_length=255)
    end_time = serializers.TimeField(required=False, allow_null=True, default=None)


class BallotInputSerializer(InputSerializer):
    choices = choice_map_field(allow_empty=True,
                               help_text="{mã nội dung: agree | disagree | abstain}; thiếu nội dung nào thì nội "
                                         "dung đó tính là không biểu quyết.")
    receipt = serializers.CharField(required=False, allow_blank=True, default="", max_length=40,
                                    help_text="Mã biên nhận của lần bỏ phiếu trước: bắt buộc khi sửa phiếu kín.")


class WrittenOpinionInputSerializer(InputSerializer):
    member = serializers.IntegerField(**ID, help_text="Mã người dùng của thành viên vắng mặt.")
    choices = serializers.CharField(help_text='Lựa chọn dạng chuỗi JSON: {"<mã nội dung>": "agree", ...}.')
    scan = serializers.FileField(use_url=False, help_text="Bản chụp ý kiến bằng văn bản (PDF hoặc ảnh).")

    def validate_choices(self, text):
        try:
            value = json.loads(text)
        except ValueError:
            raise serializers.ValidationError(_("Phải là chuỗi JSON hợp lệ.")) from None
        field = choice_map_field()
        try:
            return field.run_validation(value)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError(_("Mỗi lựa chọn phải là agree, disagree hoặc abstain, theo mã nội dung xét.")) from exc


class PaperTallyInputSerializer(InputSerializer):
    issued = serializers.IntegerField(min_value=0, max_value=100000, help_text="Số phiếu phát ra.")
    valid = serializers.IntegerField(min_value=0, max_value=100000, help_text="Số phiếu hợp lệ.")
    agree = serializers.IntegerField(min_value=0, max_value=100000)
    disagree = serializers.IntegerField(min_value=0, max_value=100000)
    abstain = serializers.IntegerField(min_value=0, max_value=100000)


def agenda_context(session: CouncilSession, items=None, *, request=None) -> dict:
    """What the agenda serializer needs; with ``items`` and the ``request``, the details the caller may read."""
    from councils import permissions
    from councils.selectors import agenda_details

    context = {"counted": session.state in COUNTED_STATES, "paper": session.mode == VotingMode.PAPER,
               "session_id": session.pk, "request": request}
    if items is not None and request is not None and permissions.reads_agenda_details(request.user, session):
        context["details"] = agenda_details(items, with_documents=True)
    return context
