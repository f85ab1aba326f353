"""Reads of crime data sets: police data through ``PoliceOwned.visible_to`` (the owning force's
members only), published statistics for everyone (public reference data)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from localsafety.contracts.access import scope_for
from localsafety.core.access import get_object_for_user
from localsafety.diagnosis.models import (
    IncidentDataset,
    IncidentSource,
    StatisticsDataset,
)
from localsafety.organisations.models import Organisation


def police_organisations(user: Any) -> QuerySet[Organisation]:
    """The police forces whose data the person handles."""
    return Organisation.objects.filter(pk__in=scope_for(user).police_organisation_ids).order_by(
        "name"
    )


def dataset_list(user: Any) -> QuerySet[IncidentDataset]:
    return (
        IncidentDataset.objects.visible_to(user)
        .select_related("organisation", "source", "imported_by")
        .order_by("-created_at", "-pk")
    )


def dataset_for(user: Any, dataset_id: Any) -> IncidentDataset:
    """One data set of the person's force; 404 for anyone else (missing or not theirs)."""
    return get_object_for_user(dataset_list(user), pk=dataset_id)


def source_list(user: Any) -> QuerySet[IncidentSource]:
    return IncidentSource.objects.visible_to(user).select_related("organisation").order_by("name")


def statistics_list() -> QuerySet[StatisticsDataset]:
    return StatisticsDataset.objects.select_related("imported_by").order_by("-created_at", "-pk")
