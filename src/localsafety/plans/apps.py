from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def plan_stage_kept_by_the_plan(stage: Any) -> bool:
    """The plan stage of a contract that has a plan is decided on the plan's versions."""
    from localsafety.plans.models import Plan

    return stage.kind == "plan" and Plan.objects.filter(contract_id=stage.contract_id).exists()


class PlansConfig(AppConfig):
    name = "localsafety.plans"
    label = "plans"
    verbose_name = _("Intervention plans")

    def ready(self) -> None:
        from rules import rulesets

        from localsafety.contracts.services import STAGE_DECIDED_ELSEWHERE_RULE

        rulesets.set_rule(STAGE_DECIDED_ELSEWHERE_RULE, plan_stage_kept_by_the_plan)  # type: ignore[no-untyped-call]
