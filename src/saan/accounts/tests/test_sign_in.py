import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from saan.accounts.models import FailedLogin
from saan.conftest import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
WRONG = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"


def test_sign_in_with_username_lands_on_my_areas(client, cast):
    response = client.post(LOGIN, {"username": "somchai", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/me/"
    page = client.get("/accounts/me/").content.decode()
    assert "ผู้บันทึกข้อมูล" in page and "จ.ขอนแก่น" in page


def test_sign_in_with_email_any_case(client, cast):
    response = client.post(LOGIN, {"username": "SomChai@Example.org", "password": PASSWORD})
    assert response.status_code == 302


def test_next_is_followed_only_when_it_stays_on_this_site(client, cast):
    ok = client.post(LOGIN, {"username": "somchai", "password": PASSWORD, "next": "/areas/40/"})
    assert ok["Location"] == "/areas/40/"
    client.logout()
    evil = client.post(
        LOGIN, {"username": "somchai", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert evil["Location"] == "/accounts/me/"


def test_wrong_password_and_unknown_user_get_the_same_message(client, cast):
    wrong = client.post(LOGIN, {"username": "somchai", "password": "nope"})
    unknown = client.post(LOGIN, {"username": "nobody", "password": "nope"})
    for response in (wrong, unknown):
        assert response.status_code == 400
        assert WRONG in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_empty_form_shows_field_messages_in_thai(client, reference):
    page = client.post(LOGIN, {"username": "", "password": ""}).content.decode()
    assert page.count("ฟิลด์นี้จำเป็น") == 2  # Django's own Thai message, one per field


@override_settings(SAAN_LOGIN_MAX_FAILURES=3)
def test_repeated_failures_are_throttled_even_with_the_right_password(client, cast):
    for _ in range(3):
        client.post(LOGIN, {"username": "somchai", "password": "nope"})
    assert FailedLogin.objects.filter(username="somchai").count() == 3
    response = client.post(LOGIN, {"username": "somchai", "password": PASSWORD})
    assert response.status_code == 429
    assert "หลายครั้งเกินไป" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_success_clears_earlier_failures(client, cast):
    client.post(LOGIN, {"username": "somchai", "password": "nope"})
    client.post(LOGIN, {"username": "somchai", "password": PASSWORD})
    assert not FailedLogin.objects.filter(username="somchai").exists()


def test_sign_out_needs_post(client, cast):
    client.force_login(cast.somchai)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_my_areas_needs_sign_in(client, reference):
    response = client.get("/accounts/me/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_person_without_organisation_is_told_how_to_get_access(client, cast):
    client.force_login(cast.niran)
    assert "ติดต่อผู้ประสานงานพื้นที่" in client.get("/accounts/me/").content.decode()


def test_password_reset_sends_a_working_link_to_the_console_backend(client, cast):
    cast.somchai.email = "somchai@example.org"
    cast.somchai.save()
    response = client.post(reverse("accounts:password_reset"), {"email": "somchai@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "ตั้งรหัสผ่านใหม่" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "ใหม่-แข็งแรง-2568", "new_password2": "ใหม่-แข็งแรง-2568"},
    )
    assert done.status_code == 302
    cast.somchai.refresh_from_db()
    assert cast.somchai.check_password("ใหม่-แข็งแรง-2568")
