import itertools

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from saan.areas.models import Area
from saan.audit.models import AuditEvent
from saan.core.demo import load_demo
from saan.partners.models import Organisation
from saan.projects import queries
from saan.projects.demo_data import AS_OF, PROVINCES
from saan.projects.models import BudgetLine, Project, ProjectArea, Status


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for this module, in a transaction rolled back at its end; each
    test runs in its own savepoint inside it, so the rest of the suite never sees it."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        yield
        transaction.set_rollback(True)


def counts():
    return (
        Project.objects.count(),
        Organisation.objects.count(),
        BudgetLine.objects.count(),
        AuditEvent.objects.filter(action="project.create").count(),
    )


def test_loading_twice_changes_nothing(demo, db):
    first = counts()
    load_demo()
    assert counts() == first
    assert first[0] == first[3]  # every project went through the service, with an audit row


def test_every_programme_province_has_a_register(demo, db):
    for code in PROVINCES:
        inside = Project.objects.filter(queries.inside_q(code)).count()
        assert 15 <= inside <= 40, (code, inside)
    assert Project.objects.filter(queries.inside_q("40")).count() == 40


def test_the_register_mixes_levels_years_and_stages(demo, db):
    lengths = {len(code) for code in ProjectArea.objects.values_list("area_id", flat=True)}
    assert lengths == {2, 4, 6}
    assert set(BudgetLine.objects.values_list("fiscal_year", flat=True)) == {2567, 2568, 2569}
    assert set(Project.objects.values_list("status", flat=True)) == set(Status.values)
    amounts = list(BudgetLine.objects.values_list("amount", flat=True))
    totals = [p.total for p in _totals()]
    assert min(amounts) >= 1_000 and min(totals) >= 50_000 and max(totals) <= 5_000_000
    for p in Project.objects.all():
        if p.status == Status.COMPLETED:
            assert p.end_date < AS_OF
        if p.status == Status.PLANNED:
            assert p.start_date > AS_OF


def _totals():
    from saan.projects.filters import annotate_budget

    for p in annotate_budget(Project.objects.all()):
        p.total = p.budget_total
        yield p


def test_most_subdistricts_have_no_project(demo, db):
    subdistricts = Area.objects.filter(level="subdistrict", code__startswith="40").count()
    reached = (
        ProjectArea.objects.filter(area__code__startswith="40", area__level="subdistrict")
        .values("area_id")
        .distinct()
        .count()
    )
    assert 0 < reached < subdistricts / 4


def overlap_pairs():
    """Pairs of projects in the same subdistrict, in overlapping months, by different owners,
    sharing a theme."""
    by_area: dict[str, list[Project]] = {}
    projects = Project.objects.prefetch_related("themes", "project_areas")
    for p in projects:
        for pa in p.project_areas.all():
            if len(pa.area_id) == 6:
                by_area.setdefault(pa.area_id, []).append(p)
    pairs = []
    for code, found in by_area.items():
        for a, b in itertools.combinations(found, 2):
            if (
                a.owner_id != b.owner_id
                and a.start_date <= b.end_date
                and b.start_date <= a.end_date
                and {t.slug for t in a.themes.all()} & {t.slug for t in b.themes.all()}
            ):
                pairs.append((code, a, b))
    return pairs


def test_genuine_overlaps_exist(demo, db):
    pairs = overlap_pairs()
    assert len(pairs) >= 5
    ban_pet = {
        frozenset((a.owner.label, b.owner.label)) for code, a, b in pairs if code == "400115"
    }
    assert frozenset(("สสส.", "กปท.บ้านเป็ด")) in ban_pet
    assert {code[:2] for code, _a, _b in pairs} >= {"40", "23", "57", "93", "10"}


def test_the_cast_sees_the_register_their_way(demo, db):
    User = get_user_model()
    somchai = User.objects.get(username="somchai")
    codi_in_khon_kaen = queries.editable_by(somchai)
    assert codi_in_khon_kaen.exists()
    assert set(codi_in_khon_kaen.values_list("owner__short_name", flat=True)) == {"พอช."}
    boonmee = User.objects.get(username="boonmee")
    assert queries.editable_by(boonmee).filter(title__contains="สาวะถี").exists()
    public = Project.objects.filter(visibility="public").count()
    assert 0 < public < Project.objects.count()
