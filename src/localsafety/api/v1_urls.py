"""Version 1 of the API. Every route reads through the access layer; writes call services."""

from __future__ import annotations

from django.urls import path

from localsafety.api import (
    activities,
    analyses,
    contracts,
    crime_data,
    me,
    organisations,
    plans,
    records,
    territory,
)

app_name = "api"

urlpatterns = [
    path("me/", me.MeApi.as_view(), name="me"),
    path(
        "contracts/<int:contract_id>/analyses/",
        analyses.AnalysisRunListApi.as_view(),
        name="analysis-run-list",
    ),
    path(
        "contracts/<int:contract_id>/analyses/<int:run_id>/",
        analyses.AnalysisRunDetailApi.as_view(),
        name="analysis-run-detail",
    ),
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
        "contracts/<int:contract_id>/committee/chair/",
        contracts.CommitteeChairApi.as_view(),
        name="committee-chair",
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
        "contracts/<int:contract_id>/activities/",
        activities.ActivityListApi.as_view(),
        name="contract-activities",
    ),
    path(
        "contracts/<int:contract_id>/activities/import/",
        activities.ActivityImportApi.as_view(),
        name="contract-activities-import",
    ),
    path(
        "contracts/<int:contract_id>/activities/<int:activity_id>/",
        activities.ActivityDetailApi.as_view(),
        name="activity-detail",
    ),
    path(
        "contracts/<int:contract_id>/execution/",
        activities.ExecutionApi.as_view(),
        name="contract-execution",
    ),
    path("activities/totals/", activities.NationalTotalsApi.as_view(), name="activity-totals"),
    path("contracts/<int:contract_id>/plan/", plans.PlanApi.as_view(), name="plan"),
    path(
        "contracts/<int:contract_id>/plan/versions/",
        plans.VersionNewApi.as_view(),
        name="plan-version-new",
    ),
    path(
        "contracts/<int:contract_id>/plan/versions/<int:version_id>/",
        plans.VersionDetailApi.as_view(),
        name="plan-version",
    ),
    path(
        "contracts/<int:contract_id>/plan/versions/<int:version_id>/decisions/",
        plans.VersionDecideApi.as_view(),
        name="plan-version-decide",
    ),
    path(
        "contracts/<int:contract_id>/plan/versions/<int:version_id>/objectives/",
        plans.ObjectiveListApi.as_view(),
        name="plan-objectives",
    ),
    path(
        "contracts/<int:contract_id>/plan/versions/<int:version_id>/measures/",
        plans.MeasureListApi.as_view(),
        name="plan-measures",
    ),
    path(
        "contracts/<int:contract_id>/plan/measures/<int:measure_id>/",
        plans.MeasureDetailApi.as_view(),
        name="plan-measure",
    ),
    path(
        "contracts/<int:contract_id>/plan/measures/<int:measure_id>/publication/",
        plans.MeasurePublishApi.as_view(),
        name="plan-measure-publish",
    ),
    path(
        "contracts/<int:contract_id>/plan/measures/<int:measure_id>/indicators/",
        plans.IndicatorListApi.as_view(),
        name="plan-indicators",
    ),
    path(
        "contracts/<int:contract_id>/plan/indicators/<int:indicator_id>/",
        plans.IndicatorDetailApi.as_view(),
        name="plan-indicator",
    ),
    path(
        "contracts/<int:contract_id>/plan/published-measures/",
        plans.PublishedMeasureListApi.as_view(),
        name="plan-published-measures",
    ),
]
