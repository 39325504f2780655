"""Công khai: the public list of nominees under notice, the public's feedback form,
and Home Affairs' queue of feedback to resolve.

The public pages need no login and show only what ``selectors_public`` loads
(nominee name, unit, award, a short achievement summary, the notice period).
A nomination that is not on an open notice is simply not found (404).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from dossiers import permissions, selectors_public
from dossiers.exceptions import DomainError
from dossiers.forms import SearchForm
from dossiers.services import notice as notice_services
from dossiers.views.common import action_error, apply_domain_error, paginate

SUMMARY_LENGTH = 300


class MultilineField(forms.CharField):
    """A textarea value with line breaks as ``\\n``, so its length is what the visitor typed."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class FeedbackForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Họ tên"), required=False, max_length=notice_services.FEEDBACK_FIELD_MAX_LENGTH,
        help_text=gettext_lazy("Không bắt buộc."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact = forms.CharField(
        label=gettext_lazy("Thông tin liên hệ"), required=False,
        max_length=notice_services.FEEDBACK_FIELD_MAX_LENGTH,
        help_text=gettext_lazy("Số điện thoại hoặc thư điện tử, nếu bạn muốn được liên hệ lại. Không bắt buộc."),
    )
    text = MultilineField(
        label=gettext_lazy("Nội dung góp ý"), max_length=notice_services.FEEDBACK_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": gettext_lazy("Hãy nhập nội dung góp ý."),
            "max_length": gettext_lazy("Nội dung góp ý dài %(show_value)d ký tự, vượt quá giới hạn %(limit_value)d ký tự."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = notice_services.FEEDBACK_TEXT_MAX_LENGTH
        self.fields["text"].help_text = _("Tối đa %(limit)s ký tự.") % {"limit": f"{limit:,}".replace(",", ".")}


class ResolveForm(forms.Form):
    DISMISSED, UPHELD = "dismissed", "upheld"

    decision = forms.ChoiceField(
        label=gettext_lazy("Kết luận"), widget=forms.RadioSelect,
        choices=[(DISMISSED, gettext_lazy("Không có cơ sở")),
                 (UPHELD, gettext_lazy("Có cơ sở: đề nghị không đủ điều kiện"))],
        error_messages={"required": gettext_lazy("Hãy chọn kết luận.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Kết quả xem xét, lý do"), widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("Hãy ghi kết quả xem xét góp ý.")},
    )


def request_client_key(request) -> str:
    """The visitor's rate-limit key (see config.client_ip for addresses behind a proxy)."""
    from config.client_ip import client_ip

    return notice_services.client_key(client_ip(request))


# Public pages (no login) ---------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def public_notice_list(request):
    form = SearchForm(request.GET or None)
    form.fields["q"].label = _("Tìm theo tên người, tập thể hoặc đơn vị (gõ có dấu hoặc không dấu)")
    form.is_valid()
    query = getattr(form, "cleaned_data", {}).get("q") or ""
    page = paginate(request, selectors_public.public_nominations(query=query))
    return render(request, "public/notice_list.html",
                  {"form": form, "page": page, "query": query, "summary_length": SUMMARY_LENGTH})


@require_http_methods(["GET", "HEAD", "POST"])
def public_feedback(request, nomination_id):
    nomination = get_object_or_404(selectors_public.public_nomination(pk=nomination_id))
    form = FeedbackForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice_services.submit_feedback(
                nomination=nomination, name=data["name"], contact=data["contact"], text=data["text"],
                client_key=request_client_key(request),
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
            status = exc.status_code
        else:
            return redirect("public_feedback_thanks", nomination_id=nomination.pk)
    return render(request, "public/feedback_form.html",
                  {"nomination": nomination, "form": form, "summary_length": SUMMARY_LENGTH}, status=status)


@require_http_methods(["GET", "HEAD"])
def public_feedback_thanks(request, nomination_id):
    nomination = selectors_public.public_nomination(pk=nomination_id).first()
    return render(request, "public/feedback_thanks.html", {"nomination": nomination})


# Home Affairs' queue (login, HA staff) ---------------------------------------------


def _require_ha(user) -> None:
    if not permissions.is_ha_staff.test(user):
        raise PermissionDenied


def _resolve_prefix(pk) -> str:
    return f"fb{pk}"


def render_queue(request, *, status=200, failed_id=None, failed_form=None, error=None):
    page = paginate(request, selectors_public.feedback_queue(province_id=request.user.province_id))
    for feedback in page.object_list:
        if feedback.pk == failed_id:
            feedback.resolve_form = failed_form
        else:
            feedback.resolve_form = ResolveForm(prefix=_resolve_prefix(feedback.pk))
    return render(request, "public/feedback_queue.html",
                  {"page": page, "action_error": error, "failed_id": failed_id}, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def feedback_queue(request):
    _require_ha(request.user)
    return render_queue(request)


@login_required
@require_POST
def feedback_resolve(request, pk):
    _require_ha(request.user)
    feedback = get_object_or_404(selectors_public.feedback_for_staff(province_id=request.user.province_id, pk=pk))
    form = ResolveForm(request.POST, prefix=_resolve_prefix(feedback.pk))
    if not form.is_valid():
        return render_queue(request, status=400, failed_id=feedback.pk, failed_form=form)
    upheld = form.cleaned_data["decision"] == ResolveForm.UPHELD
    try:
        notice_services.resolve_feedback(actor=request.user, feedback=feedback, upheld=upheld,
                                         note=form.cleaned_data["note"])
    except DomainError as exc:
        apply_domain_error(form, exc)
        return render_queue(request, status=exc.status_code, failed_id=feedback.pk, failed_form=form,
                            error=action_error(exc))
    if upheld:
        messages.success(request, _("Đã ghi nhận góp ý có cơ sở; đề nghị chuyển sang không đủ điều kiện."))
    else:
        messages.success(request, _("Đã ghi nhận góp ý không có cơ sở."))
    page = request.GET.get("page", "")
    url = reverse("feedback_queue")
    return redirect(f"{url}?page={page}" if page.isdigit() else url)
