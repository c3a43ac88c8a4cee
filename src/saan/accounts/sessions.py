"""The database session store with a cheaper read.

Every signed-in request reads its session. Django's store builds that read with the ORM on each
request (filter, compile to SQL), which costs more CPU than the query itself; this store sends
the same statement (the row with this key that has not expired), written once per database, and
behaves exactly like ``django.contrib.sessions.backends.db`` otherwise: the row is the only copy
of the session, so signing out or a password change ends it in every server process at once.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


@lru_cache(maxsize=8)
def _load_sql(alias: str, table: str) -> str:
    quote = connections[alias].ops.quote_name
    return (
        f"SELECT {quote('session_data')} FROM {quote(table)} "  # noqa: S608 (names from the model)
        f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s"
    )


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        model = self.model
        alias = router.db_for_read(model)
        connection = connections[alias]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(_load_sql(alias, model._meta.db_table), [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=self.session_key or "", session_data=row[0])
