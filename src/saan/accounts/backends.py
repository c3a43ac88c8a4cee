"""Sign in with a username or an e-mail address; load the signed-in person cheaply."""

from functools import lru_cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.db.models import Model, Q


@lru_cache(maxsize=8)
def _by_pk(model: type[Model], alias: str) -> tuple[str, list[str], list[tuple[int, Any, Any]]]:
    """The statement reading one row of ``model`` by primary key (all concrete fields, in the
    order the ORM uses), the fields' attribute names, and the database's value converters per
    column (what the ORM applies to a fetched row)."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    meta = model._meta
    fields = list(meta.concrete_fields)
    columns = ", ".join(quote(str(f.column)) for f in fields)
    pk_column = str(meta.pk.column)  # type: ignore[union-attr]
    sql = (
        f"SELECT {columns} FROM {quote(meta.db_table)} "  # noqa: S608 (names from the model)
        f"WHERE {quote(pk_column)} = %s"
    )
    converters = []
    for i, field in enumerate(fields):
        col = field.get_col(meta.db_table)
        found = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
        if found:
            converters.append((i, found, col))
    return sql, [f.attname for f in fields], converters


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

    def get_user(self, user_id: Any) -> Any:
        """The user of a session, as ``ModelBackend.get_user`` finds it (None when missing or
        not allowed to sign in), read with one precompiled statement: this runs on every
        signed-in request, and building the query with the ORM cost more than running it."""
        User = get_user_model()
        try:
            pk = User._meta.pk.to_python(user_id)  # type: ignore[union-attr]
        except ValidationError:
            return None
        alias = router.db_for_read(User)
        connection = connections[alias]
        sql, names, converters = _by_pk(User, alias)
        with connection.cursor() as cursor:
            cursor.execute(sql, [pk])
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        for i, found, col in converters:
            for convert in found:
                values[i] = convert(values[i], col, connection)
        user = User.from_db(alias, names, values)
        return user if self.user_can_authenticate(user) else None
