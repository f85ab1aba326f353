from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "localsafety.contracts"
    label = "contracts"
    verbose_name = _("Contracts")

    def ready(self) -> None:
        # Every write to a contract's records moves its generation (fresh cached pages).
        from localsafety.contracts import generation

        generation.connect()
