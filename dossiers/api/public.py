"""Công khai in the API: the nominees under public notice and the public's feedback, without login.

The same reads and the same service as the public pages (``selectors_public``,
``services.notice.submit_feedback``): a nomination that is not on an open
notice is not found (404), feedback is length-limited and rate-limited per
client (429, the same hourly and daily windows as the web form), and every
refusal comes back in the API's one error body. Only what the public page
shows is returned: nominee, unit, award, a short achievement summary and the
notice period.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import path, re_path
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from dossiers import selectors_public
from dossiers.api.serializers import InputSerializer
from dossiers.api.views import ID_PATTERN, Pagination, refusals
from dossiers.services import notice as notice_services

# As on the public page (``dossiers.views.public.SUMMARY_LENGTH``).
SUMMARY_LENGTH = 300


class PublicNominationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nominee_name = serializers.CharField(source="subject_name", help_text="Họ tên cá nhân hoặc tên tập thể.")
    subject = serializers.SerializerMethodField(help_text="individual (cá nhân) hoặc collective (tập thể).")
    unit = serializers.CharField(source="dossier.unit.name", help_text="Đơn vị đề nghị.")
    award_type = serializers.CharField(source="award_type.code")
    award_name = serializers.CharField(source="award_type.name")
    achievement_summary = serializers.SerializerMethodField(help_text="Tóm tắt thành tích (tối đa 300 ký tự).")
    notice_starts_on = serializers.DateField(source="dossier.public_notice.starts_on")
    notice_ends_on = serializers.DateField(source="dossier.public_notice.ends_on",
                                           help_text="Nhận góp ý đến hết ngày này.")

    def get_subject(self, nomination) -> str:
        return "individual" if nomination.person_id else "collective"

    def get_achievement_summary(self, nomination) -> str:
        return Truncator(nomination.achievement_summary or "").chars(SUMMARY_LENGTH)


class PublicFeedbackInputSerializer(InputSerializer):
    name = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False,
                                 help_text="Họ tên người góp ý (không bắt buộc, tối đa 150 ký tự).")
    contact = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False,
                                    help_text="Số điện thoại hoặc thư điện tử (không bắt buộc, tối đa 150 ký tự).")
    text = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False,
                                 help_text="Nội dung góp ý (bắt buộc, tối đa 2.000 ký tự).")


class PublicFeedbackReceiptSerializer(serializers.Serializer):
    nomination = serializers.IntegerField()
    message = serializers.CharField()


class PublicView(APIView):
    """No login, no session (so no CSRF token is needed), JSON only."""

    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]


class PublicNominationList(PublicView):
    @extend_schema(
        summary=_lazy("Danh sách đề nghị đang công khai (không cần đăng nhập)"),
        parameters=[OpenApiParameter("q", str, description="Tìm theo tên người, tập thể hoặc đơn vị; có dấu hoặc "
                                                           "không dấu."),
                    OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
        responses={200: PublicNominationSerializer(many=True), **refusals(404, authenticated=False)},
        auth=[], tags=["public"],
    )
    def get(self, request):
        query = (request.query_params.get("q") or "")[:200]
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors_public.public_nominations(query=query), request, view=self)
        return paginator.get_paginated_response(PublicNominationSerializer(page, many=True).data)


class PublicNominationDetail(PublicView):
    @extend_schema(summary=_lazy("Một đề nghị đang công khai"),
                   responses={200: PublicNominationSerializer, **refusals(404, authenticated=False)},
                   auth=[], tags=["public"])
    def get(self, request, pk):
        nomination = get_object_or_404(selectors_public.public_nomination(pk=pk))
        return Response(PublicNominationSerializer(nomination).data)


class PublicFeedbackCreate(PublicView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        summary=_lazy("Gửi góp ý về một đề nghị đang công khai (không cần đăng nhập)"),
        description=_lazy("Mỗi người gửi tối đa 5 góp ý trong một giờ và 20 góp ý trong một ngày; quá giới hạn "
                          "trả về 429 rate_limited. Đề nghị không (còn) công khai trả về 404."),
        request=PublicFeedbackInputSerializer,
        responses={201: PublicFeedbackReceiptSerializer, **refusals(400, 404, 429, authenticated=False)},
        auth=[], tags=["public"],
    )
    def post(self, request, pk):
        from config.client_ip import client_ip

        nomination = get_object_or_404(selectors_public.public_nomination(pk=pk))
        serializer = PublicFeedbackInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        notice_services.submit_feedback(nomination=nomination, name=data["name"], contact=data["contact"],
                                        text=data["text"], client_key=notice_services.client_key(client_ip(request)))
        message = _("Sở Nội vụ đã nhận góp ý của bạn về %(name)s. Góp ý sẽ được xem xét trước khi trình Hội đồng "
                    "Thi đua - Khen thưởng tỉnh.") % {"name": nomination.subject_name}
        return Response({"nomination": nomination.pk, "message": message}, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("v1/public/nominations/", PublicNominationList.as_view(), name="public-nomination-list"),
    re_path(rf"^v1/public/nominations/(?P<pk>{ID_PATTERN})/$", PublicNominationDetail.as_view(),
            name="public-nomination-detail"),
    re_path(rf"^v1/public/nominations/(?P<pk>{ID_PATTERN})/feedback/$", PublicFeedbackCreate.as_view(),
            name="public-feedback-create"),
]
