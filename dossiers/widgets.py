"""Form pieces shared by every screen: dates typed the Vietnamese way (dd/mm/yyyy)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_FORMAT = "%d/%m/%Y"


class DayInput(forms.TextInput):
    """A date typed as dd/mm/yyyy, the way Vietnamese administrative documents write it."""

    def __init__(self, attrs=None):
        defaults = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off", "maxlength": "10"}
        super().__init__(attrs={**defaults, **(attrs or {})})

    def format_value(self, value):
        if hasattr(value, "strftime"):
            return value.strftime(DATE_FORMAT)
        return super().format_value(value)


def day_field(label, *, required=True, help_text="", initial=None) -> forms.DateField:
    """A date field read as dd/mm/yyyy (or ISO, as browsers and scripts may send it)."""
    return forms.DateField(
        label=label, required=required, input_formats=[DATE_FORMAT, "%Y-%m-%d"], widget=DayInput(),
        help_text=help_text, initial=initial,
        error_messages={"required": _("Hãy nhập ngày."),
                        "invalid": _("Ngày không hợp lệ: hãy nhập theo dạng dd/mm/yyyy.")},
    )
