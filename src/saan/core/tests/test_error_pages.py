import pytest
from django.test import RequestFactory

from saan.core import views


@pytest.mark.parametrize(
    ("handler", "status", "thai"),
    [
        (views.bad_request, 400, "คำขอไม่ถูกต้อง"),
        (views.permission_denied, 403, "ทำรายการไม่ได้"),
        (views.page_not_found, 404, "ไม่พบหน้านี้"),
    ],
)
@pytest.mark.django_db
def test_error_pages_are_in_thai_with_an_english_line(handler, status, thai):
    request = RequestFactory().get("/somewhere/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = handler(request, Exception("x"))
    body = response.content.decode()
    assert response.status_code == status and thai in body and 'lang="en"' in body


def test_the_500_page_needs_neither_the_database_nor_a_user():
    # No django_db mark: any database access here would fail the test.
    response = views.server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert (
        response.status_code == 500 and "ระบบขัดข้องชั่วคราว" in body and "Something went wrong" in body
    )


@pytest.mark.django_db
def test_thai_is_the_default_whatever_the_browser_asks(client):
    response = client.get("/areas/search/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="th">' in response.content.decode()
    assert response["Content-Language"] == "th"


@pytest.mark.django_db
def test_the_language_switch_is_remembered(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/areas/search/").content.decode()
    client.post("/i18n/setlang/", {"language": "th", "next": "/"})
    assert '<html lang="th">' in client.get("/areas/search/").content.decode()
