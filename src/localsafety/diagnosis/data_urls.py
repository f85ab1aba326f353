"""/crime-data/: a police force's incident data sets and the published statistics."""

from __future__ import annotations

from django.urls import path

from localsafety.diagnosis import data_views as views

app_name = "crime_data"
urlpatterns = [
    path("", views.dataset_list, name="dataset_list"),
    path("upload/", views.dataset_upload, name="dataset_upload"),
    path("<int:dataset_id>/", views.dataset_detail, name="dataset_detail"),
    path("statistics/", views.statistics_list, name="statistics_list"),
    path("statistics/upload/", views.statistics_upload, name="statistics_upload"),
]
