"""API views of council sessions: preparation, the meeting, the vote, results and minutes.

Scoping is the UI's: a session is looked up through ``councils.selectors.sessions_for``,
so a session of another province, or one the caller is not on the roster of
(members see only their own sessions, and no drafts), is "not found" (404).
Whether the caller may *do* something is the services' business: a wrong
role is 403 in the one error body.

Secrecy: no response names a member's choices. Progress is counts only, the
agenda shows totals only after voting closes, and the ballot endpoint gives
the caller their own ballot only: in a secret session found by the receipt
code they were given (only its hash is stored), in an open one by membership.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from councils import permissions
from councils.api import serializers as s
from councils.models import (
    AgendaItem,
    Ballot,
    Council,
    CouncilSession,
    SessionCorrection,
    SessionMember,
    VoterRecord,
    VotingMode,
)
from councils.selectors import agenda, council_pool, sessions_for
from councils.services import sessions as svc
from councils.services import voting
from dossiers.api.errors import ErrorSerializer
from dossiers.api.views import ID_PATTERN, FirstRendererNegotiation, Pagination, content_disposition, refusals
from dossiers.exceptions import DomainError, PermissionDeniedError
from dossiers.models import Attachment, Nomination

RECEIPT_HEADER = "X-Ballot-Receipt"


class NotFoundError(DomainError):
    """A refusal with its own code that is a 404 (the caller's ballot is not there)."""

    status_code = 404


def not_found(description: str) -> dict:
    return {404: OpenApiResponse(ErrorSerializer, description=description)}


# --------------------------------------------------------------------------
# Lookups
# --------------------------------------------------------------------------


def session_for(user, pk) -> CouncilSession:
    """The session if the caller may see it; 404 otherwise (another province, not on the roster)."""
    return get_object_or_404(sessions_for(user).select_related("council__province"), pk=pk)


def session_detail(user, pk) -> CouncilSession:
    """The session with what the detail shows, in a fixed number of queries."""
    session = get_object_or_404(
        sessions_for(user).select_related("council__province").annotate(item_count=Count("items", distinct=True))
        .prefetch_related(
            Prefetch("members", queryset=SessionMember.objects.order_by("role", "sort_key", "id"),
                     to_attr="roster"),
            Prefetch("corrections", queryset=SessionCorrection.objects.select_related("created_by"),
                     to_attr="correction_list"),
        ),
        pk=pk,
    )
    me = next((m for m in session.roster if m.user_id == user.pk), None)
    session.rights = {
        "manage": permissions.can_manage_session.test(user, session),
        "confirm": permissions.can_confirm_results.test(user, session),
        "sign": permissions.can_sign_minutes.test(user, session),
        "vote": bool(me and me.votes and me.present),
    }
    # The caller's own "I have voted" (as the UI shows it), never anyone else's and never how.
    session.ballot_cast = bool(me) and VoterRecord.objects.filter(session=session, member=me, has_voted=True).exists()
    return session


def item_for(user, pk) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.filter(session__in=sessions_for(user).values("pk"))
        .select_related("session__council__province", "nomination", "paper_tally"),
        pk=pk,
    )


def require(predicate, user, session, message) -> None:
    """Checked before reading the request, so a wrong role is 403 whatever was sent."""
    if not predicate.test(user, session):
        raise PermissionDeniedError("permission_denied", message)


def validated(serializer_class, request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, context={"request": request}, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


DETAIL_REFUSALS = refusals(400, 403, 404, 409)


def _transition(summary: str, request=None, description: str | None = None):
    return extend_schema(summary=summary, description=description, request=request,
                         responses={200: s.SessionDetailSerializer, **DETAIL_REFUSALS})


# --------------------------------------------------------------------------
# Sessions
# --------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=_lazy("Các phiên họp người gọi được xem"),
                       description=_lazy("Thư ký, Chủ tịch, Sở Nội vụ, kiểm tra: mọi phiên họp của tỉnh. "
                                         "Thành viên: các phiên họp có tên mình, từ khi chương trình được gửi."),
                       responses={200: s.SessionSerializer(many=True), **refusals(403)}),
    create=extend_schema(summary=_lazy("Thư ký tạo phiên họp"), request=s.SessionCreateSerializer,
                         responses={201: s.SessionDetailSerializer, **refusals(400, 403)}),
    retrieve=extend_schema(summary=_lazy("Một phiên họp, với danh sách thành viên và các đính chính"),
                           responses={200: s.SessionDetailSerializer, **refusals(404)}),
    partial_update=extend_schema(
        summary=_lazy("Thư ký sửa thông tin phiên họp"),
        description=_lazy("Ngày họp, loại phiên họp, bỏ phiếu kín, hình thức phiếu, cho phép sửa phiếu: chỉ trước "
                          "khi khai mạc. Tên, địa điểm, giờ bắt đầu: đến khi ký biên bản (sau đó dùng đính chính; "
                          "giờ kết thúc ghi khi ký biên bản)."),
        request=s.SessionUpdateSerializer, responses={200: s.SessionDetailSerializer, **DETAIL_REFUSALS}),
)
@extend_schema(tags=["council-sessions"])
class CouncilSessionViewSet(viewsets.GenericViewSet):
    serializer_class = s.SessionSerializer
    pagination_class = Pagination
    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        # An aggregate drops the model's ordering: say it again (newest first, as the model does).
        return sessions_for(self.request.user).annotate(item_count=Count("items", distinct=True)).order_by(
            "-date", "-id")

    def get_object(self):
        return session_for(self.request.user, self.kwargs["pk"])

    def detail_response(self, pk, status_code=status.HTTP_200_OK) -> Response:
        """The session as the caller now sees it, re-read through the scoped lookup."""
        headers = {}
        if status_code == status.HTTP_201_CREATED:
            headers["Location"] = self.request.build_absolute_uri(reverse("api:council-session-detail", args=[pk]))
        return Response(s.SessionDetailSerializer(session_detail(self.request.user, pk)).data, status=status_code,
                        headers=headers)

    def list(self, request):
        if not permissions.lists_sessions.test(request.user):
            # As the session list page: only council roles, Home Affairs and the readers open it.
            raise PermissionDeniedError("permission_denied",
                                        _("Chỉ Hội đồng, Sở Nội vụ và cán bộ kiểm tra được xem các phiên họp."))
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.SessionSerializer(page, many=True).data)

    def create(self, request):
        user = request.user
        if not permissions.is_secretary.test(user) or user.unit_id is None:
            raise PermissionDeniedError("permission_denied", _("Chỉ Thư ký Hội đồng được tạo phiên họp."))
        data = validated(s.SessionCreateSerializer, request)
        councils = Council.objects.filter(province_id=user.unit.province_id).select_related("province")
        if data["council"] is not None:
            council = councils.filter(pk=data["council"]).first()
            if council is None:
                raise DomainError("invalid", _("Dữ liệu gửi lên không hợp lệ."),
                                  details=[{"field": "council", "message": _("Không có Hội đồng này trong tỉnh.")}])
        else:
            found = list(councils[:2])
            if len(found) != 1:
                raise DomainError("council_required", _("Hãy chọn Hội đồng (tỉnh có %(count)d Hội đồng).")
                                  % {"count": councils.count()},
                                  details=[{"field": "council", "message": _("Bắt buộc phải có.")}])
            council = found[0]
        session = svc.create_session(actor=user, council=council, title=data["title"], date=data["date"],
                                     place=data["place"], kind=data["kind"], secret=data["secret"],
                                     allow_ballot_change=data["allow_ballot_change"], mode=data["mode"],
                                     start_time=data["start_time"])
        return self.detail_response(session.pk, status.HTTP_201_CREATED)

    def retrieve(self, request, pk=None):
        return self.detail_response(pk)

    def partial_update(self, request, pk=None):
        session = self.get_object()
        require(permissions.can_manage_session, request.user, session, _("Chỉ Thư ký Hội đồng được sửa phiên họp."))
        data = validated(s.SessionUpdateSerializer, request, partial=True)
        svc.update_session(actor=request.user, session=session, **data)
        return self.detail_response(pk)

    # ---- agenda ----

    @extend_schema(summary=_lazy("Chương trình: các đề nghị, tỷ lệ cần đạt, kết quả khi đã đếm phiếu"),
                   responses={200: s.AgendaItemSerializer(many=True), **refusals(404)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def agenda(self, request, pk=None):
        session = self.get_object()
        items = agenda(session)
        return Response(s.AgendaItemSerializer(items, many=True,
                                               context=s.agenda_context(session, items, request=request)).data)

    @extend_schema(summary=_lazy("Tải một tài liệu của hồ sơ trong chương trình"),
                   description=_lazy("Cho thành viên phiên họp, Chủ tịch, Thư ký và Sở Nội vụ, từ khi chương trình "
                                     "được gửi (Thư ký: từ bản dự thảo); chỉ tài liệu của đề nghị trong chương trình "
                                     "và tài liệu chung của hồ sơ của chúng."),
                   parameters=[OpenApiParameter("attachment_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
                   responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **refusals(404)})
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<attachment_id>[0-9]{1,18})",
            url_name="document", content_negotiation_class=FirstRendererNegotiation, pagination_class=None)
    def document(self, request, pk=None, attachment_id=None):
        session = self.get_object()
        if not permissions.reads_agenda_details(request.user, session):
            raise NotFoundError("not_found", _("Không tìm thấy."))
        on_agenda = AgendaItem.objects.filter(session=session)
        attachment = Attachment.objects.filter(
            Q(nomination__isnull=True, dossier_id__in=on_agenda.values("nomination__dossier_id"))
            | Q(nomination_id__in=on_agenda.values("nomination_id")),
            pk=attachment_id,
        ).first()
        if attachment is None:
            raise NotFoundError("not_found", _("Không tìm thấy."))
        try:
            handle = attachment.file.open("rb")
        except OSError:
            raise NotFoundError("file_missing", _("Tệp không còn trong kho lưu trữ.")) from None
        response = FileResponse(handle, content_type=attachment.content_type)
        response["Content-Disposition"] = content_disposition(attachment.original_name)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    @extend_schema(summary=_lazy("Danh sách đề nghị chờ Hội đồng xét (Thư ký)"),
                   description=_lazy("Đề nghị đủ điều kiện, phải bỏ phiếu, của hồ sơ chờ Hội đồng, chưa có trong "
                                     "phiên họp nào chưa kết thúc; lọc theo năm, loại hình, danh hiệu, đơn vị."),
                   parameters=[s.PoolFilterSerializer],
                   responses={200: s.PoolNominationSerializer(many=True), **refusals(400, 403, 404)})
    @action(detail=True, methods=["get"])
    def pool(self, request, pk=None):
        session = self.get_object()
        require(permissions.can_manage_session, request.user, session,
                _("Chỉ Thư ký Hội đồng được chuẩn bị chương trình."))
        filters = s.PoolFilterSerializer(data=request.query_params, context={"request": request})
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        rows = council_pool(province=session.council.province, year=data["year"], kind=data["kind"] or None,
                            award_code=data["award"] or None, unit_id=data["unit"])
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.PoolNominationSerializer(page, many=True).data)

    @extend_schema(summary=_lazy("Đưa đề nghị vào chương trình"),
                   description=_lazy("Hồ sơ của các đề nghị chuyển sang “Hội đồng đang xét”. Trả về cả chương trình."),
                   request=s.ItemsAddSerializer,
                   responses={201: s.AgendaItemSerializer(many=True), **DETAIL_REFUSALS})
    @action(detail=True, methods=["post"], pagination_class=None)
    def items(self, request, pk=None):
        session = self.get_object()
        require(permissions.can_manage_session, request.user, session, _("Chỉ Thư ký Hội đồng được sửa chương trình."))
        ids = list(dict.fromkeys(validated(s.ItemsAddSerializer, request)["nominations"]))
        nominations = list(Nomination.objects.filter(pk__in=ids,
                                                     dossier__unit__province_id=session.council.province_id))
        missing = sorted(set(ids) - {n.pk for n in nominations})
        if missing:
            raise DomainError("invalid", _("Dữ liệu gửi lên không hợp lệ."), details=[
                {"field": "nominations", "message": _("Không tìm thấy đề nghị %(id)d.") % {"id": pk_}}
                for pk_ in missing])
        svc.add_items(actor=request.user, session=session, nominations=nominations)
        items = agenda(session)
        return Response(s.AgendaItemSerializer(items, many=True,
                                               context=s.agenda_context(session, items, request=request)).data,
                        status=status.HTTP_201_CREATED)

    # ---- the meeting ----

    @_transition(_lazy("Gửi chương trình đến các thành viên"),
                 description=_lazy("Lập danh sách thành viên theo nhiệm kỳ vào ngày họp và gửi thông báo."))
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        svc.publish_agenda(actor=request.user, session=self.get_object())
        return self.detail_response(pk)

    @_transition(_lazy("Khai mạc phiên họp"))
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        svc.start_session(actor=request.user, session=self.get_object())
        return self.detail_response(pk)

    @_transition(_lazy("Điểm danh"), request=s.AttendanceSerializer,
                 description=_lazy("Khi khai mạc; sau khi mở bỏ phiếu vẫn sửa được đến khi xác nhận kết quả (số "
                                   "thành viên có mặt và kết quả được tính lại). Không đánh dấu vắng mặt được người "
                                   "đã bỏ phiếu."))
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        session = self.get_object()
        require(permissions.can_manage_session, request.user, session, _("Chỉ Thư ký Hội đồng được điểm danh."))
        data = validated(s.AttendanceSerializer, request)
        svc.record_attendance(actor=request.user, session=session, present_user_ids=data["present"])
        return self.detail_response(pk)

    @extend_schema(summary=_lazy("Số thành viên có mặt so với yêu cầu"),
                   responses={200: s.QuorumSerializer, **refusals(404)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def quorum(self, request, pk=None):
        session = self.get_object()
        quorum = svc.quorum_status(session)
        return Response(s.QuorumSerializer({**quorum, "rule": f"{session.quorum_numerator}/"
                                                               f"{session.quorum_denominator}"}).data)

    @_transition(_lazy("Mở bỏ phiếu"), description=_lazy("Từ chối (400 no_quorum) khi chưa đủ số thành viên có mặt."))
    @action(detail=True, methods=["post"], url_path="open-voting")
    def open_voting(self, request, pk=None):
        svc.open_voting(actor=request.user, session=self.get_object())
        return self.detail_response(pk)

    @_transition(_lazy("Kết thúc bỏ phiếu và đếm phiếu"))
    @action(detail=True, methods=["post"], url_path="close-voting")
    def close_voting(self, request, pk=None):
        svc.close_voting(actor=request.user, session=self.get_object())
        return self.detail_response(pk)

    @_transition(_lazy("Bỏ phiếu lại (trước khi xác nhận kết quả)"))
    @action(detail=True, methods=["post"], url_path="reopen-voting")
    def reopen_voting(self, request, pk=None):
        svc.reopen_voting(actor=request.user, session=self.get_object())
        return self.detail_response(pk)

    @_transition(_lazy("Xác nhận kết quả (Chủ tịch hoặc Thư ký)"),
                 description=_lazy("Các đề nghị đạt hoặc không đạt; hồ sơ chuyển bước."))
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        svc.confirm_results(actor=request.user, session=self.get_object())
        return self.detail_response(pk)

    @_transition(_lazy("Chủ tịch ký biên bản"), request=s.FinaliseSerializer)
    @action(detail=True, methods=["post"])
    def finalise(self, request, pk=None):
        session = self.get_object()
        require(permissions.can_sign_minutes, request.user, session, _("Chỉ Chủ tịch Hội đồng ký biên bản."))
        data = validated(s.FinaliseSerializer, request)
        svc.finalise(actor=request.user, session=session, minutes_date=data["minutes_date"],
                     end_time=data["end_time"])
        return self.detail_response(pk)

    @extend_schema(summary=_lazy("Đính chính biên bản đã ký"), request=s.CorrectionInputSerializer,
                   responses={201: s.CorrectionSerializer, **DETAIL_REFUSALS})
    @action(detail=True, methods=["post"])
    def corrections(self, request, pk=None):
        session = self.get_object()
        require(permissions.can_manage_session | permissions.can_sign_minutes, request.user, session,
                _("Chỉ Thư ký hoặc Chủ tịch Hội đồng được đính chính."))
        data = validated(s.CorrectionInputSerializer, request)
        correction = svc.record_correction(actor=request.user, session=session, note=data["note"],
                                           place=data["place"], end_time=data["end_time"])
        return Response(s.CorrectionSerializer(correction).data, status=status.HTTP_201_CREATED)

    # ---- the vote ----

    @extend_schema(summary=_lazy("Tiến độ bỏ phiếu: chỉ số lượng (Thư ký, Chủ tịch)"),
                   responses={200: s.ProgressSerializer, **refusals(403, 404)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def progress(self, request, pk=None):
        session = self.get_object()
        require(permissions.can_confirm_results, request.user, session,
                _("Chỉ Thư ký hoặc Chủ tịch Hội đồng xem tiến độ bỏ phiếu."))
        return Response(s.ProgressSerializer(voting.progress(session)).data)

    @extend_schema(
        methods=["POST"], summary=_lazy("Bỏ phiếu, hoặc sửa phiếu với mã biên nhận"),
        description=_lazy("Lần đầu: 201 với mã biên nhận (chỉ trả một lần; máy chủ chỉ giữ mã băm). Sửa phiếu: 200; "
                          "phiếu kín phải gửi mã biên nhận (thiếu: 409 already_voted)."),
        request=s.BallotInputSerializer,
        responses={201: s.ReceiptSerializer, 200: s.ReceiptSerializer, **DETAIL_REFUSALS},
    )
    @extend_schema(
        methods=["GET"], summary=_lazy("Phiếu của chính tôi"),
        description=_lazy("Phiếu kín: tìm theo mã biên nhận gửi trong header X-Ballot-Receipt. "
                          "Biểu quyết công khai: theo thành viên (không cần mã)."),
        parameters=[OpenApiParameter(RECEIPT_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
                                     description=_lazy("Mã biên nhận nhận được khi bỏ phiếu (phiếu kín)."))],
        responses={200: s.BallotSerializer, **refusals(400, 403),
                   **not_found(_lazy("Không tìm thấy phiên họp, hoặc không có phiếu với mã này (ballot_not_found)."))},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def ballot(self, request, pk=None):
        session = self.get_object()
        if request.method == "GET":
            response = Response(s.BallotSerializer({"choices": own_ballot(request, session).choices}).data)
        else:
            data = validated(s.BallotInputSerializer, request)
            given = data["receipt"].strip()
            code = voting.cast_ballot(actor=request.user, session=session, choices=data["choices"], receipt=given)
            created = code != given
            response = Response(s.ReceiptSerializer({"receipt": code or None}).data,
                                status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
        response["Cache-Control"] = "private, no-store"
        return response

    @extend_schema(summary=_lazy("Nhập ý kiến bằng văn bản của thành viên vắng mặt (multipart/form-data)"),
                   request={"multipart/form-data": s.WrittenOpinionInputSerializer},
                   responses={201: s.WrittenOpinionSerializer, **DETAIL_REFUSALS})
    @action(detail=True, methods=["post"], url_path="written-opinions", parser_classes=[MultiPartParser])
    def written_opinions(self, request, pk=None):
        session = self.get_object()
        require(permissions.can_manage_session, request.user, session,
                _("Chỉ Thư ký Hội đồng được nhập ý kiến bằng văn bản."))
        data = validated(s.WrittenOpinionInputSerializer, request)
        member = session.members.filter(user_id=data["member"]).first()
        if member is None:
            raise DomainError("invalid", _("Dữ liệu gửi lên không hợp lệ."), details=[
                {"field": "member", "message": _("Người này không có trong danh sách thành viên phiên họp.")}])
        opinion = voting.enter_written_opinion(actor=request.user, session=session, member=member,
                                               choices=data["choices"], scan=data["scan"])
        return Response(s.WrittenOpinionSerializer(opinion).data, status=status.HTTP_201_CREATED)


def own_ballot(request, session: CouncilSession) -> Ballot:
    """The caller's own ballot: by receipt hash (secret), by membership (open vote)."""
    member = session.members.filter(user=request.user).first()
    if member is None or not member.votes:
        raise PermissionDeniedError("not_a_member", _("Bạn không có quyền biểu quyết trong phiên họp này."))
    if session.mode != VotingMode.ELECTRONIC:
        raise DomainError("paper_session", _("Phiên họp này bỏ phiếu giấy."))
    if session.secret:
        receipt = (request.headers.get(RECEIPT_HEADER) or "").strip()
        if not receipt:
            raise DomainError("receipt_required", _("Phiếu kín: hãy gửi mã biên nhận trong header %(header)s.")
                              % {"header": RECEIPT_HEADER})
        ballot = Ballot.objects.filter(session=session, receipt_hash=voting.receipt_hash(session, member, receipt)).first()
    else:
        ballot = Ballot.objects.filter(session=session, member=member).first()
    if ballot is None:
        raise NotFoundError("ballot_not_found", _("Không tìm thấy phiếu của bạn (chưa bỏ phiếu, hoặc sai mã biên nhận)."))
    return ballot


# --------------------------------------------------------------------------
# Agenda items by their own id
# --------------------------------------------------------------------------


@extend_schema_view(destroy=extend_schema(summary=_lazy("Để lại một đề nghị cho phiên họp sau"),
                                          responses={204: None, **DETAIL_REFUSALS}))
@extend_schema(tags=["council-sessions"])
class AgendaItemViewSet(viewsets.GenericViewSet):
    serializer_class = s.AgendaItemSerializer
    lookup_value_regex = ID_PATTERN

    def get_object(self):
        return item_for(self.request.user, self.kwargs["pk"])

    def destroy(self, request, pk=None):
        item = self.get_object()
        require(permissions.can_manage_session, request.user, item.session,
                _("Chỉ Thư ký Hội đồng được sửa chương trình."))
        svc.remove_item(actor=request.user, item=item)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary=_lazy("Nhập kết quả kiểm phiếu giấy của một nội dung"),
                   description=_lazy("Đồng ý + không đồng ý + không biểu quyết = hợp lệ ≤ phát ra ≤ số có mặt; "
                                     "sai lệch: 400 tally_mismatch. 201 lần đầu, 200 khi nhập lại."),
                   request=s.PaperTallyInputSerializer,
                   responses={201: s.PaperTallySerializer, 200: s.PaperTallySerializer, **DETAIL_REFUSALS})
    @action(detail=True, methods=["post"], url_path="paper-tally")
    def paper_tally(self, request, pk=None):
        item = self.get_object()
        require(permissions.can_manage_session, request.user, item.session,
                _("Chỉ Thư ký Hội đồng được nhập kết quả kiểm phiếu."))
        data = validated(s.PaperTallyInputSerializer, request)
        existed = hasattr(item, "paper_tally")
        row = voting.enter_paper_tally(actor=request.user, item=item, **data)
        return Response(s.PaperTallySerializer(row).data,
                        status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


# --------------------------------------------------------------------------
# The minutes as PDF
# --------------------------------------------------------------------------


@extend_schema(tags=["council-sessions"])
class MinutesPdfView(APIView):
    """``/council-sessions/{id}/minutes.pdf``: the minutes (a draft, marked so, until the chair signs)."""

    content_negotiation_class = FirstRendererNegotiation

    @extend_schema(summary=_lazy("Biên bản phiên họp (PDF); bản dự thảo cho đến khi ký"),
                   operation_id="v1_council_sessions_minutes_pdf",
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY, **refusals(400, 404)})
    def get(self, request, pk=None):
        from councils.minutes import minutes_context
        from dossiers.documents.render import render_pdf

        session = session_for(request.user, pk)
        context = minutes_context(session)
        if context["session"]["start_time"] is None:
            # The template prints the opening time; without a planned one, the actual opening is the fact.
            if session.started_at is None:
                raise DomainError("no_start_time", _("Chưa có giờ khai mạc: hãy nhập giờ bắt đầu (start_time) của "
                                                     "phiên họp."))
            context["session"]["start_time"] = timezone.localtime(session.started_at).time().replace(second=0,
                                                                                                   microsecond=0)
        pdf = render_pdf("documents/council_minutes.html", context)
        response = HttpResponse(pdf, content_type="application/pdf")
        draft = "" if session.minutes_number else "du-thao-"
        response["Content-Disposition"] = content_disposition(f"bien-ban-{draft}phien-hop-{session.pk}.pdf")
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
