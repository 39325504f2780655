from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("dossiers.api.urls")),
    path("", include("workflows.urls")),
    path("", include("councils.urls")),
    path("", include("dossiers.urls")),
]
