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

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

_PREFIX = r"(?:ตำบล|อำเภอ|จังหวัด|เทศบาลตำบล|เทศบาลเมือง|เทศบาลนคร|ต\.|อ\.|จ\.|ทต\.|ทม\.|แขวง|เขต)"
# Fiscal-year and calendar-year phrases, with the year (2 or 4 digits) when there is one.
_YEAR = re.compile(
    r"(?:ปีงบประมาณ|ปีงบ\.?|ปี\s*งบ(?:ประมาณ)?|งบประมาณ\s*ปี|พ\.\s*ศ\.|ค\.\s*ศ\.|ปีที่|ปี)\s*"
    r"(?:25\d\d|20\d\d|\d\d?)(?:\s*[-–/]\s*(?:25\d\d|20\d\d|\d\d))?"
    r"|(?:ปีงบประมาณ|ปีงบ\.?)"
    r"|\b25[5-9]\d\b|\b20[1-4]\d\b"
)
_PREFIX_WORD = re.compile(rf"{_PREFIX}\s*")
_PROJECT = re.compile(r"โครงการ|โครงการฯ|ฯ")
_PUNCT = re.compile(r"[^\w\u0e00-\u0e7f]+|_")
_SPACES = re.compile(r"\s+")

# Words that say nothing about what a project does (on top of PyThaiNLP's stop words).
_EXTRA_STOP_WORDS = """การ ความ ของ และ ใน ที่ ให้ ได้ เพื่อ โดย กับ จาก ถึง เป็น มี ไป มา แก่ ต่อ ด้วย
    ประจำ ระยะ ดำเนินงาน ดำเนินการ กิจกรรม ปี งบ ประมาณ พื้นที่ หมู่ บ้าน หมู่บ้าน ตำบล อำเภอ
    จังหวัด ต อ จ ม ร่วม กัน ทั้ง ทุก แต่ละ ราย คน ครั้ง เดือน วัน"""
EXTRA_STOP = frozenset(_EXTRA_STOP_WORDS.split())


def thai_digits_to_arabic(text: str) -> str:
    return text.translate(THAI_DIGITS)


@lru_cache(maxsize=4096)
def _place_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    cleaned = sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    alternatives = "|".join(re.escape(n) for n in cleaned)
    return re.compile(rf"{_PREFIX}?\s*(?:{alternatives})")


def strip_place_name_prefix(name: str) -> str:
    """'ต.บ้านเป็ด' → 'บ้านเป็ด'."""
    return _PREFIX_WORD.sub("", thai_digits_to_arabic(name).strip(), count=1).strip()


def normalise(text: str, place_names: Iterable[str] = ()) -> str:
    """Lower-case Arabic-digit text without years, place names, prefixes, โครงการ, punctuation."""
    out = thai_digits_to_arabic(text).lower()
    names = tuple(sorted({strip_place_name_prefix(n) for n in place_names if n}))
    pattern = _place_pattern(names)
    if pattern is not None:
        out = pattern.sub(" ", out)
    out = _YEAR.sub(" ", out)
    out = _PROJECT.sub(" ", out)
    out = _PREFIX_WORD.sub(" ", out)
    out = _PUNCT.sub(" ", out)
    return _SPACES.sub(" ", out).strip()


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from pythainlp.corpus import thai_stopwords

    # PyThaiNLP's list has some content words that matter here; keep those.
    keep = {"กลุ่ม", "จัด", "ร่วม", "พัฒนา", "สร้าง", "ส่งเสริม", "ดูแล", "บ้าน", "เด็ก", "ผู้ใหญ่"}
    return frozenset(thai_stopwords()) - keep | EXTRA_STOP


@lru_cache(maxsize=200_000)
def _segment(chunk: str) -> tuple[str, ...]:
    from pythainlp.tokenize import word_tokenize

    return tuple(
        t for t in word_tokenize(chunk, engine="newmm", keep_whitespace=False) if t.strip()
    )


class Synonyms:
    """Groups of phrases that mean the same; each group maps to its first phrase (normalised)."""

    def __init__(self, groups: Iterable[Sequence[str]] = ()) -> None:
        self.canonical: dict[str, str] = {}
        for group in groups:
            phrases = [normalise(p) for p in group if p and normalise(p)]
            if not phrases:
                continue
            head = self.canonical.get(phrases[0], phrases[0].replace(" ", ""))
            for p in phrases:
                self.canonical.setdefault(p, head)
        ordered = sorted(self.canonical, key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(p) for p in ordered)) if ordered else None
        self.tokens = frozenset(self.canonical.values())

    def split(self, text: str) -> list[tuple[str, bool]]:
        """The text cut at synonym phrases: (canonical token, True) or (plain text, False)."""
        if self.pattern is None:
            return [(text, False)]
        parts: list[tuple[str, bool]] = []
        pos = 0
        for m in self.pattern.finditer(text):
            if m.start() > pos:
                parts.append((text[pos : m.start()], False))
            parts.append((self.canonical[m.group(0)], True))
            pos = m.end()
        if pos < len(text):
            parts.append((text[pos:], False))
        return parts


_NO_SYNONYMS = Synonyms()


def words(
    text: str, place_names: Iterable[str] = (), synonyms: Synonyms | None = None
) -> list[str]:
    """Normalised, synonym-mapped content words of the text, in order (repeats kept)."""
    syn = synonyms or _NO_SYNONYMS
    stop = _stop_words()
    out: list[str] = []
    for part, is_synonym in syn.split(normalise(text, place_names)):
        if is_synonym:
            out.append(part)
            continue
        for chunk in part.split():
            for tok in _segment(chunk):
                if tok in stop or (len(tok) < 2 and not tok.isdigit()) or tok.isdigit():
                    continue
                out.append(tok)
    return out
