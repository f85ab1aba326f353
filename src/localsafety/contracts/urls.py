from django.urls import include, path

from localsafety.contracts import views

app_name = "contracts"
urlpatterns = [
    path("", views.contract_list, name="list"),
    path("export.csv", views.contract_export_csv, name="export_csv"),
    path("map.geojson", views.contract_map_geojson, name="map_geojson"),
    path("new/", views.contract_create, name="create"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/areas.geojson", views.contract_areas_geojson, name="areas_geojson"),
    path("<int:pk>/edit/", views.contract_edit, name="edit"),
    path("<int:pk>/axes/new/", views.axis_create, name="axis_create"),
    path("<int:pk>/signatories/new/", views.signatory_add, name="signatory_add"),
    path(
        "<int:pk>/signatories/<int:signatory_pk>/remove/",
        views.signatory_remove,
        name="signatory_remove",
    ),
    path("<int:pk>/governance/", views.governance, name="governance"),
    path(
        "<int:pk>/governance/members/new/",
        views.body_member_add,
        name="body_member_add",
    ),
    path(
        "<int:pk>/governance/members/<int:member_pk>/remove/",
        views.body_member_remove,
        name="body_member_remove",
    ),
    path("<int:pk>/governance/chair/", views.chair_change, name="chair_change"),
    path("<int:pk>/stages/", views.stages, name="stages"),
    path("<int:pk>/stages/<slug:kind>/", views.stage_detail, name="stage"),
    path("<int:pk>/stages/<slug:kind>/summary/", views.stage_summary, name="stage_summary"),
    path("<int:pk>/meetings/", views.meetings, name="meetings"),
    path("<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("<int:pk>/meetings/<int:meeting_pk>/", views.meeting_detail, name="meeting"),
    path("<int:pk>/meetings/<int:meeting_pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path(
        "<int:pk>/meetings/<int:meeting_pk>/delete/",
        views.meeting_delete,
        name="meeting_delete",
    ),
    path("<int:pk>/documents/", views.documents, name="documents"),
    path("<int:pk>/documents/new/", views.document_upload, name="document_upload"),
    path(
        "<int:pk>/documents/<int:document_pk>/download/",
        views.document_download,
        name="document_download",
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/delete/",
        views.document_delete,
        name="document_delete",
    ),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:contract_id>/zones/", include("localsafety.contracts.zone_urls")),
]
