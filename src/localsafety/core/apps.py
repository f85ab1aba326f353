from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "localsafety.core"
    label = "core"
    verbose_name = "LocalSafety core"
