"""Version 1 of the API. Every route reads through the access layer; writes call services."""

from __future__ import annotations

from django.urls import path

from localsafety.api import (
    contracts,
    crime_data,
    diagnosis,
    me,
    organisations,
    records,
    territory,
)

app_name = "api"

urlpatterns = [
    path("me/", me.MeApi.as_view(), name="me"),
    path("crime-data/datasets/", crime_data.DatasetListApi.as_view(), name="dataset-list"),
    path(
        "crime-data/datasets/<int:dataset_id>/",
        crime_data.DatasetDetailApi.as_view(),
        name="dataset-detail",
    ),
    path("areas/", territory.AreaListApi.as_view(), name="area-list"),
    path("areas/<int:area_id>/", territory.AreaDetailApi.as_view(), name="area-detail"),
    path("organisations/", organisations.OrganisationListApi.as_view(), name="organisation-list"),
    path(
        "organisations/<int:organisation_id>/",
        organisations.OrganisationDetailApi.as_view(),
        name="organisation-detail",
    ),
    path("contracts/", contracts.ContractListApi.as_view(), name="contract-list"),
    path(
        "contracts/<int:contract_id>/",
        contracts.ContractDetailApi.as_view(),
        name="contract-detail",
    ),
    path(
        "contracts/<int:contract_id>/bodies/",
        contracts.BodyListApi.as_view(),
        name="contract-bodies",
    ),
    path(
        "contracts/<int:contract_id>/bodies/<int:body_id>/members/",
        contracts.BodyMemberAddApi.as_view(),
        name="body-member-add",
    ),
    path(
        "contracts/<int:contract_id>/members/<int:member_id>/",
        contracts.BodyMemberRemoveApi.as_view(),
        name="body-member-remove",
    ),
    path(
        "contracts/<int:contract_id>/stages/",
        contracts.StageListApi.as_view(),
        name="contract-stages",
    ),
    path(
        "contracts/<int:contract_id>/stages/<str:kind>/",
        contracts.StageDetailApi.as_view(),
        name="stage-detail",
    ),
    path(
        "contracts/<int:contract_id>/stages/<str:kind>/decisions/",
        contracts.StageDecideApi.as_view(),
        name="stage-decide",
    ),
    path(
        "contracts/<int:contract_id>/meetings/",
        records.MeetingListApi.as_view(),
        name="contract-meetings",
    ),
    path(
        "contracts/<int:contract_id>/documents/",
        records.DocumentListApi.as_view(),
        name="contract-documents",
    ),
    path(
        "contracts/<int:contract_id>/history/",
        records.HistoryApi.as_view(),
        name="contract-history",
    ),
    path(
        "contracts/<int:contract_id>/problems/",
        diagnosis.ProblemListApi.as_view(),
        name="contract-problems",
    ),
    path(
        "contracts/<int:contract_id>/problems/<int:problem_id>/",
        diagnosis.ProblemDetailApi.as_view(),
        name="problem-detail",
    ),
    path(
        "contracts/<int:contract_id>/problems/<int:problem_id>/priority/",
        diagnosis.ProblemPriorityApi.as_view(),
        name="problem-priority",
    ),
    path(
        "contracts/<int:contract_id>/crime-aggregates/",
        diagnosis.CrimeAggregatesApi.as_view(),
        name="contract-crime-aggregates",
    ),
    path(
        "contracts/<int:contract_id>/diagnosis/",
        diagnosis.DiagnosisDocumentApi.as_view(),
        name="contract-diagnosis",
    ),
]
