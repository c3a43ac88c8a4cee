"""From a resolution to its projects and indicators, and back from a project or an indicator
to the resolutions and common-agenda goals that name it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from saan.areas.models import Area
from saan.conftest import org
from saan.forums import queries, services
from saan.forums.tests.conftest import make_meeting
from saan.indicators.models import Indicator
from saan.projects import services as project_services
from saan.projects.models import Theme, Visibility

pytestmark = pytest.mark.django_db


def _project(cast: Any, title: str, visibility: str = Visibility.PUBLIC) -> Any:
    return project_services.project_create(
        actor=cast.somchai,
        data=project_services.ProjectData(
            owner_id=org("พอช.").pk, title=title, area_codes=["400108"], visibility=visibility
        ),
    )


def _render(template: str, user: Any, **context: Any) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template(template).render(Context({"request": request, **context}))


def test_both_ways(cast: Any, wg: Any) -> None:
    home_care = _project(cast, "ดูแลผู้สูงอายุระยะยาวตำบลสาวะถี")
    indicator = Indicator.objects.get(code="elderly-dependent")
    meeting = make_meeting(cast, wg, dt.date(2026, 3, 2))
    r = services.resolution_create(
        actor=cast.coordinator,
        meeting=meeting,
        text="ขยายการดูแลผู้สูงอายุระยะยาว",
        owner=org("สปสช."),
        due_date=dt.date(2026, 9, 30),
        projects=[home_care],
        indicators=[indicator],
    )
    assert list(r.projects.all()) == [home_care] and list(r.indicators.all()) == [indicator]
    assert list(queries.resolutions_for_project(home_care)) == [r]
    assert list(queries.resolutions_for_indicator(indicator)) == [r]

    agenda = services.agenda_create(
        actor=cast.coordinator,
        area=Area.objects.get(code="40"),
        fiscal_year=2569,
        vision="คนขอนแก่น อยู่ดีมีแฮง เข้มแข็งยั่งยืน",
    )
    goal = services.goal_add(
        actor=cast.coordinator,
        agenda=agenda,
        title="ผู้สูงอายุได้รับการดูแลที่บ้าน",
        theme=Theme.objects.get(slug="ageing"),
        organisations=[org("สปสช."), org("พอช.")],
        targets=[(indicator, Decimal("500"))],
    )
    found = list(queries.goals_for_indicator(indicator))
    assert found == [goal] and found[0].target_value == Decimal("500")

    project_html = _render(
        '{% include "forums/includes/project_links.html" %}', None, project=home_care
    )
    assert "ขยายการดูแลผู้สูงอายุระยะยาว" in project_html
    indicator_html = _render(
        '{% include "forums/includes/indicator_links.html" %}', None, indicator=indicator
    )
    assert "ผู้สูงอายุได้รับการดูแลที่บ้าน" in indicator_html and "500" in indicator_html
    assert "ขยายการดูแลผู้สูงอายุระยะยาว" in indicator_html


def test_trace_respects_visibility(cast: Any, private_wg: Any) -> None:
    indicator = Indicator.objects.get(code="bedridden")
    meeting = make_meeting(cast, private_wg, dt.date(2026, 3, 2))
    services.resolution_create(
        actor=cast.coordinator,
        meeting=meeting,
        text="มติภายในเรื่องผู้ป่วยติดเตียง",
        owner=org("สช."),
        due_date=dt.date(2026, 9, 30),
        indicators=[indicator],
    )
    assert not queries.resolutions_for_indicator(indicator).exists()
    assert queries.resolutions_for_indicator(indicator, cast.somchai).exists()
    html = _render(
        '{% include "forums/includes/indicator_links.html" %}', cast.trat, indicator=indicator
    )
    assert "มติภายใน" not in html


def test_a_resolution_links_only_projects_the_actor_may_see(cast: Any, wg: Any) -> None:
    from django.core.exceptions import ValidationError

    hidden = project_services.project_create(
        actor=cast.admin,
        data=project_services.ProjectData(
            owner_id=org("สสส.").pk,
            title="โครงการภายใน ตราด",
            area_codes=["23"],
            visibility=Visibility.PRIVATE,
        ),
    )
    meeting = make_meeting(cast, wg, dt.date(2026, 3, 2))
    with pytest.raises(ValidationError):
        services.resolution_create(
            actor=cast.coordinator,
            meeting=meeting,
            text="มติ",
            owner=org("สช."),
            due_date=dt.date(2026, 9, 30),
            projects=[hidden],
        )
