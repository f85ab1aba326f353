from django.urls import path

from localsafety.core.views import not_built_yet

app_name = "contracts"
urlpatterns = [path("<int:pk>/", not_built_yet, name="detail")]
