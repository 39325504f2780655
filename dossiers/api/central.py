"""API of the central stage: submissions to the Prime Minister, each step, per-item results, the board, the package.

Scoping is the UI's (``dossiers.selectors_central``): province-level roles
read their province's submissions and board; anyone else gets 403 on the
lists and 404 on a submission. Whether the caller may *do* a step is the
services' business: a wrong role is 403, a step out of order 400, a
submission someone else moved first 409, all in the one error body.

    GET  /api/v1/central-submissions/                  ?state=
    POST /api/v1/central-submissions/                  {title, nominations}
    GET  /api/v1/central-submissions/{id}/
    POST /api/v1/central-submissions/{id}/sign|send|receive|return|items-received|hand-over|close
    GET  /api/v1/central-submissions/{id}/package.zip
    POST /api/v1/central-items/{id}/decision           {granted, authority, decision_number, decision_date | reason}
    GET  /api/v1/central-submissions/{id}/attachments/
    POST /api/v1/central-submissions/{id}/attachments/ multipart {label, nomination?, file}
    GET|DELETE /api/v1/central-attachments/{id}/      GET /api/v1/central-attachments/{id}/download/
    GET  /api/v1/central-board/                        ?status=&authority=&award=&year=&unit=&overdue=&min_age=&sort=
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import include, path, re_path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from dossiers import selectors_central as sel
from dossiers.api import central_serializers as s
from dossiers.api.views import ID_PATTERN, FirstRendererNegotiation, Pagination, refusals
from dossiers.exceptions import DomainError, PermissionDeniedError
from dossiers.exports.central_package import package_response
from dossiers.models import CentralAttachment, CentralItem, CentralItemStatus, Nomination
from dossiers.services import central as svc
from dossiers.services.central_deadlines import CentralClock
from dossiers.views.central import file_response

DETAIL_REFUSALS = refusals(400, 403, 404, 409)


def reader(user):
    if not sel.reads_central(user):
        raise PermissionDenied
    return user


def validated(serializer_class, request, *, data=None) -> dict:
    serializer = serializer_class(data=request.data if data is None else data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def submission_for(user, pk):
    return get_object_or_404(sel.submissions_for(user), pk=pk)


def submission_detail(user, pk):
    """The submission with its items, history and the caller's next steps, in a fixed number of queries."""
    submission = get_object_or_404(sel.submissions_for(user).select_related("signed_by"), pk=pk)
    submission.item_list = sel.submission_items(submission)
    submission.event_list = sel.submission_events(submission)
    submission.attachment_list = sel.submission_attachments(submission)
    submission.added_since_return = sel.added_since_return(submission, submission.attachment_list)
    pending = sum(1 for item in submission.item_list if item.status == CentralItemStatus.PENDING)
    submission.steps = sel.next_steps(user, submission, pending=pending)
    return submission


def _transition(summary, request=None, description=None):
    return extend_schema(summary=summary, description=description, request=request,
                         responses={200: s.CentralSubmissionDetailSerializer, **DETAIL_REFUSALS})


@extend_schema_view(
    list=extend_schema(summary=_lazy("Hồ sơ trình Trung ương của tỉnh"), parameters=[s.CentralSubmissionFilterSerializer],
                       responses={200: s.CentralSubmissionSerializer(many=True), **refusals(400, 403)}),
    create=extend_schema(summary=_lazy("Lập hồ sơ trình Trung ương (Sở Nội vụ)"),
                         description=_lazy("Từ các đề nghị đã được Chủ tịch UBND tỉnh đồng ý trình cấp trên, chưa có "
                                           "trong hồ sơ trình nào (bảng theo dõi, status=waiting)."),
                         request=s.CentralCreateSerializer, responses={201: s.CentralSubmissionDetailSerializer,
                                                                **refusals(400, 403)}),
    retrieve=extend_schema(summary=_lazy("Một hồ sơ trình: các đề nghị, lịch sử, hạn của bước hiện tại"),
                           responses={200: s.CentralSubmissionDetailSerializer, **refusals(404)}),
)
@extend_schema(tags=["central"])
class CentralSubmissionViewSet(viewsets.GenericViewSet):
    serializer_class = s.CentralSubmissionSerializer
    pagination_class = Pagination
    lookup_value_regex = ID_PATTERN

    def get_object(self):
        return submission_for(self.request.user, self.kwargs["pk"])

    def detail_response(self, pk, status_code=status.HTTP_200_OK) -> Response:
        submission = submission_detail(self.request.user, pk)
        context = {"clock": CentralClock(submission.province_id)}
        return Response(s.CentralSubmissionDetailSerializer(submission, context=context).data, status=status_code)

    def list(self, request):
        user = reader(request.user)
        data = validated(s.CentralSubmissionFilterSerializer, request, data=request.query_params)
        page = self.paginate_queryset(sel.submission_list(user, state=data["state"] or None))
        context = {"clock": CentralClock(user.unit.province_id)}
        return self.get_paginated_response(s.CentralSubmissionSerializer(page, many=True, context=context).data)

    def create(self, request):
        user = reader(request.user)
        if not sel.rights(user)["create"]:
            raise PermissionDeniedError("permission_denied", _("Chỉ Sở Nội vụ được lập hồ sơ trình Trung ương."))
        data = validated(s.CentralCreateSerializer, request)
        ids = list(dict.fromkeys(data["nominations"]))
        nominations = list(Nomination.objects.filter(pk__in=ids, dossier__unit__province_id=user.unit.province_id))
        missing = sorted(set(ids) - {n.pk for n in nominations})
        if missing:
            raise DomainError("invalid", _("Dữ liệu gửi lên không hợp lệ."), details=[
                {"field": "nominations", "message": _("Không tìm thấy đề nghị %(id)d.") % {"id": pk}}
                for pk in missing])
        by_id = {n.pk: n for n in nominations}
        submission = svc.create_submission(actor=user, province=user.unit.province, title=data["title"],
                                           nominations=[by_id[pk] for pk in ids])
        return self.detail_response(submission.pk, status.HTTP_201_CREATED)

    def retrieve(self, request, pk=None):
        return self.detail_response(pk)

    @_transition(_lazy("Ký tờ trình (Chủ tịch, hoặc Phó Chủ tịch ký thay)"), request=s.CentralSignSerializer,
                 description=_lazy("Cấp số Tờ trình TTr-UBND trong cùng giao dịch."))
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        submission = self.get_object()
        data = validated(s.CentralSignSerializer, request)
        svc.sign_submission(actor=request.user, submission=submission, capacity=data["capacity"],
                            signed_on=data["signed_on"])
        return self.detail_response(pk)

    @_transition(_lazy("Ghi nhận gửi hồ sơ đến Bộ Nội vụ (lần đầu, hoặc gửi lại sau khi bổ sung)"),
                 request=s.CentralSendSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        submission = self.get_object()
        data = validated(s.CentralSendSerializer, request)
        svc.record_sent(actor=request.user, submission=submission, **data)
        return self.detail_response(pk)

    @_transition(_lazy("Ghi nhận Bộ Nội vụ tiếp nhận hồ sơ"), request=s.CentralReceiveSerializer)
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        submission = self.get_object()
        data = validated(s.CentralReceiveSerializer, request)
        svc.record_received(actor=request.user, submission=submission, received_on=data["received_on"])
        return self.detail_response(pk)

    @_transition(_lazy("Ghi nhận Bộ Nội vụ trả lại hồ sơ để bổ sung"), request=s.CentralReturnSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_for_supplement(self, request, pk=None):
        submission = self.get_object()
        data = validated(s.CentralReturnSerializer, request)
        svc.record_returned(actor=request.user, submission=submission, returned_on=data["returned_on"],
                            reason=data["reason"])
        return self.detail_response(pk)

    @_transition(_lazy("Ghi nhận đã nhận hiện vật khen thưởng"), request=s.CentralItemsReceivedSerializer,
                 description=_lazy("Khi mọi đề nghị đã có kết quả (400 items_pending nếu chưa)."))
    @action(detail=True, methods=["post"], url_path="items-received")
    def items_received(self, request, pk=None):
        submission = self.get_object()
        data = validated(s.CentralItemsReceivedSerializer, request)
        svc.record_items_received(actor=request.user, submission=submission, received_on=data["received_on"])
        return self.detail_response(pk)

    @_transition(_lazy("Ghi nhận đã trao khen thưởng"), request=s.CentralHandOverSerializer)
    @action(detail=True, methods=["post"], url_path="hand-over")
    def hand_over(self, request, pk=None):
        submission = self.get_object()
        data = validated(s.CentralHandOverSerializer, request)
        svc.record_handed_over(actor=request.user, submission=submission, handed_over_on=data["handed_over_on"])
        return self.detail_response(pk)

    @_transition(_lazy("Kết thúc theo dõi hồ sơ trình"), request=s.CentralCloseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        submission = self.get_object()
        data = validated(s.CentralCloseSerializer, request)
        svc.close_submission(actor=request.user, submission=submission, closed_on=data["closed_on"])
        return self.detail_response(pk)

    @extend_schema(methods=["GET"], summary=_lazy("Tài liệu của hồ sơ trình (gửi kèm lần đầu và bổ sung)"),
                   responses={200: s.CentralAttachmentSerializer(many=True), **refusals(404)})
    @extend_schema(methods=["POST"], summary=_lazy("Thêm tài liệu vào hồ sơ trình (multipart/form-data)"),
                   description=_lazy("Khi hồ sơ trình đang soạn, đã ký chưa gửi, hoặc bị Bộ Nội vụ trả lại để bổ "
                                     "sung (khi đó tài liệu thuộc lần bổ sung theo lần trả lại đó). Kiểm tra tệp như "
                                     "tài liệu của hồ sơ: PDF, DOCX, XLSX, JPEG, PNG theo nội dung, giới hạn dung "
                                     "lượng của tỉnh. 400 invalid_state ở các bước khác."),
                   request={"multipart/form-data": s.CentralAttachmentUploadSerializer},
                   responses={201: s.CentralAttachmentSerializer, **DETAIL_REFUSALS})
    @action(detail=True, methods=["get", "post"], pagination_class=None, parser_classes=[MultiPartParser])
    def attachments(self, request, pk=None):
        submission = self.get_object()
        context = {"request": request}
        if request.method == "GET":
            return Response(s.CentralAttachmentSerializer(sel.submission_attachments(submission), many=True,
                                                          context=context).data)
        data = validated(s.CentralAttachmentUploadSerializer, request)
        nomination = None
        if data["nomination"] is not None:
            item = submission.items.select_related("nomination").filter(nomination_id=data["nomination"]).first()
            if item is None:
                raise DomainError("invalid", _("Đề nghị không có trong hồ sơ trình này."),
                                  details=[{"field": "nomination", "message": _("Đề nghị không có trong hồ sơ trình "
                                                                                "này.")}])
            nomination = item.nomination
        attachment = svc.add_central_attachment(actor=request.user, submission=submission, label=data["label"],
                                                uploaded_file=data["file"], nomination=nomination)
        attachment = CentralAttachment.objects.select_related("nomination", "uploaded_by").get(pk=attachment.pk)
        return Response(s.CentralAttachmentSerializer(attachment, context=context).data,
                        status=status.HTTP_201_CREATED)


@extend_schema_view(
    retrieve=extend_schema(summary=_lazy("Một tài liệu của hồ sơ trình"),
                           responses={200: s.CentralAttachmentSerializer, **refusals(404)}),
    destroy=extend_schema(summary=_lazy("Xóa tài liệu chưa gửi Bộ Nội vụ"),
                          responses={204: None, **refusals(400, 403, 404, 409)}),
)
@extend_schema(tags=["central"])
class CentralAttachmentViewSet(viewsets.GenericViewSet):
    """A document of a submission, by its own id: read, download, remove (only one not yet sent)."""

    serializer_class = s.CentralAttachmentSerializer
    lookup_value_regex = ID_PATTERN

    def get_object(self):
        return get_object_or_404(
            CentralAttachment.objects.filter(submission__in=sel.submissions_for(self.request.user).values("pk"))
            .select_related("submission", "nomination", "uploaded_by"), pk=self.kwargs["pk"])

    def retrieve(self, request, pk=None):
        return Response(s.CentralAttachmentSerializer(self.get_object(), context={"request": request}).data)

    def destroy(self, request, pk=None):
        svc.remove_central_attachment(actor=request.user, attachment=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary=_lazy("Tải tài liệu của hồ sơ trình về"),
                   responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **refusals(404)})
    @action(detail=True, methods=["get"], content_negotiation_class=FirstRendererNegotiation)
    def download(self, request, pk=None):
        return file_response(self.get_object())


@extend_schema(tags=["central"])
class CentralItemViewSet(viewsets.GenericViewSet):
    serializer_class = s.CentralItemSerializer
    lookup_value_regex = ID_PATTERN

    def get_object(self):
        return get_object_or_404(
            CentralItem.objects.filter(submission__in=sel.submissions_for(self.request.user).values("pk"))
            .select_related("submission"), pk=self.kwargs["pk"])

    @extend_schema(summary=_lazy("Ghi kết quả của Thủ tướng Chính phủ, Chủ tịch nước cho một đề nghị"),
                   description=_lazy("Được khen thưởng: cấp quyết định (prime_minister, president), số và ngày "
                                     "quyết định; khen thưởng được ghi vào lịch sử. Không được khen thưởng: lý do. "
                                     "409 already_decided khi đề nghị đã có kết quả."),
                   request=s.CentralItemDecisionSerializer, responses={200: s.CentralSubmissionDetailSerializer, **DETAIL_REFUSALS})
    @action(detail=True, methods=["post"])
    def decision(self, request, pk=None):
        item = self.get_object()
        data = validated(s.CentralItemDecisionSerializer, request)
        if data["granted"]:
            svc.record_item_decision(actor=request.user, item=item, granted=True, authority=data["authority"],
                                     decision_number=data["decision_number"], decision_date=data["decision_date"])
        else:
            svc.record_item_decision(actor=request.user, item=item, granted=False, reason=data["reason"])
        submission = submission_detail(request.user, item.submission_id)
        context = {"clock": CentralClock(submission.province_id)}
        return Response(s.CentralSubmissionDetailSerializer(submission, context=context).data)


@extend_schema(tags=["central"])
class CentralBoardView(APIView):
    """Every forwarded nomination of the caller's province, filtered, with status, age and due date."""

    pagination_class = Pagination

    @extend_schema(summary=_lazy("Bảng theo dõi đề nghị trình Trung ương"),
                   description=_lazy("status: waiting (chưa đưa vào hồ sơ trình), drafted, signed, sent, received, "
                                     "returned, pending (chờ quyết định), granted, declined. overdue=true: chỉ các "
                                     "đề nghị mà bước hiện tại của hồ sơ trình đã quá hạn."),
                   parameters=[s.CentralBoardFilterSerializer], operation_id="v1_central_board_list",
                   responses={200: s.CentralBoardRowSerializer(many=True), **refusals(400, 403)})
    def get(self, request):
        user = reader(request.user)
        data = validated(s.CentralBoardFilterSerializer, request, data=request.query_params)
        filters = sel.BoardFilters(status=data["status"], authority=data["authority"], award=data["award"],
                                   year=data["year"], unit_id=data["unit"], overdue=data["overdue"],
                                   min_age=data["min_age"], sort=data["sort"])
        province = user.unit.province
        clock = CentralClock(province)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(sel.board_rows(province, filters, clock), request, view=self)
        rows = [sel.board_row(nomination, clock) for nomination in page]
        return paginator.get_paginated_response(s.CentralBoardRowSerializer(rows, many=True).data)


@extend_schema(tags=["central"])
class PackageView(APIView):
    """``/central-submissions/{id}/package.zip``: the PDF, the attachments and the manifest, for the Ministry."""

    content_negotiation_class = FirstRendererNegotiation

    @extend_schema(summary=_lazy("Gói hồ sơ (ZIP) để tải lên hệ thống hồ sơ điện tử của Bộ Nội vụ"),
                   description=_lazy("Tờ trình TTr-UBND (PDF), tài liệu của từng hồ sơ và đề nghị, manifest.json "
                                     "với SHA-256 và dung lượng mỗi tệp. 400 file_changed khi một tài liệu không "
                                     "còn khớp mã băm lưu khi tải lên."),
                   operation_id="v1_central_submissions_package",
                   responses={(200, "application/zip"): OpenApiTypes.BINARY, **refusals(400, 404)})
    def get(self, request, pk=None):
        return package_response(submission_for(request.user, pk))


router = SimpleRouter()
router.register("central-submissions", CentralSubmissionViewSet, basename="central-submission")
router.register("central-items", CentralItemViewSet, basename="central-item")
router.register("central-attachments", CentralAttachmentViewSet, basename="central-attachment")

urlpatterns = [
    # A file name, not a folder: no trailing slash.
    re_path(rf"^v1/central-submissions/(?P<pk>{ID_PATTERN})/package\.zip$", PackageView.as_view(),
            name="central-submission-package"),
    path("v1/central-board/", CentralBoardView.as_view(), name="central-board"),
    path("v1/", include(router.urls)),
]
