"""API views of the review process: work lists, task actions and a dossier's process status.

Task endpoints are Home Affairs' own: another role gets 403, a task of
another province 404 (the lookups are scoped by province). Every action goes
through ``workflows.services``; refusals come back in the one error body.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from dossiers.api.views import ID_PATTERN, Pagination, refusals
from dossiers.exceptions import DomainError
from dossiers.models import Dossier, PublicNotice, ReturnReason, SupplementItem
from dossiers.services.review import AppraisalInput, ItemInput, changes_since_return
from workflows import services as wf
from workflows.api import selectors
from workflows.api import serializers as s


class IsHomeAffairs(BasePermission):
    """HA specialists and leads only (the object's province is checked by the scoped lookups)."""

    def has_permission(self, request, view):
        return selectors.is_ha(request.user)


HA_ONLY = [IsAuthenticated, IsHomeAffairs]


def task_response(request, pk) -> Response:
    """The task as the caller now sees it, re-read through the scoped lookup."""
    task = get_object_or_404(selectors.task_for_user(request.user, pk))
    return Response(s.TaskDetailSerializer(task, context={"request": request, "today": timezone.localdate()}).data)


def human_task(task):
    """Only the people's tasks are taken, released or handed over; the waiting points move on by themselves."""
    if task.flow_task.name not in wf.HUMAN_TASKS:
        raise DomainError("wrong_task", _("“%(task)s” là bước chờ của quy trình, không có người nhận hay giao việc; "
                                          "nó tự tiếp tục khi có kết quả.") % {"task": task.flow_task.task_title})
    return task


COMPLETE_REQUEST = PolymorphicProxySerializer(
    component_name="TaskCompletion",
    serializers=[s.IntakeCompleteSerializer, s.AppraisalCompleteSerializer, s.ApprovalCompleteSerializer,
                 s.FeedbackCompleteSerializer],
    resource_type_field_name=None,
)


@extend_schema_view(
    list=extend_schema(summary=_lazy("Danh sách việc: của tôi, chờ nhận, quá hạn"),
                       parameters=[s.TaskFilterSerializer],
                       responses={200: s.TaskSerializer(many=True), **refusals(400, 403)}),
    retrieve=extend_schema(summary=_lazy("Một việc, với hạn xử lý và các thao tác được làm"),
                           responses={200: s.TaskDetailSerializer, **refusals(403, 404)}),
)
@extend_schema(tags=["tasks"])
class TaskViewSet(viewsets.GenericViewSet):
    permission_classes = HA_ONLY
    pagination_class = Pagination
    serializer_class = s.TaskSerializer
    lookup_value_regex = ID_PATTERN

    def get_object(self):
        return get_object_or_404(selectors.task_for_user(self.request.user, self.kwargs["pk"]))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def list(self, request):
        filters = s.TaskFilterSerializer(data=request.query_params, context=self.get_serializer_context())
        filters.is_valid(raise_exception=True)
        # Counted and sliced on the lean list query; only the page's ids are read with the joined tables
        # (workflows.selectors.PagedTasks, as the HTML work lists do).
        tasks = selectors.work_list(request.user, filters.validated_data["scope"])
        page = selectors.with_dossiers(self.paginate_queryset(selectors.paged(tasks)))
        return self.get_paginated_response(s.TaskSerializer(page, many=True, context=self.get_serializer_context()).data)

    def retrieve(self, request, pk=None):
        return Response(s.TaskDetailSerializer(self.get_object(), context=self.get_serializer_context()).data)

    @extend_schema(summary=_lazy("Nhận việc"), request=None,
                   responses={200: s.TaskDetailSerializer, **refusals(400, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        wf.claim_task(actor=request.user, task=human_task(self.get_object()))
        return task_response(request, pk)

    @extend_schema(summary=_lazy("Trả việc về hàng chờ"), request=None,
                   responses={200: s.TaskDetailSerializer, **refusals(400, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        wf.release_task(actor=request.user, task=human_task(self.get_object()))
        return task_response(request, pk)

    @extend_schema(summary=_lazy("Lãnh đạo giao việc cho người khác"), request=s.ReassignSerializer,
                   responses={200: s.TaskDetailSerializer, **refusals(400, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        task = human_task(self.get_object())
        serializer = s.ReassignSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        wf.reassign_task(actor=request.user, task=task, to_user=serializer.validated_data["user"])
        return task_response(request, pk)

    @extend_schema(
        summary=_lazy("Hoàn thành việc: tiếp nhận, thẩm định, duyệt hoặc xử lý góp ý"),
        description=_lazy(
            "Nội dung theo bước của việc. intake: decision accept | return | reject, items, note, reason, due_on. "
            "appraisal: decision submit | return | reject, appraisals, items, note, reason, due_on. "
            "approval: decision approve | send_back | reject, note, reason. "
            "resolve_feedback: decision dismiss | uphold, note."
        ),
        request=COMPLETE_REQUEST,
        responses={200: s.CompletionSerializer, **refusals(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        task = human_task(self.get_object())
        node = task.flow_task.name
        serializer = s.COMPLETE_SERIALIZERS[node](data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("node") and data["node"] != node:
            raise DomainError("wrong_task", _("Việc này là bước “%(title)s” (%(node)s), không phải “%(given)s”.")
                              % {"title": task.flow_task.task_title, "node": node, "given": data["node"]},
                              details=[{"field": "node", "message": _("Phải là %(node)s.") % {"node": node}}])
        if node == "resolve_feedback":
            wf.complete_feedback(actor=request.user, task=task, decision=data["decision"], note=data["note"])
            return self._completed(request, task)
        common = {"actor": request.user, "task": task, "decision": data["decision"], "note": data["note"],
                  "reason": data["reason"]}
        if node == "approval":
            wf.complete_approval(**common)
        else:
            items = [ItemInput(reason=item["reason"], text=item["text"], nomination_id=item["nomination"],
                               document_type=item["document_type"] or None) for item in data["items"]]
            if node == "intake":
                wf.complete_intake(**common, items=items, due_on=data["due_on"])
            else:
                appraisals = [AppraisalInput(nomination_id=row["nomination"], eligible=row["eligible"],
                                             note=row["note"]) for row in data["appraisals"]]
                wf.complete_appraisal(**common, appraisals=appraisals, items=items, due_on=data["due_on"])
        return self._completed(request, task)

    def _completed(self, request, task):
        task = get_object_or_404(selectors.task_for_user(request.user, task.pk))
        dossier = Dossier.objects.select_related("unit").get(pk=selectors.dossier_of_task(task).pk)
        context = self.get_serializer_context()
        return Response(s.CompletionSerializer({
            "task": task, "dossier": dossier, "next_tasks": selectors.active_tasks_of(dossier),
        }, context=context).data)


# --------------------------------------------------------------------------
# A dossier's process status, and the reasons for returning
# --------------------------------------------------------------------------


def process_status(dossier: Dossier) -> dict:
    """What the process page shows, in a fixed number of queries."""
    process = wf.process_of(dossier)
    items = Prefetch("items", queryset=SupplementItem.objects.select_related(
        "reason", "document_type", "nomination__person", "nomination__collective"))
    return {
        "dossier": dossier,
        "process": process,
        "active_tasks": selectors.active_tasks_of(dossier) if process else [],
        "supplement_requests": list(dossier.supplement_requests.select_related("created_by")
                                    .prefetch_related(items).order_by("number")),
        "changes_since_return": changes_since_return(dossier),
        "rejected_reason": dossier.rejected_reason,
        "public_notice": PublicNotice.objects.filter(dossier=dossier).first(),
    }


@extend_schema(tags=["dossiers"])
class DossierProcessViewSet(viewsets.GenericViewSet):
    """``/dossiers/{id}/process/``: beside the dossier endpoints, for whoever may read the dossier."""

    serializer_class = s.ProcessStatusSerializer
    lookup_value_regex = ID_PATTERN

    @extend_schema(summary=_lazy("Tình trạng xử lý của hồ sơ: việc đang chờ, hạn, các lần trả lại, thay đổi"),
                   responses={200: s.ProcessStatusSerializer, **refusals(404)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def process(self, request, pk=None):
        dossier = get_object_or_404(selectors.dossiers_in_scope(request.user).select_related("unit"), pk=pk)
        context = {"request": request, "today": timezone.localdate()}
        return Response(s.ProcessStatusSerializer(process_status(dossier), context=context).data)


@extend_schema_view(list=extend_schema(summary=_lazy("Danh mục lý do trả lại hồ sơ"),
                                       responses={200: s.ReturnReasonSerializer(many=True), **refusals()}))
@extend_schema(tags=["tasks"])
class ReturnReasonViewSet(viewsets.GenericViewSet):
    serializer_class = s.ReturnReasonSerializer
    pagination_class = None

    def get_queryset(self):
        return ReturnReason.objects.order_by("order", "code")

    def list(self, request):
        return Response(s.ReturnReasonSerializer(self.get_queryset(), many=True).data)
