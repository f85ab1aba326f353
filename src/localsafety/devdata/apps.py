from django.apps import AppConfig


class DevdataConfig(AppConfig):
    """Development data at the top of the layers: the demo and the synthetic generator."""

    name = "localsafety.devdata"
    label = "devdata"
