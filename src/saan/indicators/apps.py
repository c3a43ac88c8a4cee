from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "saan.indicators"
    label = "indicators"
