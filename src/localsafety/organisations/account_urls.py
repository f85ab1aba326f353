from django.urls import path

from localsafety.core.views import not_built_yet

app_name = "accounts"
urlpatterns = [
    path("login/", not_built_yet, name="login"),
    path("logout/", not_built_yet, name="logout"),
    path("language/", not_built_yet, name="language"),
    path("profile/", not_built_yet, name="profile"),
    path("two-factor/", not_built_yet, name="two_factor"),
]
