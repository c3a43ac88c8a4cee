"""The page chrome (skip link, header with the main menu, language switch, account links, and
the footer), drawn once per process for each language and sign-in state instead of on every
request.

The menu and footer are the same for everyone who shares a language and a sign-in state: only a
few values differ per request (the CSRF field, the current path for the language switch and the
sign-in link, the signed-in person's name, the search box's text). The templates
``core/_header.html`` and ``core/_footer.html`` are rendered once with a marker in place of each
of those values, split at the markers, and kept; a request joins the kept pieces with its own
values, escaped here exactly as the template would have escaped them. The kept pieces depend
only on the language, the URL prefix and whether someone is signed in, which are the key.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import quote

from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

_MARK = "\x00"
SLOTS = ("search", "csrf_input", "next", "next_query", "who")


@lru_cache(maxsize=64)
def _pieces(template: str, language: str, prefix: str, signed_in: bool) -> tuple[str, ...]:
    """The template drawn with markers for the slots, split at them: literal HTML at even
    positions, slot names at odd ones."""
    context: dict[str, Any] = {f"slot_{name}": mark_safe(f"{_MARK}{name}{_MARK}") for name in SLOTS}
    context.update(LANG=language, signed_in=signed_in)
    return tuple(render_to_string(template, context).split(_MARK))


def _join(pieces: tuple[str, ...], values: dict[str, str]) -> SafeString:
    out = list(pieces)
    for i in range(1, len(out), 2):
        out[i] = values[out[i]]
    return mark_safe("".join(out))


def _key(template: str, signed_in: bool) -> tuple[str, ...]:
    return _pieces(template, translation.get_language() or "th", get_script_prefix(), signed_in)


def header(context: Any) -> SafeString:
    """The skip link and the header for the request in ``context``."""
    request = context.get("request")
    user = context.get("user")
    signed_in = bool(user is not None and user.is_authenticated)
    path = request.get_full_path() if request is not None else ""
    token = context.get("csrf_token")
    csrf_input = ""
    if token and str(token) != "NOTPROVIDED":
        csrf_input = format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token
        )
    values = {
        "search": conditional_escape(context.get("search_query") or ""),
        "csrf_input": csrf_input,
        "next": conditional_escape(path),
        "next_query": conditional_escape(quote(path, safe="/")),
        "who": conditional_escape(user.get_full_name() or user.get_username()) if signed_in else "",
    }
    return _join(_key("core/_header.html", signed_in), values)


def footer() -> SafeString:
    return _join(_key("core/_footer.html", False), {})
