from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "saan.audit"
    label = "audit"
