from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "dossiers"
    verbose_name = _("Hồ sơ khen thưởng")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Sign-in stamps the session's last activity (idle timeout): config.security.
        from config import security  # noqa: F401
