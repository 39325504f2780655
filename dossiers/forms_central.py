"""Forms of the central stage's pages.

They only collect and shape input; ``dossiers.services.central`` checks every
rule again, and its refusals are put back on these forms.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.forms import TEXT_TOO_LONG
from dossiers.models import CentralState
from dossiers.models.dossier import REASON_MAX_LENGTH
from dossiers.selectors_central import AUTHORITY_CHOICES, BOARD_STATUSES, SORT_CHOICES
from dossiers.widgets import day_field as shared_day_field


def day_field(label, *, required=True):
    return shared_day_field(label, required=required, initial=timezone.localdate)


class CreateForm(forms.Form):
    title = forms.CharField(
        label=_("Trích yếu của tờ trình"), max_length=500,
        initial=_("Về việc đề nghị Thủ tướng Chính phủ xét, trình Chủ tịch nước khen thưởng"),
        error_messages={"required": _("Hãy nhập trích yếu của tờ trình.")},
    )


class ForwardableFilterForm(forms.Form):
    award = forms.ChoiceField(label=_("Hình thức khen thưởng"), required=False)
    unit = forms.TypedChoiceField(label=_("Đơn vị"), required=False, coerce=int, empty_value=None)
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, awards=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award"].choices = [("", _("Tất cả"))] + list(awards)
        self.fields["unit"].choices = [("", _("Tất cả"))] + list(units)

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {"award": data.get("award") or "", "unit_id": data.get("unit"), "year": data.get("year")}


class SignForm(forms.Form):
    """The date of signing; the capacity is the signer's account's, shown beside the form."""

    signed_on = day_field(_("Ngày ký"))


class SendForm(forms.Form):
    sent_on = day_field(_("Ngày gửi"))
    channel = forms.CharField(label=_("Hình thức gửi"), max_length=100,
                              initial=_("Hệ thống hồ sơ điện tử của Bộ Nội vụ"),
                              error_messages={"required": _("Hãy nhập hình thức gửi.")})
    dispatch_number = forms.CharField(label=_("Số công văn, mã hồ sơ gửi"), max_length=100,
                                      error_messages={"required": _("Hãy nhập số công văn hoặc mã hồ sơ gửi.")})


class ReceiveForm(forms.Form):
    received_on = day_field(_("Ngày Bộ Nội vụ tiếp nhận"))


class ReturnForm(forms.Form):
    returned_on = day_field(_("Ngày Bộ Nội vụ trả lại"))
    reason = forms.CharField(label=_("Lý do trả lại, nội dung cần bổ sung"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=REASON_MAX_LENGTH,
                             error_messages={"required": _("Hãy ghi lý do Bộ Nội vụ trả lại."),
                                             "max_length": TEXT_TOO_LONG})


GRANTED, DECLINED = "granted", "declined"


class ItemDecisionForm(forms.Form):
    result = forms.ChoiceField(label=_("Kết quả"), widget=forms.RadioSelect, initial=GRANTED,
                               choices=[(GRANTED, _("Được khen thưởng")), (DECLINED, _("Không được khen thưởng"))])
    authority = forms.ChoiceField(label=_("Cấp quyết định"), choices=AUTHORITY_CHOICES, required=False)
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=60, required=False)
    decision_date = day_field(_("Ngày quyết định"), required=False)
    reason = forms.CharField(label=_("Lý do không được khen thưởng"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=REASON_MAX_LENGTH, error_messages={"max_length": TEXT_TOO_LONG})

    def __init__(self, *args, item=None, **kwargs):
        prefix = kwargs.pop("prefix", None) or (f"item{item.pk}" if item is not None else None)
        super().__init__(*args, prefix=prefix, **kwargs)
        if item is not None and not self.is_bound:
            self.fields["authority"].initial = item.nomination.award_type.authority

    def data_for_service(self) -> dict:
        data = self.cleaned_data
        if data["result"] == GRANTED:
            return {"granted": True, "authority": data["authority"], "decision_number": data["decision_number"],
                    "decision_date": data["decision_date"]}
        return {"granted": False, "reason": data["reason"]}


class DayForm(forms.Form):
    """One date: items received, handed over, closed."""

    day = day_field(_("Ngày"))

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["day"].label = label


class BoardFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Tình trạng"), required=False)
    authority = forms.ChoiceField(label=_("Cấp quyết định"), required=False)
    award = forms.ChoiceField(label=_("Hình thức khen thưởng"), required=False)
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)
    unit = forms.TypedChoiceField(label=_("Đơn vị"), required=False, coerce=int, empty_value=None)
    overdue = forms.BooleanField(label=_("Chỉ hồ sơ quá hạn"), required=False)
    min_age = forms.IntegerField(label=_("Từ bao nhiêu ngày làm việc"), required=False, min_value=0,
                                 max_value=10000, help_text=_("Chỉ đề nghị đã chờ ít nhất ngần ấy ngày làm việc."))
    sort = forms.ChoiceField(label=_("Sắp xếp"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, awards=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Tất cả"))]
        self.fields["status"].choices = everything + list(BOARD_STATUSES)
        self.fields["authority"].choices = everything + list(AUTHORITY_CHOICES)
        self.fields["award"].choices = everything + list(awards)
        self.fields["unit"].choices = everything + list(units)


class CentralAttachmentForm(forms.Form):
    """A document added to the submission itself (with the first package, or to answer a return)."""

    label = forms.CharField(label=_("Tên tài liệu"), max_length=255,
                            help_text=_("Ví dụ: Xác nhận của cơ quan thuế; Báo cáo thành tích đã sửa."),
                            error_messages={"required": _("Hãy ghi tên tài liệu, ví dụ: Xác nhận của cơ quan thuế.")})
    nomination = forms.TypedChoiceField(label=_("Của người, tập thể"), required=False, coerce=int, empty_value=None)
    file = forms.FileField(label=_("Tệp"), help_text=_("PDF, DOCX, XLSX, JPEG hoặc PNG."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"}))

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nomination"].choices = [("", _("— Cả hồ sơ trình —"))] + [
            (item.nomination_id, f"{item.nomination.subject_name} · {item.nomination.award_type.name}")
            for item in items]


SUBMISSION_STATE_CHOICES = [("", _("Tất cả"))] + list(CentralState.choices)
