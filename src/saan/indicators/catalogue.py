"""The reference indicator catalogue (``indicators/data/catalogue.json``), loaded by
``load_reference``: indicators are created by code when missing and never overwritten, so what an
administrator edited stays. A rate is created after its numerator and denominator, a weighted
mean after its weight."""

from __future__ import annotations

import json
from decimal import Decimal
from importlib.resources import files
from typing import Any

from django.db import transaction

from saan.audit.services import record
from saan.indicators.models import Indicator
from saan.partners.models import Organisation

REFERENCES = ("numerator", "denominator", "weight")
_PLAIN = (
    "name_th",
    "name_en",
    "definition",
    "unit",
    "source",
    "dimension",
    "polarity",
    "value_type",
    "aggregation",
    "period_type",
    "base_level",
    "thresholds",
    "is_public",
    "sort_order",
)


def catalogue_data() -> dict[str, Any]:
    text = files("saan.indicators").joinpath("data/catalogue.json").read_text(encoding="utf-8")
    return json.loads(text)


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@transaction.atomic
def load_catalogue(data: dict[str, Any] | None = None) -> tuple[int, int]:
    """Create the catalogue's indicators that do not exist yet. Trusted (no membership check),
    audited as the system. Returns (created, kept)."""
    from saan.projects.models import Theme

    specs = (data or catalogue_data())["indicators"]
    known: dict[str, Indicator] = {i.code: i for i in Indicator.objects.all()}
    themes = {t.slug: t for t in Theme.objects.all()}
    organisations = {o.short_name: o for o in Organisation.objects.exclude(short_name="")}
    pending = [s for s in specs if s["code"] not in known]
    kept = len(specs) - len(pending)
    created = 0
    while pending:
        ready = [s for s in pending if all(s.get(r) in known for r in REFERENCES if s.get(r))]
        if not ready:
            missing = sorted({s[r] for s in pending for r in REFERENCES if s.get(r)} - set(known))
            raise ValueError(f"catalogue names unknown indicators: {', '.join(missing)}")
        for spec in ready:
            indicator = Indicator(code=spec["code"])
            for name in _PLAIN:
                if name in spec:
                    setattr(indicator, name, spec[name])
            for name in REFERENCES:
                if spec.get(name):
                    setattr(indicator, name, known[spec[name]])
            indicator.factor = _decimal(spec.get("factor", 1)) or Decimal(1)
            indicator.plausible_min = _decimal(spec.get("plausible_min"))
            indicator.plausible_max = _decimal(spec.get("plausible_max"))
            indicator.theme = themes.get(spec.get("theme") or "")
            indicator.owner = organisations.get(spec.get("owner") or "")
            indicator.full_clean()
            indicator.save()
            record(
                actor=None,
                action="indicator.create",
                target=indicator,
                after={k: v for k, v in spec.items() if not k.startswith("_")},
                note="load_reference",
            )
            known[indicator.code] = indicator
            created += 1
        pending = [s for s in pending if s["code"] not in known]
    return created, kept
