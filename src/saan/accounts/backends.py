"""Sign in with a username or an e-mail address."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if not username or password is None:
            return None
        User = get_user_model()
        name = username.strip()
        user = (
            User.objects.filter(Q(username__iexact=name) | Q(email__iexact=name))
            .order_by("pk")
            .first()
        )
        if user is None:
            # Spend the same time as a real check, so timing does not tell which names exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
