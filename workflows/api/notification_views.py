"""The caller's own notifications: list them, mark them read. Nobody sees or marks another's."""

from __future__ import annotations

from django.db.models import Case, Value, When
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dossiers.api.views import Pagination, refusals
from workflows import notifications as service
from workflows.api import review_serializers as s
from workflows.models import Notification


class NotificationPagination(Pagination):
    """The usual page, plus how many of the caller's notifications are unread."""

    unread_count = 0

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["unread_count"] = self.unread_count
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["unread_count"] = {"type": "integer", "example": 3,
                                                "description": "Số thông báo chưa đọc của người gọi."}
        schema["required"] = [*schema.get("required", []), "unread_count"]
        return schema


@extend_schema_view(
    list=extend_schema(summary=_lazy("Thông báo của tôi"), parameters=[s.NotificationFilterSerializer],
                       responses={200: s.NotificationSerializer(many=True), **refusals(400)}),
)
@extend_schema(tags=["notifications"])
class NotificationViewSet(viewsets.GenericViewSet):
    serializer_class = s.NotificationSerializer
    pagination_class = NotificationPagination

    def get_queryset(self):
        return Notification.objects.filter(recipient_id=self.request.user.pk)

    def list(self, request):
        filters = s.NotificationFilterSerializer(data=request.query_params, context={"request": request})
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        notifications = self.get_queryset()
        if data["unread"] is not None:
            notifications = notifications.filter(read_at__isnull=data["unread"])
        if data["order"] == "unread":
            notifications = notifications.annotate(
                is_read=Case(When(read_at__isnull=True, then=Value(0)), default=Value(1))
            ).order_by("is_read", "-created_at", "-id")
        else:
            notifications = notifications.order_by("-created_at", "-id")
        page = self.paginate_queryset(notifications)
        self.paginator.unread_count = service.unread_count(request.user)
        return self.get_paginated_response(s.NotificationSerializer(page, many=True).data)

    @extend_schema(summary=_lazy("Đánh dấu đã đọc (các thông báo được chọn, hoặc tất cả)"),
                   request=s.MarkReadSerializer, responses={200: s.MarkReadResultSerializer, **refusals(400)})
    @action(detail=False, methods=["post"])
    def read(self, request):
        serializer = s.MarkReadSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        marked = service.mark_read(user=request.user, notification_ids=serializer.validated_data["ids"])
        return Response({"marked": marked, "unread_count": service.unread_count(request.user)})
