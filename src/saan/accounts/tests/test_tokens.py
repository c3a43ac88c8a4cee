import pytest

from saan.accounts.models import ApiToken, hash_token
from saan.accounts.services import token_create, token_revoke
from saan.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_only_as_its_hash(cast):
    token, raw = token_create(actor=cast.somchai, name="สคริปต์ดึงข้อมูล")
    assert raw.startswith("saan_") and len(raw) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hash_token(raw) and raw not in (
        stored.key_hash,
        stored.prefix,
        stored.name,
    )
    assert AuditEvent.objects.filter(action="apitoken.create", target_id=str(token.pk)).exists()


def test_the_api_knows_the_token_holder(client, cast):
    _, raw = token_create(actor=cast.somchai, name="t")
    response = client.get("/api/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "somchai"
    assert body["grants"] == [
        {
            "organisation_id": cast.somchai.memberships.get().organisation_id,
            "role": "editor",
            "area_code": "40",
        }
    ]
    assert ApiToken.objects.get(user=cast.somchai).last_used_at is not None


@pytest.mark.parametrize("header", ["", "Bearer nope", "Bearer saan_wrong", "Token abc"])
def test_missing_or_wrong_tokens_are_refused(client, cast, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/me", headers=headers)
    assert response.status_code == 401
    assert "โทเคน" in response.json()["detail"]


def test_a_revoked_token_stops_working(client, cast):
    token, raw = token_create(actor=cast.somchai, name="t")
    token_revoke(actor=cast.somchai, token=token)
    assert client.get("/api/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert AuditEvent.objects.filter(action="apitoken.revoke").exists()


def test_a_token_of_an_inactive_user_stops_working(client, cast):
    _, raw = token_create(actor=cast.somchai, name="t")
    cast.somchai.is_active = False
    cast.somchai.save()
    assert client.get("/api/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_tokens_are_made_and_revoked_from_my_page(client, cast):
    client.force_login(cast.malee)
    response = client.post("/accounts/tokens/", {"name": "รายงานรายเดือน"}, follow=True)
    page = response.content.decode()
    token = ApiToken.objects.get(user=cast.malee)
    assert "saan_" in page and token.prefix in page  # shown once, in the message
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_someone_elses_token_answers_404(client, cast):
    token, _ = token_create(actor=cast.somchai, name="t")
    client.force_login(cast.malee)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
