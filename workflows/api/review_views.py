"""API views of Home Affairs' appraisal aids: eligibility checks and overrides, the public's feedback.

Home Affairs only: another role gets 403; a dossier, verdict, override or
feedback of another province is 404. The eligibility engine
(``dossiers.services.eligibility``) and the public notice
(``dossiers.services.notice``) make every change.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dossiers.api.views import ID_PATTERN, Pagination, refusals
from dossiers.exceptions import ConflictError, DomainError, PermissionDeniedError
from dossiers.models import (
    Dossier,
    EligibilityOverride,
    EligibilityVerdict,
    NominationOutcome,
    PublicFeedback,
)
from dossiers.services import notice as notice_services
from workflows import services as wf
from workflows.api import review_serializers as s
from workflows.api import selectors
from workflows.api.views import HA_ONLY
from workflows.selectors import rights

# --------------------------------------------------------------------------
# Eligibility
# --------------------------------------------------------------------------


def _children(verdict) -> list:
    children = verdict.children
    return list(children.all()) if hasattr(children, "all") else list(children or [])


def _override(verdict):
    try:
        return verdict.override
    except EligibilityOverride.DoesNotExist:
        return None


def _walk(verdicts):
    for verdict in verdicts:
        yield verdict
        yield from _walk(_children(verdict))


def eligibility_of(dossier: Dossier, nomination_ids=None) -> list[dict]:
    """The stored verdict trees of the dossier's nominations, with each nomination's effective result.

    A fixed number of queries: the trees come in one (``stored_verdicts``), the nominations in one.
    """
    from dossiers.services.eligibility import effective_result, stored_verdicts

    trees = stored_verdicts(dossier)
    nominations = dossier.nominations.exclude(outcome=NominationOutcome.WITHDRAWN).select_related(
        "person", "collective", "award_type")
    if nomination_ids is not None:
        nominations = nominations.filter(pk__in=nomination_ids)
    nominations = sorted(nominations, key=lambda n: (0, n.person.sort_key, n.id) if n.person_id
                         else (1, n.collective.sort_key, n.id))

    def tree(verdict) -> dict:
        # stored_verdicts joins the regulation and the override with its author: no query here.
        override = _override(verdict)
        return {
            "id": verdict.pk, "key": verdict.key, "description": verdict.description, "result": verdict.result,
            "result_label": verdict.get_result_display(), "explanation": verdict.explanation,
            "regulation": verdict.regulation.code, "evaluated_at": verdict.evaluated_at,
            "override": None if override is None else {
                "id": override.pk, "reason": override.reason, "created_by": str(override.created_by),
                "created_at": override.created_at},
            "children": [tree(child) for child in _children(verdict)],
        }

    rows = []
    for nomination in nominations:
        roots = list(trees.get(nomination.pk, []))
        checked = [v.evaluated_at for v in _walk(roots)]
        rows.append({
            "nomination": nomination.pk, "nominee_name": nomination.subject_name,
            "award_type": nomination.award_type.code, "award_name": nomination.award_type.name,
            "outcome": nomination.outcome,
            "result": str(effective_result(roots)) if roots else None,
            "checked_at": max(checked) if checked else None,
            "verdicts": [tree(root) for root in roots],
        })
    return rows


def require_appraiser(user, dossier: Dossier) -> None:
    """Eligibility work belongs to whoever does (or may take) the dossier's appraisal task, as in the UI."""
    task = wf.active_task(dossier, "appraisal")
    if task is None:
        raise DomainError("wrong_task", _("Hồ sơ không ở bước thẩm định: chỉ kiểm tra điều kiện và chấp nhận "
                                          "ngoại lệ trong việc thẩm định hồ sơ."))
    task.dossier = dossier
    if not rights(user, task)["can_act"]:
        if task.owner_id:
            raise ConflictError("task_taken", _("Việc thẩm định hồ sơ này do %(name)s đảm nhận.")
                                        % {"name": task.owner})
        raise PermissionDeniedError("permission_denied", _("Bạn không được thẩm định hồ sơ này."))


def _ha_dossier(user, pk) -> Dossier:
    return get_object_or_404(selectors.dossiers_in_scope(user).select_related("unit", "unit__province"), pk=pk)


@extend_schema(tags=["eligibility"])
class DossierEligibilityViewSet(viewsets.GenericViewSet):
    """``/dossiers/{id}/eligibility/``: the stored checks of a dossier's nominations."""

    permission_classes = HA_ONLY
    serializer_class = s.NominationEligibilitySerializer
    lookup_value_regex = ID_PATTERN

    @extend_schema(summary=_lazy("Kết quả kiểm tra điều kiện của từng đề nghị"),
                   responses={200: s.NominationEligibilitySerializer(many=True), **refusals(403, 404)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def eligibility(self, request, pk=None):
        return Response(s.NominationEligibilitySerializer(eligibility_of(_ha_dossier(request.user, pk)),
                                                          many=True).data)

    @extend_schema(summary=_lazy("Kiểm tra điều kiện của mọi đề nghị trong hồ sơ"), request=None,
                   responses={200: s.NominationEligibilitySerializer(many=True), **refusals(400, 403, 404, 409)})
    @action(detail=True, methods=["post"], url_path="eligibility/check", pagination_class=None)
    def check(self, request, pk=None):
        from dossiers.services.eligibility import check_eligibility

        dossier = _ha_dossier(request.user, pk)
        require_appraiser(request.user, dossier)
        check_eligibility(actor=request.user, dossier=dossier)
        return Response(s.NominationEligibilitySerializer(eligibility_of(dossier), many=True).data)


@extend_schema(tags=["eligibility"])
class VerdictViewSet(viewsets.GenericViewSet):
    """``/eligibility-verdicts/{id}/override/``: accept a failed criterion in writing."""

    permission_classes = HA_ONLY
    serializer_class = s.NominationEligibilitySerializer
    lookup_value_regex = ID_PATTERN

    @extend_schema(summary=_lazy("Chấp nhận một tiêu chuẩn không đạt, có lý do"), request=s.OverrideRequestSerializer,
                   responses={201: s.NominationEligibilitySerializer, **refusals(400, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def override(self, request, pk=None):
        from dossiers.services.eligibility import override_verdict

        verdict = get_object_or_404(EligibilityVerdict.objects.select_related("nomination__dossier__unit__province").filter(
            nomination__dossier__in=selectors.dossiers_in_scope(request.user)), pk=pk)
        require_appraiser(request.user, verdict.nomination.dossier)
        serializer = s.OverrideRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        override_verdict(actor=request.user, verdict=verdict, reason=serializer.validated_data["reason"])
        row = eligibility_of(Dossier.objects.get(pk=verdict.nomination.dossier_id), [verdict.nomination_id])
        return Response(s.NominationEligibilitySerializer(row[0]).data, status=status.HTTP_201_CREATED)


@extend_schema_view(destroy=extend_schema(summary=_lazy("Bỏ một chấp nhận ngoại lệ"),
                                          responses={204: None, **refusals(400, 403, 404, 409)}))
@extend_schema(tags=["eligibility"])
class OverrideViewSet(viewsets.GenericViewSet):
    permission_classes = HA_ONLY
    serializer_class = s.OverrideSerializer
    lookup_value_regex = ID_PATTERN

    def destroy(self, request, pk=None):
        from dossiers.services.eligibility import remove_override

        override = get_object_or_404(EligibilityOverride.objects.select_related("verdict__nomination__dossier__unit__province").filter(
            verdict__nomination__dossier__in=selectors.dossiers_in_scope(request.user)), pk=pk)
        require_appraiser(request.user, override.verdict.nomination.dossier)
        remove_override(actor=request.user, override=override)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --------------------------------------------------------------------------
# The public's feedback on noticed nominees
# --------------------------------------------------------------------------


def feedback_of_province(user):
    province_id = selectors.province_id_of(user)
    return PublicFeedback.objects.filter(nomination__dossier__unit__province_id=province_id).select_related(
        "nomination__person", "nomination__collective", "nomination__award_type", "nomination__dossier__unit",
        "resolved_by",
    )


@extend_schema_view(
    list=extend_schema(summary=_lazy("Góp ý của người dân về các đề nghị đang công khai"),
                       parameters=[s.FeedbackFilterSerializer],
                       responses={200: s.FeedbackSerializer(many=True), **refusals(400, 403)}),
)
@extend_schema(tags=["public-feedback"])
class FeedbackViewSet(viewsets.GenericViewSet):
    permission_classes = HA_ONLY
    pagination_class = Pagination
    serializer_class = s.FeedbackSerializer
    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        return feedback_of_province(self.request.user)

    def list(self, request):
        filters = s.FeedbackFilterSerializer(data=request.query_params, context={"request": request})
        filters.is_valid(raise_exception=True)
        feedback = self.get_queryset()
        if filters.validated_data["status"]:
            feedback = feedback.filter(status=filters.validated_data["status"])
        if filters.validated_data["dossier"]:
            feedback = feedback.filter(nomination__dossier_id=filters.validated_data["dossier"])
        page = self.paginate_queryset(feedback.order_by("created_at", "id"))
        return self.get_paginated_response(s.FeedbackSerializer(page, many=True).data)

    @extend_schema(summary=_lazy("Xử lý một góp ý: có cơ sở (upheld) hay không"), request=s.ResolveFeedbackSerializer,
                   responses={200: s.FeedbackSerializer, **refusals(400, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        feedback = get_object_or_404(self.get_queryset(), pk=pk)
        serializer = s.ResolveFeedbackSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        notice_services.resolve_feedback(actor=request.user, feedback=feedback,
                                         upheld=serializer.validated_data["upheld"],
                                         note=serializer.validated_data["note"])
        return Response(s.FeedbackSerializer(get_object_or_404(self.get_queryset(), pk=pk)).data)
