"""The overlap detector: candidate rule, "same purpose" score, full scan and single checks."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from .facts import Facts, unchecked_reason
from .text import Synonyms, words

DATA = Path(__file__).resolve().parent.parent / "data"

#: A continuation starts at most this many days after the earlier project ends.
CONTINUATION_GAP_DAYS = 45

#: Weights of the score's components (tuned on the tuning half of the evaluation set).
WEIGHTS: dict[str, float] = {"text": 0.55, "title": 0.2, "themes": 0.1, "targets": 0.15}


@cache
def seeded_synonyms() -> tuple[tuple[str, ...], ...]:
    """The synonym groups shipped in data/synonyms.json."""
    raw = json.loads((DATA / "synonyms.json").read_text(encoding="utf-8"))
    return tuple(tuple(g) for g in raw["groups"])


@dataclass(frozen=True)
class Match:
    """Two projects that may be the same work (kind "overlap") or one continuing the other."""

    a: int
    b: int
    kind: str
    score: float
    same_organisation: bool
    shared_subdistricts: frozenset[str]
    overlap_start: date | None
    overlap_end: date | None
    shared_days: int
    shared_words: tuple[str, ...]
    shared_themes: frozenset[str]
    shared_target_groups: frozenset[str]
    components: dict[str, float] = field(default_factory=dict)

    def reasons_th(self) -> list[str]:
        """Short Thai sentences explaining the finding."""
        out: list[str] = []
        n = len(self.shared_subdistricts)
        out.append(f"ทำงานในตำบลเดียวกัน {n} ตำบล")
        if self.kind == "continuation":
            out.append("องค์กรเดียวกันทำต่อเนื่องจากปีก่อน (เริ่มหลังโครงการเดิมสิ้นสุดไม่นาน)")
        elif self.shared_days:
            out.append(f"ช่วงเวลาทับซ้อนกัน {self.shared_days} วัน")
        if self.same_organisation and self.kind != "continuation":
            out.append("องค์กรหลักเดียวกัน")
        if self.shared_words:
            out.append("คำที่ตรงกัน: " + ", ".join(self.shared_words[:8]))
        if self.shared_target_groups:
            out.append(f"กลุ่มเป้าหมายเดียวกัน {len(self.shared_target_groups)} กลุ่ม")
        if self.shared_themes:
            out.append(f"ประเด็นงานเดียวกัน {len(self.shared_themes)} ประเด็น")
        out.append(f"คะแนนความเหมือนของเป้าหมายงาน {round(self.score * 100)}%")
        return out


@dataclass(frozen=True, slots=True)
class Prepared:
    """A project's facts with its text already segmented and weighted."""

    facts: Facts
    text_vec: dict[str, float]
    title_vec: dict[str, float]


def _vector(tokens: Sequence[str]) -> dict[str, float]:
    counts = Counter(tokens)
    weights = {t: 1.0 + math.log(c) for t, c in counts.items()}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {t: w / norm for t, w in weights.items()}


def _cosine(x: dict[str, float], y: dict[str, float]) -> float:
    if len(x) > len(y):
        x, y = y, x
    return sum(w * y[t] for t, w in x.items() if t in y)


def _jaccard(x: frozenset[str], y: frozenset[str]) -> float:
    if not x and not y:
        return 0.0
    return len(x & y) / len(x | y)


def _shared_days(a: Facts, b: Facts) -> tuple[date | None, date | None, int]:
    assert a.start and a.end and b.start and b.end
    start = max(a.start, b.start)
    end = min(a.end, b.end)
    if end < start:
        return None, None, 0
    return start, end, (end - start).days + 1


def _is_continuation(a: Facts, b: Facts) -> bool:
    if a.lead is None or a.lead != b.lead:
        return False
    assert a.start and a.end and b.start and b.end
    first, second = (a, b) if a.end <= b.end else (b, a)
    assert first.end and second.start
    gap = (second.start - first.end).days
    return 1 <= gap <= CONTINUATION_GAP_DAYS


class Index:
    """Projects by subdistrict, for checking one project against many quickly."""

    def __init__(self, detector: Detector) -> None:
        self.detector = detector
        self.prepared: dict[int, Prepared] = {}
        self.by_subdistrict: dict[str, set[int]] = {}

    def __len__(self) -> int:
        return len(self.prepared)

    def __contains__(self, project_id: object) -> bool:
        return project_id in self.prepared

    def add(self, f: Facts) -> None:
        """Add (or replace) a project. Unchecked projects (no area or dates) are not indexed."""
        self.remove(f.id)
        if unchecked_reason(f) is not None:
            return
        self.prepared[f.id] = self.detector.prepare(f)
        for code in f.subdistricts:
            self.by_subdistrict.setdefault(code, set()).add(f.id)

    def remove(self, project_id: int) -> None:
        old = self.prepared.pop(project_id, None)
        if old is None:
            return
        for code in old.facts.subdistricts:
            ids = self.by_subdistrict.get(code)
            if ids is not None:
                ids.discard(project_id)
                if not ids:
                    del self.by_subdistrict[code]

    def candidates(self, f: Facts) -> set[int]:
        """Ids of indexed projects sharing a subdistrict with f (before the date rule)."""
        out: set[int] = set()
        by_sub = self.by_subdistrict
        for code in f.subdistricts:
            ids = by_sub.get(code)
            if ids:
                out.update(ids)
        out.discard(f.id)
        return out


class Detector:
    """Finds registered projects that look like the same work in the same place and time."""

    def __init__(
        self,
        synonyms: Iterable[Sequence[str]] | None = None,
        extra_place_names: Iterable[str] = (),
    ) -> None:
        self.synonyms = Synonyms(seeded_synonyms() if synonyms is None else synonyms)
        self.extra_place_names = tuple(extra_place_names)

    # -- text ---------------------------------------------------------------------------------
    def words(self, f: Facts, which: str = "all") -> list[str]:
        places = f.place_names + self.extra_place_names
        if which == "title":
            return words(f.title, places, self.synonyms)
        return words(f.title + " " + f.text, places, self.synonyms)

    def prepare(self, f: Facts) -> Prepared:
        title = self.words(f, "title")
        body = words(f.text, f.place_names + self.extra_place_names, self.synonyms)
        return Prepared(f, _vector(title + body), _vector(title))

    # -- pairs --------------------------------------------------------------------------------
    def candidate_kind(self, a: Facts, b: Facts) -> str | None:
        """ "overlap", "continuation" or None, from places, dates and lead organisation alone."""
        if a.id == b.id or unchecked_reason(a) or unchecked_reason(b):
            return None
        if a.subdistricts.isdisjoint(b.subdistricts):
            return None
        if _shared_days(a, b)[2] > 0:
            return "overlap"
        if _is_continuation(a, b):
            return "continuation"
        return None

    def components(self, pa: Prepared, pb: Prepared) -> dict[str, float]:
        a, b = pa.facts, pb.facts
        return {
            "text": _cosine(pa.text_vec, pb.text_vec),
            "title": _cosine(pa.title_vec, pb.title_vec),
            "themes": _jaccard(a.themes, b.themes),
            "targets": _jaccard(a.target_groups, b.target_groups),
        }

    def score(self, components: dict[str, float]) -> float:
        total = sum(WEIGHTS[k] * components.get(k, 0.0) for k in WEIGHTS)
        return max(0.0, min(1.0, total / sum(WEIGHTS.values())))

    def _match(self, pa: Prepared, pb: Prepared, kind: str) -> Match:
        if pa.facts.id > pb.facts.id:
            pa, pb = pb, pa
        a, b = pa.facts, pb.facts
        comps = self.components(pa, pb)
        start, end, days = _shared_days(a, b)
        shared = sorted(
            set(pa.text_vec) & set(pb.text_vec),
            key=lambda t: (-(pa.text_vec[t] + pb.text_vec[t]), t),
        )
        return Match(
            a=a.id,
            b=b.id,
            kind=kind,
            score=round(self.score(comps), 4),
            same_organisation=a.lead is not None and a.lead == b.lead,
            shared_subdistricts=a.subdistricts & b.subdistricts,
            overlap_start=start,
            overlap_end=end,
            shared_days=days,
            shared_words=tuple(shared),
            shared_themes=a.themes & b.themes,
            shared_target_groups=a.target_groups & b.target_groups,
            components={k: round(v, 4) for k, v in comps.items()},
        )

    def pair(self, a: Facts, b: Facts) -> Match | None:
        """The finding for two projects, or None when they are not candidates."""
        kind = self.candidate_kind(a, b)
        if kind is None:
            return None
        return self._match(self.prepare(a), self.prepare(b), kind)

    # -- many ---------------------------------------------------------------------------------
    def index(self, projects: Iterable[Facts]) -> Index:
        idx = Index(self)
        for f in projects:
            idx.add(f)
        return idx

    def _check_prepared(
        self, pn: Prepared, index: Index, ids: Iterable[int], min_score: float
    ) -> list[Match]:
        out: list[Match] = []
        new = pn.facts
        for other_id in ids:
            po = index.prepared[other_id]
            kind = self.candidate_kind(new, po.facts)
            if kind is None:
                continue
            m = self._match(pn, po, kind)
            if m.score >= min_score:
                out.append(m)
        return out

    def check(self, new: Facts, index: Index, *, min_score: float = 0.0) -> list[Match]:
        """Findings for one (new or edited) project against an index, best first."""
        if unchecked_reason(new) is not None:
            return []
        pn = index.prepared.get(new.id)
        if pn is None or pn.facts != new:
            pn = self.prepare(new)
        out = self._check_prepared(pn, index, index.candidates(new), min_score)
        out.sort(key=lambda m: (-m.score, m.a, m.b))
        return out

    def scan(
        self,
        projects: Sequence[Facts],
        *,
        min_score: float = 0.0,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[Match]:
        """Every finding among the projects, best first. Unchecked projects are left out
        (ask :func:`unchecked_reason` for them)."""
        idx = self.index(projects)
        total = len(projects)
        out: list[Match] = []
        for n, f in enumerate(projects, 1):
            pn = idx.prepared.get(f.id)
            if pn is not None:
                later = [i for i in idx.candidates(f) if i > f.id]
                out.extend(self._check_prepared(pn, idx, later, min_score))
            if progress is not None and (n % 500 == 0 or n == total):
                progress(n, total)
        out.sort(key=lambda m: (-m.score, m.a, m.b))
        return out


def candidate_pairs(projects: Sequence[Facts]) -> list[tuple[int, int, str]]:
    """The candidate step alone (places, dates, lead): (a, b, kind) with a < b."""
    det = Detector(synonyms=())
    by_sub: dict[str, list[Facts]] = {}
    for f in projects:
        if unchecked_reason(f) is None:
            for code in f.subdistricts:
                by_sub.setdefault(code, []).append(f)
    seen: set[tuple[int, int]] = set()
    out: list[tuple[int, int, str]] = []
    for group in by_sub.values():
        for i, x in enumerate(group):
            for y in group[i + 1 :]:
                key = (x.id, y.id) if x.id < y.id else (y.id, x.id)
                if key in seen:
                    continue
                seen.add(key)
                kind = det.candidate_kind(x, y)
                if kind:
                    out.append((key[0], key[1], kind))
    return out
