from typing import Any

from django.apps import AppConfig


def _register_changed(**kwargs: Any) -> None:
    """An organisation, theme, target group, area or area group (or membership of one) the
    register's and area pages name was saved or deleted: move ``WorkVersion`` in the same
    transaction (a raw fixture load is left alone)."""
    if kwargs.get("raw"):
        return
    from saan.projects import summary

    summary.bump_version()


class ProjectsConfig(AppConfig):
    name = "saan.projects"
    label = "projects"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from saan.areas.models import Area, AreaGroup, AreaGroupMember
        from saan.partners.models import Organisation
        from saan.projects.models import TargetGroup, Theme

        # Project writes move the version through ``summary.refresh``; the names and choices
        # around them can change elsewhere (partners' services, reference loads, the admin).
        for model in (Organisation, Theme, TargetGroup, Area, AreaGroup, AreaGroupMember):
            uid = f"saan.projects.version.{model._meta.label_lower}"
            post_save.connect(_register_changed, sender=model, dispatch_uid=uid + ".save")
            post_delete.connect(_register_changed, sender=model, dispatch_uid=uid + ".delete")
