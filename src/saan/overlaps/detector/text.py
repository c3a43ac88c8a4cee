"""Normalising and segmenting Thai project text before comparing.

Order: Thai digits → Arabic; fiscal-year phrases (ปีงบประมาณ 2568, ปีงบ 68, พ.ศ. 2568, ปี 2569…),
place names (with or without their prefixes ต./อ./จ./ตำบล/อำเภอ/จังหวัด) and the word โครงการ are
removed; punctuation becomes space; then synonym phrases (longest first) become one canonical token
each and the rest is segmented with PyThaiNLP's newmm, stop words dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pythainlp.util import Trie


_PREFIX = r"(?:ตำบล|อำเภอ|จังหวัด|เทศบาลตำบล|เทศบาลเมือง|เทศบาลนคร|ต\.|อ\.|จ\.|ทต\.|ทม\.|แขวง|เขต)"
# Fiscal-year and calendar-year phrases, with the year (2 or 4 digits) when there is one.
_YEAR = re.compile(
    r"(?:ปีงบประมาณ|ปีงบ\.?|ปี\s*งบ(?:ประมาณ)?|งบประมาณ\s*ปี|พ\.\s*ศ\.|ค\.\s*ศ\.|ปีที่|ปี)\s*"
    r"(?:25\d\d|20\d\d|\d\d?)(?:\s*[-–/]\s*(?:25\d\d|20\d\d|\d\d))?"
    r"|(?:ปีงบประมาณ|ปีงบ\.?)"
    r"|\b25[5-9]\d\b|\b20[1-4]\d\b"
)
_PREFIX_WORD = re.compile(r"(?:^|(?<=[\s(]))(?:ตำบล|อำเภอ|จังหวัด|ต\.|อ\.|จ\.)\s*")
# An abbreviated prefix names a place: "ต.บ้านเป็ด", "อ. เมือง" go whole, even when the project
# did not list that place (full words like ตำบล are only stripped, since "จังหวัดจัดการตนเอง").
_ABBREVIATED_PLACE = re.compile(r"(?:^|(?<=[\s(,]))(?:ทั้ง)?(?:ต|อ|จ|ทต|อบต)\.\s?[\u0e00-\u0e7f]+")
_PREFIX_NAME = re.compile(rf"^{_PREFIX}\s*")
_PROJECT = re.compile(r"โครงการ|โครงการฯ|ฯ")
_PUNCT = re.compile(r"[^\w\u0e00-\u0e7f]+|_")

# Words that say nothing about what a project does (on top of PyThaiNLP's stop words).
_EXTRA_STOP_WORDS = """การ ความ ของ และ ใน ที่ ให้ ได้ เพื่อ โดย กับ จาก ถึง เป็น มี ไป มา แก่ ต่อ ด้วย
    ประจำ ระยะ ดำเนินงาน ดำเนินการ กิจกรรม ปี งบ ประมาณ พื้นที่ หมู่ บ้าน หมู่บ้าน ตำบล อำเภอ
    จังหวัด ต อ จ ม ร่วม กัน ทั้ง ทุก แต่ละ ราย คน ครั้ง เดือน วัน สำหรับ ร่วมกับ จัด ทำ
ส่งเสริม สนับสนุน หนุนเสริม ขับเคลื่อน พัฒนา ยกระดับ เสริมสร้าง เสริม สร้าง ระบบ รูปแบบ
ติดตาม ประเมินผล ไตรมาส สรุป ถอด บทเรียน สิ้นสุด ภาคี เครือข่าย งบประมาณ บาท ครอบคลุม
ประชุม คณะทำงาน รายงาน ผู้เข้าร่วม คณะกรรมการ หน่วยงาน ผล ดำเนิน"""
EXTRA_STOP = frozenset(_EXTRA_STOP_WORDS.split())


_THAI_DIGIT_PAIRS = tuple(zip("๐๑๒๓๔๕๖๗๘๙", "0123456789", strict=True))


def thai_digits_to_arabic(text: str) -> str:
    # Ten substring tests are much cheaper than str.translate on Thai text (its slow path).
    for thai, arabic in _THAI_DIGIT_PAIRS:
        if thai in text:
            text = text.replace(thai, arabic)
    return text


_NAME_PREFIXES = (
    "ทั้งตำบล",
    "ทั้งอำเภอ",
    "ทั้งจังหวัด",
    "เทศบาลตำบล",
    "เทศบาลเมือง",
    "เทศบาลนคร",
    "ตำบล",
    "อำเภอ",
    "จังหวัด",
    "แขวง",
    "เขต",
    "อบต.",
    "ทต.",
    "ทม.",
    "ต.",
    "อ.",
    "จ.",
)


def _remove_places(text: str, names: Iterable[str]) -> str:
    """Each name, with any prefix before it, becomes a space (longest name first; plain string
    replacement, no regex per project)."""
    for name in sorted({strip_place_name_prefix(n) for n in names if n}, key=len, reverse=True):
        if not name or name not in text:
            continue
        for prefix in _NAME_PREFIXES:
            if prefix in text:
                text = text.replace(prefix + name, " ").replace(prefix + " " + name, " ")
        text = text.replace(name, " ")
    return text


@lru_cache(maxsize=100_000)
def strip_place_name_prefix(name: str) -> str:
    """'ต.บ้านเป็ด' → 'บ้านเป็ด'."""
    return _PREFIX_NAME.sub("", thai_digits_to_arabic(name).strip(), count=1).strip()


def normalise(text: str, place_names: Iterable[str] = ()) -> str:
    """Lower-case Arabic-digit text without years, place names, prefixes, โครงการ, punctuation."""
    out = thai_digits_to_arabic(text).lower()
    out = _remove_places(out, place_names)
    # Each pattern only where it can match (cheap substring tests first: this runs for every
    # project of a scan).
    if "." in out:
        out = _ABBREVIATED_PLACE.sub(" ", out)
    if "ปี" in out or "ศ" in out or "25" in out or "20" in out:
        out = _YEAR.sub(" ", out)
    if "โครงการ" in out or "ฯ" in out:
        out = _PROJECT.sub(" ", out)
    if "ตำบล" in out or "อำเภอ" in out or "จังหวัด" in out or "." in out:
        out = _PREFIX_WORD.sub(" ", out)
    return " ".join(_PUNCT.sub(" ", out).split())


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from pythainlp.corpus import thai_stopwords

    # PyThaiNLP's list has some content words that matter here; keep those.
    keep = {"กลุ่ม", "ดูแล", "บ้าน", "เด็ก", "ผู้ใหญ่"}
    return frozenset(thai_stopwords()) - keep | EXTRA_STOP


class Synonyms:
    """Groups of phrases that mean the same; each group maps to one canonical word (its first
    phrase, normalised, without spaces).

    Thai phrases join PyThaiNLP's dictionary, so the segmenter keeps each one as a single word
    (never splitting a word to match one); phrases with spaces or Latin letters ("care plan")
    are replaced before segmenting, on word boundaries. Longest phrase first.
    """

    def __init__(self, groups: Iterable[Sequence[str]] = ()) -> None:
        self.canonical: dict[str, str] = {}
        for group in groups:
            phrases = [n for n in (normalise(p) for p in group if p) if n]
            if not phrases:
                continue
            head = self.canonical.get(phrases[0], phrases[0].replace(" ", ""))
            for p in phrases:
                self.canonical.setdefault(p, head)
                self.canonical.setdefault(p.replace(" ", ""), head)
        spaced = sorted(
            (p for p in self.canonical if " " in p or not _THAI_ONLY.fullmatch(p)),
            key=len,
            reverse=True,
        )
        self.spaced = tuple(spaced)
        self.pattern = re.compile("|".join(_bounded(p) for p in spaced)) if spaced else None
        self._patterns: dict[tuple[str, ...], re.Pattern[str]] = {}
        self.tokens = frozenset(self.canonical.values())
        self.key = tuple(sorted(self.canonical.items()))
        self._cache: dict[str, tuple[str, ...]] = {}

    def replace_phrases(self, text: str) -> str:
        # Only the phrases that occur (a plain substring test each) go into the pattern: one
        # alternation of every phrase, tried at every position, is slow on long texts.
        present = tuple(p for p in self.spaced if p in text)
        if not present:
            return text
        pattern = self._patterns.get(present)
        if pattern is None:
            pattern = re.compile("|".join(_bounded(p) for p in present))
            if len(self._patterns) < 10_000:
                self._patterns[present] = pattern
        return pattern.sub(lambda m: f" {self.canonical[m.group(0)]} ", text)

    def segment(self, chunk: str) -> tuple[str, ...]:
        """newmm words of one whitespace-free chunk, synonyms mapped (cached)."""
        hit = self._cache.get(chunk)
        if hit is not None:
            return hit
        from pythainlp.tokenize import word_tokenize

        if len(self._cache) > 500_000:
            self._cache.clear()
        tokens = word_tokenize(chunk, custom_dict=_trie(self.key), engine="newmm")
        out = tuple(self.canonical.get(t, t) for t in tokens if t.strip())
        self._cache[chunk] = out
        return out


_THAI_ONLY = re.compile(r"[\u0e00-\u0e7f]+")
_LATIN_OR_DIGIT = re.compile(r"[a-z0-9]")


def _bounded(phrase: str) -> str:
    """A phrase's pattern: Latin or digit ends must not run into a longer Latin word ("cm"
    inside "cms"); Thai ends need no boundary (Thai is written without spaces)."""
    out = re.escape(phrase)
    if _LATIN_OR_DIGIT.match(phrase[0]):
        out = r"(?<![a-z0-9])" + out
    if _LATIN_OR_DIGIT.match(phrase[-1]):
        out += r"(?![a-z0-9])"
    return out


@lru_cache(maxsize=8)
def _trie(key: tuple[tuple[str, str], ...]) -> Trie:
    from pythainlp.corpus import thai_words
    from pythainlp.util import Trie

    extra = {p for p, _ in key if _THAI_ONLY.fullmatch(p)} | {c for _, c in key}
    return Trie(set(thai_words()) | extra)


_NO_SYNONYMS = Synonyms()


def words(
    text: str, place_names: Iterable[str] = (), synonyms: Synonyms | None = None
) -> list[str]:
    """Normalised, synonym-mapped content words of the text, in order (repeats kept)."""
    syn = synonyms or _NO_SYNONYMS
    stop = _stop_words()
    out: list[str] = []
    for chunk in syn.replace_phrases(normalise(text, place_names)).split():
        for tok in syn.segment(chunk):
            if tok in syn.tokens:
                out.append(tok)
            elif tok in stop or len(tok) < 2 or tok.isdigit():
                continue
            else:
                out.append(tok)
    return out
