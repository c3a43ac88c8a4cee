"""The register's cached page fragments (``core.fragments``): every kind of write moves
``WorkVersion`` in its own transaction (and a rolled-back one does not), the next view after a
write shows it, and a viewer never gets a fragment drawn for someone who sees or may do
something else, in another language or for other query parameters."""

import datetime as dt
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from saan.conftest import org
from saan.partners.services import organisation_update
from saan.projects import panels, summary
from saan.projects import views as project_views
from saan.projects.models import OrgRole, Project, TargetGroup, Theme, Visibility
from saan.projects.services import (
    BudgetLineData,
    BulkUpdate,
    project_bulk_save,
    project_create,
    project_data,
    project_delete,
    project_roles_add,
    project_update,
)
from saan.projects.tests import test_pages
from saan.projects.tests.test_pages import data, text

pytestmark = pytest.mark.django_db

work = test_pages.work  # the five projects of the page tests (a fixture)

ELDERLY_Q = "/projects/?area=40&q=" + quote("ผู้สูงอายุ")


def panel_part(html: str) -> str:
    """The "who does what here" section of an area page."""
    start = html.index('<section class="card" id="who-does-what">')
    return html[start : html.index("</section>", start)]


def results_part(html: str) -> str:
    """The results of a list page (its filter form and what follows them)."""
    return html[html.index('<form id="project-filters"') : html.index("</main>")]


def counter() -> int:
    return summary.version()[1]


def rename(project: Project, title: str, actor) -> None:
    changed = project_data(project)
    changed.title = title
    project_update(actor=actor, project=Project.objects.get(pk=project.pk), data=changed)


# ------------------------------------------------------------------------------- the version


def test_every_kind_of_write_moves_the_version(cast, work):
    steps = []

    def moved(label, write):
        before = counter()
        write()
        steps.append((label, counter() > before))

    moved(
        "create",
        lambda: project_create(
            actor=cast.admin,
            data=data(owner_id=org("สสส.").pk, title="ไม่มีปีงบประมาณ", area_codes=["4001"]),
        ),
    )
    moved("update", lambda: rename(work.water, "ระบบน้ำชุมชน (แก้ไข)", cast.admin))
    moved(
        "roles",
        lambda: project_roles_add(
            actor=cast.admin, project=work.water, roles=[(org("พอช.").pk, OrgRole.FUNDING)]
        ),
    )
    moved(
        "delete",
        lambda: project_delete(actor=cast.admin, project=Project.objects.get(pk=work.trat.pk)),
    )
    moved(
        "bulk",
        lambda: project_bulk_save(
            actor=cast.admin,
            creates=[data(owner_id=org("สช.").pk, title="นำเข้า", area_codes=["4001"])],
            updates=[],
        ),
    )
    moved(
        "bulk update",
        lambda: project_bulk_save(
            actor=cast.admin,
            creates=[],
            updates=[
                BulkUpdate(
                    project_id=work.savings.pk,
                    version=Project.objects.get(pk=work.savings.pk).version,
                    data=data(
                        owner_id=org("พอช.").pk, title="ออมทรัพย์ (นำเข้า)", area_codes=["400201"]
                    ),
                )
            ],
        ),
    )
    moved(
        "organisation",
        lambda: organisation_update(
            actor=cast.admin, organisation=org("พอช."), name_th="ขบวนองค์กรชุมชน (ชื่อใหม่)"
        ),
    )
    moved("theme", lambda: Theme.objects.filter(slug="water").first().save())
    moved("target group", lambda: TargetGroup.objects.first().save())
    moved("rebuild", summary.rebuild)
    assert [label for label, ok in steps if not ok] == []


def test_a_rolled_back_write_does_not_move_the_version(cast, work):
    before = summary.version()
    with pytest.raises(ValidationError):
        # No title: refused after nothing was written.
        project_create(actor=cast.admin, data=data(owner_id=org("สสส.").pk, title=""))

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        rename(work.water, "ไม่ได้บันทึก", cast.admin)
        assert counter() > before[1]
        raise Abort
    assert summary.version() == before
    assert Project.objects.get(pk=work.water.pk).title != "ไม่ได้บันทึก"


# -------------------------------------------------------------------- fresh after each write


def test_the_next_view_shows_each_write(client, cast, work):
    client.force_login(cast.admin)
    panel, listing = "/areas/40/", "/projects/?area=40"
    assert work.water.title in text(client.get(listing))
    assert "สมัชชาสุขภาพจังหวัดขอนแก่น" in text(client.get(listing))
    first_panel = text(client.get(panel))

    rename(work.water, "ระบบประปาหมู่บ้าน", cast.admin)
    page = text(client.get(listing))
    assert "ระบบประปาหมู่บ้าน" in page and work.water.title not in page

    before = text(client.get(panel))
    assert panel_part(before) == panel_part(
        first_panel
    )  # a rename shows nowhere in the province's figures
    changed = project_data(Project.objects.get(pk=work.water.pk))
    changed.budget_lines = [BudgetLineData(2569, Decimal("777000"), "planned", org("สสส.").pk)]
    project_update(actor=cast.admin, project=Project.objects.get(pk=work.water.pk), data=changed)
    assert "777,000" in text(client.get(panel))
    assert "777,000" in text(client.get(listing))

    project_roles_add(
        actor=cast.admin, project=work.water, roles=[(org("สปสช.").pk, OrgRole.FUNDING)]
    )
    assert f"org={org('สปสช.').pk}&amp;role=funding" in text(client.get(panel))

    nhso = org("สปสช.")
    assert "สปสช.ใหม่" not in text(client.get(panel))
    organisation_update(actor=cast.admin, organisation=nhso, short_name="สปสช.ใหม่")
    assert "สปสช.ใหม่" in text(client.get(panel))

    project_delete(actor=cast.admin, project=Project.objects.get(pk=work.assembly.pk))
    assert "สมัชชาสุขภาพจังหวัดขอนแก่น" not in text(client.get(listing))
    assert "1,200,000" not in text(client.get(panel))

    project_create(
        actor=cast.admin,
        data=data(
            owner_id=org("สสส.").pk,
            title="ลานกีฬาผู้สูงอายุ",
            area_codes=["4002"],
            budget_lines=[BudgetLineData(2568, Decimal("12345"), "planned")],
        ),
    )
    assert "ลานกีฬาผู้สูงอายุ" in text(client.get(listing))
    assert "ลานกีฬาผู้สูงอายุ" in text(client.get(ELDERLY_Q))
    assert "12,345" in text(client.get(panel))


def test_htmx_refreshes_and_free_text_search_see_the_write(client, cast, work):
    client.force_login(cast.admin)
    htmx = {"HTTP_HX_REQUEST": "true"}
    part = text(client.get(ELDERLY_Q, **htmx))
    assert "<html" not in part and work.elderly.title in part
    assert "<html" in text(client.get(ELDERLY_Q))  # the full page is not the fragment
    rename(work.elderly, "เยี่ยมบ้านผู้ป่วยติดเตียง", cast.admin)
    part = text(client.get(ELDERLY_Q, **htmx))
    assert "เยี่ยมบ้านผู้ป่วยติดเตียง" not in part and work.elderly.title not in part
    part = text(client.get("/projects/?area=40&q=ติดเตียง", **htmx))
    assert "เยี่ยมบ้านผู้ป่วยติดเตียง" in part


def test_a_repeat_view_is_served_from_the_cache(client, cast, work, monkeypatch):
    client.force_login(cast.admin)
    first_panel = text(client.get("/areas/40/"))
    first_list = text(client.get("/projects/?area=40&fy=2568"))

    def refuse(*args, **kwargs):
        raise AssertionError("drawn again")

    monkeypatch.setattr(panels, "area_panel", refuse)
    monkeypatch.setattr(project_views, "_filtered", refuse)
    assert panel_part(text(client.get("/areas/40/"))) == panel_part(first_panel)
    assert results_part(text(client.get("/projects/?area=40&fy=2568"))) == results_part(first_list)


def test_with_page_cache_off_everything_is_drawn_every_time(client, cast, work, settings):
    settings.SAAN_PAGE_CACHE = False
    client.force_login(cast.admin)
    drawn = []
    real = panels.area_panel

    def counting(*args, **kwargs):
        drawn.append(1)
        return real(*args, **kwargs)

    panels.area_panel = counting
    try:
        client.get("/areas/40/")
        client.get("/areas/40/")
    finally:
        panels.area_panel = real
    assert len(drawn) == 2


# ------------------------------------------------------------------ never another's fragment


@pytest.fixture
def private(cast, work):
    """A private project of พอช. in อ.เมืองขอนแก่น (ต.สาวะถี)."""
    return project_create(
        actor=cast.somchai,
        data=data(
            owner_id=org("พอช.").pk,
            title="ข้อมูลครัวเรือนเปราะบาง (ภายใน)",
            visibility=Visibility.PRIVATE,
            area_codes=["400108"],
            start_date=dt.date(2024, 11, 1),
            end_date=dt.date(2025, 9, 30),
            budget_lines=[BudgetLineData(2568, Decimal("45000"), "planned")],
        ),
    )


def test_coordinators_of_other_provinces_never_share_a_fragment(client, cast, private):
    pages = ["/areas/400108/", "/projects/?area=40", "/projects/?area=40&fy=2568"]
    client.force_login(cast.coordinator)  # ขอนแก่น: sees the private project
    for path in pages:
        assert private.title in text(client.get(path)), path
    client.force_login(cast.trat)  # ตราด: must not, even right after
    for path in pages:
        assert private.title not in text(client.get(path)), path
    client.logout()
    for path in pages:
        assert private.title not in text(client.get(path)), path
    panel_40 = text(client.get("/areas/40/"))
    client.force_login(cast.coordinator)
    assert text(client.get("/areas/40/")) != panel_40  # counts its alliance and private work


def test_a_viewer_after_an_editor_sees_only_what_a_viewer_may(client, cast, private):
    client.force_login(cast.somchai)  # editor of พอช.: its own private project, may register
    page = text(client.get("/projects/?area=40"))
    assert private.title in page and "/projects/new/" in page
    client.force_login(cast.malee)  # viewer of สสส.: neither
    page = text(client.get("/projects/?area=40"))
    assert private.title not in page and "/projects/new/" not in page
    part = text(client.get("/projects/?area=40", HTTP_HX_REQUEST="true"))
    assert private.title not in part


def test_a_membership_change_draws_afresh(client, cast, private):
    from saan.partners.models import Membership

    client.force_login(cast.niran)  # no role: sees no alliance-wide work
    assert "สมัชชาสุขภาพจังหวัดขอนแก่น" not in text(client.get("/projects/?area=40"))
    Membership.objects.create(
        user=cast.niran, organisation=org("สช."), role="coordinator", area_id="40"
    )
    page = text(client.get("/projects/?area=40"))
    assert "สมัชชาสุขภาพจังหวัดขอนแก่น" in page and private.title in page


def test_the_language_switch_is_not_served_the_other_language(client, cast, work):
    client.force_login(cast.admin)
    thai = text(client.get("/areas/40/"))
    assert "ใครทำอะไรที่นี่" in thai
    client.cookies.load({"django_language": "en"})
    english = text(client.get("/areas/40/"))
    assert "Who does what here" in english and "ใครทำอะไรที่นี่" not in english
    listing = text(client.get("/projects/?area=40", HTTP_HX_REQUEST="true"))
    assert "Projects" in listing or "projects" in listing
    client.cookies.load({"django_language": "th"})
    assert "ใครทำอะไรที่นี่" in text(client.get("/areas/40/"))


def test_query_parameters_are_part_of_the_key(client, cast, work):
    client.force_login(cast.admin)
    all_years = text(client.get("/projects/?area=40", HTTP_HX_REQUEST="true"))
    only_2569 = text(client.get("/projects/?area=40&fy=2569", HTTP_HX_REQUEST="true"))
    assert work.elderly.title in all_years and work.elderly.title not in only_2569
    sorted_by_budget = text(client.get("/projects/?area=40&sort=-budget", HTTP_HX_REQUEST="true"))
    assert sorted_by_budget != all_years


def test_an_organisation_registered_in_the_area_shows_on_its_page(client, cast, work):
    from saan.areas.models import Area
    from saan.partners.models import Sector
    from saan.partners.services import organisation_create

    client.force_login(cast.niran)
    assert "วิสาหกิจชุมชนบ้านโนนทอง" not in text(client.get("/areas/40/"))
    organisation_create(
        actor=cast.admin,
        name_th="วิสาหกิจชุมชนบ้านโนนทอง",
        sector=Sector.CIVIL_SOCIETY,
        home_area=Area.objects.get(code="400108"),
    )
    assert "วิสาหกิจชุมชนบ้านโนนทอง" in text(client.get("/areas/40/"))


def test_an_area_group_membership_shows_on_the_area_page_at_once(client, cast, work):
    from saan.areas.models import Area, AreaGroup
    from saan.areas.services import area_group_create, area_group_member_set

    client.force_login(cast.admin)
    assert "เครือข่ายทดลองภาคอีสาน" not in text(client.get("/areas/4001/"))
    group = area_group_create(
        actor=cast.admin, slug="isan-pilot", name_th="เครือข่ายทดลองภาคอีสาน", kind="pilot_set"
    )
    area_group_member_set(
        actor=cast.admin, group=AreaGroup.objects.get(pk=group.pk), area=Area.objects.get(code="40")
    )
    assert "เครือข่ายทดลองภาคอีสาน" in text(client.get("/areas/4001/"))  # through its province


def test_a_repeated_parameter_in_another_order_is_another_page(client, cast, work):
    client.force_login(cast.admin)
    first = text(client.get("/projects/?area=40&fy=2569&fy=2568", HTTP_HX_REQUEST="true"))
    second = text(client.get("/projects/?area=40&fy=2568&fy=2569", HTTP_HX_REQUEST="true"))
    assert work.elderly.title in first  # the last fy counts: 2568
    assert work.elderly.title not in second
