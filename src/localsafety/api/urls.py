from django.urls import path

from localsafety.core.views import not_built_yet

urlpatterns = [path("docs/", not_built_yet, name="api-docs")]
