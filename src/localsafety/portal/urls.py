from django.urls import path

from localsafety.core.views import not_built_yet

app_name = "portal"
urlpatterns = [
    path("", not_built_yet, name="overview"),
    path("accessibility/", not_built_yet, name="accessibility"),
    path("about-data/", not_built_yet, name="about_data"),
]
