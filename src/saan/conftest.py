"""Shared test fixtures: the real area tree and reference data, loaded once per test database,
and a fixed cast of personas.

- สมชาย (somchai) edits for พอช. in ขอนแก่น (40)
- มาลี (malee) views only for สสส., country-wide
- นิรันดร์ (niran) belongs to no organisation
- ประภาพร (coordinator) coordinates ขอนแก่น for สช.
- บุญมี (volunteer) edits for the community council of ต.สาวะถี (400108)
- วิภาวรรณ (admin) administers everything
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from saan.areas.models import Area, AreaGroup
from saan.areas.services import load_area_groups, load_areas
from saan.indicators.catalogue import load_catalogue
from saan.indicators.models import Indicator
from saan.partners.models import Membership, Organisation, Role, Sector
from saan.partners.services import load_partners
from saan.projects.services import load_vocabulary

PASSWORD = "test-pass-2568"


def _load_reference() -> None:
    if not Area.objects.exists():
        load_areas()
    if not AreaGroup.objects.exists():
        load_area_groups(
            json.loads(files("saan.areas").joinpath("data/area_groups.json").read_text())
        )
        load_partners(json.loads(files("saan.partners").joinpath("data/partners.json").read_text()))
        load_vocabulary(
            json.loads(files("saan.projects").joinpath("data/vocabulary.json").read_text())
        )
    if not Indicator.objects.exists():
        load_catalogue()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Load the 8,441 real areas and the reference groups and partners once per test database;
    each test's transaction rolls back on top of them."""
    with django_db_blocker.unblock():
        _load_reference()


@pytest.fixture
def reference(db: Any) -> None:
    """The reference data, reloaded if a transactional (browser) test flushed it."""
    _load_reference()


def org(short_name: str) -> Organisation:
    return Organisation.objects.get(short_name=short_name)


@dataclass
class Cast:
    somchai: Any
    malee: Any
    niran: Any
    coordinator: Any
    volunteer: Any
    admin: Any
    community_council: Organisation
    trat: Any


def _user(username: str, first: str, last: str, **extra: Any) -> Any:
    user = get_user_model().objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=first,
        last_name=last,
        email=f"{username}@example.org",
        **extra,
    )
    return user


def _grant(user: Any, role: str, organisation: Organisation | None, area: str | None) -> None:
    # Fixtures set the scene directly; the services under test are exercised by the tests.
    Membership.objects.create(
        user=user,
        role=role,
        organisation=organisation,
        area=Area.objects.get(code=area) if area else None,
    )


@pytest.fixture
def cast(reference: None) -> Cast:
    council = Organisation.objects.create(
        name_th="สภาองค์กรชุมชนตำบลสาวะถี",
        sector=Sector.COMMUNITY,
        home_area=Area.objects.get(code="400108"),
    )
    somchai = _user("somchai", "สมชาย", "ใจดี")
    _grant(somchai, Role.EDITOR, org("พอช."), "40")
    malee = _user("malee", "มาลี", "ศรีสุข")
    _grant(malee, Role.VIEWER, org("สสส."), None)
    niran = _user("niran", "นิรันดร์", "ทองดี")
    coordinator = _user("prapaporn", "ประภาพร", "ศรีวงศ์")
    _grant(coordinator, Role.COORDINATOR, org("สช."), "40")
    volunteer = _user("boonmee", "บุญมี", "แก้วประเสริฐ")
    _grant(volunteer, Role.EDITOR, council, "400108")
    admin = _user("admin", "วิภาวรรณ", "ธนากร")
    _grant(admin, Role.ADMIN, org("สช."), None)
    trat = _user("trat", "ชุติมา", "ทะเลงาม")
    _grant(trat, Role.COORDINATOR, org("สช."), "23")
    return Cast(somchai, malee, niran, coordinator, volunteer, admin, council, trat)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Tests create many users; the production hasher is slow on purpose, which tests don't need."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with an empty cache: cached page fragments are keyed on data versions
    that start again in every test's rolled-back database."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium for the real-browser tests (marker ``browser``), one per test module; skipped
    where /usr/bin/chromium is missing. See ``saan.core.tests.browser``."""
    from saan.core.tests.browser import running_chromium

    yield from running_chromium()
