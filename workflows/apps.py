from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Quy trình xử lý")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from dossiers import working_days
        from workflows import permissions, receivers  # noqa: F401  (rules and signal receivers)
        from workflows.calendar import WorkingCalendar

        working_days.provide(WorkingCalendar)  # the one calendar, for the central stage's deadlines
