"""The page chrome drawn once per language and sign-in state (``core.chrome``): the menu
follows the sign-in state, and the per-request values (name, path, search text, CSRF field) are
the request's own, escaped."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def nav(page: str) -> str:
    match = re.search(r'<nav [^>]*class="mainnav".*?</nav>', page, re.S)
    assert match
    return match.group(0)


def test_menu_for_visitors_and_for_each_signed_in_persona(client, cast):
    anonymous = client.get("/").content.decode()
    assert 'href="/overlaps/"' not in nav(anonymous)
    assert 'href="/accounts/me/"' not in nav(anonymous)
    assert 'href="/accounts/login/?next=/"' in anonymous
    assert "ออกจากระบบ" not in anonymous
    for person in (cast.somchai, cast.niran, cast.volunteer, cast.admin):
        signed = Client()
        signed.force_login(person)
        page = signed.get("/areas/40/").content.decode()
        menu = nav(page)
        assert 'href="/overlaps/"' in menu and 'href="/accounts/me/"' in menu
        assert f'class="who">{person.get_full_name()}</a>' in page
        assert "ออกจากระบบ" in page and "/accounts/login/?next" not in page
        # The language switch returns to the page it was pressed on.
        assert '<input type="hidden" name="next" value="/areas/40/">' in page


def test_one_persons_name_is_never_shown_to_another(cast):
    first, second = Client(), Client()
    first.force_login(cast.somchai)
    second.force_login(cast.malee)
    assert "สมชาย ใจดี" in first.get("/").content.decode()
    page = second.get("/").content.decode()
    assert "มาลี ศรีสุข" in page and "สมชาย ใจดี" not in page


def test_per_request_values_are_escaped(client, cast):
    cast.niran.first_name = "<script>x</script>"
    cast.niran.save()
    client.force_login(cast.niran)
    page = client.get("/areas/search/", {"q": '"><b>ขอน&'}).content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert 'value="&quot;&gt;&lt;b&gt;ขอน&amp;"' in page
    client.logout()
    page = client.get("/areas/search/?q=a%26b%3Cc").content.decode()
    assert 'href="/accounts/login/?next=/areas/search/%3Fq%3Da%2526b%253Cc"' in page


def test_menu_in_english_and_back(client, cast):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/").content.decode()
    assert "Work register" in nav(english) and "ทะเบียนงาน" not in nav(english)
    assert 'value="th" lang="th">ไทย</button>' in english
    client.post("/i18n/setlang/", {"language": "th", "next": "/"})
    thai = client.get("/").content.decode()
    assert "ทะเบียนงาน" in nav(thai) and 'value="en" lang="en">EN</button>' in thai


def test_forms_in_the_header_carry_this_requests_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.somchai)
    page = client.get("/").content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert len(tokens) >= 2
    # The sign-out form's token works: the session ends.
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": tokens[-1]})
    assert response.status_code == 302
    assert client.get("/accounts/me/").status_code == 302
