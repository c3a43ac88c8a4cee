"""Forms of the work register: the list filters, the project form with its row formsets, and the
place picker that reads areas the way people write them.

Forms only turn what people typed into values; ``services`` decides what may be saved.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q
from django.forms.utils import ErrorDict, flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from saan.areas.models import Area
from saan.areas.queries import search_areas
from saan.core.thai import fiscal_year as fiscal_year_of
from saan.core.thai import normalise_digits, parse_baht
from saan.partners.models import Organisation
from saan.projects.models import OrgRole, Stage, Status, TargetGroup, Theme, Visibility
from saan.projects.services import BudgetLineData, ProjectData, TargetData

# ------------------------------------------------------------------------------ place picker

_CODE = re.compile(r"^(\d{2}|\d{4}|\d{6})$")
_CODE_FIRST = re.compile(r"^(\d{2}|\d{4}|\d{6})\s+\S")
_CODE_LAST = re.compile(r"\((\d{2}|\d{4}|\d{6})\)\s*$")
# The level word a written place starts with, and the level it names (0 province … 2 subdistrict).
_LEVEL_WORD = re.compile(r"(?:^|\s)(จังหวัด|จ\s*\.|กิ่งอำเภอ|อำเภอ|อ\s*\.|เขต|ตำบล|ต\s*\.|แขวง)")
_LEVELS = ("province", "district", "subdistrict")
MAX_CANDIDATES = 8


def _word_level(word: str) -> int:
    word = word.replace(" ", "")
    if word in ("จังหวัด", "จ."):
        return 0
    if word in ("กิ่งอำเภอ", "อำเภอ", "อ.", "เขต"):
        return 1
    return 2


def _leading_level(text: str) -> int | None:
    match = _LEVEL_WORD.match(text.strip())
    return _word_level(match.group(1)) if match else None


def _last_level(text: str) -> int | None:
    words = _LEVEL_WORD.findall(text.strip())
    return _word_level(words[-1]) if words else None


def split_places(text: str) -> list[str]:
    """The entries of a place list: one per line, or separated by commas or semicolons.

    A comma inside one written address does not split it: in ``ต.สาวะถี, อ.เมือง, จ.ขอนแก่น``
    each part names a place *above* the one before it, so the three parts are one entry.
    """
    entries: list[str] = []
    for line in normalise_digits(text).splitlines():
        previous: str | None = None
        for chunk in re.split(r"[,;]", line):
            chunk = chunk.strip()
            if not chunk:
                continue
            lead = _leading_level(chunk)
            last = _last_level(previous) if previous is not None else None
            if previous is not None and lead is not None and last is not None and lead < last:
                previous = f"{previous} {chunk}"
                entries[-1] = previous
            else:
                previous = chunk
                entries.append(chunk)
    return entries


@dataclass
class PlaceResult:
    """What one written place resolved to: an area, or candidates to choose from (``fuzzy``
    when they are only close spellings), or nothing."""

    text: str
    area: Area | None = None
    candidates: list[tuple[Area, str]] = field(default_factory=list)
    fuzzy: bool = False
    more: int = 0  # candidates found beyond those listed


def place_label(area: Area, above: dict[str, Area]) -> str:
    """``ต.สาวะถี อ.เมืองขอนแก่น จ.ขอนแก่น``: the area with the places above it."""
    names = [area.full_name]
    names += [above[c].full_name for c in reversed(area.ancestor_codes) if c in above]
    return " ".join(names)


def place_labels(areas: list[Area]) -> list[tuple[Area, str]]:
    """Each area with its full written label, the places above read in one query."""
    codes = {c for a in areas for c in a.ancestor_codes}
    above = {a.code: a for a in Area.objects.filter(code__in=codes)}
    return [(a, place_label(a, above)) for a in areas]


def resolve_place(text: str, *, near: list[str] | None = None) -> PlaceResult:
    """Read one written place: a code (``400108``), a code with its name
    (``ต.สาวะถี … (400108)``) or a name with the places above it (``ต.สาวะถี อ.เมือง ขอนแก่น``).

    An exact name that only one area has resolves, and so does a query that only one area
    matches; several candidates are returned for the person to choose from, never guessed.
    Candidates inside the areas ``near`` (the person's own areas) are listed first.
    """
    text = normalise_digits(text).strip()
    result = PlaceResult(text)
    if not text:
        return result
    code_match = _CODE.match(text) or _CODE_FIRST.match(text) or _CODE_LAST.search(text)
    if code_match:
        result.area = Area.objects.filter(code=code_match.group(1)).first()
        return result
    lead = _leading_level(text)
    matches = search_areas(text, level=_LEVELS[lead], limit=40) if lead is not None else []
    if not matches:
        matches = search_areas(text, limit=40)
    exact = [m for m in matches if m.rank == 0]
    close = [m for m in matches if not m.fuzzy]
    if len(exact) == 1:
        result.area = exact[0].area
        return result
    if not exact and len(close) == 1:
        result.area = close[0].area
        return result
    chosen = exact or close or matches
    if near:
        chosen.sort(key=lambda m: not any(m.area.code.startswith(c) for c in near))
    result.fuzzy = not close
    result.more = max(len(chosen) - MAX_CANDIDATES, 0)
    result.candidates = place_labels([m.area for m in chosen[:MAX_CANDIDATES]])
    return result


def candidates_text(result: PlaceResult) -> str:
    listed = ", ".join(f"{label} ({area.code})" for area, label in result.candidates)
    if result.more:
        more = gettext("และอีก %(n)s พื้นที่ โปรดระบุอำเภอหรือจังหวัดด้วย") % {"n": result.more}
        return f"{listed} {more}"
    return listed


def place_error(result: PlaceResult) -> str:
    """The Thai message for a place that did not resolve to one area."""
    if not result.candidates:
        if _CODE.match(result.text) or _CODE_FIRST.match(result.text):
            return gettext("ไม่พบพื้นที่รหัส %(code)s") % {"code": result.text.split()[0]}
        return gettext("ไม่พบพื้นที่ “%(place)s”") % {"place": result.text}
    params = {"place": result.text, "choices": candidates_text(result)}
    if result.fuzzy:
        return gettext("ไม่พบ “%(place)s” หรือหมายถึง: %(choices)s (โปรดใส่รหัสพื้นที่ที่ต้องการ)") % params
    return (
        gettext("“%(place)s” ตรงกับหลายพื้นที่ โปรดเลือกหนึ่งพื้นที่แล้วใส่รหัสหรือชื่อให้ชัดขึ้น: %(choices)s") % params
    )


class AreaListField(forms.CharField):
    """Areas written one per line (or comma-separated), each a code or a place name; cleans to
    a list of area codes. Every entry that does not name exactly one area is reported."""

    widget = forms.Textarea(attrs={"rows": 3})
    near: list[str] = []  # the person's own areas, whose places are offered first

    def clean(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().clean(value) or ""
        codes: list[str] = []
        errors: list[str] = []
        for entry in split_places(text):
            result = resolve_place(entry, near=self.near)
            if result.area is None:
                errors.append(place_error(result))
            elif result.area.code not in codes:
                codes.append(result.area.code)
        if errors:
            raise forms.ValidationError(errors)
        if self.required and not codes:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return codes


def areas_initial(codes: list[str]) -> str:
    """The picker's text for stored areas: one per line, name and code."""
    areas = list(Area.objects.filter(code__in=codes).order_by("code"))
    return "\n".join(f"{label} ({area.code})" for area, label in place_labels(areas))


# ------------------------------------------------------------------------- Thai-aware fields


class BahtField(forms.CharField):
    """Money as people write it: ``80,000.-``, ``1.2 ล้านบาท``, Thai digits."""

    def clean(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        try:
            amount = parse_baht(text)
        except ValueError:
            raise forms.ValidationError(
                gettext("จำนวนเงินไม่ถูกต้อง เช่น 80,000 หรือ 1.2 ล้านบาท"), code="invalid"
            ) from None
        if amount < 0:
            raise forms.ValidationError(gettext("จำนวนเงินต้องไม่ติดลบ"), code="negative")
        return amount


class FiscalYearField(forms.CharField):
    """A ปีงบประมาณ in พ.ศ.: ``2568``, ``๒๕๖๘``, ``ปีงบ 2568``."""

    def clean(self, value: Any) -> int | None:  # type: ignore[override]
        text = normalise_digits(super().clean(value) or "")
        text = re.sub(r"ปีงบประมาณ|ปีงบ|พ\.\s*ศ\.|\s", "", text)
        if not text:
            return None
        if not text.isdigit() or not 2500 <= int(text) <= 2700:
            raise forms.ValidationError(gettext("ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2568"), code="invalid")
        return int(text)


class CountField(forms.CharField):
    """A number of people: Thai digits and thousands separators accepted."""

    def clean(self, value: Any) -> int | None:  # type: ignore[override]
        text = normalise_digits(super().clean(value) or "").replace(",", "").strip()
        if not text:
            return None
        if not text.isdigit():
            raise forms.ValidationError(gettext("ใส่จำนวนเป็นตัวเลขไม่ติดลบ"), code="invalid")
        return int(text)


class ThaiDateField(forms.DateField):
    """A date from an HTML date input (``2025-05-02``), or typed as ``2/5/2568`` (พ.ศ.) or
    ``2/5/2025``."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, str):
            text = normalise_digits(value).strip()
            match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
            if match:
                day, month, year = (int(g) for g in match.groups())
                if year > 2400:
                    year -= 543
                try:
                    return dt.date(year, month, day)
                except ValueError:
                    raise forms.ValidationError(self.error_messages["invalid"]) from None
            value = text
        return super().to_python(value)


# ---------------------------------------------------------------------------------- filters


def set_choices(form: forms.Form, name: str, choices: list[Any]) -> None:
    """Give a choice field its choices at run time (they come from the database)."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


# The sorts the list offers (keys of ``filters.SORTS``), and older spellings still accepted.
SORT_KEYS = ("-updated", "title", "start", "-budget")
SORT_ALIASES = {"start_date": "start", "budget": "-budget"}


class QuickSelect(forms.Select):
    """A plain ``<select>`` built in Python: the same HTML as Django's ``Select`` without one
    template per option and per attribute list (the list page renders seven of these, ~80
    options, on every request and every htmx refresh)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        chosen = set(self.format_value(value))
        options = [
            format_html(
                '<option value="{}"{}>{}</option>',
                "" if option is None else option,
                mark_safe(" selected") if str("" if option is None else option) in chosen else "",
                label,
            )
            for option, label in self.choices
        ]
        final = self.build_attrs(self.attrs, attrs)
        return format_html(
            '<select name="{}"{}>\n{}\n</select>',
            name,
            flatatt(final),
            mark_safe("\n".join(options)),
        )


class ProjectFilterForm(forms.Form):
    """The list's filter controls, bound to the query string so they show what is chosen.
    What the values mean is ``filters.parse_filters``, shared with the exports and the API."""

    area = forms.CharField(label=_("พื้นที่"), required=False, max_length=200)
    q = forms.CharField(label=_("คำค้น"), required=False, max_length=200)
    org = forms.TypedChoiceField(label=_("องค์กร"), required=False, coerce=int, widget=QuickSelect)
    role = forms.ChoiceField(label=_("บทบาท"), required=False, widget=QuickSelect)
    theme = forms.ChoiceField(label=_("ประเด็นงาน"), required=False, widget=QuickSelect)
    target = forms.ChoiceField(label=_("กลุ่มเป้าหมาย"), required=False, widget=QuickSelect)
    fy = forms.TypedChoiceField(
        label=_("ปีงบประมาณ"), required=False, coerce=int, widget=QuickSelect
    )
    status = forms.ChoiceField(label=_("สถานะ"), required=False, widget=QuickSelect)
    sort = forms.ChoiceField(label=_("เรียงตาม"), required=False, widget=QuickSelect)

    def __init__(
        self,
        data: Any,
        *,
        organisations: list[Organisation],
        years: list[int],
    ) -> None:
        super().__init__(data)
        everything = [("", gettext("ทั้งหมด"))]
        themes = Theme.objects.order_by("-is_active", "sort_order", "name_th")
        set_choices(self, "org", everything + [(o.pk, o.label) for o in organisations])
        set_choices(self, "role", [("", gettext("ทุกบทบาท")), *OrgRole.choices])
        set_choices(self, "theme", everything + [(t.slug, t.name) for t in themes])
        set_choices(
            self, "target", everything + [(t.slug, t.name) for t in TargetGroup.objects.all()]
        )
        set_choices(self, "fy", everything + [(y, str(y)) for y in years])
        set_choices(self, "status", everything + list(Status.choices))
        set_choices(
            self,
            "sort",
            [
                ("-updated", gettext("แก้ไขล่าสุด")),
                ("title", gettext("ชื่อโครงการ")),
                ("start", gettext("วันเริ่ม")),
                ("-budget", gettext("งบประมาณมากไปน้อย")),
            ],
        )


# ----------------------------------------------------------------------------- project form


class ProjectForm(forms.Form):
    owner = forms.TypedChoiceField(label=_("หน่วยงานเจ้าของโครงการ"), coerce=int)
    title = forms.CharField(label=_("ชื่อโครงการ"), max_length=500)
    ref_code = forms.CharField(
        label=_("รหัสโครงการของหน่วยงาน"),
        max_length=64,
        required=False,
        help_text=_("รหัสที่หน่วยงานใช้เอง ไม่ซ้ำกันภายในหน่วยงาน"),
    )
    summary = forms.CharField(
        label=_("สาระสำคัญ"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    objectives = forms.CharField(
        label=_("วัตถุประสงค์"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    status = forms.ChoiceField(label=_("สถานะ"), choices=Status.choices, initial=Status.PLANNED)
    visibility = forms.ChoiceField(
        label=_("การเปิดเผย"),
        choices=Visibility.choices,
        initial=Visibility.ALLIANCE,
        help_text=_(
            "สาธารณะ: ทุกคนเห็น · ภาคีในพื้นที่: สมาชิกที่มีสิทธิ์ในพื้นที่ · "
            "เฉพาะองค์กรที่ร่วมโครงการ: องค์กรที่ร่วมและผู้ประสานงานพื้นที่"
        ),
    )
    start_date = ThaiDateField(label=_("วันเริ่ม"), required=False)
    end_date = ThaiDateField(label=_("วันสิ้นสุด"), required=False)
    areas = AreaListField(
        label=_("พื้นที่ดำเนินการ"),
        help_text=_(
            "หนึ่งพื้นที่ต่อบรรทัด ใส่รหัสหรือชื่อก็ได้ เช่น 400108 หรือ ต.สาวะถี อ.เมือง ขอนแก่น "
            "โครงการระดับอำเภอหรือจังหวัดใส่ชื่ออำเภอหรือจังหวัด"
        ),
    )
    themes = forms.TypedMultipleChoiceField(
        label=_("ประเด็นงาน"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        owners: list[Organisation],
        theme_ids: list[int] | None = None,
        near: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["areas"].near = near or []  # type: ignore[attr-defined]
        choices: list[tuple[Any, str]] = [(o.pk, o.label) for o in owners]
        if len(owners) == 1:
            self.fields["owner"].initial = owners[0].pk
        else:
            choices.insert(0, ("", gettext("— เลือกหน่วยงาน —")))
        set_choices(self, "owner", choices)
        themes = Theme.objects.filter(Q(is_active=True) | Q(pk__in=theme_ids or []))
        set_choices(self, "themes", [(t.pk, t.name) for t in themes])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", gettext("วันสิ้นสุดต้องไม่ก่อนวันเริ่ม"))
        return data


class TargetsForm(forms.Form):
    """Every target group as a row: ticked, planned and reached. A row counts when it is ticked
    or has a number."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups = list(TargetGroup.objects.all())
        for group in self.groups:
            self.fields[f"on_{group.pk}"] = forms.BooleanField(label=group.name, required=False)
            self.fields[f"planned_{group.pk}"] = CountField(label=_("จำนวนเป้าหมาย"), required=False)
            self.fields[f"reached_{group.pk}"] = CountField(
                label=_("จำนวนที่เข้าถึงแล้ว"), required=False
            )

    @staticmethod
    def initial_for(targets: list[TargetData]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for t in targets:
            initial[f"on_{t.target_group_id}"] = True
            initial[f"planned_{t.target_group_id}"] = t.planned
            initial[f"reached_{t.target_group_id}"] = t.reached
        return initial

    def rows(self) -> list[tuple[TargetGroup, Any, Any, Any]]:
        return [
            (g, self[f"on_{g.pk}"], self[f"planned_{g.pk}"], self[f"reached_{g.pk}"])
            for g in self.groups
        ]

    def targets(self) -> list[TargetData]:
        found = []
        for g in self.groups:
            on = self.cleaned_data.get(f"on_{g.pk}")
            planned = self.cleaned_data.get(f"planned_{g.pk}")
            reached = self.cleaned_data.get(f"reached_{g.pk}")
            if on or planned is not None or reached is not None:
                found.append(TargetData(g.pk, planned, reached))
        return found


class RowForm(forms.Form):
    """A row of a formset; a row whose content fields are all empty is no row at all (so an
    emptied row disappears instead of failing "required")."""

    content_fields: tuple[str, ...] = ()

    def is_blank(self) -> bool:
        return self.is_bound and all(
            not str(self.data.get(self.add_prefix(name), "")).strip()
            for name in self.content_fields
        )

    def full_clean(self) -> None:
        if self.is_blank():
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()


class OrganisationRowForm(RowForm):
    def __init__(self, *args: Any, org_choices: list[tuple[Any, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.org_fields:
            set_choices(self, name, [("", "—"), *org_choices])

    org_fields: tuple[str, ...] = ()


class BudgetLineForm(OrganisationRowForm):
    content_fields = ("source", "amount", "note")
    org_fields = ("source",)
    source = forms.TypedChoiceField(
        label=_("แหล่งงบประมาณ"), required=False, coerce=int, empty_value=None
    )
    fiscal_year = FiscalYearField(label=_("ปีงบประมาณ (พ.ศ.)"), max_length=20)
    amount = BahtField(label=_("จำนวนเงิน (บาท)"), max_length=40)
    stage = forms.ChoiceField(label=_("สถานะงบ"), choices=Stage.choices)
    note = forms.CharField(label=_("หมายเหตุ"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["fiscal_year"].initial = fiscal_year_of(dt.date.today())
        self.fields["fiscal_year"].widget.attrs.update(inputmode="numeric", size="6")
        self.fields["amount"].widget.attrs.update(inputmode="decimal", size="12")


class RoleForm(OrganisationRowForm):
    content_fields = ("organisation",)
    org_fields = ("organisation",)
    organisation = forms.TypedChoiceField(label=_("องค์กร"), coerce=int)
    role = forms.ChoiceField(label=_("บทบาท"), choices=OrgRole.choices)


class ContactForm(RowForm):
    content_fields = ("name", "position", "phone", "email")
    name = forms.CharField(label=_("ชื่อผู้ประสานงาน"), max_length=200)
    position = forms.CharField(label=_("ตำแหน่ง"), max_length=200, required=False)
    phone = forms.CharField(label=_("โทรศัพท์"), max_length=60, required=False)
    email = forms.EmailField(label=_("อีเมล"), required=False)


class LinkForm(RowForm):
    content_fields = ("url", "label")
    url = forms.URLField(label=_("ลิงก์"), max_length=500, assume_scheme="https")
    label = forms.CharField(label=_("คำอธิบาย"), max_length=200, required=False)


def _formset(form: type[forms.Form]) -> Any:
    return forms.formset_factory(form, extra=1, can_delete=True, max_num=200, absolute_max=300)


BudgetFormSet = _formset(BudgetLineForm)
RoleFormSet = _formset(RoleForm)
ContactFormSet = _formset(ContactForm)
LinkFormSet = _formset(LinkForm)

FORMSETS: dict[str, Any] = {
    "budget": BudgetFormSet,
    "roles": RoleFormSet,
    "contacts": ContactFormSet,
    "links": LinkFormSet,
}


def filled_rows(formset: Any) -> list[dict[str, Any]]:
    """The cleaned rows of a valid formset, without blank and deleted ones."""
    return [
        f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


def formset_initial(data: ProjectData) -> dict[str, list[dict[str, Any]]]:
    """Rows for the formsets from stored project data. The owner's lead role is implied by the
    owner field, so it is not a row (changing the owner moves it)."""
    return {
        "budget": [
            {
                "source": b.source_id,
                "fiscal_year": b.fiscal_year,
                "amount": f"{b.amount:,.2f}".removesuffix(".00"),
                "stage": b.stage,
                "note": b.note,
            }
            for b in data.budget_lines
        ],
        "roles": [
            {"organisation": o, "role": r}
            for o, r in data.roles
            if not (o == data.owner_id and r == OrgRole.LEAD)
        ],
        "contacts": list(data.contacts),
        "links": list(data.links),
    }


def project_data_from(
    form: ProjectForm, targets: TargetsForm, formsets: dict[str, Any]
) -> ProjectData:
    """The ``ProjectData`` that valid forms describe."""
    c = form.cleaned_data
    return ProjectData(
        owner_id=c["owner"],
        title=c["title"].strip(),
        ref_code=c["ref_code"].strip(),
        summary=c["summary"],
        objectives=c["objectives"],
        status=c["status"],
        visibility=c["visibility"],
        start_date=c["start_date"],
        end_date=c["end_date"],
        area_codes=c["areas"],
        theme_ids=list(c["themes"]),
        roles=list(
            dict.fromkeys((r["organisation"], r["role"]) for r in filled_rows(formsets["roles"]))
        ),
        targets=targets.targets(),
        budget_lines=[
            BudgetLineData(
                fiscal_year=b["fiscal_year"],
                amount=b["amount"],
                stage=b["stage"],
                source_id=b["source"],
                note=b["note"],
            )
            for b in filled_rows(formsets["budget"])
        ],
        contacts=[
            {k: r[k] for k in ("name", "position", "phone", "email")}
            for r in filled_rows(formsets["contacts"])
        ],
        links=[{"url": r["url"], "label": r["label"]} for r in filled_rows(formsets["links"])],
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("บันทึกเพิ่มเติม"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
