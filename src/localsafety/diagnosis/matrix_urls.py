from django.urls import path

from localsafety.diagnosis import matrix_views

app_name = "indicators"
urlpatterns = [
    path("", matrix_views.matrix, name="matrix"),
    path("new/", matrix_views.indicator_add, name="add"),
    path("<int:matrix_indicator_id>/change/", matrix_views.indicator_change, name="change"),
]
