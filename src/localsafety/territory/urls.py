from django.urls import path

from localsafety.territory import views

app_name = "territory"
urlpatterns = [
    path("municipalities/", views.municipality_list, name="municipality_list"),
    path("municipalities/<str:code>/", views.municipality_detail, name="municipality_detail"),
    path("reference/", views.reference, name="reference"),
    path("reference/load/", views.reference_load, name="reference_load"),
    path("imports/new/", views.import_new, name="import_new"),
    path("imports/<int:import_id>/", views.import_detail, name="import_detail"),
    path("areas.geojson", views.areas_geojson, name="areas_geojson"),
]
