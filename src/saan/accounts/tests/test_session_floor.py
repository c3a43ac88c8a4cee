"""The cheap session read and user load (``accounts.sessions``, ``UsernameOrEmailBackend.get_user``)
behave exactly like Django's: signing out and changing the password end the session, expired and
unknown sessions sign no one in, and the loaded user is the same as the ORM's."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from saan.accounts import sessions
from saan.accounts.backends import UsernameOrEmailBackend
from saan.conftest import PASSWORD

pytestmark = pytest.mark.django_db
ME = "/accounts/me/"


def signed_in(username: str) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert client.get(ME).status_code == 200
    return client


def same_cookie(client: Client) -> Client:
    """Another browser holding a copy of ``client``'s session cookie (a stolen or second tab)."""
    other = Client()
    other.cookies["sessionid"] = client.cookies["sessionid"].value
    return other


def test_settings_use_the_cheap_database_store(settings):
    assert settings.SESSION_ENGINE == "saan.accounts.sessions"


def test_sign_out_ends_the_session_for_every_copy_of_the_cookie(cast):
    client = signed_in("somchai")
    copy = same_cookie(client)
    assert copy.get(ME).status_code == 200
    key = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    response = copy.get(ME)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_password_change_ends_other_sessions(cast):
    client = signed_in("somchai")
    cast.somchai.set_password("another-long-passphrase-2568")
    cast.somchai.save()
    response = client.get(ME)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_deactivated_person_is_signed_out(cast):
    client = signed_in("somchai")
    get_user_model().objects.filter(pk=cast.somchai.pk).update(is_active=False)
    assert client.get(ME).status_code == 302


def test_expired_and_unknown_sessions_sign_no_one_in(cast):
    client = signed_in("somchai")
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get(ME).status_code == 302
    assert sessions.SessionStore(key).load() == {}
    assert sessions.SessionStore("x" * 32).load() == {}
    stranger = Client()
    stranger.cookies["sessionid"] = "nosuchsession0000000000000000000"
    assert stranger.get(ME).status_code == 302


def test_session_read_matches_djangos(cast):
    client = signed_in("malee")
    key = client.cookies["sessionid"].value
    ours = sessions.SessionStore(key).load()
    assert ours == db.SessionStore(key).load()
    assert ours["_auth_user_id"] == str(cast.malee.pk)


def test_user_load_matches_the_orm(cast):
    cast.somchai.last_login = timezone.now()
    cast.somchai.save()
    ours = UsernameOrEmailBackend().get_user(str(cast.somchai.pk))
    theirs = ModelBackend().get_user(str(cast.somchai.pk))
    fields = get_user_model()._meta.concrete_fields
    assert [getattr(ours, f.attname) for f in fields] == [
        getattr(theirs, f.attname) for f in fields
    ]
    assert isinstance(ours.last_login, dt.datetime) and ours.is_active is True
    assert ours._state.adding is False and ours._state.db == "default"
    ours.first_name = "สมชาย"
    ours.save()  # an UPDATE of the existing row, not a second user
    assert get_user_model().objects.filter(username="somchai").count() == 1


def test_user_load_refuses_missing_inactive_and_malformed_ids(cast):
    backend = UsernameOrEmailBackend()
    assert backend.get_user("999999") is None
    assert backend.get_user("not-a-number") is None
    get_user_model().objects.filter(pk=cast.niran.pk).update(is_active=False)
    assert backend.get_user(str(cast.niran.pk)) is None
