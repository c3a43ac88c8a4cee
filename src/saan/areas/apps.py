from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "saan.areas"
    label = "areas"
