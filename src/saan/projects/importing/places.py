"""Turning the places written in a row into area codes.

Each of ตำบล, อำเภอ and จังหวัด is looked up inside the places above it that the row names: first
by exact name, then with prefixes, spaces and marks folded away (``ต.สาวะถี`` = ``ตำบล สาวะถี`` =
``สาวะถี``), then by close spelling. A close spelling with exactly one candidate is used and
said so on the row; several candidates, or a name found in more than one place, are never
chosen for the person: the row is rejected with the candidates listed, and the preview page
lets the person pick one (``choices``). ``ทุกตำบล`` in the ตำบล column means the whole district.

One ``PlaceIndex`` is built per import (8,441 areas, in memory) and answers each distinct
combination of names once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from saan.areas.models import Area, Level
from saan.areas.queries import ALIASES, search_areas
from saan.core.thai import fold, normalise_digits

FUZZY_CUTOFF = 75
MAX_OPTIONS = 6

WHOLE_DISTRICT = {
    "ทุกตำบล",
    "ทุกแขวง",
    "ทั้งอำเภอ",
    "ทั้งเขต",
    "ทุกตำบลในอำเภอ",
    "ทุกพื้นที่",
    "ครอบคลุมทุกตำบล",
    "ทั้งหมด",
    "all",
    "allsubdistricts",
    "wholedistrict",
}
WHOLE_PROVINCE = {
    "ทุกอำเภอ",
    "ทุกเขต",
    "ทั้งจังหวัด",
    "ทุกอำเภอในจังหวัด",
    "ทุกพื้นที่",
    "ทั้งหมด",
    "all",
    "alldistricts",
    "wholeprovince",
}
_SPLIT = re.compile(r"\s*(?:[,;\n、]|\sและ\s|\s+และ|/)\s*")
_THAI = re.compile(r"[\u0E00-\u0E7F]")
_PREFIXED = re.compile(r"(?=(?:ตำบล|ต\.|แขวง|อำเภอ|อ\.|เขต|จังหวัด|จ\.))")
_PART = re.compile(r"^(ตำบล|ต\.|แขวง|อำเภอ|อ\.|เขต|กิ่งอำเภอ|จังหวัด|จ\.)\s*(.+)$")
_LEVEL_OF_PREFIX = {
    "ตำบล": "sub",
    "ต.": "sub",
    "แขวง": "sub",
    "อำเภอ": "dist",
    "อ.": "dist",
    "เขต": "dist",
    "กิ่งอำเภอ": "dist",
    "จังหวัด": "prov",
    "จ.": "prov",
}


@dataclass(frozen=True)
class PlaceOption:
    code: str
    label: str


@dataclass
class PlaceProblem:
    """A place that could not be settled. ``key`` identifies the written name in its context,
    so a person's pick among ``options`` applies to every row that wrote it the same way."""

    column: str  # the ImportField value of the column it came from
    message: str
    fix: str
    key: str = ""
    options: list[PlaceOption] = field(default_factory=list)


@dataclass
class PlaceResult:
    codes: list[str] = field(default_factory=list)
    problems: list[PlaceProblem] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (field, message)


class PlaceIndex:
    """Every area by level and folded name, for one import."""

    def __init__(self, choices: dict[str, str] | None = None) -> None:
        self.choices = dict(choices or {})
        self.areas: dict[str, Area] = {a.code: a for a in Area.objects.all().order_by("code")}
        self.by_name: dict[str, dict[str, list[str]]] = {lvl: {} for lvl in Level.values}
        self.names: dict[str, list[tuple[str, str]]] = {lvl: [] for lvl in Level.values}
        for code, area in self.areas.items():
            th = fold(area.name_th)
            en = fold(area.name_en)
            for key in {th, en}:
                if key:
                    self.by_name[area.level].setdefault(key, []).append(code)
            self.names[area.level].append((code, th))
        self._cache: dict[tuple[Any, ...], PlaceResult] = {}
        self._labels: dict[str, str] = {}

    # ----------------------------------------------------------------------------- labels

    def label(self, code: str) -> str:
        """``ต.สาวะถี อ.เมืองขอนแก่น จ.ขอนแก่น``: the area and the places above it."""
        found = self._labels.get(code)
        if found is None:
            area = self.areas.get(code)
            if area is None:
                return code
            parts = [
                self.areas[c].full_name for c in reversed(area.ancestor_codes) if c in self.areas
            ]
            found = self._labels[code] = " ".join([area.full_name, *parts])
        return found

    def option(self, code: str) -> PlaceOption:
        return PlaceOption(code, f"{self.label(code)} ({code})")

    # ------------------------------------------------------------------------------ look-ups

    def _exact(self, level: str, name: str, scope: str) -> list[str]:
        key = fold(name)
        if level == Level.PROVINCE:
            key = fold(ALIASES.get(key, key))
        codes = [c for c in self.by_name[level].get(key, []) if c.startswith(scope)]
        if level == Level.DISTRICT and key in ("เมือง", "mueang"):
            # "อ.เมือง" is the province's capital district, always code XX01 (none in Bangkok).
            capitals = [
                c
                for c in self.areas
                if len(c) == 4
                and c.endswith("01")
                and not c.startswith("10")
                and c.startswith(scope)
            ]
            codes = sorted(set(codes) | set(capitals))
        return codes

    def _fuzzy(self, level: str, name: str, scope: str) -> list[tuple[str, float]]:
        key = fold(name)
        if len(key) < 3:
            return []
        choices = {c: n for c, n in self.names[level] if c.startswith(scope)}
        hits = process.extract(
            key, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=MAX_OPTIONS
        )
        return [(code, score) for _name, score, code in hits]

    # ---------------------------------------------------------------------------- resolving

    def resolve(
        self,
        *,
        subdistrict: str = "",
        district: str = "",
        province: str = "",
        area_code: str = "",
        place: str = "",
    ) -> PlaceResult:
        """The codes the row's place columns name, or the problems that stop it; answered once
        per distinct combination."""
        key = (subdistrict, district, province, area_code, place)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._resolve(subdistrict, district, province, area_code, place)
            self._cache[key] = cached
        return cached

    def _resolve(self, sub: str, dist: str, prov: str, code_text: str, place: str) -> PlaceResult:
        result = PlaceResult()
        if code_text:
            code = re.sub(r"\D", "", normalise_digits(code_text))
            if code in self.areas:
                result.codes.append(code)
                return result
            result.problems.append(
                PlaceProblem(
                    "area_code",
                    _("ไม่พบรหัสพื้นที่ “%(code)s”") % {"code": code_text},
                    _(
                        "ใช้รหัสพื้นที่ของกรมการปกครอง 2, 4 หรือ 6 หลัก เช่น 400108 "
                        "หรือเว้นว่างแล้วกรอกชื่อตำบล อำเภอ จังหวัด"
                    ),
                )
            )
            return result
        if place and not (sub or dist or prov):
            sub, dist, prov, loose = _split_place_text(place)
            if loose:
                return self._free_text(place)
            fields = {"sub": "place", "dist": "place", "prov": "place"}
        else:
            fields = {"sub": "subdistrict", "dist": "district", "prov": "province"}
        if not (sub or dist or prov):
            result.problems.append(
                PlaceProblem(
                    fields["sub"],
                    _("ไม่ได้ระบุพื้นที่ดำเนินการ"),
                    _("กรอกตำบล อำเภอ และจังหวัดของโครงการ (โครงการทั้งอำเภอใส่ “ทุกตำบล”)"),
                )
            )
            return result

        scope = ""
        province_code = ""
        if prov and fold(prov) not in WHOLE_PROVINCE:
            found = self._one(Level.PROVINCE, prov, "", fields["prov"], result)
            if found is None:
                return result
            province_code = scope = found
        district_code = ""
        whole_province = bool(dist) and fold(dist) in WHOLE_PROVINCE
        if dist and not whole_province:
            found = self._one(Level.DISTRICT, dist, scope, fields["dist"], result)
            if found is None:
                return result
            district_code = scope = found
        if not sub:
            if district_code:
                result.codes.append(district_code)
            elif province_code:
                result.codes.append(province_code)
            return result
        for name in _names(sub):
            if fold(name) in WHOLE_DISTRICT:
                if district_code:
                    result.codes.append(district_code)
                elif province_code and whole_province:
                    result.codes.append(province_code)
                else:
                    result.problems.append(
                        PlaceProblem(
                            fields["dist"],
                            _("“%(name)s” ต้องระบุอำเภอด้วย") % {"name": name},
                            _("กรอกชื่ออำเภอในคอลัมน์อำเภอ แล้วนำเข้าใหม่"),
                        )
                    )
                continue
            found = self._one(Level.SUBDISTRICT, name, scope, fields["sub"], result)
            if found is not None:
                result.codes.append(found)
        result.codes = list(dict.fromkeys(result.codes))
        if result.problems:
            result.codes = []
        return result

    def _one(
        self,
        level: str,
        name: str,
        scope: str,
        column: str,
        result: PlaceResult,
    ) -> str | None:
        """The one area of ``level`` called ``name`` inside ``scope``, or None with a problem
        added to ``result``."""
        choice_key = f"{level}:{fold(name)}@{scope}"
        codes = self._exact(level, name, scope)
        if len(codes) == 1:
            return codes[0]
        level_word = {
            Level.PROVINCE: _("จังหวัด"),
            Level.DISTRICT: _("อำเภอ"),
            Level.SUBDISTRICT: _("ตำบล"),
        }[Level(level)]
        where = self.label(scope) if scope else _("ทั้งประเทศ")
        if len(codes) > 1:
            options = [self.option(c) for c in codes[:MAX_OPTIONS]]
            picked = self._picked(choice_key, options, column, name, result)
            if picked:
                return picked
            result.problems.append(
                PlaceProblem(
                    column,
                    _("ชื่อ%(level)s “%(name)s” มีหลายแห่งใน%(where)s: %(options)s")
                    % {
                        "level": level_word,
                        "name": name,
                        "where": where,
                        "options": "; ".join(o.label for o in options),
                    },
                    _("ระบุอำเภอหรือจังหวัดในแถวนี้ให้ชัดเจน หรือเลือกพื้นที่ที่ถูกต้องในหน้าตรวจสอบ"),
                    choice_key,
                    options,
                )
            )
            return None
        hits = self._fuzzy(level, name, scope)
        if len(hits) == 1:
            code = hits[0][0]
            result.warnings.append(
                (
                    column,
                    _("ไม่พบ%(level)s “%(name)s” ใช้ชื่อที่ใกล้เคียง %(label)s: ตรวจสอบก่อนยืนยัน")
                    % {"level": level_word, "name": name, "label": self.label(code)},
                )
            )
            return code
        if hits:
            options = [self.option(c) for c, _score in hits]
            picked = self._picked(choice_key, options, column, name, result)
            if picked:
                return picked
            result.problems.append(
                PlaceProblem(
                    column,
                    _("ไม่พบ%(level)s “%(name)s” ใน%(where)s ชื่อที่ใกล้เคียง: %(options)s")
                    % {
                        "level": level_word,
                        "name": name,
                        "where": where,
                        "options": "; ".join(o.label for o in options),
                    },
                    _("แก้ชื่อให้ถูกต้องในไฟล์ หรือเลือกพื้นที่ที่ถูกต้องในหน้าตรวจสอบ"),
                    choice_key,
                    options,
                )
            )
            return None
        elsewhere = self._exact(level, name, "") if scope else []
        if elsewhere:
            options = [self.option(c) for c in elsewhere[:MAX_OPTIONS]]
            result.problems.append(
                PlaceProblem(
                    column,
                    _("%(level)s “%(name)s” ไม่อยู่ใน%(where)s แต่พบที่: %(options)s")
                    % {
                        "level": level_word,
                        "name": name,
                        "where": where,
                        "options": "; ".join(o.label for o in options),
                    },
                    _("ตรวจสอบว่าอำเภอและจังหวัดในแถวนี้ถูกต้อง"),
                )
            )
            return None
        result.problems.append(
            PlaceProblem(
                column,
                _("ไม่พบ%(level)s “%(name)s” ใน%(where)s")
                % {"level": level_word, "name": name, "where": where},
                _("ตรวจสอบการสะกดชื่อ%(level)s กับรายชื่อของกรมการปกครอง") % {"level": level_word},
            )
        )
        return None

    def _picked(
        self, key: str, options: list[PlaceOption], column: str, name: str, result: PlaceResult
    ) -> str:
        """The area the person picked for this name on the preview page, if it is one of the
        candidates ("" otherwise)."""
        picked = self.choices.get(key, "")
        if picked not in {o.code for o in options}:
            return ""
        result.warnings.append(
            (
                column,
                _("“%(name)s”: ใช้ %(label)s ตามที่เลือกไว้")
                % {"name": name, "label": self.label(picked)},
            )
        )
        return picked

    def _free_text(self, text: str) -> PlaceResult:
        """A place column without ต./อ./จ.: the area search people use on the site."""
        result = PlaceResult()
        choice_key = f"place:{fold(text)}@"
        matches = [m for m in search_areas(text, fuzzy=True, limit=MAX_OPTIONS) if m.rank == 0]
        if not matches:
            matches = search_areas(text, fuzzy=True, limit=MAX_OPTIONS)
        if len(matches) == 1 and not matches[0].fuzzy:
            result.codes.append(matches[0].area.code)
            return result
        options = [self.option(m.area.code) for m in matches]
        picked = self._picked(choice_key, options, "place", text, result)
        if picked:
            result.codes.append(picked)
            return result
        if options:
            result.problems.append(
                PlaceProblem(
                    "place",
                    _("พื้นที่ “%(name)s” ตรงกับหลายแห่ง: %(options)s")
                    % {"name": text, "options": "; ".join(o.label for o in options)},
                    _("เขียนให้ชัดเจน เช่น “ต.สาวะถี อ.เมือง จ.ขอนแก่น” หรือเลือกพื้นที่ที่ถูกต้องในหน้าตรวจสอบ"),
                    choice_key,
                    options,
                )
            )
        else:
            result.problems.append(
                PlaceProblem(
                    "place",
                    _("ไม่พบพื้นที่ “%(name)s”") % {"name": text},
                    _("เขียนให้ชัดเจน เช่น “ต.สาวะถี อ.เมือง จ.ขอนแก่น”"),
                )
            )
        return result


def _names(text: str) -> list[str]:
    """Several names in one cell: "สาวะถี, บ้านเป็ด", "ต.สาวะถี ต.บ้านเป็ด", "สาวะถี และ ท่าพระ"."""
    names: list[str] = []
    for piece in _SPLIT.split(normalise_digits(text).strip()):
        piece = piece.strip()
        if not piece:
            continue
        if _THAI.search(piece):
            # Thai place names have no spaces; spaces separate names.
            names.extend(p for p in re.split(r"\s+", piece) if p)
        else:
            names.append(piece)
    # "ต. สาวะถี" split into "ต." and "สาวะถี": put the lone prefix back.
    joined: list[str] = []
    for name in names:
        if joined and fold(joined[-1]) == "" and joined[-1]:
            joined[-1] += name
        else:
            joined.append(name)
    return [n for n in joined if fold(n)]


def _split_place_text(text: str) -> tuple[str, str, str, bool]:
    """(ตำบล, อำเภอ, จังหวัด, loose) from "ต.สาวะถี อ.เมือง จ.ขอนแก่น"; ``loose`` when the text has
    no level words to go by."""
    parts = {"sub": [], "dist": [], "prov": []}  # type: dict[str, list[str]]
    clean = normalise_digits(text).strip()
    found_prefix = False
    for chunk in _PREFIXED.split(clean):
        chunk = chunk.strip().strip(",")
        if not chunk:
            continue
        m = _PART.match(chunk)
        if not m:
            # Words without a level ("บ้านโนนทัน ต.สาวะถี"): leave it to the free-text search.
            return "", "", "", True
        found_prefix = True
        parts[_LEVEL_OF_PREFIX[m.group(1)]].append(m.group(2).strip())
    if not found_prefix:
        return "", "", "", True
    return ", ".join(parts["sub"]), ", ".join(parts["dist"]), ", ".join(parts["prov"]), False
