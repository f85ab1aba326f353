from django.urls import path

from localsafety.core.views import not_built_yet

app_name = "territory"
urlpatterns = [
    path("municipalities/", not_built_yet, name="municipality_list"),
    path("reference/", not_built_yet, name="reference"),
]
