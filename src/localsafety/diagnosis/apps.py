from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiagnosisConfig(AppConfig):
    name = "localsafety.diagnosis"
    label = "diagnosis"
    verbose_name = _("Diagnosis")

    def ready(self) -> None:
        # The approved diagnosis is frozen by a receiver of the stage decision.
        from localsafety.diagnosis import document  # noqa: F401
