from django.urls import path

from localsafety.organisations import account_views as views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("language/", views.language, name="language"),
    path("profile/", views.profile, name="profile"),
    path("profile/token/", views.token_create, name="token_create"),
    path("profile/token/delete/", views.token_delete, name="token_delete"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/enrolment/", views.enrolment_request, name="enrolment_request"),
    path("two-factor/enrol/<str:token>/", views.enrol, name="enrol"),
    path("two-factor/enrolment-links/", views.enrolment_link_issue, name="enrolment_link_issue"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
