"""Forms of the decision pages: they collect input; ``dossiers.services.decisions`` checks every rule again."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.widgets import day_field


class LinesField(forms.CharField):
    """A textarea, one entry per line (line breaks as ``\\n``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class DecisionTextForm(forms.Form):
    """The text of a draft: trích yếu, legal bases (căn cứ), recipients (nơi nhận)."""

    title = forms.CharField(
        label=_("Trích yếu"), max_length=500,
        help_text=_("Ví dụ: Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"),
        error_messages={"required": _("Hãy nhập trích yếu của quyết định.")},
    )
    legal_bases = LinesField(label=_("Căn cứ pháp lý"),
                             help_text=_("Mỗi căn cứ một dòng; để trống dùng căn cứ mặc định."))
    recipients = LinesField(label=_("Nơi nhận"), help_text=_("Mỗi nơi nhận một dòng."))

    def data_for_service(self) -> dict:
        data = self.cleaned_data
        return {"title": data["title"], "legal_bases": data["legal_bases"] or "",
                "recipients": data["recipients"] or ""}


class PoolFilterForm(forms.Form):
    """Filters of the pool of nominations ready for a decision: only values the pool holds are offered."""

    year = forms.TypedChoiceField(label=_("Năm"), required=False, coerce=int, empty_value=None)
    award = forms.ChoiceField(label=_("Danh hiệu, hình thức"), required=False)
    unit = forms.TypedChoiceField(label=_("Đơn vị"), required=False, coerce=int, empty_value=None)
    session = forms.TypedChoiceField(label=_("Phiên họp Hội đồng"), required=False, coerce=int, empty_value=None)
    dossier = forms.TypedChoiceField(label=_("Hồ sơ"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("Tất cả"))]
        self.fields["year"].choices = every + choices["years"]
        self.fields["award"].choices = every + choices["awards"]
        self.fields["unit"].choices = every + choices["units"]
        self.fields["session"].choices = every + choices["sessions"]
        self.fields["dossier"].choices = every + choices["dossiers"]

    def filters(self) -> dict:
        """Service keyword arguments; a value no longer offered (the pool moved on) is simply dropped."""
        if not self.is_bound or not self.is_valid():
            data = {}
        else:
            data = self.cleaned_data
        return {
            "year": data.get("year"),
            "award_code": data.get("award") or None,
            "unit_id": data.get("unit"),
            "session_id": data.get("session"),
            "dossier_id": data.get("dossier"),
        }


class CheckForm(forms.Form):
    submission_date = day_field(_("Ngày tờ trình"), help_text=_("Tờ trình của Sở Nội vụ được cấp số khi trình ký."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"submission_date": timezone.localdate()})
        super().__init__(*args, **kwargs)


class SendBackForm(forms.Form):
    note = forms.CharField(label=_("Nội dung cần sửa"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Hãy nêu nội dung cần sửa.")})


class SignForm(forms.Form):
    """The date of signing. Who signs as what is the signer's account's (shown on the page, not chosen here)."""

    decision_date = day_field(_("Ngày quyết định"), help_text=_("Số quyết định được cấp theo năm của ngày này."))
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"decision_date": timezone.localdate()})
        super().__init__(*args, **kwargs)


class RevocationForm(forms.Form):
    """A revocation draft: its title and, per chosen award record, the reason (``reason_<record id>``)."""

    title = forms.CharField(
        label=_("Trích yếu"), max_length=500,
        error_messages={"required": _("Hãy nhập trích yếu của quyết định.")},
    )

    def __init__(self, *args, records, **kwargs):
        super().__init__(*args, **kwargs)
        self.records = records
        for record in records:
            self.fields[f"reason_{record.pk}"] = forms.CharField(
                label=_("Lý do hủy bỏ"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"required": _("Hãy nêu lý do hủy bỏ.")},
            )

    def rows(self):
        return [(record, self[f"reason_{record.pk}"]) for record in self.records]

    def pairs(self) -> list[tuple]:
        return [(record, self.cleaned_data[f"reason_{record.pk}"]) for record in self.records]
