from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "localsafety.portal"
    label = "portal"
