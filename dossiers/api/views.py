"""API views: scoped reads through the selectors, every change through a service.

Every detail lookup goes through a scoped selector, so an object of another
unit is "not found" (404), exactly as in the UI and for downloads. Refusals
come back in one body (see ``dossiers.api.errors``).
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from dossiers import login_guard, selectors
from dossiers.api import serializers as s
from dossiers.api.errors import ErrorSerializer
from dossiers.exceptions import DomainError, PermissionDeniedError
from dossiers.models import AuditEvent, AwardType, DocumentType, Regulation, RequiredDocument
from dossiers.selectors import nomination_for_user
from dossiers.services import attachments as attachment_services
from dossiers.services import dossiers as dossier_services

# --------------------------------------------------------------------------
# Shared pieces
# --------------------------------------------------------------------------

_REFUSALS = {
    400: "Dữ liệu không hợp lệ hoặc thao tác bị từ chối (xem code).",
    401: "Chưa đăng nhập hoặc mã xác thực sai.",
    403: "Không có quyền (ví dụ permission_denied, separation_of_duties).",
    404: "Không tìm thấy, hoặc ngoài phạm vi đơn vị của bạn.",
    409: "Hồ sơ vừa được người khác thay đổi.",
    429: "Gửi quá nhiều yêu cầu; thử lại sau số giây ghi trong Retry-After.",
}


def refusals(*codes: int, authenticated: bool = True) -> dict:
    """Error responses for the schema; 401 is always possible where a login is needed."""
    codes = {401, *codes} if authenticated else set(codes)
    return {code: OpenApiResponse(ErrorSerializer, description=_REFUSALS[code]) for code in sorted(codes)}


# Ids in addresses: ASCII digits that fit a 64-bit integer (longer ones are simply not found).
ID_PATTERN = "[0-9]{1,18}"


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class FirstRendererNegotiation(BaseContentNegotiation):
    """Downloads answer whatever the client's Accept header says."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback and the real name RFC 5987-encoded."""
    plain = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    fallback = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._- ()") else "_" for ch in plain)
    return f"attachment; filename=\"{fallback or 'tai-lieu'}\"; filename*=UTF-8''{quote(name, safe='')}"


# --------------------------------------------------------------------------
# Authentication
# --------------------------------------------------------------------------


class TokenThrottle(AnonRateThrottle):
    """Slows down password guessing on the token endpoint (per client address)."""

    scope = "auth_token"
    rate = "10/minute"


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (header ``Authorization: Token <key>``)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    renderer_classes = [JSONRenderer]

    @extend_schema(request=s.TokenRequestSerializer, responses={200: s.TokenSerializer, **refusals(400, 429, authenticated=False)},
                   auth=[], tags=["auth"])
    def post(self, request):
        serializer = s.TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = authenticate(request=request, username=serializer.validated_data["username"],
                            password=serializer.validated_data["password"])
        if user is None:
            remaining = login_guard.lockout_remaining(request, serializer.validated_data["username"])
            if remaining:
                raise login_guard.LoginLockedError("login_locked", login_guard.lockout_message(remaining))
            raise DomainError("invalid_credentials", _("Tên đăng nhập hoặc mật khẩu không đúng."))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


# --------------------------------------------------------------------------
# Catalogue and units (read-only)
# --------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(responses={200: s.RegulationSerializer(many=True), **refusals()}),
                    retrieve=extend_schema(responses={200: s.RegulationSerializer, **refusals(404)}))
@extend_schema(tags=["catalogue"])
class RegulationViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Regulation.objects.order_by("effective_from")
    serializer_class = s.RegulationSerializer
    pagination_class = Pagination
    lookup_value_regex = ID_PATTERN


@extend_schema_view(list=extend_schema(responses={200: s.DocumentTypeSerializer(many=True), **refusals()}),
                    retrieve=extend_schema(responses={200: s.DocumentTypeSerializer, **refusals(404)}))
@extend_schema(tags=["catalogue"])
class DocumentTypeViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = DocumentType.objects.order_by("order", "code")
    serializer_class = s.DocumentTypeSerializer
    pagination_class = Pagination
    lookup_value_regex = ID_PATTERN


@extend_schema_view(
    list=extend_schema(parameters=[s.AwardTypeFilterSerializer],
                       responses={200: s.AwardTypeSerializer(many=True), **refusals(400)}),
    retrieve=extend_schema(responses={200: s.AwardTypeSerializer, **refusals(404)}),
)
@extend_schema(tags=["catalogue"])
class AwardTypeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.AwardTypeSerializer
    pagination_class = Pagination
    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        qs = (
            AwardType.objects.select_related("regulation")
            .prefetch_related(
                Prefetch("required_documents", queryset=RequiredDocument.objects.select_related("document_type")),
                "criteria",
            )
            .order_by("regulation__effective_from", "rank", "code")
        )
        if self.action != "list":
            return qs
        filters = s.AwardTypeFilterSerializer(data=self.request.query_params, context={"request": self.request})
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        if data.get("regulation"):
            qs = qs.filter(regulation__code=data["regulation"])
        if data.get("subject"):
            qs = qs.filter(subject=data["subject"])
        if data.get("in_force_on"):
            day = data["in_force_on"]
            qs = qs.filter(regulation__effective_from__lte=day).filter(
                Q(regulation__effective_to__isnull=True) | Q(regulation__effective_to__gte=day)
            )
        if data.get("proposable") is True:
            qs = qs.filter(is_active=True).exclude(authority="unit_head")
        elif data.get("proposable") is False:
            qs = qs.filter(authority="unit_head")
        if data.get("kind"):
            # ``kinds`` is a JSON list; JSON containment is not portable to SQLite, the catalogue is small.
            kind = data["kind"]
            qs = qs.filter(pk__in=[pk for pk, kinds in qs.values_list("pk", "kinds") if kind in (kinds or [])])
        return qs


@extend_schema_view(list=extend_schema(responses={200: s.UnitSerializer(many=True), **refusals()}),
                    retrieve=extend_schema(responses={200: s.UnitSerializer, **refusals(404)}))
@extend_schema(tags=["units"])
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Units the caller may see: their own scope, or the whole province for province-level roles."""

    serializer_class = s.UnitSerializer
    pagination_class = Pagination
    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        return selectors.units_for_user(self.request.user).order_by("name_key", "id")


# --------------------------------------------------------------------------
# Dossiers
# --------------------------------------------------------------------------


def _dossier(user, pk):
    return get_object_or_404(selectors.dossier_for_user(user=user, pk=pk))


def _transition_schema(summary: str, request=None):
    return extend_schema(summary=summary, request=request,
                         responses={200: s.DossierDetailSerializer, **refusals(400, 403, 404, 409)})


@extend_schema_view(
    list=extend_schema(parameters=[s.DossierFilterSerializer],
                       responses={200: s.DossierSerializer(many=True), **refusals(400)}),
    create=extend_schema(request=s.DossierCreateSerializer,
                         responses={201: s.DossierDetailSerializer, **refusals(400, 403)}),
    retrieve=extend_schema(responses={200: s.DossierDetailSerializer, **refusals(404)}),
    update=extend_schema(request=s.DossierWriteSerializer,
                         responses={200: s.DossierDetailSerializer, **refusals(400, 403, 404, 409)}),
    partial_update=extend_schema(request=s.DossierWriteSerializer,
                                 responses={200: s.DossierDetailSerializer, **refusals(400, 403, 404, 409)}),
)
@extend_schema(tags=["dossiers"])
class DossierViewSet(viewsets.GenericViewSet):
    serializer_class = s.DossierSerializer
    pagination_class = Pagination
    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        return selectors.dossier_list(user=self.request.user)

    def get_object(self):
        return _dossier(self.request.user, self.kwargs["pk"])

    def detail_response(self, pk, status_code=status.HTTP_200_OK) -> Response:
        """The dossier as the caller now sees it, re-read through the scoped selector."""
        dossier = _dossier(self.request.user, pk)
        headers = {}
        if status_code == status.HTTP_201_CREATED:
            headers["Location"] = self.request.build_absolute_uri(reverse("api:dossier-detail", args=[pk]))
        return Response(s.DossierDetailSerializer(dossier, context=self.get_serializer_context()).data,
                        status=status_code, headers=headers)

    def list(self, request):
        filters = s.DossierFilterSerializer(data=request.query_params, context=self.get_serializer_context())
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        qs = selectors.dossier_list(user=request.user, query=data["q"], state=data["state"], year=data["year"],
                                    unit_id=data["unit"])
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.DossierSerializer(page, many=True).data)

    def create(self, request):
        serializer = s.DossierCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        unit = data["unit"] or request.user.unit
        if unit is None:
            raise PermissionDeniedError("permission_denied", _("Bạn không được lập hồ sơ cho đơn vị này."))
        dossier = dossier_services.create_dossier(actor=request.user, unit=unit, kind=data["kind"],
                                                  year=data["year"], title=data["title"],
                                                  movement=data["movement"])
        return self.detail_response(dossier.pk, status.HTTP_201_CREATED)

    def retrieve(self, request, pk=None):
        return Response(s.DossierDetailSerializer(self.get_object(), context=self.get_serializer_context()).data)

    def update(self, request, pk=None, partial=False):
        dossier = self.get_object()
        serializer = s.DossierWriteSerializer(data=request.data, partial=partial,
                                              context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        values = {"kind": dossier.kind, "year": dossier.year, "title": dossier.title, "movement": dossier.movement}
        values.update(serializer.validated_data)
        dossier_services.update_dossier(actor=request.user, dossier=dossier, **values)
        return self.detail_response(dossier.pk)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    # ---- transitions ----

    @_transition_schema(_lazy("Cán bộ TĐKT chuyển hồ sơ cho thủ trưởng"))
    @action(detail=True, methods=["post"], url_path="send-to-head")
    def send_to_head(self, request, pk=None):
        dossier_services.send_to_head(actor=request.user, dossier=self.get_object())
        return self.detail_response(pk)

    @_transition_schema(_lazy("Thủ trưởng trình (hoặc trình lại) hồ sơ lên Sở Nội vụ"))
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        dossier_services.submit_dossier(actor=request.user, dossier=self.get_object())
        return self.detail_response(pk)

    @_transition_schema(_lazy("Rút hồ sơ (đã trình thì phải nêu lý do)"), request=s.ReasonSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        dossier = self.get_object()
        reason = self._reason(request)
        dossier_services.withdraw_dossier(actor=request.user, dossier=dossier, reason=reason)
        return self.detail_response(pk)

    def _reason(self, request) -> str:
        serializer = s.ReasonSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data["reason"]

    # ---- nominations, attachments, history, import ----

    @extend_schema(methods=["GET"], summary=_lazy("Các đề nghị của hồ sơ, theo thứ tự tên tiếng Việt"),
                   responses={200: s.NominationSerializer(many=True), **refusals(404)})
    @extend_schema(methods=["POST"], summary=_lazy("Thêm một đề nghị (cá nhân hoặc tập thể)"),
                   request=s.NominationCreateSerializer,
                   responses={201: s.NominationSerializer, **refusals(400, 403, 404, 409)})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def nominations(self, request, pk=None):
        dossier = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            return Response(s.NominationSerializer(selectors.nominations_of(dossier), many=True, context=context).data)
        serializer = s.NominationCreateSerializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            person, collective = data.get("person_id"), data.get("collective_id")
            if data.get("person"):
                person = dossier_services.find_or_create_person(unit=dossier.unit, **data["person"])
            if data.get("collective"):
                collective = dossier_services.find_or_create_collective(unit=dossier.unit, **data["collective"])
            nomination = dossier_services.add_nomination(
                actor=request.user, dossier=dossier, award_type=data["award_type"],
                achievement_summary=data["achievement_summary"], person=person, collective=collective,
            )
        nomination = get_object_or_404(nomination_for_user(user=request.user, pk=nomination.pk))
        return Response(s.NominationSerializer(nomination, context=context).data, status=status.HTTP_201_CREATED,
                        headers={"Location": request.build_absolute_uri(
                            reverse("api:nomination-detail", args=[nomination.pk]))})

    @extend_schema(methods=["GET"], summary=_lazy("Tài liệu đính kèm của hồ sơ"),
                   responses={200: s.AttachmentSerializer(many=True), **refusals(404)})
    @extend_schema(methods=["POST"], summary=_lazy("Tải lên một tài liệu (multipart/form-data)"),
                   request={"multipart/form-data": s.AttachmentUploadSerializer},
                   responses={201: s.AttachmentSerializer, **refusals(400, 403, 404, 409)})
    @action(detail=True, methods=["get", "post"], pagination_class=None, parser_classes=[MultiPartParser])
    def attachments(self, request, pk=None):
        dossier = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            rows = dossier.attachments.select_related("document_type", "uploaded_by").order_by(
                "document_type__order", "id")
            return Response(s.AttachmentSerializer(rows, many=True, context=context).data)
        serializer = s.AttachmentUploadSerializer(data=request.data, context={**context, "dossier": dossier})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        attachment = attachment_services.upload_attachment(
            actor=request.user, dossier=dossier, document_type=data["document_type"], uploaded_file=data["file"],
            nomination=data.get("nomination"),
        )
        attachment = get_object_or_404(_attachments(request.user, attachment.pk))
        return Response(s.AttachmentSerializer(attachment, context=context).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_lazy("Nhật ký của hồ sơ"), responses={200: s.AuditEventSerializer(many=True),
                                                             **refusals(404)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        dossier = self.get_object()
        events = AuditEvent.objects.filter(dossier_id_ref=dossier.pk).order_by("id")
        return Response(s.AuditEventSerializer(events, many=True).data)

    @extend_schema(summary=_lazy("Nhập danh sách đề nghị từ tệp Excel"),
                   request={"multipart/form-data": s.ImportNomineesSerializer},
                   responses={200: s.ImportResultSerializer, **refusals(400, 403, 404, 409)})
    @action(detail=True, methods=["post"], url_path="import-nominees", parser_classes=[MultiPartParser])
    def import_nominees(self, request, pk=None):
        dossier = self.get_object()
        serializer = s.ImportNomineesSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        from dossiers.imports.nominees import import_nominees

        result = import_nominees(actor=request.user, dossier=dossier, fileobj=serializer.validated_data["file"])
        if isinstance(result, dict):
            created = result["created"]
        else:
            created = getattr(result, "created", result)
        return Response({"created": int(created)})


# --------------------------------------------------------------------------
# Nominations and attachments by their own id
# --------------------------------------------------------------------------


@extend_schema_view(
    retrieve=extend_schema(responses={200: s.NominationSerializer, **refusals(404)}),
    update=extend_schema(request=s.NominationUpdateSerializer,
                         responses={200: s.NominationSerializer, **refusals(400, 403, 404, 409)}),
    partial_update=extend_schema(request=s.NominationUpdateSerializer,
                                 responses={200: s.NominationSerializer, **refusals(400, 403, 404, 409)}),
    destroy=extend_schema(responses={204: None, **refusals(403, 404, 409)}),
)
@extend_schema(tags=["nominations"])
class NominationViewSet(viewsets.GenericViewSet):
    serializer_class = s.NominationSerializer
    lookup_value_regex = ID_PATTERN

    def get_object(self):
        return get_object_or_404(nomination_for_user(user=self.request.user, pk=self.kwargs["pk"]))

    def retrieve(self, request, pk=None):
        return Response(s.NominationSerializer(self.get_object(), context=self.get_serializer_context()).data)

    def update(self, request, pk=None, partial=False):
        nomination = self.get_object()
        serializer = s.NominationUpdateSerializer(data=request.data, partial=partial,
                                                  context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        values = {"award_type": nomination.award_type, "achievement_summary": nomination.achievement_summary}
        values.update(serializer.validated_data)
        dossier_services.update_nomination(actor=request.user, nomination=nomination, **values)
        return self.retrieve(request, pk)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk=None):
        dossier_services.remove_nomination(actor=request.user, nomination=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


def _attachments(user, pk):
    return selectors.attachment_for_user(user=user, pk=pk).select_related("document_type", "dossier",
                                                                         "uploaded_by")


@extend_schema_view(
    retrieve=extend_schema(responses={200: s.AttachmentSerializer, **refusals(404)}),
    destroy=extend_schema(responses={204: None, **refusals(403, 404, 409)}),
)
@extend_schema(tags=["attachments"])
class AttachmentViewSet(viewsets.GenericViewSet):
    serializer_class = s.AttachmentSerializer
    lookup_value_regex = ID_PATTERN

    def get_object(self):
        return get_object_or_404(_attachments(self.request.user, self.kwargs["pk"]))

    def retrieve(self, request, pk=None):
        return Response(s.AttachmentSerializer(self.get_object(), context=self.get_serializer_context()).data)

    def destroy(self, request, pk=None):
        attachment_services.remove_attachment(actor=request.user, attachment=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary=_lazy("Tải tài liệu về"),
                   responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **refusals(404)})
    @action(detail=True, methods=["get"], content_negotiation_class=FirstRendererNegotiation)
    def download(self, request, pk=None):
        attachment = self.get_object()
        response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
        response["Content-Disposition"] = content_disposition(attachment.original_name)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


# --------------------------------------------------------------------------
# Documentation and the API's own "not found"
# --------------------------------------------------------------------------


class NotFoundView(APIView):
    """Any other address under /api/: a JSON 404, not the site's HTML page."""

    authentication_classes = []
    permission_classes = [AllowAny]
    schema = None

    def initial(self, request, *args, **kwargs):
        raise NotFound()
