"""Thai-aware free-text search: words split with PyThaiNLP, since Thai writes no spaces between
words and database text search does not split them.

A record keeps ``search_key(title, summary, …)`` (its distinct words, space-separated, with
spaces around) and a query matches when every word of the query is one of them, so
``ผู้สูงอายุ`` finds ``ดูแลผู้สูงอายุติดเตียง`` and ``ดูแล ผู้สูงอายุ`` finds it in any order.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.db.models import Q

from saan.core.thai import normalise_digits

_NOT_WORD = re.compile(r"^[\W_]+$")


@lru_cache(maxsize=4096)
def _tokenise(text: str) -> tuple[str, ...]:
    from pythainlp.tokenize import word_tokenize  # imported late: it loads a dictionary

    return tuple(word_tokenize(text, engine="newmm", keep_whitespace=False))


def words(text: str) -> list[str]:
    """The words of a text, lower-cased, Thai digits as Arabic, punctuation dropped."""
    clean = normalise_digits(text or "").lower()
    found: list[str] = []
    for chunk in clean.split():
        for token in _tokenise(chunk):
            token = token.strip()
            if token and not _NOT_WORD.match(token):
                found.append(token)
    return found


def search_key(*texts: str) -> str:
    """Distinct words of the texts, space-separated with a space at both ends."""
    seen: dict[str, None] = {}
    for text in texts:
        for word in words(text):
            seen.setdefault(word, None)
    return f" {' '.join(seen)} " if seen else ""


def matches_q(field: str, query: str) -> Q:
    """Every word of the query appears as a word of ``field`` (a ``search_key`` column); a word
    also matches longer words that start with it, so a partly typed word still finds things."""
    q = Q()
    for word in dict.fromkeys(words(query)):
        q &= Q(**{f"{field}__contains": f" {word}"})
    return q
