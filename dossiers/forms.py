"""Forms of the web UI.

Forms only collect and shape input; every rule is checked again by the
service the view calls, and a service refusal (``DomainError``) is put back on
the form by ``apply_domain_error`` so the user sees it next to their own input.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models import (
    AwardKind,
    CollectiveKind,
    DocumentType,
    DossierState,
    Gender,
    Movement,
    Nomination,
    SubjectKind,
    Unit,
)
from dossiers.models.dossier import ACHIEVEMENT_SUMMARY_MAX_LENGTH, REASON_MAX_LENGTH

INDIVIDUAL = "individual"
COLLECTIVE = "collective"

# Shown to the public, to the council and printed in PDFs: a clear limit, and how to keep within it.
SUMMARY_TOO_LONG = _("Tóm tắt thành tích dài %(show_value)d ký tự, vượt quá %(limit_value)d ký tự cho phép. "
                     "Hãy rút gọn; thành tích chi tiết để trong báo cáo thành tích đính kèm.")
TEXT_TOO_LONG = _("Nội dung dài %(show_value)d ký tự, vượt quá %(limit_value)d ký tự cho phép. Hãy rút gọn.")


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường."),
        "inactive": _("Tài khoản này đã bị khóa."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Tên đăng nhập")
        self.fields["password"].label = _("Mật khẩu")


def _year_bounds():
    current = timezone.localdate().year
    return 2000, current + 1


class DossierForm(forms.Form):
    """Header of a dossier. ``unit`` only when creating."""

    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Đơn vị đề nghị"), empty_label=None)
    kind = forms.ChoiceField(choices=AwardKind.choices, label=_("Loại hình khen thưởng"))
    year = forms.IntegerField(label=_("Năm thành tích"))
    title = forms.CharField(
        label=_("Trích yếu"), max_length=500,
        help_text=_("Ví dụ: Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh năm 2025"),
    )
    movement = forms.ModelChoiceField(
        queryset=Movement.objects.none(), required=False, label=_("Phong trào thi đua"),
        empty_label=_("— Không chọn —"),
        help_text=_("Bắt buộc với khen thưởng chuyên đề, theo phong trào."),
    )

    def __init__(self, *args, units=None, province_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units
        self.fields["movement"].queryset = Movement.objects.filter(province_id=province_id)
        low, high = _year_bounds()
        self.fields["year"].min_value = low
        self.fields["year"].max_value = high
        self.fields["year"].widget.attrs.update({"min": low, "max": high})
        self.fields["year"].validators.clear()
        self.fields["movement"].widget.attrs["data-show-if"] = "kind=thematic"
        if not self.is_bound and "year" not in self.initial:
            self.initial["year"] = timezone.localdate().year

    def clean_year(self):
        year = self.cleaned_data["year"]
        low, high = _year_bounds()
        if year < low or year > high:
            raise forms.ValidationError(_("Năm thành tích phải từ %(low)d đến %(high)d."),
                                        params={"low": low, "high": high})
        return year

    def clean(self):
        data = super().clean()
        if data.get("kind") == AwardKind.THEMATIC and not data.get("movement"):
            self.add_error("movement", _("Khen thưởng chuyên đề phải chọn phong trào thi đua."))
        return data


class AwardSelect(forms.Select):
    """A select whose options say which subject (individual/collective) they fit."""

    def __init__(self, *args, subjects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.subjects = subjects or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        subject = self.subjects.get(str(value))
        if subject:
            option["attrs"]["data-subject"] = subject
        return option


def _subject_group(award) -> str:
    return INDIVIDUAL if award.subject == SubjectKind.INDIVIDUAL else COLLECTIVE


class AwardChoiceField(forms.ChoiceField):
    """Award types given as a list, grouped into individual and collective awards."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Danh hiệu, hình thức đề nghị"))
        super().__init__(*args, **kwargs)
        self.awards = {}

    def set_awards(self, awards, *, subject=None):
        awards = [a for a in awards if subject is None or _subject_group(a) == subject]
        self.awards = {str(a.pk): a for a in awards}
        individual = [(str(a.pk), a.name) for a in awards if _subject_group(a) == INDIVIDUAL]
        collective = [(str(a.pk), a.name) for a in awards if _subject_group(a) == COLLECTIVE]
        choices = [("", _("— Chọn danh hiệu, hình thức —"))]
        if individual and collective:
            choices += [(_("Dành cho cá nhân"), individual), (_("Dành cho tập thể"), collective)]
        else:
            choices += individual + collective
        self.choices = choices
        self.widget = AwardSelect(choices=self.choices, subjects={k: _subject_group(a) for k, a in self.awards.items()})
        self.widget.attrs["data-award-select"] = ""

    def clean(self, value):
        value = super().clean(value)
        return self.awards.get(str(value)) if value else None


class NominationForm(forms.Form):
    subject_type = forms.ChoiceField(
        label=_("Đối tượng đề nghị"),
        choices=[(INDIVIDUAL, _("Cá nhân")), (COLLECTIVE, _("Tập thể"))],
        widget=forms.RadioSelect(attrs={"data-subject-toggle": ""}),
        initial=INDIVIDUAL,
    )
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    gender = forms.ChoiceField(
        label=_("Giới tính"), choices=[("", _("— Không rõ —")), *Gender.choices], required=False
    )
    birth_year = forms.IntegerField(label=_("Năm sinh"), required=False)
    position = forms.CharField(label=_("Chức vụ, đơn vị công tác"), max_length=255, required=False)
    collective_name = forms.CharField(label=_("Tên tập thể"), max_length=255, required=False)
    collective_kind = forms.ChoiceField(
        label=_("Loại tập thể"), choices=CollectiveKind.choices, initial=CollectiveKind.COLLECTIVE, required=False
    )
    award_type = AwardChoiceField()
    achievement_summary = forms.CharField(
        label=_("Tóm tắt thành tích"), widget=forms.Textarea(attrs={"rows": 5}),
        max_length=ACHIEVEMENT_SUMMARY_MAX_LENGTH, error_messages={"max_length": SUMMARY_TOO_LONG},
    )

    def __init__(self, *args, awards=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award_type"].set_awards(list(awards))
        current = timezone.localdate().year
        self.fields["birth_year"].widget.attrs.update({"min": 1930, "max": current - 15})

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        current = timezone.localdate().year
        if year is not None and not 1900 <= year <= current - 15:
            raise forms.ValidationError(_("Năm sinh không hợp lệ."))
        return year

    def clean(self):
        data = super().clean()
        subject = data.get("subject_type")
        if subject == INDIVIDUAL and not (data.get("full_name") or "").strip():
            self.add_error("full_name", _("Hãy nhập họ và tên."))
        if subject == COLLECTIVE and not (data.get("collective_name") or "").strip():
            self.add_error("collective_name", _("Hãy nhập tên tập thể."))
        award = data.get("award_type")
        if award is not None and subject and _subject_group(award) != subject:
            if subject == INDIVIDUAL:
                message = _("“%(award)s” không dành cho cá nhân.")
            else:
                message = _("“%(award)s” không dành cho tập thể.")
            self.add_error("award_type", message % {"award": award.name})
        return data


class NominationEditForm(forms.Form):
    award_type = AwardChoiceField()
    achievement_summary = forms.CharField(
        label=_("Tóm tắt thành tích"), widget=forms.Textarea(attrs={"rows": 6}),
        max_length=ACHIEVEMENT_SUMMARY_MAX_LENGTH, error_messages={"max_length": SUMMARY_TOO_LONG},
    )

    def __init__(self, *args, awards=(), subject=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award_type"].set_awards(list(awards), subject=subject)


class NominationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.subject_name} — {obj.award_type.name}"


class AttachmentForm(forms.Form):
    document_type = forms.ModelChoiceField(
        queryset=DocumentType.objects.all(), label=_("Loại tài liệu"), empty_label=_("— Chọn loại tài liệu —")
    )
    nomination = NominationChoiceField(
        queryset=Nomination.objects.none(), required=False, label=_("Của người/tập thể"),
        empty_label=_("— Cả hồ sơ —"),
        help_text=_("Báo cáo thành tích phải gắn với người hoặc tập thể được đề nghị."),
    )
    file = forms.FileField(
        label=_("Tệp"), help_text=_("PDF, DOCX, XLSX, JPEG hoặc PNG."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nomination"].queryset = dossier.nominations.select_related("person", "collective", "award_type")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=REASON_MAX_LENGTH, error_messages={"max_length": TEXT_TOO_LONG})

    def __init__(self, *args, required_attr=False, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label
        if required_attr:
            self.fields["reason"].widget.attrs["required"] = "required"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class HistoryImportForm(ImportForm):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Đơn vị"), empty_label=None)

    field_order = ["unit", "file"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), required=False)


class DossierFilterForm(SearchForm):
    state = forms.ChoiceField(label=_("Trạng thái"), required=False)
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=1900, max_value=2200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("Tất cả trạng thái")), *DossierState.choices]
        self.fields["q"].widget.attrs["placeholder"] = _("Trích yếu, đơn vị, tên người được đề nghị…")
