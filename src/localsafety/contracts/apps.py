from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "localsafety.contracts"
    label = "contracts"
    verbose_name = _("Contracts")

    def ready(self) -> None:
        from django.core import checks

        from localsafety.contracts.checks import check_contract_ownership

        checks.register(check_contract_ownership, checks.Tags.models)
