from django.urls import path

from localsafety.contracts.views import contract_list
from localsafety.portal import views

app_name = "portal"
urlpatterns = [
    path("", contract_list, name="overview"),
    path("home/", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("about-data/", views.about_data, name="about_data"),
    path("healthz/", views.healthz, name="healthz"),
]
