"""A system check that keeps every domain record under the contract access rules.

A concrete model of ``contracts`` or of a domain app must either belong to a contract
(inherit :class:`~localsafety.contracts.ownership.ContractOwned`, so that its
``visible_to`` comes from one place), belong to a police force (inherit
:class:`~localsafety.contracts.ownership.PoliceOwned`: incident-level records, readable only
by members of the force that owns them, with an ``organisation`` foreign key to
``organisations.Organisation``) or be listed here as public reference data, with the
reason. ``localsafety check`` (and so the test suite) fails otherwise: a new model cannot
forget its access rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core import checks
from django.db import models

from localsafety.contracts.ownership import is_contract_owned, is_police_owned

#: Apps whose records belong to contracts (the contracts app and the domain apps above it).
DOMAIN_APPS = frozenset(
    {"contracts", "diagnosis", "perception", "plans", "activities", "monitoring", "training"}
)

#: Models of those apps that are not owned by one contract, and why that is safe.
PUBLIC_REFERENCE_MODELS: dict[str, str] = {
    "contracts.Contract": "the root every record hangs from; its own visible_to(user, need)",
    "plans.InterventionKind": "the national typology of interventions, the same for everyone",
    "plans.TargetGroup": "the national list of target groups, the same for everyone",
    "plans.FundingSource": "the national list of funding sources, the same for everyone",
    "plans.PartnerProgramme": "the national list of partner programmes, the same for everyone",
    "plans.IndicatorTemplate": "the national indicator catalogue, the same for everyone",
    "diagnosis.IndicatorMatrix": "the national indicator matrix (versions), set by national roles",
    "diagnosis.Indicator": "an indicator of a national matrix version, the same for every contract",
    "diagnosis.CrimeCategory": "the national crime taxonomy (DGPJ/INE groups), the same for all",
    "diagnosis.StatisticsDataset": "published official statistics (DGPJ/INE): provenance only",
    "diagnosis.StatisticValue": "published official statistics by municipality, region, country",
}


def _is_history_table(model: type[models.Model]) -> bool:
    """django-simple-history's shadow tables are read only through their source's rules."""
    return hasattr(model, "instance_type") and hasattr(model, "history_id")


def ownership_errors(candidates: Iterable[type[models.Model]]) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for model in candidates:
        meta = model._meta
        if meta.app_label not in DOMAIN_APPS or meta.abstract or meta.proxy:
            continue
        if _is_history_table(model) or meta.label in PUBLIC_REFERENCE_MODELS:
            continue
        if is_police_owned(model):
            errors += _police_owner_errors(model)
            continue
        if not is_contract_owned(model):
            errors.append(
                checks.Error(
                    f"{meta.label} belongs to a domain app but is neither contract-owned "
                    "nor listed as public reference data.",
                    hint=(
                        "Inherit contracts.ownership.ContractOwned (with a contract foreign "
                        "key), or add it to contracts.checks.PUBLIC_REFERENCE_MODELS with "
                        "the reason it is public."
                    ),
                    obj=model,
                    id="localsafety.E001",
                )
            )
            continue
        field = meta.get_field(model.contract_field)  # type: ignore[attr-defined]
        target = getattr(field, "related_model", None)
        label = target if isinstance(target, str) else getattr(target, "_meta", model._meta).label
        if str(label).lower() != "contracts.contract":
            errors.append(
                checks.Error(
                    f"{meta.label}.{model.contract_field} must be a foreign key to "  # type: ignore[attr-defined]
                    "contracts.Contract.",
                    obj=model,
                    id="localsafety.E002",
                )
            )
    return errors


def _police_owner_errors(model: type[models.Model]) -> list[checks.CheckMessage]:
    name = model.organisation_field  # type: ignore[attr-defined]
    field = model._meta.get_field(name)
    target = getattr(field, "related_model", None)
    label = target if isinstance(target, str) else getattr(target, "_meta", model._meta).label
    if str(label).lower() == "organisations.organisation":
        return []
    return [
        checks.Error(
            f"{model._meta.label}.{name} must be a foreign key to organisations.Organisation.",
            obj=model,
            id="localsafety.E003",
        )
    ]


def check_contract_ownership(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return ownership_errors(apps.get_models())
