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
