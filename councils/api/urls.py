"""Routes of the council API, included under /api/ by ``dossiers.api.urls`` (names in its ``api`` namespace)."""

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from councils.api import views
from dossiers.api.views import ID_PATTERN

router = SimpleRouter()
router.register("council-sessions", views.CouncilSessionViewSet, basename="council-session")
router.register("agenda-items", views.AgendaItemViewSet, basename="agenda-item")

urlpatterns = [
    # A file name, not a folder: no trailing slash.
    re_path(rf"^v1/council-sessions/(?P<pk>{ID_PATTERN})/minutes\.pdf$", views.MinutesPdfView.as_view(),
            name="council-session-minutes"),
    path("v1/", include(router.urls)),
]
