"""Data version counters: one row per kind of data whose ``counter`` goes up in every
transaction that changes what pages drawn from that data show (``indicators.RollupVersion``,
``projects.WorkVersion``). Pages that cache what they drew (``core.fragments``) key the cache on
the version: the moment a change commits, the next request draws afresh. Updating the one row
also orders the committing transactions, so a reader never sees a counter that already includes
a change still uncommitted.

Each app keeps its own concrete model (its own table) on ``DataVersion`` and calls ``bump`` and
``read`` with it.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import F


def new_token() -> str:
    return secrets.token_hex(16)


class DataVersion(models.Model):
    """The fields of a one-row data version counter (see the module's docstring)."""

    counter = models.BigIntegerField(default=0)
    # New whenever the row is (re)created, e.g. after a database is emptied and refilled, so
    # a counter that starts again never matches what was cached before.
    token = models.CharField(max_length=32, default=new_token)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.token}:{self.counter}"


def bump(model: type[DataVersion]) -> None:
    """Count this transaction's change in ``model``'s one row (made on first use)."""
    if not model._default_manager.filter(pk=1).update(counter=F("counter") + 1):
        model._default_manager.get_or_create(pk=1, defaults={"counter": 1})


def read(model: type[DataVersion]) -> tuple[str, int]:
    """The committed version in ``model``'s row: its token and counter (("", 0) before any
    change)."""
    found = model._default_manager.filter(pk=1).values_list("token", "counter").first()
    return found or ("", 0)
