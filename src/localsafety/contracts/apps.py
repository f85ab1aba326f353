from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "localsafety.contracts"
    label = "contracts"
    verbose_name = _("Contracts")

    def ready(self) -> None:
        from django.core import checks

        from localsafety.contracts import generation
        from localsafety.contracts.checks import check_contract_ownership
        from localsafety.contracts.zones import on_zones_changed
        from localsafety.territory.models import Area
        from localsafety.territory.signals import zones_changed

        checks.register(check_contract_ownership, checks.Tags.models)
        # Every write to a contract's records moves its generation (fresh cached pages).
        generation.connect()
        # Bulk zone imports fire no model signals: the territory says when a contract's zones
        # changed, and the contract's pages move on.
        zones_changed.connect(on_zones_changed, sender=Area, dispatch_uid="contracts.zones_changed")
