from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "localsafety.api"
    label = "api"
