"""Zone URLs, included under ``contracts/<int:contract_id>/zones/`` in the contracts namespace."""

from django.urls import path

from localsafety.contracts import zone_views

urlpatterns = [
    path("", zone_views.zone_list, name="zone_list"),
    path("new/", zone_views.zone_create, name="zone_create"),
    path("upload/", zone_views.zone_upload, name="zone_upload"),
    path("map.geojson", zone_views.zones_geojson, name="zones_geojson"),
    path("<int:zone_id>/edit/", zone_views.zone_edit, name="zone_edit"),
    path("<int:zone_id>/delete/", zone_views.zone_delete, name="zone_delete"),
]
