import pytest

from saan.audit.models import AuditEvent
from saan.conftest import org
from saan.overlaps.demo_data import LINKED_TITLES, load_overlaps_demo
from saan.overlaps.models import Decision, Finding, FindingState, ScanRun, SynonymGroup
from saan.overlaps.tests.conftest import data
from saan.overlaps.tests.helpers import finding
from saan.projects.models import ProjectOrganisation
from saan.projects.services import project_create

pytestmark = pytest.mark.django_db


def test_the_demo_shows_both_states_and_running_it_again_changes_nothing(cast, scene):
    thf = project_create(actor=cast.admin, data=data(title=LINKED_TITLES[0]))
    fund = project_create(
        actor=cast.admin,
        data=data(owner_id=org("สปสช.").pk, title=LINKED_TITLES[1], summary="ดูแลผู้สูงอายุติดเตียงที่บ้าน"),
    )
    load_overlaps_demo(cast.admin)
    assert SynonymGroup.objects.exists()
    assert ScanRun.objects.filter(status="done", area_code="").count() == 1
    linked = finding(thf, fund)
    assert linked.state == FindingState.RESOLVED and linked.decision == Decision.LINK
    assert linked.decided_by == cast.coordinator
    assert ProjectOrganisation.objects.filter(project=fund, organisation=thf.owner).exists()
    assert Finding.objects.filter(state=FindingState.DISMISSED).count() == 1
    assert Finding.objects.filter(state=FindingState.SUGGESTED).exists()

    before = (
        list(Finding.objects.order_by("pk").values_list("pk", "state", "score")),
        ScanRun.objects.count(),
        AuditEvent.objects.count(),
        SynonymGroup.objects.count(),
    )
    load_overlaps_demo(cast.admin)
    after = (
        list(Finding.objects.order_by("pk").values_list("pk", "state", "score")),
        ScanRun.objects.count(),
        AuditEvent.objects.count(),
        SynonymGroup.objects.count(),
    )
    assert after == before
