from django.urls import path

from localsafety.core.views import not_built_yet

app_name = "organisations"
urlpatterns = [path("", not_built_yet, name="list")]
