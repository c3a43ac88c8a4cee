"""PLACEHOLDER — the import helper replaces this module."""

urlpatterns: list = []
