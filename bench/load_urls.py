"""URLs of the load benchmark's server: the product's, and a bare Django JSON view for the baseline run.

``/bench/bare.json`` goes through the same gunicorn, WSGI handler and middleware as every product page
and returns a small JSON body without touching the database: the most the server could serve on this
machine, against which the product's mixed workload is compared. Used only with ``bench.load_settings``.
"""

from django.http import JsonResponse
from django.urls import include, path

BARE_PATH = "bench/bare.json"


def bare(request):
    return JsonResponse({"ok": True, "path": request.path})


urlpatterns = [
    path(BARE_PATH, bare, name="bench_bare"),
    path("", include("config.urls")),
]
