from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "localsafety.organisations"
    label = "organisations"
    verbose_name = _("Organisations and people")

    def ready(self) -> None:
        import django_otp
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save

        from localsafety.organisations.middleware import privileged_session_on_login
        from localsafety.organisations.two_factor import sync_two_factor_flag

        # "Has a confirmed authenticator" lives on the user's row so that every request can
        # ask it without a query; every device model keeps it current.
        for model in django_otp.device_classes():
            post_save.connect(sync_two_factor_flag, sender=model, dispatch_uid=f"2fa-{model}")
            post_delete.connect(sync_two_factor_flag, sender=model, dispatch_uid=f"2fa-d-{model}")
        user_logged_in.connect(privileged_session_on_login, dispatch_uid="privileged-session")
