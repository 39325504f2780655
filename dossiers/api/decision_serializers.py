"""What the decision API reads and writes.

Output serializers read rows the views have already joined (no query per row);
input serializers check shapes only, and ``dossiers.services.decisions`` makes
every change and every domain check.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dossiers.api.serializers import ID, YEAR, InputSerializer, inline_choice_field
from dossiers.models import DecisionKind, DecisionState, SignerCapacity


def _labels(choices) -> str:
    return ", ".join(f"{value} ({label})" for value, label in choices)


def _lines(text: str) -> list[str]:
    return [line for line in (text or "").splitlines() if line.strip()]


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


class DecisionAwardSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class DecisionNomineeMixin(serializers.Serializer):
    nominee = serializers.SerializerMethodField(help_text="Tên cá nhân hoặc tập thể.")
    subject = serializers.SerializerMethodField(help_text="individual (cá nhân) hoặc collective (tập thể).")
    unit = serializers.SerializerMethodField(help_text="Đơn vị đề nghị.")

    def nomination_of(self, obj):
        return obj.nomination

    def get_nominee(self, obj) -> str:
        return self.nomination_of(obj).subject_name

    def get_subject(self, obj) -> str:
        return "individual" if self.nomination_of(obj).person_id else "collective"

    def get_unit(self, obj) -> str:
        return self.nomination_of(obj).dossier.unit.name


class PoolNomineeSerializer(DecisionNomineeMixin, serializers.Serializer):
    """A nomination ready for a decision (the pool)."""

    id = serializers.IntegerField()
    award = DecisionAwardSerializer(source="award_type")
    forwarded = serializers.BooleanField(source="award_type.forwarded",
                                         help_text="Thẩm quyền của Thủ tướng, Chủ tịch nước: đề nghị cấp trên.")
    outcome = serializers.CharField(help_text="council_passed (Hội đồng biểu quyết đạt) hoặc eligible.")
    dossier = serializers.IntegerField(source="dossier_id")
    dossier_reference = serializers.CharField(source="dossier.reference")
    year = serializers.IntegerField(source="dossier.year")

    def nomination_of(self, obj):
        return obj


class DecisionItemOutSerializer(DecisionNomineeMixin, serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField(help_text="Số thứ tự trong phụ lục.")
    nomination = serializers.IntegerField(source="nomination_id")
    award = DecisionAwardSerializer(source="award_type")
    forwarded = serializers.BooleanField(help_text="Đề nghị cấp trên khen thưởng (không có tiền thưởng ở đây).")
    cash_amount = serializers.SerializerMethodField(
        help_text="Tiền thưởng (đồng): số đã tính khi ký; với dự thảo là số dự kiến theo lương cơ sở hôm nay.")
    revoked = serializers.SerializerMethodField(help_text="Khen thưởng này đã bị hủy bỏ (chỉ với quyết định đã ký).")
    award_record = serializers.SerializerMethodField(help_text="Mã bản ghi khen thưởng (quyết định đã ký).")
    revoked_by = serializers.SerializerMethodField(
        help_text="Số quyết định đã hủy bỏ khen thưởng này (khi đã bị hủy bỏ).")

    def get_cash_amount(self, item) -> int:
        return item.cash_amount if hasattr(item, "record") else getattr(item, "preview_amount", item.cash_amount)

    def get_revoked(self, item) -> bool:
        record = getattr(item, "record", None)
        return bool(record and record.revoked)

    def get_award_record(self, item) -> int | None:
        record = getattr(item, "record", None)
        return record.pk if record else None

    def get_revoked_by(self, item) -> str | None:
        revocation = getattr(getattr(item, "record", None), "revoking", None)
        return revocation.number if revocation else None


class RevocationOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    award_record = serializers.IntegerField(source="award_record_id")
    nominee = serializers.CharField(source="award_record.subject_name")
    award = serializers.CharField(source="award_record.award_name")
    year = serializers.IntegerField(source="award_record.year")
    decision_number = serializers.CharField(source="award_record.decision_number",
                                            help_text="Số quyết định khen thưởng bị hủy bỏ.")
    reason = serializers.CharField()


class PreviewSerializer(serializers.Serializer):
    day = serializers.DateField(help_text="Ngày tính dự kiến (hôm nay).")
    base_salary = serializers.IntegerField(allow_null=True, help_text="Lương cơ sở áp dụng ngày đó (đồng).")
    total = serializers.IntegerField(help_text="Tổng tiền thưởng dự kiến (đồng).")


class DecisionRightsSerializer(serializers.Serializer):
    edit = serializers.BooleanField(help_text="Sửa trích yếu, căn cứ, nơi nhận, danh sách (Sở Nội vụ, dự thảo).")
    check = serializers.BooleanField(help_text="Kiểm tra, trình ký (lãnh đạo Sở Nội vụ).")
    send_back = serializers.BooleanField(help_text="Trả lại để sửa (lãnh đạo Sở, người ký).")
    sign = serializers.BooleanField(help_text="Ký ban hành (Chủ tịch, Phó Chủ tịch UBND tỉnh).")
    revoke = serializers.BooleanField(help_text="Lập dự thảo hủy bỏ khen thưởng của quyết định này.")


class DocumentLinksSerializer(serializers.Serializer):
    decision = serializers.CharField(help_text="Quyết định (PDF); dự thảo khi chưa ký.")
    ha_submission = serializers.CharField(allow_null=True, help_text="Tờ trình của Sở Nội vụ (PDF), khi đã trình.")
    certificates = serializers.CharField(allow_null=True, help_text="Bằng khen (PDF), khi đã ký.")


class DecisionRowSerializer(serializers.Serializer):
    """A decision as a list row."""

    id = serializers.IntegerField()
    kind = serializers.CharField(help_text=f"Loại: {_labels(DecisionKind.choices)}.")
    kind_label = serializers.CharField(source="get_kind_display")
    state = serializers.CharField(help_text=f"Trạng thái: {_labels(DecisionState.choices)}.")
    state_label = serializers.CharField(source="get_state_display")
    title = serializers.CharField(help_text="Trích yếu.")
    number = serializers.CharField(help_text="Số quyết định (trống khi chưa ký).")
    decision_date = serializers.DateField(allow_null=True)
    submission_number = serializers.CharField(help_text="Số tờ trình của Sở Nội vụ (khi đã trình ký).")
    submission_date = serializers.DateField(allow_null=True)
    signer_capacity = serializers.CharField(help_text=f"Thẩm quyền ký: {_labels(SignerCapacity.choices)}.")
    item_count = serializers.IntegerField(help_text="Số người, tập thể trong quyết định khen thưởng.")
    forwarded_count = serializers.IntegerField(help_text="Trong đó: đề nghị cấp trên khen thưởng.")
    revocation_count = serializers.IntegerField(help_text="Số khen thưởng bị hủy bỏ (quyết định hủy bỏ).")
    cash_total = serializers.IntegerField(help_text="Tổng tiền thưởng đã tính khi ký (đồng).")
    created_by = serializers.CharField(source="created_by.__str__")
    created_at = serializers.DateTimeField()


class DecisionDetailSerializer(DecisionRowSerializer):
    legal_bases = serializers.SerializerMethodField(help_text="Căn cứ pháp lý, mỗi căn cứ một dòng.")
    recipients = serializers.SerializerMethodField(help_text="Nơi nhận, mỗi nơi một dòng.")
    checked_by = serializers.CharField(source="checked_by.__str__", allow_null=True, default=None)
    checked_at = serializers.DateTimeField(allow_null=True)
    signed_by = serializers.CharField(source="signed_by.__str__", allow_null=True, default=None)
    signed_at = serializers.DateTimeField(allow_null=True)
    base_salary = serializers.IntegerField(allow_null=True, help_text="Lương cơ sở áp dụng khi ký (đồng).")
    items = DecisionItemOutSerializer(many=True, source="item_list")
    preview = PreviewSerializer(allow_null=True, help_text="Tiền thưởng dự kiến (dự thảo, chờ ký).")
    revocations = RevocationOutSerializer(many=True, source="revocation_list")
    my_rights = DecisionRightsSerializer(source="rights")
    my_signer_capacity = serializers.CharField(
        allow_null=True, help_text="Thẩm quyền ký của người gọi, theo tài khoản (chỉ đọc; chỉ với người ký): "
                                   f"{_labels(SignerCapacity.choices)}; trống khi quản trị chưa khai báo.")
    documents = serializers.SerializerMethodField()

    def get_legal_bases(self, decision) -> list[str]:
        return _lines(decision.legal_bases)

    def get_recipients(self, decision) -> list[str]:
        return _lines(decision.recipients)

    @extend_schema_field(DocumentLinksSerializer)
    def get_documents(self, decision):
        request = self.context.get("request")

        def link(kind):
            url = reverse("document_pdf", kwargs={"kind": kind, "pk": decision.pk})
            return request.build_absolute_uri(url) if request is not None else url

        award = decision.kind == DecisionKind.AWARD
        return {
            "decision": link("decision"),
            "ha_submission": link("ha-submission") if decision.submission_number else None,
            "certificates": link("certificates") if award and decision.number else None,
        }


# --------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------


class DecisionFilterSerializer(InputSerializer):
    state = inline_choice_field(DecisionState.choices, required=False, allow_blank=True, default="",
                                help_text="Lọc theo trạng thái.")
    kind = inline_choice_field(DecisionKind.choices, required=False, allow_blank=True, default="",
                               help_text="Lọc theo loại quyết định.")


class ReadyFilterSerializer(InputSerializer):
    year = serializers.IntegerField(required=False, allow_null=True, default=None, **YEAR)
    award = serializers.CharField(required=False, allow_blank=True, default="", max_length=50,
                                  help_text="Mã danh hiệu, hình thức, ví dụ CSTD_TINH.")
    unit = serializers.IntegerField(required=False, allow_null=True, default=None, **ID)
    session = serializers.IntegerField(required=False, allow_null=True, default=None,
                                       help_text="Mã phiên họp Hội đồng.", **ID)
    dossier = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="Mã hồ sơ.", **ID)


class NominationIdsSerializer(InputSerializer):
    nominations = serializers.ListField(child=serializers.IntegerField(**ID), min_length=1, max_length=5000,
                                        help_text="Mã các đề nghị trong danh sách chờ quyết định.")


class DecisionTextSerializer(InputSerializer):
    title = serializers.CharField(max_length=500, help_text="Trích yếu.")
    legal_bases = serializers.ListField(child=serializers.CharField(max_length=1000), required=False, default=list,
                                        max_length=50, help_text="Căn cứ pháp lý; để trống dùng căn cứ mặc định.")
    recipients = serializers.ListField(child=serializers.CharField(max_length=500), required=False, default=list,
                                       max_length=50, help_text="Nơi nhận.")


class DecisionCreateSerializer(DecisionTextSerializer):
    nominations = serializers.ListField(child=serializers.IntegerField(**ID), min_length=1, max_length=5000,
                                        help_text="Mã các đề nghị trong danh sách chờ quyết định.")


class CheckInputSerializer(InputSerializer):
    submission_date = serializers.DateField(required=False, allow_null=True, default=None,
                                            help_text="Ngày tờ trình; mặc định hôm nay.")


class SendBackInputSerializer(InputSerializer):
    note = serializers.CharField(max_length=2000, allow_blank=True, help_text="Nội dung cần sửa.")


CAPACITY_INPUT_HELP = ("Không cần gửi: thẩm quyền ký lấy theo tài khoản người ký (my_signer_capacity), do quản "
                       "trị hệ thống khai báo. Nếu gửi, phải đúng thẩm quyền đó, nếu không bị từ chối (400). "
                       "chairman: TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH; vice_chairman: KT. CHỦ TỊCH / PHÓ CHỦ TỊCH.")


class SignInputSerializer(InputSerializer):
    capacity = inline_choice_field(SignerCapacity.choices, required=False, allow_null=True, default=None,
                                   help_text=CAPACITY_INPUT_HELP)
    decision_date = serializers.DateField(required=False, allow_null=True, default=None,
                                          help_text="Ngày quyết định; mặc định hôm nay.")


class RevocationRecordSerializer(InputSerializer):
    award_record = serializers.IntegerField(help_text="Mã bản ghi khen thưởng đã nhận.", **ID)
    reason = serializers.CharField(max_length=2000, allow_blank=True, help_text="Lý do hủy bỏ.")


class RevocationCreateSerializer(InputSerializer):
    title = serializers.CharField(max_length=500, help_text="Trích yếu.")
    records = RevocationRecordSerializer(many=True, help_text="Các khen thưởng hủy bỏ, mỗi khen thưởng một lý do.")

    def validate_records(self, value):
        if not value:
            raise serializers.ValidationError(_("Hãy chọn ít nhất một khen thưởng."))
        return value
