"""``{% page_header %}`` and ``{% page_footer %}`` for base.html (see ``saan.core.chrome``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from saan.core import chrome

register = template.Library()


@register.simple_tag(takes_context=True)
def page_header(context: Any) -> SafeString:
    return chrome.header(context)


@register.simple_tag
def page_footer() -> SafeString:
    return chrome.footer()
