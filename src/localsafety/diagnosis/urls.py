from django.urls import path

from localsafety.diagnosis import matrix_views, views

app_name = "diagnosis"
urlpatterns = [
    path("", views.document, name="document"),
    path("document.pdf", views.document_pdf, name="document_pdf"),
    path("problems/", views.problems, name="problems"),
    path("problems/new/", views.problem_create, name="problem_create"),
    path("problems/<int:problem_id>/edit/", views.problem_edit, name="problem_edit"),
    path(
        "problems/<int:problem_id>/priority/",
        views.problem_prioritise,
        name="problem_prioritise",
    ),
    path("indicators/", matrix_views.contract_indicators, name="indicators"),
    path("indicators/new/", matrix_views.local_indicator_create, name="local_indicator_create"),
    path("crime/", views.crime_figures, name="crime"),
    path("crime.csv", views.crime_figures_csv, name="crime_csv"),
    path("crime.geojson", views.crime_figures_geojson, name="crime_geojson"),
]
