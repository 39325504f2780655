"""API of award decisions: the pool, drafts, the lead's check, sending back, signing, revocation.

Scoping is the UI's (``dossiers.selectors_decisions.decisions_for``): Home
Affairs reads every decision of its province, the signer what was put up for
signature and what is signed, the auditor, the central liaison and the
administrator signed ones; anyone else sees none, so a decision is "not found"
(404). Whether the caller may *do* something is the services' business: a
wrong role is 403, a decision someone else moved first 409, in the one error body.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import include, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from dossiers import selectors_decisions as sel
from dossiers.api import decision_serializers as s
from dossiers.api.views import ID_PATTERN, Pagination, refusals
from dossiers.exceptions import DomainError, PermissionDeniedError
from dossiers.models import Decision, DecisionKind, DecisionState, Nomination
from dossiers.services import decisions as svc

DETAIL_REFUSALS = refusals(400, 403, 404, 409)


def validated(serializer_class, request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, context={"request": request}, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def require_ha(user):
    if not sel.is_ha(user):
        raise PermissionDeniedError("permission_denied", _("Chỉ Sở Nội vụ được lập, sửa dự thảo quyết định."))
    return user.unit.province


def decision_detail(user, pk, *, acted=False):
    """The decision as the caller sees it, with its items or revocations, in a fixed number of queries.

    ``acted``: the answer to an action the service has just allowed (a signer who sent a draft back
    gets it once more, though drafts are not in the signer's scope).
    """
    if acted:
        decision = get_object_or_404(Decision.objects.filter(province_id=user.province_id).select_related(
            "province", "created_by", "checked_by", "signed_by", "revokes"), pk=pk)
    else:
        decision = get_object_or_404(sel.decision_for(user, pk))
    decision.item_list, decision.revocation_list, decision.preview = [], [], None
    if decision.kind == DecisionKind.REVOCATION:
        decision.revocation_list = sel.revocation_items(decision)
    else:
        decision.item_list = sel.decision_items(decision)
        if decision.state in sel.ISSUED:
            sel.award_records_of_items(decision, decision.item_list)
        else:
            decision.preview = sel.preview_cash(decision.item_list)
    items = decision.item_list
    decision.item_count, decision.revocation_count = len(items), len(decision.revocation_list)
    decision.forwarded_count = sum(1 for item in items if item.forwarded)
    decision.cash_total = sum(item.cash_amount for item in items)
    ha, lead, signer = sel.is_ha(user), sel.is_ha_lead(user), sel.is_signer(user)
    draft, checked = decision.state == DecisionState.DRAFT, decision.state == DecisionState.CHECKED
    decision.rights = {
        "edit": ha and draft, "check": lead and draft, "send_back": (lead or signer) and checked,
        "sign": signer and checked,
        "revoke": ha and decision.state == DecisionState.SIGNED and decision.kind == DecisionKind.AWARD,
    }
    decision.my_signer_capacity = (user.signer_capacity or None) if signer else None
    return decision


def nominations_in(province, ids) -> list[Nomination]:
    ids = list(dict.fromkeys(ids))
    found = {n.pk: n for n in Nomination.objects.filter(pk__in=ids, dossier__unit__province=province)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise DomainError("invalid", _("Dữ liệu gửi lên không hợp lệ."), details=[
            {"field": "nominations", "message": _("Không tìm thấy đề nghị %(id)d.") % {"id": pk}} for pk in missing])
    return [found[pk] for pk in ids]


def _transition(summary, request=None, description=None):
    return extend_schema(summary=summary, description=description, request=request,
                         responses={200: s.DecisionDetailSerializer, **DETAIL_REFUSALS})


@extend_schema_view(
    list=extend_schema(
        summary=_lazy("Các quyết định người gọi được xem"),
        description=_lazy("Sở Nội vụ: mọi quyết định của tỉnh, kể cả dự thảo. Người ký: đã trình ký và đã ký. "
                          "Kiểm tra, liên hệ Trung ương, quản trị: đã ký. Vai trò khác: không có."),
        parameters=[s.DecisionFilterSerializer],
        responses={200: s.DecisionRowSerializer(many=True), **refusals(400)}),
    retrieve=extend_schema(summary=_lazy("Một quyết định với danh sách khen thưởng (hoặc hủy bỏ)"),
                           responses={200: s.DecisionDetailSerializer, **refusals(404)}),
    create=extend_schema(summary=_lazy("Sở Nội vụ lập dự thảo từ các đề nghị chờ quyết định"),
                         request=s.DecisionCreateSerializer,
                         responses={201: s.DecisionDetailSerializer, **refusals(400, 403, 409)}),
    partial_update=extend_schema(summary=_lazy("Sửa trích yếu, căn cứ, nơi nhận của dự thảo"),
                                 request=s.DecisionTextSerializer,
                                 responses={200: s.DecisionDetailSerializer, **DETAIL_REFUSALS}),
)
@extend_schema(tags=["decisions"])
class DecisionViewSet(viewsets.GenericViewSet):
    serializer_class = s.DecisionRowSerializer
    pagination_class = Pagination
    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        return sel.decision_rows(self.request.user)

    def detail_response(self, pk, status_code=status.HTTP_200_OK, *, acted=True) -> Response:
        decision = decision_detail(self.request.user, pk, acted=acted)
        return Response(s.DecisionDetailSerializer(decision, context={"request": self.request}).data,
                        status=status_code)

    def get_object(self):
        return get_object_or_404(sel.decision_for(self.request.user, self.kwargs["pk"]))

    def list(self, request):
        filters = s.DecisionFilterSerializer(data=request.query_params, context={"request": request})
        filters.is_valid(raise_exception=True)
        rows = sel.decision_rows(request.user, state=filters.validated_data["state"],
                                 kind=filters.validated_data["kind"])
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.DecisionRowSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return self.detail_response(pk, acted=False)

    def create(self, request):
        province = require_ha(request.user)
        data = validated(s.DecisionCreateSerializer, request)
        decision = svc.create_decision(actor=request.user, province=province, title=data["title"],
                                       legal_bases="\n".join(data["legal_bases"]),
                                       recipients="\n".join(data["recipients"]),
                                       nominations=nominations_in(province, data["nominations"]))
        return self.detail_response(decision.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        decision = self.get_object()
        require_ha(request.user)
        data = validated(s.DecisionTextSerializer, request, partial=True)
        svc.update_draft(actor=request.user, decision=decision, title=data.get("title", decision.title),
                         legal_bases="\n".join(data["legal_bases"]) if "legal_bases" in data else decision.legal_bases,
                         recipients="\n".join(data["recipients"]) if "recipients" in data else decision.recipients)
        return self.detail_response(pk)

    @extend_schema(summary=_lazy("Danh sách đề nghị chờ quyết định (Sở Nội vụ)"),
                   description=_lazy("Đề nghị Hội đồng biểu quyết đạt, hoặc đủ điều kiện mà không phải bỏ phiếu, của "
                                     "hồ sơ chờ quyết định, chưa có trong dự thảo nào; lọc theo năm, danh hiệu, đơn vị, "
                                     "phiên họp, hồ sơ."),
                   parameters=[s.ReadyFilterSerializer],
                   responses={200: s.PoolNomineeSerializer(many=True), **refusals(400, 403)})
    @action(detail=False, methods=["get"])
    def ready(self, request):
        province = require_ha(request.user)
        filters = s.ReadyFilterSerializer(data=request.query_params, context={"request": request})
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        rows = sel.pool(province=province, year=data["year"], award_code=data["award"] or None,
                        unit_id=data["unit"], session_id=data["session"], dossier_id=data["dossier"])
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.PoolNomineeSerializer(page, many=True).data)

    @extend_schema(summary=_lazy("Thêm đề nghị vào dự thảo"), request=s.NominationIdsSerializer,
                   responses={201: s.DecisionDetailSerializer, **DETAIL_REFUSALS})
    @action(detail=True, methods=["post"])
    def items(self, request, pk=None):
        decision = self.get_object()
        province = require_ha(request.user)
        data = validated(s.NominationIdsSerializer, request)
        svc.add_items(actor=request.user, decision=decision, nominations=nominations_in(province, data["nominations"]))
        return self.detail_response(pk, status.HTTP_201_CREATED)

    @_transition(_lazy("Bỏ một đề nghị khỏi dự thảo"))
    @action(detail=True, methods=["delete"], url_path=rf"items/(?P<item_pk>{ID_PATTERN})")
    def remove_item(self, request, pk=None, item_pk=None):
        decision = self.get_object()
        item = get_object_or_404(decision.items.all(), pk=item_pk)
        svc.remove_item(actor=request.user, item=item)
        return self.detail_response(pk)

    @_transition(_lazy("Lãnh đạo Sở Nội vụ kiểm tra, trình ký"), request=s.CheckInputSerializer,
                 description=_lazy("Tờ trình của Sở Nội vụ được cấp số (TTr-SNV)."))
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        decision = self.get_object()
        data = validated(s.CheckInputSerializer, request)
        svc.check_decision(actor=request.user, decision=decision, submission_date=data["submission_date"])
        return self.detail_response(pk)

    @_transition(_lazy("Trả lại dự thảo để sửa (lãnh đạo Sở, người ký)"), request=s.SendBackInputSerializer)
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        decision = self.get_object()
        data = validated(s.SendBackInputSerializer, request)
        svc.send_back(actor=request.user, decision=decision, note=data["note"])
        return self.detail_response(pk)

    @_transition(_lazy("Ký ban hành (Chủ tịch, hoặc Phó Chủ tịch ký thay)"), request=s.SignInputSerializer,
                 description=_lazy("Một giao dịch: cấp số quyết định, khen thưởng từng người, ghi lịch sử, "
                                   "chuyển bước hồ sơ. Thẩm quyền ký theo tài khoản người ký. 409 khi quyết định "
                                   "vừa bị người khác thay đổi."))
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        decision = self.get_object()
        data = validated(s.SignInputSerializer, request)
        svc.sign_decision(actor=request.user, decision=decision, capacity=data["capacity"],
                          decision_date=data["decision_date"])
        return self.detail_response(pk)

    @extend_schema(summary=_lazy("Lập dự thảo quyết định hủy bỏ khen thưởng"),
                   description=_lazy("Mỗi khen thưởng một lý do; khen thưởng phải do Chủ tịch UBND tỉnh quyết định."),
                   request=s.RevocationCreateSerializer,
                   responses={201: s.DecisionDetailSerializer, **refusals(400, 403, 409)})
    @action(detail=False, methods=["post"])
    def revocations(self, request):
        province = require_ha(request.user)
        data = validated(s.RevocationCreateSerializer, request)
        ids = [row["award_record"] for row in data["records"]]
        records = {r.pk: r for r in sel.award_records_for(request.user).filter(pk__in=ids)}
        missing = [pk for pk in ids if pk not in records]
        if missing:
            raise DomainError("invalid", _("Dữ liệu gửi lên không hợp lệ."), details=[
                {"field": "records", "message": _("Không tìm thấy khen thưởng %(id)d.") % {"id": pk}}
                for pk in missing])
        decision = svc.draft_revocation(actor=request.user, province=province, title=data["title"],
                                        records=[(records[row["award_record"]], row["reason"])
                                                 for row in data["records"]])
        return self.detail_response(decision.pk, status.HTTP_201_CREATED)


router = SimpleRouter()
router.register("decisions", DecisionViewSet, basename="decision")

urlpatterns = [
    path("v1/", include(router.urls)),
]
