"""Versioned caching of the costly parts of a page (a rendered HTML fragment, or anything else
that pickles), shared by the pages that draw from data a service keeps a version of.

A fragment is kept under a key made of everything that decides what it shows:

- its ``name`` and a ``revision`` (raise it when the fragment's template or drawing changes);
- the data ``versions`` it was drawn from, each read from a one-row counter that every
  committing write moves in its own transaction (``projects.summary.version``,
  ``indicators.rollups.version``): the moment a change commits, the next request draws afresh
  and the old entry is never read again (it ages out of the cache);
- the viewer (``viewer``): the administrator flag and the sorted active grants, which are all
  that decide what someone may see and do (two people with the same grants see the same
  thing; a change of membership changes the key);
- the language, the query parameters the fragment reads, and today's date when it shows
  anything that depends on it.

The page around the fragment (header, messages, user menu, CSRF token) is drawn per request:
never put a form with a CSRF token or a flash message in a fragment (a drawn value holding a
CSRF token is not kept, as a safeguard).

``SAAN_PAGE_CACHE=0`` turns fragment caching off (every request draws everything: what the
benchmarks call "cold"). Entries also expire after ``seconds`` (default 10 minutes), which
bounds how long a change made outside the services (a raw SQL edit) can stay unseen. The cache
is Django's default cache (``CACHES`` in the settings: per process, in memory).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from saan.partners import permissions

T = TypeVar("T")

SECONDS = 600


def enabled() -> bool:
    return bool(getattr(settings, "SAAN_PAGE_CACHE", True))


def viewer(user: Any) -> tuple[bool, tuple[str, ...]]:
    """What decides what ``user`` may see and do: the administrator flag and the sorted active
    grants (organisation, role, area). Anonymous and inactive people have none."""
    return permissions.is_admin(user), tuple(sorted(map(repr, permissions.grants(user))))


def key(
    name: str,
    *,
    versions: Iterable[Any],
    user: Any = None,
    params: Iterable[tuple[str, Any]] = (),
    today: bool = False,
    extra: Any = None,
    revision: int = 1,
) -> str:
    """The cache key of fragment ``name`` (see the module's docstring for the parts)."""
    signature = (
        name,
        revision,
        tuple(versions),
        viewer(user),
        translation.get_language(),
        # By name only: a repeated name keeps its values' order (the last one counts).
        tuple(sorted(((str(k), str(v)) for k, v in params), key=lambda kv: kv[0])),
        timezone.localdate().isoformat() if today else "",
        extra,
    )
    digest = hashlib.sha256(repr(signature).encode()).hexdigest()
    return f"saan:fragment:{name}:{digest}"


def cached(
    name: str,
    build: Callable[[], T],
    *,
    versions: Iterable[Any],
    user: Any = None,
    params: Iterable[tuple[str, Any]] = (),
    today: bool = False,
    extra: Any = None,
    revision: int = 1,
    seconds: int = SECONDS,
) -> T:
    """``build()``'s value, from the cache when an entry with the same key exists (see ``key``),
    else built now and kept. With ``SAAN_PAGE_CACHE=0`` it is always built."""
    if not enabled():
        return build()
    cache_key = key(
        name,
        versions=versions,
        user=user,
        params=params,
        today=today,
        extra=extra,
        revision=revision,
    )
    found = cache.get(cache_key)
    if found is None:
        found = build()
        if not _per_request(found):
            cache.set(cache_key, found, seconds)
    return found  # type: ignore[no-any-return]


def _per_request(value: Any) -> bool:
    """Whether a drawn value holds a CSRF token (a form that posts): such a fragment belongs to
    one request and is never kept."""
    if isinstance(value, str):
        return "csrfmiddlewaretoken" in value
    if isinstance(value, dict):
        return any(_per_request(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_per_request(v) for v in value)
    return False
