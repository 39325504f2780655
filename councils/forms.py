"""Forms of the council pages.

They only collect and shape input; the services in ``councils.services`` check
every rule again, and their refusals are put back on these forms so the user
sees them next to what they typed.
"""

from __future__ import annotations

import copy

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from councils.models import Choice, SessionKind, VotingMode
from dossiers.files import JPEG, PDF, PNG, FileRejected, detect
from dossiers.models import AwardKind
from dossiers.widgets import day_field

SCAN_KINDS = (PDF, JPEG, PNG)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


def time_field(label, *, required=False):
    return forms.TimeField(label=label, required=required, input_formats=["%H:%M", "%H:%M:%S"], widget=TimeInput(),
                           error_messages={"invalid": _("Giờ không hợp lệ: hãy nhập theo dạng hh:mm.")})


class MultilineField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Tên phiên họp"), max_length=255,
                            error_messages={"required": _("Hãy nhập tên phiên họp.")})
    date = day_field(_("Ngày họp"))
    start_time = time_field(_("Giờ bắt đầu"))
    place = forms.CharField(label=_("Địa điểm"), max_length=255,
                            error_messages={"required": _("Hãy nhập địa điểm họp.")})
    kind = forms.ChoiceField(label=_("Loại phiên họp"), choices=SessionKind.choices, initial=SessionKind.REGULAR)
    mode = forms.ChoiceField(label=_("Hình thức phiếu"), choices=VotingMode.choices, initial=VotingMode.ELECTRONIC,
                             widget=forms.RadioSelect)
    secret = forms.BooleanField(label=_("Bỏ phiếu kín"), required=False, initial=True,
                                help_text=_("Không ai, kể cả Thư ký, biết thành viên nào đã chọn gì."))
    allow_ballot_change = forms.BooleanField(
        label=_("Cho phép thành viên sửa phiếu đến khi kết thúc bỏ phiếu"), required=False, initial=True,
    )

    def data_for_service(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("title", "date", "start_time", "place", "kind", "mode", "secret",
                                              "allow_ballot_change")}


class PoolFilterForm(forms.Form):
    """Filters of the pool of nominations waiting for the council (GET; a bad value is ignored)."""

    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100,
                              widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "4"}))
    kind = forms.ChoiceField(label=_("Loại hình khen thưởng"), required=False)
    award = forms.ChoiceField(label=_("Danh hiệu, hình thức"), required=False)
    unit = forms.TypedChoiceField(label=_("Đơn vị"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, awards=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Tất cả")), *AwardKind.choices]
        self.fields["award"].choices = [("", _("Tất cả")), *awards]
        self.fields["unit"].choices = [("", _("Tất cả")), *units]

    def filters(self) -> dict:
        self.is_valid()
        data = {name: value for name, value in (getattr(self, "cleaned_data", {}) or {}).items()
                if name not in self.errors}
        return {"year": data.get("year"), "kind": data.get("kind") or None, "award_code": data.get("award") or None,
                "unit_id": data.get("unit")}


class ItemChoicesMixin:
    """One radio group per agenda item, named ``item_<pk>``."""

    choice_required = False

    def add_item_fields(self, items):
        self.items = list(items)
        # One field built, then copied per item: a session of 1,000 items builds 1,000 fields, and a copy
        # costs a fraction of ChoiceField.__init__ (choices and messages are the same for every item).
        prototype = forms.ChoiceField(
            choices=Choice.choices, required=self.choice_required, widget=forms.RadioSelect,
            error_messages={"required": _("Hãy chọn ý kiến cho nội dung này.")},
        )
        for item in self.items:
            field = copy.copy(prototype)
            field.label = item.nomination.subject_name
            self.fields[self.item_field(item)] = field

    @staticmethod
    def item_field(item) -> str:
        return f"item_{item.pk}"

    def item_choices(self) -> dict[str, str]:
        data = self.cleaned_data
        return {str(item.pk): data[self.item_field(item)] for item in self.items if data.get(self.item_field(item))}


def normal_receipt(value: str) -> str:
    """A typed receipt as issued: upper case, without spaces (dashes kept)."""
    return (value or "").strip().upper().replace(" ", "")


class BallotForm(ItemChoicesMixin, forms.Form):
    """A member's ballot: one choice per item (none is allowed: it counts as not agreeing)."""

    receipt = forms.CharField(
        label=_("Mã biên nhận"), required=False, max_length=40,
        help_text=_("Chỉ cần khi sửa phiếu đã bỏ trên thiết bị khác: nhập mã biên nhận bạn nhận được khi bỏ phiếu."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                                      "placeholder": "XXXX-XXXX-XXXX-XXXX"}),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_item_fields(items)

    def clean_receipt(self):
        return normal_receipt(self.cleaned_data.get("receipt"))

    def rows(self):
        """Per item, what the template draws: the item, its radio buttons and its errors.

        Drawn by the template itself rather than by the RadioSelect widget's templates (the same HTML:
        name, value, ``id_item_<pk>_<n>``, checked), because a ballot of 1,000 items has 3,000 radio
        buttons and the widget renders each through the template engine.
        """
        labels = list(Choice.choices)
        errors = self.errors if self.is_bound else {}
        rows = []
        for item in self.items:
            name = self.item_field(item)
            html_name = self.add_prefix(name)
            value = self.data.get(html_name) if self.is_bound else self.initial.get(name)
            value = "" if value is None else str(value)
            auto_id = self.auto_id % html_name if self.auto_id and "%s" in str(self.auto_id) else ""
            rows.append({
                "item": item, "name": html_name, "errors": errors.get(name, []),
                "choices": [{"value": choice, "label": label, "id": f"{auto_id}_{index}" if auto_id else "",
                             "checked": value == choice} for index, (choice, label) in enumerate(labels)],
            })
        return rows

    def review(self):
        """Per item, after validation: the field name, the choice and its label ("" when none)."""
        labels = dict(Choice.choices)
        choices = self.item_choices()
        return [{"item": item, "name": self.item_field(item), "value": choices.get(str(item.pk), ""),
                 "label": labels.get(choices.get(str(item.pk), ""), "")} for item in self.items]


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(label=_("Có mặt"), required=False, coerce=int,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        self.fields["present"].choices = [(m.user_id, m.name) for m in self.members]
        if not self.is_bound:
            self.initial["present"] = [m.user_id for m in self.members if m.present]

    def rows(self):
        """(member, checked) per roster member, the submitted ticks kept on a refusal."""
        if self.is_bound:
            ticked = {str(v) for v in self.data.getlist("present")}
        else:
            ticked = {str(v) for v in self.initial.get("present", [])}
        return [(member, str(member.user_id) in ticked) for member in self.members]


class WrittenOpinionForm(ItemChoicesMixin, forms.Form):
    """An absent member's written opinion, entered by the secretary with its scan."""

    choice_required = True

    member = forms.TypedChoiceField(label=_("Thành viên vắng mặt"), coerce=int,
                                    error_messages={"required": _("Hãy chọn thành viên.")})
    scan = forms.FileField(
        label=_("Bản chụp ý kiến bằng văn bản (PDF, JPEG, PNG)"),
        error_messages={"required": _("Hãy đính kèm bản chụp ý kiến bằng văn bản.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args, members, items, **kwargs):
        kwargs.setdefault("prefix", "opinion")
        super().__init__(*args, **kwargs)
        self.members = list(members)
        self.fields["member"].choices = [("", _("— Chọn thành viên —")), *((m.pk, m.name) for m in self.members)]
        self.add_item_fields(items)

    def clean_scan(self):
        scan = self.cleaned_data["scan"]
        try:
            kind = detect(scan)
        except FileRejected as exc:
            raise forms.ValidationError(exc.message) from None
        if kind not in SCAN_KINDS:
            raise forms.ValidationError(_("Bản chụp phải là tệp PDF, JPEG hoặc PNG."))
        return scan

    def member_object(self):
        return next(m for m in self.members if m.pk == self.cleaned_data["member"])

    def rows(self):
        return [(item, self[self.item_field(item)]) for item in self.items]


class PaperTallyForm(forms.Form):
    """Counted paper ballots for one item; the service checks the sums."""

    issued = forms.IntegerField(label=_("Phiếu phát ra"), min_value=0)
    valid = forms.IntegerField(label=_("Phiếu hợp lệ"), min_value=0)
    agree = forms.IntegerField(label=_("Đồng ý"), min_value=0)
    disagree = forms.IntegerField(label=_("Không đồng ý"), min_value=0)
    abstain = forms.IntegerField(label=_("Không biểu quyết, phiếu trắng"), min_value=0)

    def __init__(self, *args, item, **kwargs):
        kwargs.setdefault("prefix", f"tally{item.pk}")
        tally = getattr(item, "paper_tally", None) if item.pk else None
        if tally is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(tally, name) for name in self.base_fields}
        super().__init__(*args, **kwargs)
        self.item = item
        for field in self.fields.values():
            field.error_messages["required"] = _("Hãy nhập số phiếu.")
            field.widget.attrs["inputmode"] = "numeric"


class FinaliseForm(forms.Form):
    minutes_date = day_field(_("Ngày ký biên bản"))
    end_time = time_field(_("Giờ kết thúc phiên họp"))

    def __init__(self, *args, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("minutes_date", timezone.localdate())
            if session is not None and session.end_time:
                self.initial.setdefault("end_time", session.end_time)


class CorrectionForm(forms.Form):
    note = MultilineField(label=_("Nội dung đính chính"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                          error_messages={"required": _("Hãy ghi nội dung đính chính.")})
    place = forms.CharField(label=_("Địa điểm (nếu đính chính)"), required=False, max_length=255)
    end_time = time_field(_("Giờ kết thúc (nếu đính chính)"))
