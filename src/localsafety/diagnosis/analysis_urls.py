"""Analysis pages, included under ``contracts/<int:contract_id>/diagnosis/analyses/``
(namespace ``analyses``) by the project's root URLs."""

from django.urls import path

from localsafety.diagnosis import analysis_views as views

app_name = "analyses"
urlpatterns = [
    path("", views.analyses, name="index"),
    path("<int:run_id>/", views.run_detail, name="run"),
    path("<int:run_id>/cells.geojson", views.cells_geojson, name="cells_geojson"),
    path("<int:run_id>/cells.csv", views.cells_csv, name="cells_csv"),
    path("<int:run_id>/heat-grid.csv", views.heat_grid_csv, name="heat_grid_csv"),
    path("<int:run_id>/near-repeat.csv", views.near_repeat_csv, name="near_repeat_csv"),
    path("<int:run_id>/points.geojson", views.points_geojson, name="points_geojson"),
]
