"""Forms of the task pages.

They only collect and shape input; the task actions (``workflows.services``)
and the review services check every rule again, and their refusals are put
back on these forms so the user sees them next to what they typed.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.services.review import AppraisalInput, ItemInput

ITEM_ROWS = 5
# Limits of a task's texts, the same on the task pages and in the task API (workflows/api/serializers.py).
NOTE_MAX_LENGTH = 4000  # a general note, a reason, an appraisal opinion
ITEM_TEXT_MAX_LENGTH = 2000  # what to supplement, per item
FEEDBACK_NOTE_MAX_LENGTH = 2000  # the result of reviewing a public feedback
MAX_ITEMS = 50


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MultilineField(forms.CharField):
    """A textarea value with line breaks as ``\\n``."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class ItemForm(forms.Form):
    """One thing to supplement: a reason, optionally a nomination or a document, and free text.

    A row left entirely blank is ignored. The choices come from the view, built
    once for all rows (no query per row).
    """

    reason = forms.ChoiceField(label=_("Lý do"), required=False)
    nomination = forms.ChoiceField(label=_("Người, tập thể được đề nghị"), required=False)
    document_type = forms.ChoiceField(label=_("Tài liệu"), required=False)
    text = MultilineField(label=_("Nội dung cần bổ sung"), required=False, max_length=ITEM_TEXT_MAX_LENGTH,
                          widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, reasons=(), nominations=(), document_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", _("— Chọn lý do —")), *reasons]
        self.fields["nomination"].choices = [("", _("— Cả hồ sơ —")), *nominations]
        self.fields["document_type"].choices = [("", _("— Không chọn —")), *document_types]

    def clean(self):
        data = super().clean()
        filled = any(data.get(name) for name in ("nomination", "document_type", "text"))
        if filled and not data.get("reason"):
            self.add_error("reason", _("Hãy chọn lý do cho nội dung này."))
        return data

    def item(self) -> ItemInput | None:
        data = getattr(self, "cleaned_data", {}) or {}
        if not data.get("reason"):
            return None
        nomination = data.get("nomination")
        return ItemInput(reason=data["reason"], text=data.get("text") or "",
                         nomination_id=int(nomination) if nomination else None,
                         document_type=data.get("document_type") or None)


class BaseItemFormSet(forms.BaseFormSet):
    def items(self) -> list[ItemInput]:
        return [item for item in (form.item() for form in self.forms) if item is not None]


ItemFormSet = forms.formset_factory(ItemForm, formset=BaseItemFormSet, extra=ITEM_ROWS, max_num=MAX_ITEMS,
                                    absolute_max=MAX_ITEMS, validate_max=True)


def item_formset(data=None, *, reasons, nominations, document_types) -> BaseItemFormSet:
    return ItemFormSet(data, prefix="items",
                       form_kwargs={"reasons": reasons, "nominations": nominations, "document_types": document_types})


class ReturnForm(forms.Form):
    note = MultilineField(
        label=_("Nội dung chung"), required=False, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ghi chung cho cả hồ sơ; có thể để trống khi đã liệt kê từng nội dung cần bổ sung."),
    )
    due_on = forms.DateField(
        label=_("Hạn bổ sung"), widget=DateInput(),
        help_text=_("Mặc định theo số ngày làm việc của tỉnh; có thể sửa."),
        error_messages={"required": _("Hãy nhập hạn bổ sung."), "invalid": _("Ngày không hợp lệ.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "return")
        super().__init__(*args, **kwargs)
        self.fields["due_on"].widget.attrs["min"] = timezone.localdate().isoformat()

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError(_("Hạn bổ sung không được trước hôm nay."))
        return due_on


class ReasonForm(forms.Form):
    """One required text: the reason of a rejection, the note of a send-back, an override."""

    reason = MultilineField(max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, label, message, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = label
        field.error_messages["required"] = message


def reject_form(data=None) -> ReasonForm:
    return ReasonForm(data, prefix="reject", label=_("Lý do không chấp nhận"),
                      message=_("Hãy nêu lý do không chấp nhận hồ sơ."))


def send_back_form(data=None) -> ReasonForm:
    return ReasonForm(data, prefix="send_back", label=_("Nội dung cần thẩm định lại"),
                      message=_("Hãy nêu nội dung cần thẩm định lại."))


def override_form(verdict_id: int, data=None) -> ReasonForm:
    return ReasonForm(data, prefix=f"v{verdict_id}", label=_("Lý do chấp nhận tiêu chuẩn này"),
                      message=_("Hãy ghi lý do chấp nhận tiêu chuẩn không đạt."))


ELIGIBLE, INELIGIBLE = "eligible", "ineligible"


class AppraisalForm(forms.Form):
    """The specialist's conclusion on one nomination."""

    conclusion = forms.ChoiceField(
        label=_("Kết luận"), widget=forms.RadioSelect,
        choices=[(ELIGIBLE, _("Đủ điều kiện")), (INELIGIBLE, _("Không đủ điều kiện"))],
        error_messages={"required": _("Hãy chọn kết luận cho đề nghị này.")},
    )
    note = MultilineField(label=_("Ý kiến thẩm định"), required=False, max_length=NOTE_MAX_LENGTH,
                          widget=forms.Textarea(attrs={"rows": 2}),
                          help_text=_("Bắt buộc khi kết luận không đủ điều kiện."))

    def __init__(self, *args, nomination, **kwargs):
        kwargs.setdefault("prefix", f"n{nomination.pk}")
        super().__init__(*args, **kwargs)
        self.nomination = nomination

    def clean(self):
        data = super().clean()
        if data.get("conclusion") == INELIGIBLE and not (data.get("note") or "").strip():
            self.add_error("note", _("Hãy ghi lý do không đủ điều kiện."))
        return data

    def decision(self) -> AppraisalInput:
        data = self.cleaned_data
        return AppraisalInput(nomination_id=self.nomination.pk, eligible=data["conclusion"] == ELIGIBLE,
                              note=data.get("note") or "")


class AssignForm(forms.Form):
    to_user = forms.ModelChoiceField(queryset=None, label=_("Giao cho"), empty_label=_("— Chọn người —"),
                                     error_messages={"required": _("Hãy chọn người nhận việc."),
                                                     "invalid_choice": _("Người này không làm được việc này.")})

    def __init__(self, *args, candidates, **kwargs):
        kwargs.setdefault("prefix", "assign")
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = candidates


class FeedbackResolveForm(forms.Form):
    """The conclusion on one public feedback: dismissed, or upheld (the nomination becomes ineligible), and why."""

    decision = forms.ChoiceField(
        label=_("Kết luận"), widget=forms.RadioSelect,
        choices=[("dismiss", _("Không có cơ sở")), ("uphold", _("Có cơ sở: đề nghị không đủ điều kiện"))],
        error_messages={"required": _("Hãy chọn kết luận.")},
    )
    note = MultilineField(
        label=_("Kết quả xem xét, lý do"), max_length=FEEDBACK_NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Hãy ghi kết quả xem xét góp ý.")},
    )
