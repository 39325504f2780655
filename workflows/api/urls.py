"""Routes of the review API, included under /api/v1/ by ``dossiers.api.urls`` (names in its ``api`` namespace)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from workflows.api import notification_views, review_views, views

router = SimpleRouter()
router.register("tasks", views.TaskViewSet, basename="task")
router.register("return-reasons", views.ReturnReasonViewSet, basename="return-reason")
# Beside the dossier endpoints: /dossiers/{id}/process/, /dossiers/{id}/eligibility/[check/].
router.register("dossiers", views.DossierProcessViewSet, basename="dossier-process")
router.register("dossiers", review_views.DossierEligibilityViewSet, basename="dossier-eligibility")
router.register("eligibility-verdicts", review_views.VerdictViewSet, basename="eligibility-verdict")
router.register("eligibility-overrides", review_views.OverrideViewSet, basename="eligibility-override")
router.register("public-feedback", review_views.FeedbackViewSet, basename="public-feedback")
router.register("notifications", notification_views.NotificationViewSet, basename="notification")

urlpatterns = [
    path("v1/", include(router.urls)),
]
