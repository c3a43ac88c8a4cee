"""The set-based roll-up refresh (SQL in the database) against a direct computation in Python
of the same aggregates, for every aggregation type, breakdowns, states and all levels."""

import random
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection

from saan.areas.models import Area, Level
from saan.indicators import rollups
from saan.indicators.models import Aggregation, DataValue, Rollup, State

from .test_rollups import make

pytestmark = pytest.mark.django_db
PERIODS = ("2024Oct", "2023Oct")
STATES = (State.ENTERED, State.VERIFIED, State.ACCEPTED, State.RETURNED)


@pytest.fixture
def catalogue(cast):
    population = make("population", Aggregation.SUM)
    poor = make("poor", Aggregation.SUM)
    households = make("households", Aggregation.SUM)
    return {
        "population": population,
        "poor": poor,
        "households": households,
        "rate": make("rate", Aggregation.RATIO, numerator=poor, denominator=households, factor=100),
        "happiness": make("happiness", Aggregation.WEIGHTED_MEAN, weight=population),
        "lowest": make("lowest", Aggregation.MIN),
        "highest": make("highest", Aggregation.MAX),
        "latest": make("latest", Aggregation.LATEST),
    }


def _fill(catalogue, seed=6):
    """Values for a scattered sample of subdistricts in three provinces, with breakdowns,
    every state and some areas missing a weight or a numerator."""
    rng = random.Random(seed)
    codes = list(
        Area.objects.filter(level=Level.SUBDISTRICT, code__regex=r"^(40|23|10)")
        .order_by("code")
        .values_list("code", flat=True)
    )
    sample = rng.sample(codes, 60)
    rows = []
    for ind in catalogue.values():
        if ind.aggregation == Aggregation.RATIO:
            continue
        for code in sample:
            for period in PERIODS:
                for breakdown in ("", "sex:f", "age:60+"):
                    if rng.random() < 0.2:
                        continue  # not reported
                    if ind.code == "poor" and breakdown == "" and rng.random() < 0.2:
                        continue  # numerator missing where the denominator is there
                    value = Decimal(rng.randint(0, 50_000)) / (100 if rng.random() < 0.5 else 1)
                    rows.append(
                        DataValue(
                            indicator=ind,
                            area_id=code,
                            period=period,
                            breakdown=breakdown,
                            value=value,
                            state=rng.choice(STATES),
                        )
                    )
    # A district-level value is not a base value: it must not count.
    rows.append(
        DataValue(indicator=catalogue["poor"], area_id="4001", period=PERIODS[0], value=999)
    )
    DataValue.objects.bulk_create(rows)


def _direct(catalogue):
    """Every roll-up row computed in Python from the stored values."""
    values = list(DataValue.objects.filter(area__level=Level.SUBDISTRICT))
    weights = {
        (v.area_id, v.period): v.value
        for v in values
        if v.indicator_id == catalogue["population"].pk and v.breakdown == ""
    }
    expected_n: dict[str, int] = defaultdict(int)
    for code in Area.objects.filter(level=Level.SUBDISTRICT).values_list("code", flat=True):
        for n in (4, 2, 0):
            expected_n[code[:n]] += 1
    groups: dict[tuple, list[DataValue]] = defaultdict(list)
    for v in values:
        for n in (4, 2, 0):
            groups[(v.indicator_id, v.area_id[:n], v.period, v.breakdown)].append(v)
    out = {}
    for key, vs in groups.items():
        ind = next(i for i in catalogue.values() if i.pk == key[0])
        ws = [(v.value, weights.get((v.area_id, v.period))) for v in vs]
        weighted = sum((x * w for x, w in ws if w is not None), Decimal(0))
        weight = sum((w for _, w in ws if w is not None), Decimal(0))
        row = {
            "total": sum((v.value for v in vs), Decimal(0)),
            "minimum": min(v.value for v in vs),
            "maximum": max(v.value for v in vs),
            "reported": len(vs),
            "verified": sum(v.state in (State.VERIFIED, State.ACCEPTED) for v in vs),
            "accepted": sum(v.state == State.ACCEPTED for v in vs),
            "returned": sum(v.state == State.RETURNED for v in vs),
            "expected": expected_n[key[1]],
        }
        agg = ind.aggregation
        row["value"] = {
            Aggregation.SUM: row["total"],
            Aggregation.MIN: row["minimum"],
            Aggregation.MAX: row["maximum"],
            Aggregation.WEIGHTED_MEAN: weighted / weight if weight else None,
            Aggregation.LATEST: None,
        }[agg]
        out[key] = row
    rate = catalogue["rate"]
    for (ind_id, code, period, breakdown), den in list(out.items()):
        if ind_id != catalogue["households"].pk:
            continue
        num = out.get((catalogue["poor"].pk, code, period, breakdown))
        out[(rate.pk, code, period, breakdown)] = {
            "value": (100 * num["total"] / den["total"]) if num and den["total"] else None,
            "total": num["total"] if num else 0,
            "reported": min(num["reported"] if num else 0, den["reported"]),
            "verified": min(num["verified"] if num else 0, den["verified"]),
            "expected": den["expected"],
        }
    return out


def _stored():
    return {(r.indicator_id, r.area_code, r.period, r.breakdown): r for r in Rollup.objects.all()}


def _assert_same(direct, stored):
    assert set(stored) == set(direct)
    for key, want in direct.items():
        got = stored[key]
        for name, value in want.items():
            have = getattr(got, name)
            if value is None or have is None:
                assert have == value, (key, name)
            else:
                assert have == pytest.approx(Decimal(value), abs=Decimal("0.000001")), (key, name)


def test_full_refresh_matches_a_direct_computation(catalogue):
    _fill(catalogue)
    pairs = [(i.pk, p) for i in catalogue.values() for p in PERIODS]
    written = rollups.refresh(pairs)
    direct = _direct(catalogue)
    assert written == len(direct)
    _assert_same(direct, _stored())
    # Refreshing again changes nothing and leaves no duplicate.
    rollups.refresh(pairs)
    _assert_same(direct, _stored())


def test_targeted_refresh_after_changes_matches_a_full_one(catalogue):
    _fill(catalogue)
    pairs = [(i.pk, p) for i in catalogue.values() for p in PERIODS]
    rollups.refresh(pairs)
    # Change, delete and add values in one subdistrict, then refresh only its ancestors.
    changed = DataValue.objects.filter(area__code__startswith="40", area__level="subdistrict")
    code = changed.values_list("area_id", flat=True).first()
    DataValue.objects.filter(area_id=code, indicator=catalogue["households"]).update(value=7)
    DataValue.objects.filter(area_id=code, indicator=catalogue["lowest"]).delete()
    DataValue.objects.filter(area_id=code, indicator=catalogue["population"]).update(
        state=State.RETURNED
    )
    rollups.refresh(pairs, base_codes=[code])
    _assert_same(_direct(catalogue), _stored())


def test_a_pair_whose_values_are_all_gone_loses_its_rollups(catalogue):
    _fill(catalogue)
    poor = catalogue["poor"]
    rollups.refresh([(i.pk, PERIODS[0]) for i in catalogue.values()])
    assert Rollup.objects.filter(indicator=poor, period=PERIODS[0]).exists()
    DataValue.objects.filter(indicator=poor, period=PERIODS[0]).delete()
    rollups.refresh([(poor.pk, PERIODS[0])])
    assert not Rollup.objects.filter(indicator=poor, period=PERIODS[0]).exists()
    # The ratio that uses it as numerator keeps its rows (the denominator is there), empty.
    rate = Rollup.objects.get(
        indicator=catalogue["rate"], area_code="", period=PERIODS[0], breakdown=""
    )
    assert (rate.value, rate.reported) == (None, 0)


def test_refresh_of_nothing_writes_nothing(catalogue):
    assert rollups.refresh([]) == 0
    assert not Rollup.objects.exists()


@pytest.mark.parametrize("code", ["40", "4001", "", "400108"])
def test_coverage_reads_the_rollups_and_agrees_with_the_values(catalogue, code):
    from saan.indicators.queries import coverage

    _fill(catalogue)
    rollups.refresh([(i.pk, p) for i in catalogue.values() for p in PERIODS])
    stored = [i for i in catalogue.values() if i.aggregation != Aggregation.RATIO]
    values = DataValue.objects.filter(
        area__code__startswith=code, area__level=Level.SUBDISTRICT, period=PERIODS[0]
    )
    got = coverage(code, PERIODS[0], stored)
    states = [v.state for v in values]
    assert got.values == len(states)
    assert got.entered == states.count(State.ENTERED)
    assert got.verified == states.count(State.VERIFIED) + states.count(State.ACCEPTED)
    assert got.accepted == states.count(State.ACCEPTED)
    assert got.returned == states.count(State.RETURNED)
    # Reported: base areas of the most-reported indicator and breakdown.
    per_indicator = [
        len({v.area_id for v in values if (v.indicator_id, v.breakdown) == (i.pk, b)})
        for i in stored
        for b in ("", "sex:f", "age:60+")
    ]
    if len(code) < 6:
        assert got.reported == max(per_indicator)
    else:
        assert got.reported == (1 if states else 0)


def test_refresh_rollups_command_rebuilds_them_from_the_values(catalogue):
    from io import StringIO

    from django.core.management import call_command

    _fill(catalogue)
    call_command("refresh_rollups", stdout=StringIO())
    _assert_same(_direct(catalogue), _stored())
    Rollup.objects.update(accepted=0, returned=0, total=0)  # stale, e.g. after an upgrade
    call_command("refresh_rollups", stdout=StringIO())
    _assert_same(_direct(catalogue), _stored())


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="enable_nestloop is a PostgreSQL planner setting"
)
def test_a_full_refresh_on_postgresql_gives_the_planner_setting_back(catalogue):
    """The bulk refresh turns nested loops off for its own statements only."""
    _fill(catalogue)
    pairs = [(i.pk, p) for i in catalogue.values() for p in PERIODS]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_nestloop = on")
        cursor.execute("SET LOCAL work_mem = '3MB'")
        assert rollups.refresh(pairs) > 0
        cursor.execute("SELECT current_setting('enable_nestloop'), current_setting('work_mem')")
        assert cursor.fetchone() == ("on", "3MB")
    _assert_same(_direct(catalogue), _stored())
