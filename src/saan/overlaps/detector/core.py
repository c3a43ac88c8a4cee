"""The overlap detector: candidate rule, "same purpose" score, full scan and single checks."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from pathlib import Path

from .facts import Facts, unchecked_reason
from .text import Synonyms, normalise, words

DATA = Path(__file__).resolve().parent.parent / "data"

#: A continuation starts at most this many days after the earlier project ends.
CONTINUATION_GAP_DAYS = 45

MODEL_FILE = Path(__file__).resolve().parent / "model.json"

#: The score's components, in the order of the model's coefficients.
COMPONENTS = ("text", "chars", "title", "themes", "targets", "concepts")


@dataclass(frozen=True)
class Model:
    """How words are weighted and components combined into the score.

    ``word_idf``/``gram_idf``: inverse document frequencies from a fixed reference corpus (the
    tuning half of the evaluation set), so a pair's score never changes when unrelated projects
    are added; a word not in the corpus gets ``default_word_idf`` (it is rare, so it counts
    much). The score is a logistic regression over :data:`COMPONENTS`, fitted on the tuning half:
    ``1 / (1 + exp(-(intercept + Σ coef·component)))``.
    """

    word_idf: dict[str, float]
    gram_idf: dict[str, float]
    default_word_idf: float
    default_gram_idf: float
    coef: dict[str, float]
    intercept: float
    people_weight: float = 1.0

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> Model:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            word_idf=raw["word_idf"],
            gram_idf=raw["gram_idf"],
            default_word_idf=raw["default_word_idf"],
            default_gram_idf=raw["default_gram_idf"],
            coef=raw["coef"],
            intercept=raw["intercept"],
            people_weight=raw.get("people_weight", 1.0),
        )

    @classmethod
    def untrained(cls) -> Model:
        """Plain weights (every word 1, equal coefficients), before any fitting."""
        return cls({}, {}, 1.0, 1.0, {c: 2.0 for c in COMPONENTS}, -3.0)

    def score(self, components: dict[str, float]) -> float:
        z = self.intercept + sum(self.coef[c] * components.get(c, 0.0) for c in COMPONENTS)
        return 1.0 / (1.0 + math.exp(-z))

    def best_possible(self, components: dict[str, float], missing: Iterable[str]) -> float:
        """Score if the ``missing`` components (not yet computed) were all 1."""
        known = {c: v for c, v in components.items()}
        for c in missing:
            known[c] = 1.0
        return self.score(known)


@cache
def default_model() -> Model:
    return Model.load() if MODEL_FILE.exists() else Model.untrained()


@cache
def _seed() -> dict:
    return dict(json.loads((DATA / "synonyms.json").read_text(encoding="utf-8")))


def seeded_synonyms() -> tuple[tuple[str, ...], ...]:
    """The synonym groups shipped in data/synonyms.json."""
    return tuple(tuple(g) for g in _seed()["groups"])


def seeded_people_words() -> tuple[str, ...]:
    """Words that say whom a project serves (data/synonyms.json "people")."""
    return tuple(_seed()["people"])


#: The sentences of :meth:`Match.reasons_th`, by key.
REASONS_TH: dict[str, str] = {
    "shared_subdistricts": "ทำงานในตำบลเดียวกัน {n} ตำบล",
    "continuation": "องค์กรเดียวกันทำต่อเนื่องจากปีก่อน (เริ่มหลังโครงการเดิมสิ้นสุดไม่นาน)",
    "shared_days": "ช่วงเวลาทับซ้อนกัน {n} วัน",
    "same_organisation": "องค์กรหลักเดียวกัน",
    "shared_words": "คำที่ตรงกัน: {words}",
    "shared_target_groups": "กลุ่มเป้าหมายเดียวกัน {n} กลุ่ม",
    "shared_themes": "ประเด็นงานเดียวกัน {n} ประเด็น",
    "score": "คะแนนความเหมือนของเป้าหมายงาน {percent}%",
}
REASONS_EN: dict[str, str] = {
    "shared_subdistricts": "Works in the same subdistricts: {n}",
    "continuation": "The same organisation continues its earlier work (starts soon after it ended)",
    "shared_days": "The periods overlap by {n} days",
    "same_organisation": "The same lead organisation",
    "shared_words": "Matching words: {words}",
    "shared_target_groups": "The same target groups: {n}",
    "shared_themes": "The same themes: {n}",
    "score": "Same-purpose score {percent}%",
}


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

    def reasons(self) -> list[tuple[str, dict[str, object]]]:
        """The explanation as (key, values), for an app that renders it in another language:
        keys are those of :data:`REASONS_TH` (and :data:`REASONS_EN`)."""
        out: list[tuple[str, dict[str, object]]] = [
            ("shared_subdistricts", {"n": len(self.shared_subdistricts)})
        ]
        if self.kind == "continuation":
            out.append(("continuation", {}))
        elif self.shared_days:
            out.append(("shared_days", {"n": self.shared_days}))
        if self.same_organisation and self.kind != "continuation":
            out.append(("same_organisation", {}))
        if self.shared_words:
            out.append(("shared_words", {"words": ", ".join(self.shared_words[:8])}))
        if self.shared_target_groups:
            out.append(("shared_target_groups", {"n": len(self.shared_target_groups)}))
        if self.shared_themes:
            out.append(("shared_themes", {"n": len(self.shared_themes)}))
        out.append(("score", {"percent": round(self.score * 100)}))
        return out

    def reasons_th(self) -> list[str]:
        """Short Thai sentences explaining the finding."""
        return [REASONS_TH[key].format(**values) for key, values in self.reasons()]

    def reasons_en(self) -> list[str]:
        """The same in English."""
        return [REASONS_EN[key].format(**values) for key, values in self.reasons()]


@dataclass(frozen=True, slots=True)
class Prepared:
    """A project's facts with its text already segmented and weighted."""

    facts: Facts
    text_vec: dict[str, float]
    gram_vec: dict[str, float]
    title_vec: dict[str, float]
    concepts: frozenset[str] = frozenset()
    text_keys: frozenset[str] = frozenset()
    gram_keys: frozenset[str] = frozenset()
    title_keys: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls,
        f: Facts,
        text: dict[str, float],
        gram: dict[str, float],
        title: dict[str, float],
        concepts: frozenset[str],
    ) -> Prepared:
        return cls(
            f, text, gram, title, concepts, frozenset(text), frozenset(gram), frozenset(title)
        )


@lru_cache(maxsize=500_000)
def _word_grams(word: str, n: int = 3) -> tuple[str, ...]:
    if len(word) <= n:
        return (word,)
    return tuple(word[i : i + n] for i in range(len(word) - n + 1))


def grams(tokens: Iterable[str], n: int = 3) -> list[str]:
    """Character n-grams inside each word (a short word is its own gram)."""
    out: list[str] = []
    for w in tokens:
        out.extend(_word_grams(w, n))
    return out


_TF = [0.0] + [1.0 + math.log(c) for c in range(1, 64)]


def _vector(tokens: Sequence[str], idf: dict[str, float], default: float) -> dict[str, float]:
    """Unit-length TF-IDF vector (log term frequency)."""
    weights: dict[str, float] = {}
    get = idf.get
    for t, c in Counter(tokens).items():
        weights[t] = (_TF[c] if c < 64 else 1.0 + math.log(c)) * get(t, default)
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    inv = 1.0 / norm
    return {t: w * inv for t, w in weights.items()}


def _cosine(
    x: dict[str, float], y: dict[str, float], xk: frozenset[str], yk: frozenset[str]
) -> float:
    common = xk & yk
    if not common:
        return 0.0
    return sum(x[t] * y[t] for t in common)


def _jaccard(x: frozenset[str], y: frozenset[str]) -> float:
    if not x and not y:
        return 0.0
    return len(x & y) / len(x | y)


def _logit(p: float) -> float:
    """The score's logit for a ``min_score`` (−inf for 0: keep everything)."""
    if p <= 0:
        return -math.inf
    if p >= 1:
        return math.inf
    return math.log(p / (1 - p)) - 1e-9


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
        model: Model | None = None,
        people_words: Iterable[str] | None = None,
    ) -> None:
        self.synonyms = Synonyms(seeded_synonyms() if synonyms is None else synonyms)
        self.extra_place_names = tuple(extra_place_names)
        self.model = m = model or default_model()
        people = seeded_people_words() if people_words is None else people_words
        self.people = frozenset(
            self.synonyms.canonical.get(n, n.replace(" ", ""))
            for n in (normalise(p) for p in people)
            if n
        )
        coef = [m.coef.get(name, 0.0) for name in COMPONENTS]
        # intercept, then text, chars, title, themes, targets, concepts (the order used above)
        self._coef = (m.intercept, *coef)
        pos = [max(0.0, v) for v in coef]
        # The most the components not yet computed can add: text+title+chars, then chars.
        self._rest = (pos[0] + pos[1] + pos[2], pos[1])
        # Words naming whom a project serves count less than what it does.
        self._word_idf = dict(m.word_idf)
        for w in self.people:
            self._word_idf[w] = m.word_idf.get(w, m.default_word_idf) * m.people_weight

    # -- text ---------------------------------------------------------------------------------
    def words(self, f: Facts, which: str = "all") -> list[str]:
        places = f.place_names + self.extra_place_names
        if which == "title":
            return words(f.title, places, self.synonyms)
        return words(f.title + " " + f.text, places, self.synonyms)

    def prepare(self, f: Facts) -> Prepared:
        m = self.model
        title = self.words(f, "title")
        body = words(f.text, f.place_names + self.extra_place_names, self.synonyms)
        every = title + body
        people = self.people
        doing = [w for w in every if w not in people] if m.people_weight < 1 else every
        return Prepared.of(
            f,
            _vector(every, self._word_idf, m.default_word_idf),
            _vector(grams(doing), m.gram_idf, m.default_gram_idf),
            _vector(title, self._word_idf, m.default_word_idf),
            frozenset(w for w in every if w in self.synonyms.tokens and w not in people),
        )

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

    def components(self, pa: Prepared, pb: Prepared, min_score: float = 0.0) -> dict[str, float]:
        """The score's components (all of them; ``min_score`` is accepted for compatibility)."""
        comps = self._components(pa, pb, -math.inf)
        assert comps is not None
        return comps

    def _components(self, pa: Prepared, pb: Prepared, min_z: float) -> dict[str, float] | None:
        """Components cheapest first, giving up (None) as soon as even the best values of the
        ones not yet computed could not bring the score's logit up to ``min_z``."""
        c = self._coef
        a, b = pa.facts, pb.facts
        x, y = a.themes, b.themes
        themes = len(x & y) / len(x | y) if x and y else 0.0
        x, y = a.target_groups, b.target_groups
        targets = len(x & y) / len(x | y) if x and y else 0.0
        z = c[0] + c[4] * themes + c[5] * targets
        x, y = pa.concepts, pb.concepts
        concepts = -1.0
        if c[6]:  # weight 0 in the shipped model: then only computed for the pairs kept
            concepts = len(x & y) / len(x | y) if x and y else 0.0
            z += c[6] * concepts
        if z + self._rest[0] < min_z:  # text, title and chars all perfect would not do
            return None
        common = pa.text_keys & pb.text_keys
        if common:
            tv, uv = pa.text_vec, pb.text_vec
            text = sum([tv[t] * uv[t] for t in common])
            common = pa.title_keys & pb.title_keys
            tv, uv = pa.title_vec, pb.title_vec
            title = sum([tv[t] * uv[t] for t in common]) if common else 0.0
        else:  # the title's words are among the text's
            text = title = 0.0
        z += c[1] * text + c[3] * title
        if z + self._rest[1] < min_z:  # chars perfect would not do
            return None
        common = pa.gram_keys & pb.gram_keys
        tv, uv = pa.gram_vec, pb.gram_vec
        chars = sum([tv[t] * uv[t] for t in common]) if common else 0.0
        if concepts < 0:
            concepts = len(x & y) / len(x | y) if x and y else 0.0
        return {
            "text": text,
            "chars": chars,
            "title": title,
            "themes": themes,
            "targets": targets,
            "concepts": concepts,
        }

    def score(self, components: dict[str, float]) -> float:
        return self.model.score(components)

    def _match(
        self,
        pa: Prepared,
        pb: Prepared,
        kind: str,
        min_score: float = 0.0,
        comps: dict[str, float] | None = None,
    ) -> Match | None:
        if comps is None:
            comps = self._components(pa, pb, _logit(min_score))
            if comps is None:
                return None
        if pa.facts.id > pb.facts.id:
            pa, pb = pb, pa
        a, b = pa.facts, pb.facts
        start, end, days = _shared_days(a, b)
        tv, uv = pa.text_vec, pb.text_vec
        shared = sorted(pa.text_keys & pb.text_keys, key=lambda t: (-(tv[t] + uv[t]), t))
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
        m = self._match(self.prepare(a), self.prepare(b), kind)
        assert m is not None
        return m

    # -- many ---------------------------------------------------------------------------------
    def index(self, projects: Iterable[Facts]) -> Index:
        idx = Index(self)
        for f in projects:
            idx.add(f)
        return idx

    def _check_prepared(
        self, pn: Prepared, index: Index, ids: Iterable[int], min_score: float
    ) -> list[Match]:
        """Score pn against indexed ids that share a subdistrict with it (the hot loop: both
        sides are known checkable, so the candidate rule is inlined)."""
        out: list[Match] = []
        a = pn.facts
        a_start, a_end, a_lead = a.start, a.end, a.lead
        assert a_start is not None and a_end is not None
        gap = CONTINUATION_GAP_DAYS
        prepared = index.prepared
        components = self._components
        min_z = _logit(min_score)
        for other_id in ids:
            po = prepared[other_id]
            b = po.facts
            b_start, b_end = b.start, b.end
            assert b_start is not None and b_end is not None
            if a_start <= b_end and b_start <= a_end:
                kind = "overlap"
            elif (
                a_lead is not None
                and a_lead == b.lead
                and (1 <= (b_start - a_end).days <= gap or 1 <= (a_start - b_end).days <= gap)
            ):
                kind = "continuation"
            else:
                continue
            comps = components(pn, po, min_z)
            if comps is None:
                continue
            m = self._match(pn, po, kind, comps=comps)
            if m is not None and m.score >= min_score:
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


def _candidates(
    a: Facts, ids: Iterable[int], facts: Callable[[int], Facts]
) -> Iterator[tuple[Facts, str]]:
    """The candidate rule for ``a`` against projects already known to share a subdistrict with
    it and to be checkable: (other, "overlap" | "continuation"). The hot loop of every scan."""
    a_start, a_end, a_lead = a.start, a.end, a.lead
    assert a_start is not None and a_end is not None
    gap = CONTINUATION_GAP_DAYS
    for other_id in ids:
        b = facts(other_id)
        b_start, b_end = b.start, b.end
        assert b_start is not None and b_end is not None
        if a_start <= b_end and b_start <= a_end:
            yield b, "overlap"
        elif (
            a_lead is not None
            and a_lead == b.lead
            and (1 <= (b_start - a_end).days <= gap or 1 <= (a_start - b_end).days <= gap)
        ):
            yield b, "continuation"


def candidate_pairs(projects: Sequence[Facts]) -> list[tuple[int, int, str]]:
    """The candidate step alone (places, dates, lead), done as :meth:`Detector.scan` does it:
    (a, b, kind) with a < b."""
    checkable = {f.id: f for f in projects if unchecked_reason(f) is None}
    by_sub: dict[str, set[int]] = {}
    for f in checkable.values():
        for code in f.subdistricts:
            by_sub.setdefault(code, set()).add(f.id)
    out: list[tuple[int, int, str]] = []
    for f in checkable.values():
        ids: set[int] = set()
        for code in f.subdistricts:
            ids.update(by_sub[code])
        later = [i for i in ids if i > f.id]
        out.extend((f.id, b.id, kind) for b, kind in _candidates(f, later, checkable.__getitem__))
    return out
