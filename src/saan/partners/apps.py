from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "saan.partners"
    label = "partners"
