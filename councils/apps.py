from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilsConfig(AppConfig):
    name = "councils"
    verbose_name = _("Hội đồng Thi đua - Khen thưởng")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from councils.exports import signed_minutes
        from dossiers.documents import council_minutes

        council_minutes.provide(signed_minutes)  # the signed minutes in the central export package
