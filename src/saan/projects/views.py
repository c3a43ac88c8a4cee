"""PLACEHOLDER — the pages helper replaces this module."""

from django.http import Http404


def _todo(*args, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


project_list = project_create = project_export = project_detail = _todo
project_edit = project_delete = project_note = _todo
