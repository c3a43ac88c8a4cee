from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "saan.core"
    label = "core"
    verbose_name = "Core"
