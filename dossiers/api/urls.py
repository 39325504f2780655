"""API routes: /api/v1/..., the OpenAPI schema at /api/schema/ and Swagger UI at /api/docs/."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from dossiers.api import views

app_name = "api"

router = SimpleRouter()
router.register("catalogue/regulations", views.RegulationViewSet, basename="regulation")
router.register("catalogue/award-types", views.AwardTypeViewSet, basename="award-type")
router.register("catalogue/document-types", views.DocumentTypeViewSet, basename="document-type")
router.register("units", views.UnitViewSet, basename="unit")
router.register("dossiers", views.DossierViewSet, basename="dossier")
router.register("nominations", views.NominationViewSet, basename="nomination")
router.register("attachments", views.AttachmentViewSet, basename="attachment")

urlpatterns = [
    path("v1/auth/token/", views.ObtainTokenView.as_view(), name="token"),
    path("v1/", include(router.urls)),
    path("", include("workflows.api.urls")),
    path("", include("councils.api.urls")),
    path("", include("dossiers.api.central")),  # forwarding to the central level: submissions, board, package
    path("", include("dossiers.api.public")),  # công khai: nominees under notice and feedback, without login
    path("", include("dossiers.api.decisions")),  # award decisions: pool, drafts, check, sign, revocation
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script (Content Security Policy).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^", views.NotFoundView.as_view(), name="not-found"),
]
