"""What the API reads and writes.

Output serializers only read (the instances come from the scoped selectors,
already joined and prefetched, so no field runs a query per row). Input
serializers only validate and resolve references within the user's scope;
the views hand the result to the services, which make every change.
"""

from __future__ import annotations

import copy

from django.core import validators
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils.formatting import lazy_format

from dossiers import selectors
from dossiers.labels import choice_labels
from dossiers.models import (
    Attachment,
    AuditEvent,
    AwardKind,
    AwardType,
    Collective,
    CollectiveKind,
    DocumentType,
    Dossier,
    DossierState,
    Gender,
    Movement,
    Nomination,
    Person,
    Regulation,
    SubjectKind,
    Unit,
    UnitKind,
)
from dossiers.models.dossier import ACHIEVEMENT_SUMMARY_MAX_LENGTH, REASON_MAX_LENGTH
from dossiers.permissions import allowed_actions
from dossiers.requirements import dossier_requirements

# --------------------------------------------------------------------------
# Input: Vietnamese field errors
# --------------------------------------------------------------------------


# DRF builds the validators of max_length, min_length, max_value and min_value with their message when the
# field is created: a message changed afterwards would not reach them (the answer would be in English).
_LIMIT_VALIDATORS = ((validators.MaxLengthValidator, "max_length"), (validators.MinLengthValidator, "min_length"),
                     (validators.MaxValueValidator, "max_value"), (validators.MinValueValidator, "min_value"))


def _localise_limit_validators(field) -> None:
    rebuilt = []
    for validator in field.validators:
        for kind, key in _LIMIT_VALIDATORS:
            if type(validator) is kind and key in field.error_messages:
                message = lazy_format(field.error_messages[key], **{key: validator.limit_value})
                validator = kind(validator.limit_value, message=message)
                break
        rebuilt.append(validator)
    field.validators = rebuilt


def _vietnamese_messages(field) -> dict[str, str]:
    """Vietnamese texts for DRF's field errors (same placeholders as DRF's)."""
    messages = {
        "required": _("Bắt buộc phải có."),
        "null": _("Không được để trống."),
        "blank": _("Không được để trống."),
        "invalid": _("Giá trị không hợp lệ."),
        "max_length": _("Tối đa {max_length} ký tự."),
        "min_length": _("Tối thiểu {min_length} ký tự."),
        "max_value": _("Không được lớn hơn {max_value}."),
        "min_value": _("Không được nhỏ hơn {min_value}."),
        "max_string_length": _("Giá trị quá lớn."),
        "invalid_choice": _("“{input}” không phải là lựa chọn hợp lệ."),
        "not_a_dict": _("Phải là một đối tượng JSON."),
        "not_a_list": _("Phải là một danh sách."),
        "no_name": _("Không xác định được tên tệp."),
    }
    if isinstance(field, serializers.ListField):
        messages["max_length"] = _("Tối đa {max_length} mục.")
        messages["min_length"] = _("Tối thiểu {min_length} mục.")
    elif isinstance(field, serializers.IntegerField):
        messages["invalid"] = _("Phải là số nguyên.")
    elif isinstance(field, serializers.BooleanField):
        messages["invalid"] = _("Phải là true hoặc false.")
    elif isinstance(field, serializers.DateField):
        messages["invalid"] = _("Ngày phải theo dạng NNNN-TT-NN (ví dụ 2025-07-01).")
    elif isinstance(field, serializers.FileField):
        messages["required"] = _("Chưa gửi tệp.")
        messages["invalid"] = _("Dữ liệu gửi lên không phải là tệp; hãy gửi dạng multipart/form-data.")
        messages["max_length"] = _("Tên tệp quá dài (tối đa {max_length} ký tự).")
    elif isinstance(field, serializers.Serializer):
        messages["invalid"] = _("Phải là một đối tượng JSON.")
    return messages


class InputSerializer(serializers.Serializer):
    """Base of every input serializer: field errors in Vietnamese."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            messages = _vietnamese_messages(field)
            field.error_messages.update({k: v for k, v in messages.items() if k in field.error_messages})
            _localise_limit_validators(field)
        self.error_messages["invalid"] = _("Dữ liệu gửi lên phải là một đối tượng JSON.")
        return fields

    @property
    def user(self):
        return self.context["request"].user


def inline_choice_field(choices, **kwargs) -> serializers.ChoiceField:
    """A choice field whose enum stays inline in the schema.

    drf-spectacular names extracted enums after the property, and three
    different choice sets are called ``kind`` here (kind of commendation,
    of unit, of collective); only the first is extracted as ``KindEnum``.
    """
    schema = {
        "allOf": [{"type": "string", "enum": [value for value, _label in choices]}],
        "description": "\n".join(f"* `{value}` - {label}" for value, label in choices),
    }
    field_class = extend_schema_field(schema)(type("InlineChoiceField", (serializers.ChoiceField,), {}))
    return field_class(choices=choices, **kwargs)


# Ids and years as the database can store them (SQLite refuses larger integers outright).
MAX_ID = 2**63 - 1
ID = {"min_value": 1, "max_value": MAX_ID}
YEAR = {"min_value": 1, "max_value": 9999}


class ChoiceLabelField(serializers.CharField):
    """The label of a model field's choice, as ``get_<field>_display`` gives it (output only).

    ``get_<field>_display`` rebuilds the field's whole choice list on every
    call, hashing (so translating) each label, and DRF inspects the method's
    signature on every row: the labels are translated once per serializer
    instead (its fields are built per request, in the request's language).
    """

    def __init__(self, model, field_name: str, **kwargs):
        self.choices_of = (model, field_name)
        kwargs.setdefault("source", field_name)
        super().__init__(**kwargs)
        self._labels = None

    def to_representation(self, value):
        if self._labels is None:
            self._labels = choice_labels(*self.choices_of)
        return str(self._labels.get(value, value))


# A model serializer that only reads, its fields built from the model once per class. ``ModelSerializer``
# inspects the model and builds every field anew for each serializer instance (each nested one too): on the
# detail that was a fifth of the answer's time. The fields built once are copied instead, as DRF copies
# declared fields (labels and help texts stay lazy, so in the request's language). A comment, not a
# docstring: drf-spectacular would publish a docstring as the description of every subclass's schema.
class OutputModelSerializer(serializers.ModelSerializer):

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            cls._built_fields = built
        return copy.deepcopy(built)


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request is not None else url


# --------------------------------------------------------------------------
# Catalogue
# --------------------------------------------------------------------------


class RegulationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Regulation
        fields = ["id", "code", "name", "effective_from", "effective_to", "notes"]


class DocumentTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentType
        fields = ["id", "code", "name", "per_nomination", "order"]


class RequiredDocumentSerializer(serializers.Serializer):
    document_type = serializers.CharField(help_text="Mã loại tài liệu.")
    name = serializers.CharField()
    per_nomination = serializers.BooleanField(help_text="Một bản cho mỗi người/tập thể được đề nghị.")
    unit_kind = serializers.CharField(help_text="Chỉ áp dụng cho loại đơn vị này; trống: mọi đơn vị.")


class CriterionSerializer(serializers.Serializer):
    key = serializers.CharField()
    params = serializers.JSONField()
    description = serializers.CharField()


# Recursive: a criterion's children are criteria (``all_of`` / ``any_of`` groups).
CriterionSerializer._declared_fields["children"] = CriterionSerializer(many=True)


class AwardTypeSerializer(serializers.ModelSerializer):
    regulation = serializers.CharField(source="regulation.code", help_text="Mã văn bản quy định.")
    kinds = serializers.ListField(child=inline_choice_field(AwardKind.choices))
    vote_threshold = serializers.SerializerMethodField(help_text="Tỷ lệ phiếu dạng phân số, ví dụ \"9/10\".")
    required_documents = serializers.SerializerMethodField(
        help_text="Thành phần hồ sơ theo từng loại hình khen thưởng áp dụng."
    )
    criteria = serializers.SerializerMethodField(help_text="Cây tiêu chuẩn (key, params, description, children).")

    class Meta:
        model = AwardType
        fields = [
            "id", "code", "name", "regulation", "category", "subject", "kinds", "authority", "forwarded",
            "vote_required", "vote_threshold", "vote_threshold_strict", "vote_base", "public_notice_required",
            "cash_multiple", "rank", "basis_for_higher", "legal_basis", "notes", "is_active",
            "required_documents", "criteria",
        ]

    def get_vote_threshold(self, award: AwardType) -> str:
        return f"{award.vote_threshold_numerator}/{award.vote_threshold_denominator}"

    @extend_schema_field(serializers.DictField(child=RequiredDocumentSerializer(many=True)))
    def get_required_documents(self, award: AwardType) -> dict:
        rows = sorted(award.required_documents.all(),
                      key=lambda r: (r.document_type.order, r.document_type.code, r.unit_kind))
        result = {}
        for kind in award.kinds or []:
            result[kind] = [
                {"document_type": r.document_type.code, "name": r.document_type.name,
                 "per_nomination": r.document_type.per_nomination, "unit_kind": r.unit_kind}
                for r in rows if r.award_kind in ("", kind)
            ]
        return result

    @extend_schema_field(CriterionSerializer(many=True))
    def get_criteria(self, award: AwardType) -> list:
        children: dict[int | None, list] = {}
        for criterion in sorted(award.criteria.all(), key=lambda c: (c.order, c.id)):
            children.setdefault(criterion.parent_id, []).append(criterion)

        def tree(parent_id):
            return [
                {"key": c.key, "params": c.params, "description": c.description, "children": tree(c.id)}
                for c in children.get(parent_id, [])
            ]

        return tree(None)


class AwardTypeBriefSerializer(OutputModelSerializer):
    class Meta:
        model = AwardType
        fields = ["id", "code", "name", "subject"]


class AwardTypeFilterSerializer(InputSerializer):
    regulation = serializers.CharField(required=False, help_text="Mã văn bản quy định, ví dụ ND152_2025.")
    kind = serializers.ChoiceField(choices=AwardKind.choices, required=False, help_text="Loại hình khen thưởng.")
    subject = serializers.ChoiceField(choices=SubjectKind.choices, required=False)
    in_force_on = serializers.DateField(required=False, help_text="Chỉ danh mục của văn bản có hiệu lực vào ngày này.")
    proposable = serializers.BooleanField(
        required=False, allow_null=True, default=None,
        help_text="true: chỉ các hình thức đơn vị được đề nghị lên (không do thủ trưởng đơn vị quyết định).",
    )


# --------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------


class UnitSerializer(serializers.ModelSerializer):
    kind = inline_choice_field(UnitKind.choices)

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "short_name", "kind", "province", "parent", "successor", "merged_on",
                  "block", "cluster", "allow_self_submit"]


class UnitBriefSerializer(OutputModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name"]


# --------------------------------------------------------------------------
# Attachments
# --------------------------------------------------------------------------


class AttachmentBriefSerializer(OutputModelSerializer):
    document_type = serializers.CharField(source="document_type.code")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "document_type", "original_name", "content_type", "size", "download_url"]

    def get_download_url(self, attachment: Attachment) -> str:
        return _absolute(self.context.get("request"), reverse("api:attachment-download", args=[attachment.pk]))


class AttachmentSerializer(AttachmentBriefSerializer):
    document_type_name = serializers.CharField(source="document_type.name")
    uploaded_by = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "dossier", "nomination", "document_type", "document_type_name", "original_name",
                  "content_type", "size", "sha256", "uploaded_by", "uploaded_at", "download_url"]

    def get_uploaded_by(self, attachment: Attachment) -> str:
        return str(attachment.uploaded_by)


class AttachmentUploadSerializer(InputSerializer):
    document_type = serializers.CharField(help_text="Mã loại tài liệu, ví dụ to_trinh.")
    nomination = serializers.IntegerField(
        required=False, allow_null=True, **ID, help_text="Mã đề nghị, khi tài liệu là của một người/tập thể."
    )
    file = serializers.FileField(allow_empty_file=True, use_url=False)

    def validate_document_type(self, code):
        document_type = DocumentType.objects.filter(code=code.strip()).first()
        if document_type is None:
            raise serializers.ValidationError(_("Không có loại tài liệu mã “%(code)s”.") % {"code": code})
        return document_type

    def validate_nomination(self, pk):
        if pk is None:
            return None
        nomination = self.context["dossier"].nominations.filter(pk=pk).first()
        if nomination is None:
            raise serializers.ValidationError(_("Đề nghị này không thuộc hồ sơ."))
        return nomination


# --------------------------------------------------------------------------
# Nominations
# --------------------------------------------------------------------------


class PersonSerializer(OutputModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "full_name", "gender", "birth_year", "position"]


class CollectiveSerializer(OutputModelSerializer):
    kind = inline_choice_field(CollectiveKind.choices)

    class Meta:
        model = Collective
        fields = ["id", "name", "kind"]


class NominationSerializer(OutputModelSerializer):
    award_type = AwardTypeBriefSerializer()
    subject = serializers.SerializerMethodField(help_text="individual hoặc collective.")
    nominee_name = serializers.CharField(source="subject_name")
    person = PersonSerializer(allow_null=True)
    collective = CollectiveSerializer(allow_null=True)
    outcome_label = ChoiceLabelField(Nomination, "outcome")
    attachments = AttachmentBriefSerializer(many=True)

    class Meta:
        model = Nomination
        fields = ["id", "dossier", "award_type", "subject", "nominee_name", "person", "collective",
                  "achievement_summary", "outcome", "outcome_label", "created_at", "attachments"]

    def get_subject(self, nomination: Nomination) -> str:
        return SubjectKind.INDIVIDUAL if nomination.person_id else SubjectKind.COLLECTIVE


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}],
                      "description": "Mã số (id) hoặc mã (code) của danh hiệu, hình thức trong văn bản đang có hiệu lực."})
class AwardTypeReferenceField(serializers.Field):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str) or not str(data).strip() or "\x00" in str(data):
            raise serializers.ValidationError(_("Hãy gửi mã số hoặc mã của danh hiệu, hình thức."))
        value = str(data).strip()
        if value.isascii() and value.isdigit() and int(value) <= MAX_ID:
            award = AwardType.objects.select_related("regulation").filter(pk=int(value)).first()
        else:
            regulation = Regulation.objects.in_force_on(timezone.localdate())
            award = regulation.award_types.select_related("regulation").filter(code=value).first()
        if award is None:
            raise serializers.ValidationError(
                _("Không có danh hiệu, hình thức “%(value)s” trong văn bản đang có hiệu lực.") % {"value": value}
            )
        return award

    def to_representation(self, value):
        return value.pk


class PersonInputSerializer(InputSerializer):
    full_name = serializers.CharField(max_length=150)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True, default="")
    birth_year = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1900,
                                          max_value=2100)
    position = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class CollectiveInputSerializer(InputSerializer):
    name = serializers.CharField(max_length=255)
    kind = inline_choice_field(CollectiveKind.choices, required=False, default=CollectiveKind.COLLECTIVE)


class NominationUpdateSerializer(InputSerializer):
    award_type = AwardTypeReferenceField()
    achievement_summary = serializers.CharField(max_length=ACHIEVEMENT_SUMMARY_MAX_LENGTH)


class NominationCreateSerializer(NominationUpdateSerializer):
    person = PersonInputSerializer(required=False, allow_null=True,
                                   help_text="Cá nhân mới hoặc đã có (theo họ tên và năm sinh).")
    person_id = serializers.IntegerField(required=False, allow_null=True, **ID, help_text="Cá nhân đã có của đơn vị.")
    collective = CollectiveInputSerializer(required=False, allow_null=True,
                                           help_text="Tập thể mới hoặc đã có (theo tên).")
    collective_id = serializers.IntegerField(required=False, allow_null=True, **ID,
                                             help_text="Tập thể đã có của đơn vị.")

    SUBJECT_FIELDS = ("person", "person_id", "collective", "collective_id")

    def validate_person_id(self, pk):
        if pk is None:
            return None
        person = selectors.people_of_units(user=self.user).filter(pk=pk).first()
        if person is None:
            raise serializers.ValidationError(_("Không tìm thấy cá nhân này trong đơn vị của bạn."))
        return person

    def validate_collective_id(self, pk):
        if pk is None:
            return None
        collective = selectors.collectives_of_units(user=self.user).filter(pk=pk).first()
        if collective is None:
            raise serializers.ValidationError(_("Không tìm thấy tập thể này trong đơn vị của bạn."))
        return collective

    def validate(self, attrs):
        given = [name for name in self.SUBJECT_FIELDS if attrs.get(name) is not None]
        if len(given) != 1:
            raise serializers.ValidationError(
                _("Hãy gửi đúng một trong các trường person, person_id, collective, collective_id.")
            )
        return attrs


# --------------------------------------------------------------------------
# Dossiers
# --------------------------------------------------------------------------


class DossierSerializer(OutputModelSerializer):
    """A dossier as a list row."""

    reference = serializers.CharField(help_text="Số hồ sơ, ví dụ HS-2025-00012.")
    kind_label = ChoiceLabelField(Dossier, "kind")
    state_label = ChoiceLabelField(Dossier, "state")
    unit = UnitBriefSerializer()
    nomination_count = serializers.IntegerField()

    class Meta:
        model = Dossier
        fields = ["id", "reference", "title", "kind", "kind_label", "year", "state", "state_label", "unit",
                  "movement", "nomination_count", "return_count", "created_at", "submitted_at", "updated_at"]


class RequirementSerializer(serializers.Serializer):
    document_type = serializers.CharField()
    document_type_name = serializers.CharField()
    nomination = serializers.IntegerField(allow_null=True, help_text="null: một bản cho cả hồ sơ.")
    label = serializers.CharField()
    satisfied = serializers.BooleanField()


def _user_name(user) -> str | None:
    return str(user) if user is not None else None


# The unit's actions on a dossier; Home Affairs acts through its tasks (/api/v1/tasks/).
DOSSIER_API_ACTIONS = ["edit", "send_to_head", "submit", "withdraw"]


class DossierDetailSerializer(DossierSerializer):
    """A dossier with its nominations, requirements, attachments and allowed actions."""

    regulation = serializers.CharField(source="regulation.code", allow_null=True,
                                       help_text="Văn bản áp dụng (ghi khi trình).")
    created_by = serializers.SerializerMethodField()
    prepared_by = serializers.SerializerMethodField()
    submitted_by = serializers.SerializerMethodField()
    nominations = NominationSerializer(many=True, source="api_nominations")
    requirements = RequirementSerializer(many=True, source="api_requirements")
    attachments = AttachmentSerializer(many=True, source="api_attachments")
    allowed_actions = serializers.ListField(
        child=serializers.ChoiceField(choices=DOSSIER_API_ACTIONS),
        source="api_allowed_actions",
        help_text="Thao tác người gọi được làm lúc này.",
    )

    class Meta(DossierSerializer.Meta):
        fields = [*DossierSerializer.Meta.fields, "regulation", "created_by", "prepared_by", "prepared_at",
                  "submitted_by", "return_reason", "withdrawn_reason", "nominations", "requirements",
                  "attachments", "allowed_actions"]

    def get_created_by(self, dossier) -> str:
        return _user_name(dossier.created_by)

    def get_prepared_by(self, dossier) -> str | None:
        return _user_name(dossier.prepared_by)

    def get_submitted_by(self, dossier) -> str | None:
        return _user_name(dossier.submitted_by)

    def to_representation(self, instance):
        prepare_detail(instance, self.context["request"].user)
        return super().to_representation(instance)


def prepare_detail(dossier: Dossier, user) -> Dossier:
    """Attach what the detail shows (a handful of queries, whatever the dossier's size)."""
    nominations = selectors.nominations_of(dossier)
    dossier.api_nominations = nominations
    dossier.nomination_count = len(nominations)
    dossier.api_requirements = [
        {"document_type": r.document_type.code, "document_type_name": r.document_type.name,
         "nomination": r.nomination.pk if r.nomination else None, "label": r.label, "satisfied": r.satisfied}
        for r in dossier_requirements(dossier, nominations)
    ]
    dossier.api_attachments = list(
        dossier.attachments.select_related("document_type", "uploaded_by").order_by("document_type__order", "id")
    )
    dossier.api_allowed_actions = [name for name in allowed_actions(user, dossier) if name in DOSSIER_API_ACTIONS]
    return dossier


class DossierWriteSerializer(InputSerializer):
    """Header fields of a dossier (update: every field; PATCH: some)."""

    kind = serializers.ChoiceField(choices=AwardKind.choices)
    year = serializers.IntegerField(**YEAR)
    title = serializers.CharField(max_length=500)
    movement = serializers.IntegerField(required=False, allow_null=True, default=None, **ID,
                                        help_text="Phong trào thi đua (bắt buộc với khen thưởng chuyên đề).")

    def validate_movement(self, pk):
        if pk is None:
            return None
        movement = Movement.objects.filter(pk=pk, province_id=self.user.province_id).first()
        if movement is None:
            raise serializers.ValidationError(_("Không có phong trào thi đua này trong tỉnh."))
        return movement


class DossierCreateSerializer(DossierWriteSerializer):
    unit = serializers.IntegerField(required=False, allow_null=True, default=None, **ID,
                                    help_text="Đơn vị lập hồ sơ; mặc định là đơn vị của người gọi.")

    def validate_unit(self, pk):
        if pk is None:
            return None
        unit = selectors.units_for_user(self.user).filter(pk=pk).first()
        if unit is None:
            raise serializers.ValidationError(_("Không tìm thấy đơn vị này."))
        return unit


class DossierFilterSerializer(InputSerializer):
    q = serializers.CharField(required=False, allow_blank=True, default="",
                              help_text="Tìm theo trích yếu, đơn vị, người được đề nghị (không phân biệt dấu).")
    state = serializers.ChoiceField(choices=DossierState.choices, required=False, allow_blank=True, default="")
    year = serializers.IntegerField(required=False, allow_null=True, default=None, **YEAR)
    unit = serializers.IntegerField(required=False, allow_null=True, default=None, **ID)


class ReasonSerializer(InputSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=REASON_MAX_LENGTH,
                                   help_text="Lý do (bắt buộc khi rút hồ sơ đã trình).")


class ImportNomineesSerializer(InputSerializer):
    file = serializers.FileField(use_url=False, help_text="Tệp Excel theo mẫu danh sách đề nghị.")


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="Số đề nghị đã thêm.")


# --------------------------------------------------------------------------
# History and authentication
# --------------------------------------------------------------------------


class AuditEventSerializer(serializers.ModelSerializer):
    time = serializers.DateTimeField(source="occurred_at")
    before = serializers.JSONField()
    after = serializers.JSONField()

    class Meta:
        model = AuditEvent
        fields = ["id", "time", "actor_name", "action", "message", "before", "after"]


class TokenRequestSerializer(InputSerializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()

