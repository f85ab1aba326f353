from django.urls import include, path

from localsafety.contracts import views

app_name = "contracts"
urlpatterns = [
    path("", views.contract_list, name="list"),
    path("export.csv", views.contract_export_csv, name="export_csv"),
    path("map.geojson", views.contract_map_geojson, name="map_geojson"),
    path("new/", views.contract_create, name="create"),
    path("<int:contract_id>/", views.contract_detail, name="detail"),
    path("<int:contract_id>/areas.geojson", views.contract_areas_geojson, name="areas_geojson"),
    path("<int:contract_id>/edit/", views.contract_edit, name="edit"),
    path("<int:contract_id>/axes/new/", views.axis_create, name="axis_create"),
    path("<int:contract_id>/signatories/new/", views.signatory_add, name="signatory_add"),
    path(
        "<int:contract_id>/signatories/<int:signatory_id>/remove/",
        views.signatory_remove,
        name="signatory_remove",
    ),
    path("<int:contract_id>/governance/", views.governance, name="governance"),
    path(
        "<int:contract_id>/governance/members/new/",
        views.body_member_add,
        name="body_member_add",
    ),
    path(
        "<int:contract_id>/governance/members/<int:member_id>/remove/",
        views.body_member_remove,
        name="body_member_remove",
    ),
    path("<int:contract_id>/governance/chair/", views.chair_change, name="chair_change"),
    path(
        "<int:contract_id>/governance/organisations/",
        views.governance_organisations,
        name="governance_organisations",
    ),
    path("<int:contract_id>/stages/", views.stages, name="stages"),
    path("<int:contract_id>/stages/<slug:kind>/", views.stage_detail, name="stage"),
    path(
        "<int:contract_id>/stages/<slug:kind>/summary/", views.stage_summary, name="stage_summary"
    ),
    path("<int:contract_id>/meetings/", views.meetings, name="meetings"),
    path("<int:contract_id>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("<int:contract_id>/meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path(
        "<int:contract_id>/meetings/<int:meeting_id>/edit/", views.meeting_edit, name="meeting_edit"
    ),
    path(
        "<int:contract_id>/meetings/<int:meeting_id>/delete/",
        views.meeting_delete,
        name="meeting_delete",
    ),
    path("<int:contract_id>/documents/", views.documents, name="documents"),
    path("<int:contract_id>/documents/new/", views.document_upload, name="document_upload"),
    path(
        "<int:contract_id>/documents/<int:document_id>/download/",
        views.document_download,
        name="document_download",
    ),
    path(
        "<int:contract_id>/documents/<int:document_id>/delete/",
        views.document_delete,
        name="document_delete",
    ),
    path("<int:contract_id>/history/", views.history, name="history"),
    path("<int:contract_id>/zones/", include("localsafety.contracts.zone_urls")),
]
