"""``core.fragments``: the key holds everything that decides what a fragment shows, and a
value that belongs to one request (a CSRF token) is never kept."""

from django.test import override_settings
from django.utils import translation

from saan.core import fragments


def test_a_fragment_is_built_once_per_key(db):
    built = []

    def build():
        built.append(1)
        return "<p>x</p>"

    for _ in range(3):
        assert fragments.cached("t:once", build, versions=[("a", 1)]) == "<p>x</p>"
    assert len(built) == 1
    fragments.cached("t:once", build, versions=[("a", 2)])
    fragments.cached("t:once", build, versions=[("a", 2)], params=[("fy", "2568")])
    with translation.override("en"):
        fragments.cached("t:once", build, versions=[("a", 2)], params=[("fy", "2568")])
    assert len(built) == 4


def test_nothing_is_kept_with_the_cache_off_or_with_a_csrf_token(db):
    built = []

    def build():
        built.append(1)
        return '<form><input name="csrfmiddlewaretoken" value="abc"></form>'

    fragments.cached("t:csrf", build, versions=[1])
    fragments.cached("t:csrf", build, versions=[1])
    assert len(built) == 2
    with override_settings(SAAN_PAGE_CACHE=False):
        fragments.cached("t:off", lambda: built.append(1) or "x", versions=[1])
        fragments.cached("t:off", lambda: built.append(1) or "x", versions=[1])
    assert len(built) == 4


def test_the_viewer_is_the_admin_flag_and_the_grants(cast):
    assert fragments.viewer(None) == (False, ())
    assert fragments.viewer(cast.admin)[0] is True
    assert fragments.viewer(cast.coordinator) != fragments.viewer(cast.trat)
    assert fragments.viewer(cast.niran) == fragments.viewer(None)  # no role: sees what anyone sees
