from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "saan.projects"
    label = "projects"
