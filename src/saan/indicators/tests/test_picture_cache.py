"""The area picture is kept in the cache under the roll-up version: a repeat request is a few
queries, and a committed change shows on the very next request."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saan.areas.models import Area
from saan.indicators import rollups
from saan.indicators.services import value_set
from saan.indicators.tests.scene import FY69, build

from .test_pages import row, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(cast):
    return build(entered_by=cast.admin)


def test_a_repeat_request_reads_no_figures(client, scene):
    url = "/indicators/area/40/"
    with CaptureQueriesContext(connection) as first:
        one = text(client.get(url, {"period": FY69}))
    with CaptureQueriesContext(connection) as again:
        two = text(client.get(url, {"period": FY69}))
    token = re.compile(r'(CSRFToken": "|csrfmiddlewaretoken" value=")[^"]+')  # new each time
    assert token.sub("", one) == token.sub("", two)
    assert len(again.captured_queries) < len(first.captured_queries)
    assert not any('"indicators_rollup"' in q["sql"] for q in again.captured_queries)


def test_a_correction_shows_on_the_next_request(client, cast, scene):
    url = "/indicators/area/40/"
    before = text(client.get(url, {"period": FY69}))
    assert "48,000" in row(before, "pop-total")
    version = rollups.version()
    value_set(
        actor=cast.admin,
        indicator=scene["pop-total"],
        area=Area.objects.get(code="400108"),
        period=FY69,
        value="11000",
    )
    assert rollups.version()[1] == version[1] + 1
    after = text(client.get(url, {"period": FY69}))
    assert "49,000" in row(after, "pop-total")


def test_what_a_user_may_see_is_part_of_the_key(client, cast, scene):
    url = "/indicators/area/23/"
    public = text(client.get(url, {"period": FY69}))
    client.force_login(cast.trat)
    member = text(client.get(url, {"period": FY69}))
    assert 'data-indicator="bedridden"' not in public
    assert 'data-indicator="bedridden"' in member


def test_a_repeat_request_builds_nothing_before_the_cache(client, cast, scene):
    """The cache is looked up before the catalogue, the columns and the health zone are read."""
    client.force_login(cast.coordinator)
    url = "/indicators/area/40/"
    client.get(url, {"period": FY69})
    with CaptureQueriesContext(connection) as again:
        client.get(url, {"period": FY69})
    sql = " ".join(q["sql"] for q in again.captured_queries)
    assert '"areas_areagroupmember"' not in sql
    assert '"indicators_theme"' not in sql


def test_a_repeat_request_is_one_statement_for_the_versions_and_no_area_read(client, cast, scene):
    client.force_login(cast.coordinator)
    url = "/indicators/area/400108/"
    first = text(client.get(url, {"period": FY69}))
    with CaptureQueriesContext(connection) as again:
        second = text(client.get(url, {"period": FY69}))
    token = re.compile(r'(CSRFToken": "|csrfmiddlewaretoken" value=")[^"]+')
    assert token.sub("", first) == token.sub("", second)
    sql = [q["sql"] for q in again.captured_queries]
    # The session, the user, the versions with the catalogue's publicity, the user's grants.
    assert len(sql) == 4, sql
    assert not any('"areas_area"' in q for q in sql)
    # The breadcrumbs (district and province above the subdistrict) came from the cache.
    assert "/indicators/area/4001/" in second and "/indicators/area/40/" in second


def test_a_publicity_change_shows_on_the_next_request(client, cast, scene):
    from saan.indicators.models import Indicator

    url = "/indicators/area/40/"
    assert 'data-indicator="pop-total"' in text(client.get(url, {"period": FY69}))
    # A plain UPDATE (no service, no signal) is still seen at once.
    Indicator.objects.filter(code="pop-total").update(is_public=False)
    assert 'data-indicator="pop-total"' not in text(client.get(url, {"period": FY69}))
    Indicator.objects.filter(code="pop-total").update(is_public=True)
    assert 'data-indicator="pop-total"' in text(client.get(url, {"period": FY69}))


def test_one_persons_picture_is_never_served_to_another(client, cast, scene):
    url = "/indicators/area/23/"
    client.force_login(cast.trat)
    assert 'data-indicator="bedridden"' in text(client.get(url, {"period": FY69}))
    client.force_login(cast.niran)
    assert 'data-indicator="bedridden"' not in text(client.get(url, {"period": FY69}))
    client.logout()
    assert 'data-indicator="bedridden"' not in text(client.get(url, {"period": FY69}))


def test_unknown_areas_answer_404_and_thai_digits_find_the_area(client, scene):
    assert client.get("/indicators/area/40/").status_code == 200
    assert client.get("/indicators/area/99/").status_code == 404
    assert client.get("/indicators/area/99/").status_code == 404
    page = client.get("/indicators/area/๔๐/").content.decode()
    assert "จ.ขอนแก่น" in page
